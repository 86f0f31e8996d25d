"""The hub's HTTP doors under abuse, against the real alerthub-hub (and, last, the real nginx
with config/nginx/alerthub.conf as shipped in front of it), all on loopback:

- slowloris on the ingest door and on the console while a real telegram gets in;
- an attacker hammering the only approver's name cannot keep the approver out;
- a JMA relay's token (and a CAP feed's) trying to cancel a staff notice is refused 403,
  the forgery quarantined, the notice still in force;
- X-Forwarded-For from a peer that is not the trusted proxy is ignored;
- nginx: requests pass, a slow client is cut off by nginx, log-ins are rate-limited, and
  the hub sees the client's address through the trusted proxy.

Loopback has a whole /8: clients bind 127.0.0.x source addresses to be told apart."""

import http.client
import json
import os
import shutil
import socket
import sqlite3
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "scripts"))
import stack as st  # noqa: E402

JMA_TOKEN = "jma-relay-token-for-tests-0123456789"
CAP_TOKEN = "cap-feed-token-for-tests-0123456789"
EEW = st.SHARED_FIXTURES / "jma" / "eew" / "37_01_01_240613_VXSE43.xml"
REQUEST_TIMEOUT_S = 5   # [http] request_timeout_s for this hub
WORKERS = 64            # [http] workers
SLOW_CLIENTS = 50       # per door
CONSOLE_SENDER = "bousai@city.minato.tokyo.jp"  # console.cap_sender's default
TARGET_PASSWORD = "target-operator-password-1234"


def request(port, method, path, body=None, headers=None, source="127.0.0.1", tls=None,
            timeout=10):
    """(status, headers, body bytes) of one request from `source` (a loopback address)."""
    if tls:
        conn = http.client.HTTPSConnection("127.0.0.1", port, timeout=timeout,
                                           source_address=(source, 0), context=tls)
    else:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout,
                                          source_address=(source, 0))
    try:
        conn.request(method, path, body=body, headers=headers or {})
        r = conn.getresponse()
        return r.status, dict(r.getheaders()), r.read()
    finally:
        conn.close()


def post_json(port, path, doc, source="127.0.0.1", cookie=None, csrf=None, tls=None,
              extra=None):
    headers = {"Content-Type": "application/json", **(extra or {})}
    if cookie:
        headers["Cookie"] = cookie
    if csrf:
        headers["X-CSRF-Token"] = csrf
    status, hdrs, body = request(port, "POST", path, json.dumps(doc).encode(), headers,
                                 source=source, tls=tls)
    return status, hdrs, json.loads(body or b"{}") if body.startswith(b"{") else body


class Slowloris:
    """`count` connections from `source`, each sending `head` a byte every `gap` seconds
    until the server closes it. `cut_after` holds how long each one lasted."""

    def __init__(self, port, head, count, source="127.0.0.1", gap=1.0, tls=None):
        self.cut_after = []
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._run, args=(port, head, source, gap, tls),
                                          daemon=True) for _ in range(count)]
        for t in self._threads:
            t.start()

    def _run(self, port, head, source, gap, tls):
        sock = socket.create_connection(("127.0.0.1", port), timeout=5,
                                        source_address=(source, 0))
        if tls:
            sock = tls.wrap_socket(sock, server_hostname="127.0.0.1")
        start = time.monotonic()
        sock.settimeout(gap)
        i = 0
        try:
            while time.monotonic() - start < 60:
                sock.sendall(head[i % len(head):i % len(head) + 1])
                i += 1
                try:
                    data = sock.recv(4096)
                    if not data:
                        break
                    # An answer (nginx: 408) and then the close.
                    sock.settimeout(2)
                    while sock.recv(4096):
                        pass
                    break
                except (socket.timeout, TimeoutError):
                    pass
        except OSError:
            pass  # reset by the server: cut off all the same
        finally:
            sock.close()
        with self._lock:
            self.cut_after.append(time.monotonic() - start)

    def join(self, timeout):
        deadline = time.monotonic() + timeout
        for t in self._threads:
            t.join(max(0.0, deadline - time.monotonic()))
        return [t for t in self._threads if t.is_alive()]


