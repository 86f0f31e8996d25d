#!/usr/bin/python3
"""Checks the LINE Messaging API stand-in (tests/support/line_standin.py) itself: it must
accept what LINE accepts and flag what LINE would reject, or the adapter's integration
tests prove nothing."""

import json
import os
import subprocess
import sys
import unittest
import urllib.error
import urllib.request
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
STANDIN = os.path.join(HERE, "..", "..", "support", "line_standin.py")
TOKEN = "test-channel-token"


class LineStandinTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.proc = subprocess.Popen(
            [sys.executable, STANDIN, "--port", "0", "--token", TOKEN],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = cls.proc.stdout.readline()
        if not line.startswith("PORT "):
            cls.proc.kill()
            raise RuntimeError("stand-in did not start: " + line + cls.proc.stderr.read())
        cls.base = f"http://127.0.0.1:{int(line.split()[1])}"

    @classmethod
    def tearDownClass(cls):
        cls.proc.terminate()
        cls.proc.wait(timeout=5)
        cls.proc.stdout.close()
        cls.proc.stderr.close()

    def setUp(self):
        self.call("POST", "/__standin/reset", {})

    def call(self, method, path, body=None, headers=None, raw=None):
        data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
        req = urllib.request.Request(self.base + path, data=data, method=method)
        for name, value in (headers or {}).items():
            req.add_header(name, value)
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                return resp.status, dict(resp.headers), json.loads(resp.read() or b"null")
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers), json.loads(e.read() or b"null")

    def broadcast(self, body, key=None, token=TOKEN, content_type="application/json"):
        headers = {"Authorization": f"Bearer {token}", "Content-Type": content_type}
        if key is not None:
            headers["X-Line-Retry-Key"] = key
        return self.call("POST", "/v2/bot/message/broadcast", body, headers)

    def violations(self):
        return self.call("GET", "/__standin/violations")[2]

    def test_valid_broadcast_is_accepted_without_violations(self):
        status, headers, body = self.broadcast(
            {"messages": [{"type": "text", "text": "【緊急】避難指示"}]}, key=str(uuid.uuid4()))
        self.assertEqual(status, 200)
        self.assertEqual(body, {})
        self.assertTrue(headers.get("X-Line-Request-Id"))
        self.assertEqual(self.violations(), [])
        requests = self.call("GET", "/__standin/requests")[2]
        self.assertEqual(len(requests), 1)
        self.assertEqual(requests[0]["body"]["messages"][0]["text"], "【緊急】避難指示")
        self.assertEqual(requests[0]["operation"], "broadcast")

    def test_text_message_without_text_is_a_violation(self):
        status, _, body = self.broadcast({"messages": [{"type": "text"}]})
        self.assertEqual(status, 400)
        self.assertIn("messages[0].text", [d["property"] for d in body["details"]])
        self.assertEqual(len(self.violations()), 1)

    def test_unknown_message_type_and_schema_limits_are_violations(self):
        status, _, body = self.broadcast({"messages": [{"type": "txt", "text": "x"}]})
        self.assertEqual(status, 400)
        self.assertIn("messages[0].type", [d["property"] for d in body["details"]])
        six = [{"type": "text", "text": str(i)} for i in range(6)]
        self.assertEqual(self.broadcast({"messages": six})[0], 400)
        self.assertEqual(self.broadcast({"messages": []})[0], 400)
        self.assertEqual(self.broadcast({"messages": [{"type": "text", "text": 5}]})[0], 400)
        # 4,999 kanji and one surrogate pair = 5,001 UTF-16 units: over LINE's limit.
        self.assertEqual(self.broadcast({"messages": [{"type": "text", "text": "あ" * 4999 + "𠮷"}]})[0], 400)
        self.assertEqual(self.broadcast({"messages": [{"type": "text", "text": "あ" * 4998 + "𠮷"}]})[0], 200)
        self.assertEqual(len(self.violations()), 5)

    def test_unknown_path_is_a_violation(self):
        status, headers, _ = self.call("POST", "/v2/bot/message/broadcastx", {"messages": []},
                                       {"Authorization": f"Bearer {TOKEN}"})
        self.assertEqual(status, 404)
        self.assertTrue(headers.get("X-Line-Request-Id"))
        [v] = self.violations()
        self.assertEqual(v["path"], "/v2/bot/message/broadcastx")

    def test_bad_authorization_and_content_type_are_violations(self):
        body = {"messages": [{"type": "text", "text": "x"}]}
        self.assertEqual(self.broadcast(body, token="wrong")[0], 401)
        self.assertEqual(self.broadcast(body, content_type="text/plain")[0], 400)
        status, _, _ = self.call("POST", "/v2/bot/message/broadcast", body,
                                 {"Content-Type": "application/json"})
        self.assertEqual(status, 401)
        self.assertEqual(len(self.violations()), 3)

    def test_bad_retry_key_format_is_a_violation(self):
        status, _, body = self.broadcast({"messages": [{"type": "text", "text": "x"}]},
                                         key="not-a-uuid")
        self.assertEqual(status, 400)
        self.assertEqual(body["details"][0]["property"], "X-Line-Retry-Key")
        self.assertEqual(len(self.violations()), 1)

    def test_retry_key_on_an_operation_without_it_is_a_violation(self):
        status, _, _ = self.call("GET", "/v2/bot/message/quota", None,
                                 {"Authorization": f"Bearer {TOKEN}",
                                  "X-Line-Retry-Key": str(uuid.uuid4())})
        self.assertEqual(status, 400)
        self.assertEqual(len(self.violations()), 1)

    def test_repeated_retry_key_gets_409_naming_the_first_request(self):
        key = str(uuid.uuid4())
        body = {"messages": [{"type": "text", "text": "x"}]}
        status, first_headers, _ = self.broadcast(body, key=key)
        self.assertEqual(status, 200)
        status, headers, answer = self.broadcast(body, key=key)
        self.assertEqual(status, 409)
        self.assertEqual(answer, {"message": "The retry key is already accepted"})
        self.assertEqual(headers.get("x-line-accepted-request-id"),
                         first_headers.get("X-Line-Request-Id"))
        self.assertEqual(self.violations(), [])

    def test_faults_apply_to_the_next_requests_only(self):
        self.call("POST", "/__standin/faults", {"status": 500, "count": 2})
        key = str(uuid.uuid4())
        body = {"messages": [{"type": "text", "text": "x"}]}
        self.assertEqual(self.broadcast(body, key=key)[0], 500)
        self.assertEqual(self.broadcast(body, key=key)[0], 500)
        self.assertEqual(self.broadcast(body, key=key)[0], 200)  # not accepted before
        self.call("POST", "/__standin/faults",
                  {"status": 429, "count": 1, "body": {"message": "You have reached your monthly limit."}})
        status, _, answer = self.broadcast(body, key=str(uuid.uuid4()))
        self.assertEqual((status, answer["message"]), (429, "You have reached your monthly limit."))

    def test_accepting_fault_uses_up_the_retry_key(self):
        self.call("POST", "/__standin/faults", {"status": 500, "count": 1, "accept": True})
        key = str(uuid.uuid4())
        body = {"messages": [{"type": "text", "text": "x"}]}
        self.assertEqual(self.broadcast(body, key=key)[0], 500)
        self.assertEqual(self.broadcast(body, key=key)[0], 409)


if __name__ == "__main__":
    unittest.main()
