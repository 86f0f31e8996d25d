"""A whole alerthub on one machine, on loopback ports: Mosquitto, the hub, both adapters
(LINE against the local LINE API stand-in, mail against a local aiosmtpd server) and a
headless or windowed signage player. Used by scripts/demo, the e2e tests and the benchmarks.

Every process runs in its own process group and is stopped (SIGTERM, then SIGKILL) by
Stack.stop(), which also runs at exit, so nothing is left running.
"""

import datetime as dt
import email
import email.policy
import json
import os
import re
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import paho.mqtt.client as mqtt

REPO = Path(__file__).resolve().parent.parent
SHARED_FIXTURES = (REPO.parent / "shared" / "fixtures").resolve()
PROJECT_FIXTURES = REPO / "tests" / "fixtures"
LINE_SPEC = SHARED_FIXTURES / "line" / "messaging-api.yml"
DEBIAN_PYTHON = "/usr/bin/python3"  # the one that sees python3-aiosmtpd and python3-yaml

TOPIC_ROOT = "alerthub/v1"
INGEST_TOKEN = "demo-ingest-token"
LINE_TOKEN = "demo-channel-access-token"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, timeout=10.0, interval=0.02):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return predicate()


def port_open(port):
    with socket.socket() as s:
        s.settimeout(0.2)
        return s.connect_ex(("127.0.0.1", port)) == 0


_TIMESTAMP = re.compile(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)([+-]\d\d:\d\d|Z)")


def shift_times(xml_text, delta):
    """Moves every RFC 3339 timestamp in a document by `delta`, keeping its offset.

    Real fixtures are years old and long expired; replaying them "as if sent now" keeps
    every other byte real while expiry logic stays honest."""

    def move(m):
        offset = m.group(2)
        tz = dt.timezone.utc if offset == "Z" else dt.datetime.strptime(offset, "%z").tzinfo
        t = dt.datetime.fromisoformat(m.group(1)).replace(tzinfo=tz) + delta
        return t.strftime("%Y-%m-%dT%H:%M:%S") + offset

    return _TIMESTAMP.sub(move, xml_text)


def first_sent(xml_text):
    m = re.search(r"<(?:\w+:)?sent>\s*([^<\s]+)\s*<", xml_text)
    return dt.datetime.fromisoformat(m.group(1).replace("Z", "+00:00"))


def replay_pair(alert_text, cancel_text):
    """An alert and its Cancel moved by the same amount (so the Cancel's <references> still
    name the alert), the Cancel to now: the hub refuses a `sent` ahead of its clock
    ([ingest] max_future_s), and the alert, sent earlier, is still in force."""
    delta = dt.datetime.now(dt.timezone.utc) - first_sent(cancel_text)
    return shift_times(alert_text, delta), shift_times(cancel_text, delta)


