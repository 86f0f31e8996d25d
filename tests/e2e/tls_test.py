"""The real binaries over TLS against the production broker set-up: certificates made for
the test, config/mosquitto/production.conf with its ACL and one identity per process
(scripts/broker-identity). A real alert reaches the screen, LINE and mail and its Cancel
clears the screen; a client without an identity, or a screen's identity writing alerts,
gets nothing through."""

import os
import ssl
import sys
import unittest
from pathlib import Path

import paho.mqtt.client as mqtt

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
import stack as st  # noqa: E402

MINATO = st.PROJECT_FIXTURES / "cap" / "minato_evacuation_order.xml"
MINATO_CANCEL = st.PROJECT_FIXTURES / "cap" / "minato_evacuation_order_cancel.xml"
DEADLINE_S = 5.0


def connect(stack, username=None, password=None, client_id="tls-test-client"):
    """A python client's CONNACK code on the stack's TLS listener (0 = accepted)."""
    client = mqtt.Client(client_id=client_id, protocol=mqtt.MQTTv311)
    if username:
        client.username_pw_set(username, password)
    client.tls_set(ca_certs=str(stack.pki / "ca.crt"), cert_reqs=ssl.CERT_REQUIRED,
                   tls_version=ssl.PROTOCOL_TLS_CLIENT)
    codes = []
    client.on_connect = lambda _c, _u, _f, rc: codes.append(rc)
    client.connect("127.0.0.1", stack.mqtt_port)
    client.loop_start()
    st.wait_for(lambda: codes, DEADLINE_S)
    return client, (codes or [None])[0]


class TlsEndToEnd(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.stack = st.Stack(binaries=os.environ.get("ALERTHUB_BIN"), player_areas=("131032",),
                             tls=True).start()

    @classmethod
    def tearDownClass(cls):
        cls.stack.stop()

    def wait(self, predicate, what, timeout=DEADLINE_S):
        value = st.wait_for(predicate, timeout)
        if not value:
            self.fail(f"not within {timeout} s: {what} (logs in {self.stack.logs})")
        return value

    def test_1_an_alert_and_its_cancel_flow_over_tls_to_every_channel(self):
        s = self.stack
        # Each daemon connects on its own thread: wait for each to say so.
        for name in ("hub", "player", "line-adapter", "mail-adapter"):
            log = s.logs / f"{name}.log"
            self.wait(lambda: "connected to ssl://127.0.0.1" in log.read_text(errors="replace"),
                      f"{name} connected over TLS")
        alert_xml, cancel_xml = st.replay_pair(MINATO.read_text("utf-8"),
                                               MINATO_CANCEL.read_text("utf-8"))

        status, body = s.post(alert_xml.encode("utf-8"))
        self.assertEqual(status, 202, body)
        alert_id = body["alert_id"]
        ack = self.wait(lambda: next((a for a in s.acks() if a["alert_id"] == alert_id), None),
                        "the player's ack over TLS")
        self.assertEqual(ack["device_id"], s.device_id)
        self.wait(lambda: s.screen().get("alert_id") == alert_id, "the alert on screen")
        for channel in ("line", "mail"):
            self.wait(lambda: [r for r in s.receipts(channel) if r["alert_id"] == alert_id],
                      f"the {channel} receipt")
        self.wait(lambda: [m for m in s.mails() if "避難指示" in str(m["subject"])], "the mail")

        status, body = s.post(cancel_xml.encode("utf-8"))
        self.assertEqual((status, body["version"]), (202, 2), body)
        self.wait(lambda: s.screen().get("screen") == "idle", "the idle screen after the Cancel")

    def test_2_no_identity_no_access_and_a_screen_cannot_publish_alerts(self):
        s = self.stack
        anonymous, code = connect(s)
        anonymous.loop_stop()
        self.assertEqual(code, 5, "anonymous: CONNACK 5, not authorised")
        wrong, code = connect(s, s.device_id, "guessed-password")
        wrong.loop_stop()
        self.assertEqual(code, 5, "a wrong password: CONNACK 5")

        # The screen's own identity, from another box: whatever it publishes outside its own
        # device topics never reaches anyone.
        thief, code = connect(s, s.device_id, s.password(s.device_id), client_id="anything")
        self.assertEqual(code, 0)
        thief.publish(f"{st.TOPIC_ROOT}/alerts/forged", b'{"forged":true}', qos=1,
                      retain=True).wait_for_publish(5)
        thief.publish(f"{st.TOPIC_ROOT}/jobs/mail", b'{"forged":true}', qos=1).wait_for_publish(5)
        # Its own screenshot topic is allowed: once that arrives, anything published before
        # it that the broker let through would have arrived too (one client, in order).
        sentinel = f"{st.TOPIC_ROOT}/devices/{s.device_id}/screenshot/tls-test-sentinel"
        thief.publish(sentinel, b"sentinel", qos=1).wait_for_publish(5)
        self.wait(lambda: s.messages(sentinel), "the sentinel from the screen's identity")
        self.assertEqual(s.messages("/alerts/forged"), [])
        self.assertFalse([m for m in s.messages("/jobs/mail") if b"forged" in m[2]])
        thief.loop_stop()
        thief.disconnect()
        # The thief's connect took over the player's session (the same identity is the same
        # client id); the player reconnects and says it is online again.
        status = f"{st.TOPIC_ROOT}/devices/{s.device_id}/status"
        since = s.messages(sentinel)[0][0]
        self.wait(lambda: [m for m in s.messages(status)
                           if m[0] > since and b'"online":true' in m[2]],
                  "the player online again", timeout=15)

if __name__ == "__main__":
    unittest.main()