class HttpDoors(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        s = cls.stack = st.Stack(binaries=os.environ.get("ALERTHUB_BIN"), console=True)
        s._write_secrets()
        (s.workdir / "jma.token").write_text(JMA_TOKEN + "\n")
        (s.workdir / "cap.token").write_text(CAP_TOKEN + "\n")
        s.start_broker()
        conf = s.workdir / "hub.toml"
        conf.write_text(
            s._mqtt_section("alerthub-hub", "alerthub-hub") +
            f'[journal]\npath = "{s.workdir / "journal.db"}"\n'
            f'[spool]\ndir = "{s.spool}"\n'
            f'[ingest]\nlisten_host = "127.0.0.1"\nlisten_port = {s.hub_port}\n'
            f'[ingest.tokens.jma-relay]\ntoken_file = "{s.workdir / "jma.token"}"\n'
            'sources = ["jma"]\n'
            f'[ingest.tokens.cap-feed]\ntoken_file = "{s.workdir / "cap.token"}"\n'
            'sources = ["cap"]\n'
            '[delivery]\nchannels = ["line", "mail"]\n'
            f'[area]\njma_table = "{st.REPO / "config" / "jma" / "areas_tokyo.tsv"}"\n'
            f'[phrases]\ndir = "{st.REPO / "config" / "phrases"}"\n' + s._console_section() +
            f'[http]\nrequest_timeout_s = {REQUEST_TIMEOUT_S}\nworkers = {WORKERS}\n'
            'trusted_proxies = ["127.0.0.1"]\n' + s._signing_section(hub=True))
        s._add_console_users(conf)
        # An operator of its own for the throttling test (the others keep working).
        subprocess.run([str(s.bin / "hubctl"), "users", "add", "target-operator", "--role",
                        "operator", "--config", str(conf)], input=TARGET_PASSWORD + "\n",
                       text=True, check=True, capture_output=True)
        s._spawn("hub", [str(s.bin / "alerthub-hub"), "--config", str(conf)])
        if not st.wait_for(lambda: s.hub_healthy() and st.port_open(s.console_port), 15):
            raise RuntimeError("hub did not start; see " + str(s.logs / "hub.log"))

    @classmethod
    def tearDownClass(cls):
        cls.stack.stop()

    # ----- helpers ---------------------------------------------------------------------

    def post_eew(self, port=None, source="127.0.0.1", tls=None, token=JMA_TOKEN):
        """The real 2024 緊急地震速報 telegram, as a deliberate replay (it is old)."""
        return request(port or self.stack.hub_port, "POST", "/api/v1/ingest/cap",
                       EEW.read_bytes(), {"Authorization": f"Bearer {token}",
                                          "Content-Type": "application/xml",
                                          "X-Alerthub-Replay": "security test"},
                       source=source, tls=tls)

    def log_in(self, user, password, source, port=None, tls=None, extra=None):
        status, hdrs, body = post_json(port or self.stack.console_port, "/api/v1/login",
                                       {"user": user, "password": password}, source=source,
                                       tls=tls, extra=extra)
        cookie = (hdrs.get("Set-Cookie") or "").split(";")[0]
        return status, hdrs, body, cookie

    def audit(self, action):
        """The audit entries of `action`, oldest first: (subject, detail dict)."""
        db = sqlite3.connect(f"file:{self.stack.workdir / 'journal.db'}?mode=ro", uri=True)
        try:
            rows = db.execute("SELECT subject, detail FROM audit_log WHERE action = ? "
                              "ORDER BY seq", (action,)).fetchall()
        finally:
            db.close()
        return [(subject, json.loads(detail)) for subject, detail in rows]

    def quarantined(self):
        q = self.stack.spool / "quarantine"
        return sorted(p.name for p in q.iterdir()) if q.exists() else []

    # ----- the attacks -----------------------------------------------------------------

    def test_1_slowloris_on_ingest_and_console_while_a_real_telegram_gets_in(self):
        s = self.stack
        head = b"POST /api/v1/ingest/cap HTTP/1.1\r\nHost: x\r\nX-Padding: " + b"a" * 400
        ingest_slow = Slowloris(s.hub_port, head, SLOW_CLIENTS, source="127.0.0.2")
        console_slow = Slowloris(s.console_port, b"GET /api/v1/session HTTP/1.1\r\nX-P: " +
                                 b"a" * 400, SLOW_CLIENTS, source="127.0.0.2")
        time.sleep(1.5)  # every slow connection is open and trickling
        started = time.monotonic()
        status, _, body = self.post_eew(source="127.0.0.3")
        ingest_ms = (time.monotonic() - started) * 1000
        self.assertEqual(status, 202, body)
        started = time.monotonic()
        status, _, _ = request(s.console_port, "GET", "/healthz", source="127.0.0.3")
        console_ms = (time.monotonic() - started) * 1000
        self.assertEqual(status, 200)
        print(f"\n  {SLOW_CLIENTS} slowloris connections on each door: real ingest answered in "
              f"{ingest_ms:.0f} ms, console in {console_ms:.0f} ms", file=sys.stderr)
        self.assertLess(ingest_ms, 2000)
        self.assertLess(console_ms, 2000)
        # And every slow connection is cut off at the request deadline, not left open.
        for slow in (ingest_slow, console_slow):
            self.assertEqual(slow.join(REQUEST_TIMEOUT_S + 10), [])
            self.assertEqual(len(slow.cut_after), SLOW_CLIENTS)
            self.assertLess(max(slow.cut_after), REQUEST_TIMEOUT_S + 3, slow.cut_after)
        print(f"  slow connections cut after {min(ingest_slow.cut_after):.1f}-"
              f"{max(ingest_slow.cut_after):.1f} s", file=sys.stderr)

    def test_2_hammering_the_only_approver_does_not_lock_the_approver_out(self):
        approver, (_, password) = "demo-approver", self.stack.console_users["demo-approver"]
        statuses = []
        for i in range(8):
            status, hdrs, body, _ = self.log_in(approver, f"guess-{i}", source="127.0.0.20")
            statuses.append(status)
        # Wrong passwords, then the name's throttle holds the attacker's address.
        self.assertEqual(statuses[:5], [401] * 5)
        self.assertEqual(set(statuses[5:]), {429})
        self.assertGreater(int(hdrs["Retry-After"]), 0)
        self.assertIn("秒後にもう一度お試しください", body["error"])
        # Even the right password from the attacker's address waits.
        self.assertEqual(self.log_in(approver, password, source="127.0.0.20")[0], 429)
        # The real approver, elsewhere, gets in: the last approver is never locked out.
        status, _, body, cookie = self.log_in(approver, password, source="127.0.0.21")
        self.assertEqual(status, 200, body)
        self.assertEqual(body["role"], "approver")
        logins = [d for subject, d in self.audit("login") if subject == approver]
        self.assertEqual(logins[-1].get("past_account_throttle"), "last approver")
        refused = [d for _, d in self.audit("login_refused") if d["remote"] == "127.0.0.20"]
        self.assertTrue(refused and refused[-1]["throttled"] == "account", refused)
        # An operator's name has no such pass.
        for i in range(5):
            self.log_in("target-operator", f"guess-{i}", source="127.0.0.22")
        self.assertEqual(self.log_in("target-operator", TARGET_PASSWORD, "127.0.0.23")[0], 429)

    def test_3_a_jma_relay_token_cannot_cancel_a_staff_notice(self):
        s = self.stack
        port = s.console_port
        # A staff notice: drafted by the operator, approved by the approver.
        _, _, op, op_cookie = self.log_in("demo-operator", s.console_users["demo-operator"][1],
                                          source="127.0.0.30")
        _, _, ap, ap_cookie = self.log_in("demo-approver", s.console_users["demo-approver"][1],
                                          source="127.0.0.31")
        self.assertIn("csrf_token", op)
        self.assertIn("csrf_token", ap)
        status, _, draft = post_json(port, "/api/v1/drafts", {
            "action": "issue", "template": "evac_order", "status": "actual",
            "hazard": "storm_surge", "areas": ["shibaura-1"], "shelters": ["芝浦小学校"]},
            source="127.0.0.30", cookie=op_cookie, csrf=op["csrf_token"])
        self.assertEqual(status, 201, draft)
        status, _, published = post_json(port, f"/api/v1/drafts/{draft['id']}/approve", {},
                                          source="127.0.0.31", cookie=ap_cookie,
                                          csrf=ap["csrf_token"])
        self.assertEqual(status, 200, published)
        alert_id = published["alert_id"]
        status, _, notice = request(port, "GET", f"/feed/cap/{alert_id}.xml")
        self.assertEqual(status, 200)
        notice = notice.decode()

        # The forgery: a CAP Cancel of the notice, as the console's sender, referencing it.
        def field(name):
            return notice.split(f"<{name}>", 1)[1].split(f"</{name}>", 1)[0]
        cancel = (notice.replace(f"<identifier>{field('identifier')}</identifier>",
                                 "<identifier>forged-cancel-1</identifier>")
                  .replace("<msgType>Alert</msgType>", "<msgType>Cancel</msgType>")
                  .replace("<scope>Public</scope>",
                           "<scope>Public</scope><references>"
                           f"{field('sender')},{field('identifier')},{field('sent')}"
                           "</references>"))
        self.assertIn("<msgType>Cancel</msgType>", cancel)
        self.assertIn(f"<sender>{CONSOLE_SENDER}</sender>", cancel)
        before = self.quarantined()
        for token, reason in ((JMA_TOKEN, "it is a CAP document; the token speaks for JMA only"),
                              (CAP_TOKEN, f"sender '{CONSOLE_SENDER}' is not one the token "
                                          "speaks for")):
            status, _, body = request(s.hub_port, "POST", "/api/v1/ingest/cap",
                                      cancel.encode(), {"Authorization": f"Bearer {token}",
                                                        "Content-Type": "application/xml"})
            self.assertEqual(status, 403, body)
            self.assertIn(reason, json.loads(body)["error"])
        # Both forgeries are kept in the quarantine, with the reason.
        kept = [n for n in self.quarantined() if n not in before]
        self.assertEqual(len([n for n in kept if n.endswith(".xml")]), 2, kept)
        # The notice is still in force.
        status, _, board = request(port, "GET", "/api/v1/board",
                                   headers={"Cookie": ap_cookie}, source="127.0.0.31")
        self.assertEqual(status, 200)
        states = {a["id"]: a["state"] for a in json.loads(board)["alerts"]}
        self.assertEqual(states.get(alert_id), "active", states)

    def test_4_forwarded_for_from_an_untrusted_peer_is_ignored(self):
        port = self.stack.console_port
        # 127.0.0.40 is not the trusted proxy (127.0.0.1): its header is its own invention.
        self.log_in("nobody", "guess", source="127.0.0.40",
                    extra={"X-Forwarded-For": "198.51.100.99"})
        # From the trusted proxy's address the header is believed.
        self.log_in("nobody", "guess", source="127.0.0.1",
                    extra={"X-Forwarded-For": "198.51.100.41"})
        remotes = [d["remote"] for subject, d in self.audit("login_failed")
                   if subject == "nobody"]
        self.assertIn("127.0.0.40", remotes)
        self.assertNotIn("198.51.100.99", remotes)
        self.assertIn("198.51.100.41", remotes)

    def test_5_nginx_in_front_passes_requests_and_cuts_slow_clients(self):
        s = self.stack
        work = Path(tempfile.mkdtemp(prefix="alerthub-nginx-", dir=s.workdir))
        subprocess.run([str(st.REPO / "tests" / "support" / "make-test-certs"), str(work)],
                       check=True)
        tls_port, http_port = st.free_port(), st.free_port()
        site = (st.REPO / "config" / "nginx" / "alerthub.conf").read_text()
        for shipped, here in (("listen 443 ssl http2;", f"listen 127.0.0.1:{tls_port} ssl http2;"),
                              ("listen [::]:443 ssl http2;", ""),
                              ("listen 80;", f"listen 127.0.0.1:{http_port};"),
                              ("listen [::]:80;", ""),
                              ("127.0.0.1:8081", f"127.0.0.1:{s.console_port}"),
                              ("127.0.0.1:8080", f"127.0.0.1:{s.hub_port}"),
                              ("/etc/ssl/alerthub/console.crt", str(work / "broker.crt")),
                              ("/etc/ssl/alerthub/console.key", str(work / "broker.key"))):
            self.assertIn(shipped, site)
            site = site.replace(shipped, here)
        (work / "alerthub.conf").write_text(site)
        # Debian's nginx.conf around a site, minus what needs root.
        (work / "nginx.conf").write_text(
            "worker_processes 1;\nevents { worker_connections 512; }\nhttp {\n"
            "  client_body_temp_path tmp/body;\n  proxy_temp_path tmp/proxy;\n"
            "  fastcgi_temp_path tmp/fastcgi;\n  uwsgi_temp_path tmp/uwsgi;\n"
            "  scgi_temp_path tmp/scgi;\n  access_log access.log;\n"
            f"  include {work / 'alerthub.conf'};\n}}\n")
        (work / "tmp").mkdir()
        nginx = subprocess.Popen(
            [shutil.which("nginx") or "/usr/sbin/nginx", "-p", str(work), "-e", str(work / "error.log"), "-c",
             str(work / "nginx.conf"), "-g", f"daemon off; pid {work / 'nginx.pid'};"],
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            self.assertTrue(st.wait_for(lambda: st.port_open(tls_port), 10),
                            (work / "error.log").read_text(errors="replace"))
            tls = ssl.create_default_context(cafile=str(work / "ca.crt"))
            # Requests pass: health, a real telegram with its relay's token.
            self.assertEqual(request(tls_port, "GET", "/healthz", tls=tls)[0], 200)
            status, _, body = self.post_eew(port=tls_port, source="127.0.0.50", tls=tls)
            self.assertIn(status, (200, 202), body)
            # Plain HTTP only redirects to HTTPS.
            status, hdrs, _ = request(http_port, "GET", "/")
            self.assertEqual(status, 301)
            self.assertTrue(hdrs["Location"].startswith("https://"))

            # The hub sees the client's address through the trusted proxy, whatever the
            # client writes in X-Forwarded-For itself.
            self.log_in("via-nginx", "guess", port=tls_port, tls=tls, source="127.0.0.51",
                        extra={"X-Forwarded-For": "203.0.113.66"})
            remotes = [d["remote"] for subject, d in self.audit("login_failed")
                       if subject == "via-nginx"]
            self.assertEqual(remotes, ["127.0.0.51"])

            # Log-ins are rate-limited by nginx before the hub's throttle: 10 a minute
            # with a burst of 5.
            # (A name per try, so that the hub's own throttle has nothing to say.)
            answers = [self.log_in(f"nginx-guess-{i}", "guess", port=tls_port, tls=tls,
                                   source="127.0.0.52")[:3] for i in range(9)]
            statuses = [status for status, _, _ in answers]
            self.assertIn(429, statuses)
            self.assertLessEqual(statuses.count(401), 6, statuses)
            self.assertIn(b"nginx", next(body for status, _, body in answers if status == 429))

            # Slow clients: nginx drops a header not complete in 10 s, and a real
            # telegram gets through meanwhile.
            slow = Slowloris(tls_port, b"GET / HTTP/1.1\r\nHost: x\r\nX-P: " + b"a" * 400, 15,
                             source="127.0.0.53", tls=tls)
            time.sleep(1.5)
            started = time.monotonic()
            status, _, body = self.post_eew(port=tls_port, source="127.0.0.54", tls=tls)
            through_ms = (time.monotonic() - started) * 1000
            self.assertIn(status, (200, 202), body)
            self.assertLess(through_ms, 2000)
            self.assertEqual(slow.join(20), [])
            self.assertEqual(len(slow.cut_after), 15)
            self.assertGreater(min(slow.cut_after), 8)
            self.assertLess(max(slow.cut_after), 13, slow.cut_after)
            print(f"\n  behind nginx: 15 slowloris connections cut after "
                  f"{min(slow.cut_after):.1f}-{max(slow.cut_after):.1f} s; a real ingest "
                  f"answered in {through_ms:.0f} ms", file=sys.stderr)
        finally:
            nginx.terminate()
            nginx.wait(timeout=10)


if __name__ == "__main__":
    unittest.main()
