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
STANDIN = os.path.join(HERE, "..", "..", "..", "support", "line_standin.py")
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


    def post_api(self, path, body, key=None):
        headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
        if key is not None:
            headers["X-Line-Retry-Key"] = key
        return self.call("POST", path, body, headers)

    def get_api(self, path):
        return self.call("GET", path, None, {"Authorization": f"Bearer {TOKEN}"})

    def test_multicast_reply_and_flex_are_checked_against_the_spec(self):
        users = ["U" + f"{i:032x}" for i in range(500)]
        text = [{"type": "text", "text": "【緊急】避難指示"}]
        self.assertEqual(self.post_api("/v2/bot/message/multicast",
                                       {"to": users, "messages": text}, str(uuid.uuid4()))[0], 200)
        self.assertEqual(self.post_api("/v2/bot/message/multicast",
                                       {"to": users + ["U" + "f" * 32], "messages": text})[0], 400)
        self.assertEqual(self.post_api("/v2/bot/message/multicast", {"messages": text})[0], 400)
        flex = {"type": "flex", "altText": "【緊急】避難指示",
                "contents": {"type": "bubble",
                             "header": {"type": "box", "layout": "vertical",
                                        "contents": [{"type": "text", "text": "警戒レベル4"}]},
                             "footer": {"type": "box", "layout": "vertical", "contents": [
                                 {"type": "button", "action": {"type": "uri", "label": "詳細",
                                                               "uri": "https://example.jp/"}}]}}}
        self.assertEqual(self.post_api("/v2/bot/message/multicast",
                                       {"to": users[:1], "messages": [flex]})[0], 200)
        no_alt = dict(flex)
        del no_alt["altText"]
        no_layout = json.loads(json.dumps(flex))
        del no_layout["contents"]["header"]["layout"]
        no_text = json.loads(json.dumps(flex))
        del no_text["contents"]["header"]["contents"][0]["text"]
        no_action = json.loads(json.dumps(flex))
        del no_action["contents"]["footer"]["contents"][0]["action"]
        for bad in (no_alt, no_layout, no_text, no_action):
            status, _, body = self.post_api("/v2/bot/message/multicast",
                                            {"to": users[:1], "messages": [bad]})
            self.assertEqual(status, 400, bad)
        quick = {"type": "text", "text": "メニュー", "quickReply": {"items": [
            {"type": "action", "action": {"type": "postback", "label": "区全域", "data": "a=ward",
                                          "displayText": "区全域"}}]}}
        self.assertEqual(self.post_api("/v2/bot/message/reply",
                                       {"replyToken": "t", "messages": [quick]})[0], 200)
        long_label = json.loads(json.dumps(quick))
        long_label["quickReply"]["items"][0]["action"]["label"] = "x" * 21
        self.assertEqual(self.post_api("/v2/bot/message/reply",
                                       {"replyToken": "t", "messages": [long_label]})[0], 400)
        # LINE refuses a retry key on reply.
        self.assertEqual(self.post_api("/v2/bot/message/reply",
                                       {"replyToken": "t", "messages": [quick]},
                                       str(uuid.uuid4()))[0], 400)
        self.assertEqual(len(self.violations()), 8)

    def test_quota_endpoints_and_the_monthly_limit(self):
        status, _, quota = self.get_api("/v2/bot/message/quota")
        self.assertEqual((status, quota), (200, {"type": "none"}))
        self.call("POST", "/__standin/quota", {"type": "limited", "value": 3, "totalUsage": 1})
        self.assertEqual(self.get_api("/v2/bot/message/quota")[2], {"type": "limited", "value": 3})
        self.assertEqual(self.get_api("/v2/bot/message/quota/consumption")[2], {"totalUsage": 1})
        text = [{"type": "text", "text": "x"}]
        two = ["U" + "1" * 32, "U" + "2" * 32]
        key = str(uuid.uuid4())
        self.assertEqual(self.post_api("/v2/bot/message/multicast", {"to": two, "messages": text},
                                       key)[0], 200)
        self.assertEqual(self.get_api("/v2/bot/message/quota/consumption")[2], {"totalUsage": 3})
        status, _, body = self.post_api("/v2/bot/message/multicast",
                                        {"to": two[:1], "messages": text}, str(uuid.uuid4()))
        self.assertEqual((status, body["message"]), (429, "You have reached your monthly limit."))
        self.assertEqual(self.violations(), [])

    def test_rate_limits_answer_429_over_the_window(self):
        self.call("POST", "/__standin/rate_limits", {"broadcast": [2, 60]})
        body = {"messages": [{"type": "text", "text": "x"}]}
        codes = [self.broadcast(body, key=str(uuid.uuid4()))[0] for _ in range(3)]
        self.assertEqual(codes, [200, 200, 429])
        stats = self.call("GET", "/__standin/stats")[2]
        self.assertEqual(stats["rate_limited"], 1)
        self.assertEqual(stats["max_in_window"], {"broadcast": 2})

    def test_faults_can_target_one_operation(self):
        self.call("POST", "/__standin/faults", {"status": 500, "count": 1,
                                                "operation": "broadcast"})
        self.assertEqual(self.get_api("/v2/bot/message/quota")[0], 200)
        body = {"messages": [{"type": "text", "text": "x"}]}
        self.assertEqual(self.broadcast(body, key=str(uuid.uuid4()))[0], 500)
        self.assertEqual(self.broadcast(body, key=str(uuid.uuid4()))[0], 200)

    def test_a_delayed_answer_times_the_client_out(self):
        self.call("POST", "/__standin/faults", {"status": 200, "count": 1, "delay_ms": 1500})
        req = urllib.request.Request(self.base + "/v2/bot/message/quota", method="GET")
        req.add_header("Authorization", f"Bearer {TOKEN}")
        with self.assertRaises(OSError):  # socket.timeout / URLError
            urllib.request.urlopen(req, timeout=0.5).read()

if __name__ == "__main__":
    unittest.main()
