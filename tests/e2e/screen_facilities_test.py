"""Issue 15, point 3 on the screens: staff set a facility's status with `hubctl site status`
(another process, as the operator page is) and, within a second, the screen at 品川駅港南口
showing an evacuation order lists that facility with its state and count: the real hub,
the real headless signage-player (its latest.json), a real Mosquitto. Only the hub's
signed list reaches the screen: an intruder's unsigned list on the screen's topic changes
nothing and is counted in the player's status. (The production broker's ACL refuses the
intruder before that: tests/integration/core/mqtt_security_test.cpp.)"""

import json
import os
import subprocess
import sys
import time
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
import stack as st  # noqa: E402
import site_test as site_e2e  # noqa: E402  (the fixture and the nearest site, read from GSI)

LOCATION = "shinagawa-konan"
TOPIC = f"{st.TOPIC_ROOT}/facilities/{LOCATION}"


class ScreenFacilities(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.stack = st.Stack(binaries=os.environ.get("ALERTHUB_BIN"),
                             site_location=LOCATION).start()

    @classmethod
    def tearDownClass(cls):
        cls.stack.stop()

    def wait(self, predicate, what, timeout=5.0):
        value = st.wait_for(predicate, timeout)
        if not value:
            self.fail(f"not within {timeout} s: {what} (logs in {self.stack.logs}; "
                      f"screen: {self.stack.screen()})")
        return value

    def hubctl(self, *args):
        done = subprocess.run([str(self.stack.bin / "hubctl"), *args, "--config",
                               str(self.stack.workdir / "hub.toml")],
                              capture_output=True, text=True)
        self.assertEqual(done.returncode, 0, done.stderr)

    def rows(self):
        panel = self.stack.screen().get("facilities") or {}
        return panel.get("rows", [])

    def player_status(self):
        found = self.stack.messages(f"{st.TOPIC_ROOT}/devices/{self.stack.device_id}/status")
        return json.loads(found[-1][2]) if found else {}

    def retained_list(self):
        got = []
        client = st.mqtt.Client(client_id="e2e-new-screen", protocol=st.mqtt.MQTTv311)
        client.on_connect = lambda c, *_: c.subscribe(TOPIC, qos=1)
        client.on_message = lambda _c, _u, m: got.append(m) if m.retain else None
        client.connect("127.0.0.1", self.stack.mqtt_port)
        client.loop_start()
        try:
            self.wait(lambda: got, "the retained list for a screen that connects now")
        finally:
            client.loop_stop()
            client.disconnect()
        return got[0].payload

    def test_1_a_status_change_is_on_the_screen_within_a_second(self):
        s = self.stack
        facility_id, name = site_e2e.nearest_storm_surge_site(site_e2e.KONAN)
        self.hubctl("site", "status", facility_id, "open", "--count", "12", "--by", "e2e")
        s.drop(st.replay_fixture(site_e2e.MINATO), "minato.xml")  # 高潮: an evacuation order
        self.wait(lambda: s.screen().get("alert_id"), "the evacuation order on screen")
        self.wait(lambda: [r for r in self.rows() if name in r and "開設中" in r and "12" in r],
                  f"{name} open with 12 people in the screen's facilities panel")
        panel = s.screen()["facilities"]
        self.assertTrue(panel["title"].startswith("近くの開設中の避難所・施設"), panel)

        # What a screen that connects now gets: the hub's retained, signed list.
        published = json.loads(self.retained_list())
        self.assertEqual(published["schema"], "alerthub.facilities/1")
        self.assertNotEqual(published["signature"], "")  # signed by the hub
        self.assertEqual(published["facilities"][0]["id"], facility_id)

        started = time.monotonic()
        self.hubctl("site", "status", facility_id, "full", "--count", "300", "--by", "e2e")
        self.wait(lambda: [r for r in self.rows() if name in r and "満員" in r and "300" in r],
                  "満員 on the screen", 1.5)
        elapsed = time.monotonic() - started
        print(f"status change to screen: {elapsed * 1000:.0f} ms (hubctl start-up included)")
        self.assertLess(elapsed, 1.5)

    def test_2_an_intruders_unsigned_list_is_refused(self):
        s = self.stack
        before = self.rows()
        self.assertTrue(before, "test_1 left a facility on screen")
        refused = self.player_status().get("refused_messages", 0)
        fake = json.loads(s.messages(TOPIC)[-1][2])
        fake["version"] += 1000
        fake["signature"] = ""
        for f in fake["facilities"]:
            f["state"], f["taken_in"] = "open", 0  # "come here, it is empty"
        intruder = st.mqtt.Client(client_id="e2e-intruder", protocol=st.mqtt.MQTTv311)
        intruder.connect("127.0.0.1", s.mqtt_port)
        intruder.loop_start()
        intruder.publish(TOPIC, json.dumps(fake), qos=1, retain=True).wait_for_publish(5)
        intruder.loop_stop()
        intruder.disconnect()
        self.wait(lambda: self.player_status().get("refused_messages", 0) > refused,
                  "the refusal counted in the player's status")
        self.assertIn("facilities/shinagawa-konan", self.player_status()["last_refusal"])
        self.assertEqual(self.rows(), before)


if __name__ == "__main__":
    unittest.main()
