"""One real alert end to end: spool or HTTP -> hub -> MQTT -> player, LINE, mail; then its
Cancel. Runs the real binaries against a real Mosquitto, aiosmtpd and the LINE stand-in."""

import json
import os
import subprocess
import sys
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
import stack as st  # noqa: E402

THUNDERSTORM = st.SHARED_FIXTURES / "cap" / "spec" / "Oasis_ThunderstormWarning.xml"
THUNDERSTORM_CANCEL = st.PROJECT_FIXTURES / "cap" / "thunderstorm_cancel.xml"
MINATO = st.PROJECT_FIXTURES / "cap" / "minato_evacuation_order.xml"
MINATO_CANCEL = st.PROJECT_FIXTURES / "cap" / "minato_evacuation_order_cancel.xml"
FRANCE = st.SHARED_FIXTURES / "cap" / "real" / "multi-area.xml"

DEADLINE_S = 5.0  # the promise: everything within 5 s of the drop


def replay_pair(alert_path, cancel_path):
    return st.replay_pair(alert_path.read_text("utf-8"), cancel_path.read_text("utf-8"))


class FoundationEndToEnd(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.stack = st.Stack(binaries=os.environ.get("ALERTHUB_BIN"),
                             player_areas=("131032", "006109")).start()

    @classmethod
    def tearDownClass(cls):
        cls.stack.stop()

    def wait(self, predicate, what, timeout=DEADLINE_S):
        value = st.wait_for(predicate, timeout)
        if not value:
            self.fail(f"not within {timeout} s: {what} (logs in {self.stack.logs})")
        return value

    def broadcasts(self):
        return [r for r in self.stack.line_requests()
                if r["path"] == "/v2/bot/message/broadcast" and r["status"] == 200]

    def mails_with(self, text):
        return [m for m in self.stack.mails() if text in str(m["subject"])]

    def test_1_real_cap_alert_reaches_every_channel_and_its_cancel_clears_the_screen(self):
        s = self.stack
        idle_png = s.screenshot().read_bytes()
        line_before, mails_before = len(self.broadcasts()), len(s.mails())
        alert_xml, cancel_xml = replay_pair(THUNDERSTORM, THUNDERSTORM_CANCEL)

        s.drop(alert_xml, "thunderstorm.xml")
        ack = self.wait(lambda: next((a for a in s.acks() if a["version"] == 1), None),
                        "the player's display ack")
        alert_id = ack["alert_id"]
        self.assertEqual(ack["device_id"], s.device_id)
        self.wait(lambda: s.screen().get("alert_id") == alert_id, "the alert on screen")
        screen = s.screen()
        self.assertEqual((screen["screen"], screen["version"]), ("alert", 1))
        self.assertNotEqual(s.screenshot().read_bytes(), idle_png)
        self.assertTrue((s.spool / "done" / "thunderstorm.xml").exists())

        self.wait(lambda: len(self.broadcasts()) == line_before + 1, "one LINE broadcast")
        text = self.broadcasts()[-1]["body"]["messages"][0]["text"]
        self.assertIn("SEVERE THUNDERSTORM WARNING", text)
        # An alert in English only: the broadcast's first line is English, and so is its
        # marker (a Japanese subscriber's mail keeps 【警報】, below).
        self.assertTrue(text.startswith("[WARNING]"), text)
        self.assertEqual(s.line_violations(), [])

        mail = self.wait(lambda: self.mails_with("SEVERE THUNDERSTORM WARNING"), "the mail")[0]
        self.assertTrue(str(mail["subject"]).startswith("【警報】"), mail["subject"])
        self.assertEqual(len(s.mails()), mails_before + 1)
        self.assertIn("TAKE COVER", mail.get_body(("plain",)).get_content())

        # The CAP Cancel: the screen goes back to idle and both channels say it is cancelled
        # (【取消】: CAP cannot tell a lift from a withdrawal; the ward's own 解除 is lifted).
        s.drop(cancel_xml, "thunderstorm_cancel.xml")
        self.wait(lambda: s.screen().get("screen") == "idle", "the idle screen after the Cancel")
        self.wait(lambda: len(self.broadcasts()) == line_before + 2, "the cancel on LINE")
        # English only, like the alert: its marker in English.
        self.assertTrue(
            self.broadcasts()[-1]["body"]["messages"][0]["text"].startswith("[CANCELLED]"))
        self.wait(lambda: self.mails_with("【取消】"), "the cancel mail")
        retained = [p for _t, topic, p, _r in s.messages(f"/alerts/{alert_id}")]
        self.assertIn(b'"state":"cancelled"', retained[-1])
        self.assertIn(b'"version":2', retained[-1])

        # Both receipts per version reached the broker, each job delivered once.
        for channel in ("line", "mail"):
            receipts = self.wait(lambda: [r for r in s.receipts(channel)
                                          if r["alert_id"] == alert_id and
                                          r["outcome"] == "accepted"], f"{channel} receipts")
            self.wait(lambda: len({r["version"] for r in s.receipts(channel)
                                   if r["alert_id"] == alert_id}) == 2,
                      f"{channel} receipts for both versions")
            self.assertTrue(receipts)

    def test_2_japanese_alert_over_http_keeps_its_japanese_everywhere(self):
        s = self.stack
        alert_xml, cancel_xml = replay_pair(MINATO, MINATO_CANCEL)
        status, body = s.post(alert_xml.encode("utf-8"), token="wrong-token")
        self.assertEqual(status, 401)

        status, body = s.post(alert_xml.encode("utf-8"))
        self.assertEqual(status, 202, body)
        alert_id = body["alert_id"]
        self.wait(lambda: any(a["alert_id"] == alert_id for a in s.acks()), "the ack")
        self.wait(lambda: s.screen().get("alert_id") == alert_id, "the alert on screen")

        mail = self.wait(lambda: self.mails_with("避難指示"), "the Japanese mail")[0]
        self.assertTrue(str(mail["subject"]).startswith("【緊急】"), mail["subject"])
        raw_subject = [line for line in mail.as_bytes().split(b"\n")
                       if line.lower().startswith(b"subject:")][0]
        self.assertIn(b"=?UTF-8?B?", raw_subject.upper().replace(b"?B?", b"?B?"))
        # 警戒レベル4: a Flex message, whose altText is the notification line.
        self.wait(lambda: any("避難指示" in r["body"]["messages"][0].get("altText", "")
                              for r in self.broadcasts()), "the Japanese LINE Flex message")

        # Sending the same document again is acknowledged, not delivered again.
        mails = len(s.mails())
        status, again = s.post(alert_xml.encode("utf-8"))
        self.assertEqual((status, again["duplicate"], again["alert_id"]), (202, True, alert_id))

        status, body = s.post(cancel_xml.encode("utf-8"))
        self.assertEqual((status, body["alert_id"], body["version"]), (202, alert_id, 2))
        self.wait(lambda: s.screen().get("screen") == "idle", "idle after the cancel")
        self.wait(lambda: len(s.mails()) == mails + 1, "exactly one cancel mail")

    def test_3_alert_for_another_area_is_journaled_but_never_sent(self):
        s = self.stack
        s.drop(st.replay_fixture(FRANCE), "france.xml")
        self.wait(lambda: (s.spool / "done" / "france.xml").exists(), "the French alert journaled")
        # The hub serves 港区 (and the thunderstorm's county): the French alert is recorded
        # with its routing decision and goes nowhere.
        routing = subprocess.run(
            [str(s.bin / "hubctl"), "routing", "--journal", str(s.workdir / "journal.db")],
            capture_output=True, text=True, check=True).stdout
        self.assertIn("journaled only", routing)
        self.assertIn("out of area: no JIS X 0402 or JMA area code", routing)
        # Messages are published in order: once the next (matching) alert is on screen, the
        # French one would have been on the broker before it.
        # New identifiers for both (test 1's cancel, replayed within the same second, would
        # be a duplicate and ignored).
        alert_xml, cancel_xml = [x.replace("KSTO10558", "KSTO-area-test-10558")
                                 for x in replay_pair(THUNDERSTORM, THUNDERSTORM_CANCEL)]
        s.drop(alert_xml, "thunderstorm-again.xml")
        self.wait(lambda: next((a for a in s.acks()
                                if a["alert_id"] == s.screen().get("alert_id")), None),
                  "the matching alert's ack")
        self.assertIsNone(self.alert_id_of("vigilance@meteo.fr"))
        self.assertFalse([r for r in self.broadcasts()
                          if "meteo" in json.dumps(r["body"], ensure_ascii=False).lower()])
        s.drop(cancel_xml, "thunderstorm-again-cancel.xml")
        self.wait(lambda: s.screen().get("screen") == "idle", "idle after the cancel")

    def alert_id_of(self, sender_part):
        for _t, _topic, payload, _r in self.stack.messages("/alerts/"):
            if payload and sender_part.encode() in payload:
                return json.loads(payload)["id"]
        return None

    def test_4_malformed_input_is_quarantined_with_a_reason(self):
        s = self.stack
        xee = (st.SHARED_FIXTURES / "cap" / "invalid" / "xee.cap").read_text("utf-8")
        s.drop(xee, "xee.cap")
        reason = s.spool / "quarantine" / "xee.cap.reason.txt"
        self.wait(lambda: reason.exists(), "the quarantine reason file")
        self.assertIn("DOCTYPE", reason.read_text())
        self.assertTrue((s.spool / "quarantine" / "xee.cap").exists())
        status, body = s.post(b"<alert>not cap</alert>")
        self.assertEqual(status, 422)
        self.assertTrue(body.get("error"))
        self.assertTrue(s.hub_healthy())


if __name__ == "__main__":
    unittest.main()