class Stack:
    def __init__(self, workdir=None, binaries=None, player_areas=("131032", "006109"),
                 headless=True, display_size=(1280, 720), spool_poll_ms=200, console=False,
                 tls=False, hub_extra="", subscribers=None, site_location=None):
        self.workdir = Path(workdir or tempfile.mkdtemp(prefix="alerthub-stack-"))
        self.workdir.mkdir(parents=True, exist_ok=True)
        # Absolute: the hub and the adapters run with the work folder's config, where a
        # relative path would point elsewhere (the console's preview runs signage-player).
        self.bin = Path(binaries or REPO / "build" / "bin").resolve()
        self.player_areas = list(player_areas)
        self.headless = headless
        self.display_size = display_size
        self.spool_poll_ms = spool_poll_ms
        self.procs = {}
        self.logs = self.workdir / "logs"
        self.logs.mkdir(exist_ok=True)
        self.spool = self.workdir / "spool"
        self.screens = self.workdir / "screens"
        self.maildir = self.workdir / "maildir"
        self.mqtt_port = free_port()
        self.hub_port = free_port()
        self.smtp_port = free_port()
        self.line_port = None
        # The staff console, when asked for: an operator and an approver with random
        # passwords, {name: (role, password)}.
        self.console = console
        self.console_port = free_port() if console else None
        self.console_users = {}
        self.device_id = "demo-player-1"
        # The player's state file ([player] state_file); None: off.
        self.player_state_file = None
        # The public site (hub/site/), when a screen location is given: the hub renders it into
        # site/current for a web server on site_port (the caller starts one: the demo and
        # tests use nginx with config/nginx/site.conf); the player stands at that location.
        self.site_location = site_location
        self.site_port = free_port() if site_location else None
        self.site_dir = self.workdir / "site"
        # tls: the production broker set-up (config/mosquitto/production.conf and its ACL)
        # with certificates made now and one identity per process; otherwise the demo's
        # anonymous loopback broker (config/mosquitto.conf.example).
        self.tls = tls
        # TOML lines added to the hub's [delivery] section (and any sections after them):
        # the fault suite shortens the hub's follow-up timers (tests/chaos).
        self.hub_extra = hub_extra
        self.pki = self.workdir / "pki"
        # Residents by town block ({"line": CSV text, "mail": CSV text}, the adapters' import
        # formats): when given, both adapters target by town block with these subscribers.
        self.subscribers = subscribers or {}
        self._messages = []
        self._lock = threading.Lock()
        self._watcher = None

    # ----- lifecycle -------------------------------------------------------------------

    def start(self):
        import atexit

        atexit.register(self.stop)
        self._write_secrets()
        self.start_broker()
        self._start_line_standin()
        self._start_smtp()
        self.start_hub()
        self.start_adapter("line")
        self.start_adapter("mail")
        self.start_player()
        self._start_watcher()
        if not wait_for(self.hub_healthy, 15):
            raise RuntimeError("hub did not become healthy; see " + str(self.logs / "hub.log"))
        if not wait_for(lambda: self.screen().get("screen") == "idle", 15):
            raise RuntimeError("player did not show its idle screen; see " +
                               str(self.logs / "player.log"))
        return self

    def stop(self):
        if self._watcher:
            self._watcher.disconnect()  # first: its loop then ends at once, not within 1 s
            self._watcher.loop_stop()
            self._watcher = None
        for name in reversed(list(self.procs)):
            self.stop_process(name)

    def stop_process(self, name, sig=signal.SIGTERM):
        proc = self.procs.pop(name, None)
        if not proc or proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, sig)
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        except ProcessLookupError:
            pass

    def kill9(self, name):
        self.stop_process(name, signal.SIGKILL)

    def _spawn(self, name, argv, env=None, stdout=None):
        with open(self.logs / f"{name}.log", "ab") as log:  # the child keeps its own copy
            proc = subprocess.Popen(argv, stdout=stdout or log, stderr=log,
                                    stdin=subprocess.DEVNULL, env={**os.environ, **(env or {})},
                                    start_new_session=True)
        self.procs[name] = proc
        return proc

    def _write_secrets(self):
        (self.workdir / "ingest.token").write_text(INGEST_TOKEN + "\n")
        (self.workdir / "line.token").write_text(LINE_TOKEN + "\n")
        # The hub signs and every player and adapter verifies, as in production: a key pair
        # made for this run (docs/protocol.md, "Signatures").
        key = self.workdir / "keys" / "stack.key"
        if not key.exists():
            subprocess.run([str(self.bin / "hubctl"), "keys", "generate", "--out",
                            str(key.parent), "--kid", "stack"], check=True, capture_output=True)
        self.signing_key_file = key
        self.public_key_line = (key.parent / "stack.pub").read_text().strip()

    def sign(self, payload):
        """`payload` (a JSON object's text) as the hub would publish it: signed."""
        path = self.workdir / "to-sign.json"
        path.write_text(payload, encoding="utf-8")
        out = subprocess.run([str(self.bin / "hubctl"), "keys", "sign", "--key-file",
                              str(self.signing_key_file), str(path)], check=True,
                             capture_output=True, text=True).stdout
        return out.rstrip("\n")

    def _signing_section(self, hub=False):
        if hub:
            return f'[signing]\nkey_file = "{self.signing_key_file}"\n'
        return f'[signing]\npublic_keys = ["{self.public_key_line}"]\n'

    # ----- the parts -------------------------------------------------------------------

    # ----- the production broker set-up (tls=True) -------------------------------------

    IDENTITIES = {"alerthub-hub": "hub", "alerthub-line": "adapter line",
                  "alerthub-mail": "adapter mail", "stack-watcher": "monitor"}

    def _make_identities(self):
        """Certificates for 127.0.0.1 and one broker identity per process, made as a ward
        would: tests/support/make-test-certs and scripts/broker-identity."""
        subprocess.run([str(REPO / "tests" / "support" / "make-test-certs"), str(self.pki)],
                       check=True)
        acl = self.pki / "alerthub.acl"
        acl.write_text((REPO / "config" / "mosquitto" / "alerthub.acl").read_text())
        identities = {**self.IDENTITIES, self.device_id: "player"}
        for name, role in identities.items():
            subprocess.run([str(REPO / "scripts" / "broker-identity"), "--acl", str(acl),
                            "--passwd", str(self.pki / "alerthub.passwd"), "add", name,
                            *role.split(), "--out", str(self.pki / f"{name}.password")],
                           check=True, stderr=subprocess.DEVNULL)
        # The broker may drop root for the "mosquitto" user: it must read them.
        for f in (acl, self.pki / "alerthub.passwd"):
            f.chmod(0o644)

    def _production_broker_config(self, data):
        conf = (REPO / "config" / "mosquitto" / "production.conf").read_text()
        for old, new in (("listener 8883", f"listener {self.mqtt_port} 127.0.0.1"),
                         ("/etc/mosquitto/certs/", f"{self.pki}/"),
                         ("/etc/mosquitto/ca_certificates/alerthub-ca.crt",
                          f"{self.pki}/ca.crt"),
                         ("/etc/mosquitto/", f"{self.pki}/"),
                         ("/var/lib/mosquitto/", f"{data}/"),
                         ("pid_file /run/mosquitto/mosquitto.pid", "user root"),
                         ("log_dest syslog",
                          f"log_dest file {self.logs / 'mosquitto-broker.log'}")):
            assert old in conf, old
            conf = conf.replace(old, new)
        return conf

    def password(self, identity):
        return (self.pki / f"{identity}.password").read_text().strip()

    def start_broker(self):
        data = self.workdir / "mosquitto-data"
        data.mkdir(exist_ok=True)
        conf = self.workdir / "mosquitto.conf"
        if self.tls:
            self._make_identities()
            conf.write_text(self._production_broker_config(data))
        else:
            conf.write_text(
                (REPO / "config" / "mosquitto.conf.example").read_text()
                .replace("listener 1883 127.0.0.1", f"listener {self.mqtt_port} 127.0.0.1")
                .replace("/var/lib/mosquitto/", f"{data}/")
                .replace("log_dest syslog", f"log_dest file {self.logs / 'mosquitto-broker.log'}")
                .replace("#user root", "user root"))
        self._spawn("mosquitto", ["/usr/sbin/mosquitto", "-c", str(conf)])
        if not wait_for(lambda: port_open(self.mqtt_port), 10):
            raise RuntimeError("mosquitto did not start")

    def _start_line_standin(self):
        proc = self._spawn(
            "line-standin",
            [DEBIAN_PYTHON, str(REPO / "tests" / "support" / "line_standin.py"), "--port", "0",
             "--spec", str(LINE_SPEC), "--token", LINE_TOKEN],
            stdout=subprocess.PIPE)
        first = proc.stdout.readline().decode().split()
        if len(first) != 2 or first[0] != "PORT":
            raise RuntimeError("LINE stand-in did not report its port")
        self.line_port = int(first[1])
        proc.stdout.close()

    def _start_smtp(self):
        # aiosmtpd's Mailbox creates the Maildir (new/, cur/, tmp/) only if it does not exist.
        self._spawn("smtp", [DEBIAN_PYTHON, "-m", "aiosmtpd", "-n", "-l",
                             f"127.0.0.1:{self.smtp_port}", "-c", "aiosmtpd.handlers.Mailbox",
                             str(self.maildir)])
        if not wait_for(lambda: port_open(self.smtp_port), 10):
            raise RuntimeError("aiosmtpd did not start")

    def _mqtt_section(self, client_id, identity):
        if not self.tls:
            return (f'[mqtt]\nuri = "tcp://127.0.0.1:{self.mqtt_port}"\n'
                    f'client_id = "{client_id}"\ntopic_root = "{TOPIC_ROOT}"\n')
        # The client id is the identity's (the default once a username is set).
        return (f'[mqtt]\nuri = "ssl://127.0.0.1:{self.mqtt_port}"\n'
                f'username = "{identity}"\n'
                f'password_file = "{self.pki / (identity + ".password")}"\n'
                f'tls_ca_file = "{self.pki / "ca.crt"}"\ntopic_root = "{TOPIC_ROOT}"\n')

    def start_hub(self):
        conf = self.workdir / "hub.toml"
        conf.write_text(
            self._mqtt_section("alerthub-hub", "alerthub-hub") +
            f'[journal]\npath = "{self.workdir / "journal.db"}"\n'
            f'[spool]\ndir = "{self.spool}"\npoll_ms = {self.spool_poll_ms}\n'
            f'[ingest]\nlisten_host = "127.0.0.1"\nlisten_port = {self.hub_port}\n'
            f'token_file = "{self.workdir / "ingest.token"}"\n'
            '[delivery]\nchannels = ["line", "mail"]\n' + self.hub_extra +
            # 港区 (the default municipality), plus the county of the OASIS thunderstorm
            # sample so that the demo's foreign alert is sent; the repository's data files.
            '[area]\nextra_codes = ["SAME:006109"]\n'
            f'jma_table = "{REPO / "config" / "jma" / "areas_tokyo.tsv"}"\n'
            f'[phrases]\ndir = "{REPO / "config" / "phrases"}"\n' + self._console_section() +
            self._site_section() + self._signing_section(hub=True))
        if self.console:
            self._add_console_users(conf)
        self._spawn("hub", [str(self.bin / "alerthub-hub"), "--config", str(conf)])

    def _site_section(self):
        if not self.site_location:
            return ""
        shelters = REPO / "config" / "shelters"
        return ('[site]\nenabled = true\n'
                f'dir = "{self.site_dir}"\n'
                f'base_url = "http://127.0.0.1:{self.site_port}"\n'
                f'templates_dir = "{REPO / "config" / "site"}"\n'
                f'emergency_sites_file = "{shelters / "131032-emergency-sites.geojson"}"\n'
                f'shelters_file = "{shelters / "131032-designated-shelters.geojson"}"\n'
                f'stay_facilities_file = "{shelters / "stay_facilities.tsv.example"}"\n'
                f'locations_file = "{REPO / "config" / "site" / "locations.tsv"}"\n')

    @property
    def console_url(self):
        return f"http://127.0.0.1:{self.console_port}/" if self.console else None

    def _console_section(self):
        if not self.console:
            return ""
        return ('[console]\nenabled = true\nlisten_host = "127.0.0.1"\n'
                f'listen_port = {self.console_port}\n'
                f'web_dir = "{REPO / "web" / "console"}"\n'
                f'town_blocks_file = "{REPO / "config" / "minato_town_blocks.tsv"}"\n'
                f'player_binary = "{self.bin / "signage-player"}"\n')

    def _add_console_users(self, conf):
        import secrets

        for name, role in (("demo-operator", "operator"), ("demo-approver", "approver")):
            password = secrets.token_urlsafe(12)
            subprocess.run([str(self.bin / "hubctl"), "users", "add", name, "--role", role,
                            "--config", str(conf)], input=password + "\n", text=True,
                           check=True, capture_output=True)
            self.console_users[name] = (role, password)

    def start_adapter(self, channel):
        conf = self.workdir / f"{channel}.toml"
        retry = '[retry]\ninitial_backoff_ms = 200\nmax_backoff_ms = 2000\n'
        state = f'[state]\npath = "{self.workdir / (channel + ".db")}"\n'
        if channel == "line":
            body = (f'[line]\napi_base = "http://127.0.0.1:{self.line_port}"\n'
                    f'channel_access_token_file = "{self.workdir / "line.token"}"\n')
        else:
            body = (f'[smtp]\nurl = "smtp://127.0.0.1:{self.smtp_port}"\n'
                    # aiosmtpd offers no STARTTLS: the loopback test sink's explicit opt-out.
                    'starttls = "never"\n'
                    'from_address = "bousai-mail@city.minato.example.jp"\n'
                    # A staff copy: every alert, one mail (subscribers would each get one).
                    'recipients = ["bousai-monitor@city.minato.example.jp"]\n')
        blocks = REPO / "config" / "minato_town_blocks.tsv"
        if channel in self.subscribers:
            body += (f'town_blocks_file = "{blocks}"\n' if channel == "line" else
                     f'[subscribers]\ntown_blocks = "{blocks}"\n')
        conf.write_text(self._mqtt_section(f"alerthub-{channel}", f"alerthub-{channel}") + body +
                        retry + state + self._signing_section())
        if channel in self.subscribers:
            csv = self.workdir / f"{channel}-subscribers.csv"
            csv.write_text(self.subscribers[channel], encoding="utf-8")
            subprocess.run([str(self.bin / f"{channel}-adapter"), "--config", str(conf),
                            "subscribers", "import", str(csv)], check=True, capture_output=True)
        self._spawn(f"{channel}-adapter", [str(self.bin / f"{channel}-adapter"), "--config",
                                           str(conf)])

    def start_player(self):
        conf = self.workdir / "player.toml"
        areas = ", ".join(f'"{a}"' for a in self.player_areas)
        width, height = self.display_size
        conf.write_text(
            self._mqtt_section(f"player-{self.device_id}", self.device_id) +
            f'[player]\ndevice_id = "{self.device_id}"\nward_name = "港区"\nareas = [{areas}]\n'
            + (f'location = "{self.site_location}"\n' if self.site_location else '') +
            f'town_blocks_file = "{REPO / "config" / "minato_town_blocks.tsv"}"\n' +
            (f'state_file = "{self.player_state_file}"\n' if self.player_state_file else "") +
            f'[display]\nwidth = {width}\nheight = {height}\n'
            f'fullscreen = {"false" if self.headless else "true"}\n'
            f'[headless]\nscreenshot_dir = "{self.screens}"\n' + self._signing_section())
        argv = [str(self.bin / "signage-player"), "--config", str(conf)]
        if self.headless:
            argv.append("--headless")
        self._spawn("player", argv)

    # ----- watching the broker ---------------------------------------------------------

    def _start_watcher(self):
        client = mqtt.Client(client_id="stack-watcher", protocol=mqtt.MQTTv311)
        if self.tls:
            client.username_pw_set("stack-watcher", self.password("stack-watcher"))
            client.tls_set(ca_certs=str(self.pki / "ca.crt"),
                           tls_version=ssl.PROTOCOL_TLS_CLIENT)

        def on_connect(c, *_):
            c.subscribe(f"{TOPIC_ROOT}/#", qos=1)

        def on_message(_c, _u, msg):
            with self._lock:
                self._messages.append((time.monotonic(), msg.topic, msg.payload, msg.retain))

        client.on_connect = on_connect
        client.on_message = on_message
        client.connect("127.0.0.1", self.mqtt_port)
        client.loop_start()
        self._watcher = client

    def messages(self, topic_part=""):
        with self._lock:
            return [m for m in self._messages if topic_part in m[1]]

    def acks(self):
        out = []
        for t, _topic, payload, _r in self.messages("/ack"):
            a = json.loads(payload)
            a["_received"] = t
            out.append(a)
        return out

    def receipts(self, channel):
        return [json.loads(p) for _t, _topic, p, _r in self.messages(f"/receipts/{channel}")]

    # ----- feeding alerts --------------------------------------------------------------

    def drop(self, xml_text, name):
        """Puts a document into the hub's spool the way a writer should: write, then rename."""
        incoming = self.spool / "incoming"
        incoming.mkdir(parents=True, exist_ok=True)
        tmp = incoming / (name + ".tmp")
        tmp.write_text(xml_text, encoding="utf-8")
        os.rename(tmp, incoming / name)
        return time.monotonic()

    def post(self, xml_bytes, token=INGEST_TOKEN, replay=None):
        """POSTs a document to the ingest API; `replay` (a reason) sends it as a deliberate
        replay of an old document (X-Alerthub-Replay): published whatever its age, marked."""
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/xml"}
        if replay:
            headers["X-Alerthub-Replay"] = replay
        req = urllib.request.Request(f"http://127.0.0.1:{self.hub_port}/api/v1/ingest/cap",
                                     data=xml_bytes, method="POST", headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return r.status, json.loads(r.read() or b"{}")
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"{}")

    def hub_healthy(self):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.hub_port}/healthz",
                                        timeout=1) as r:
                return r.status == 200
        except OSError:
            return False

    # ----- what arrived ----------------------------------------------------------------

    def alert(self, alert_id):
        """The latest version of an alert the hub published on {root}/alerts/<id>, or None."""
        found = self.messages(f"/alerts/{alert_id}")
        return json.loads(found[-1][2]) if found and found[-1][2] else None

    def screen(self):
        try:
            return json.loads((self.screens / "latest.json").read_text())
        except (OSError, ValueError):
            return {}

    def screenshot(self):
        return self.screens / "latest.png"

    def line_requests(self):
        with urllib.request.urlopen(f"http://127.0.0.1:{self.line_port}/__standin/requests",
                                    timeout=5) as r:
            return json.loads(r.read())

    def line_violations(self):
        with urllib.request.urlopen(f"http://127.0.0.1:{self.line_port}/__standin/violations",
                                    timeout=5) as r:
            return json.loads(r.read())

    def mails(self):
        new = self.maildir / "new"
        if not new.is_dir():
            return []
        out = []
        for f in sorted(new.iterdir(), key=lambda p: p.stat().st_mtime):
            out.append(email.message_from_bytes(f.read_bytes(), policy=email.policy.default))
        return out


def replay_fixture(path, now=None):
    """A real fixture with its times moved so that it reads as sent now (see shift_times)."""
    text = Path(path).read_text(encoding="utf-8")
    now = now or dt.datetime.now(dt.timezone.utc)
    return shift_times(text, now - first_sent(text))


if __name__ == "__main__":
    sys.exit("import this module: scripts/demo and tests/e2e use it")
