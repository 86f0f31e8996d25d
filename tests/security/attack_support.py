"""What every attack of the security suite shares: the whole system over TLS with the
production broker set-up (scripts/stack.py, tls=True), attackers as MQTT clients, the
hub's real alerts made from the constructed CAP fixture, and reads of what the screen, the
player's status, the journal and the mail sink say."""

import datetime as dt
import json
import sqlite3
import ssl
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import paho.mqtt.client as mqtt

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
import stack as st  # noqa: E402,F401  (re-exported: the tests use st.wait_for, st.TOPIC_ROOT)

MINATO = st.PROJECT_FIXTURES / "cap" / "minato_evacuation_order.xml"
ROOT = st.TOPIC_ROOT
DEADLINE_S = 5.0  # a real alert on screen and in the mail within 5 s, as in the e2e tests

# Identities besides the stack's own (hub, adapters, watcher, demo-player-1):
#   hub-standby  the hub's broker rights (as if the hub's broker password had leaked, or a
#                second hub box were stolen): the only kind of identity the ACL lets write
#                alerts and jobs, so what it publishes tests the signatures alone;
#   lobby-2      another screen's identity (group-b), the stolen box of attack 9.
HUB_RIGHTS = "hub-standby"
OTHER_SCREEN = "lobby-2"


class AttackStack(st.Stack):
    """The stack over TLS, with the attackers' identities and a player state file."""

    def __init__(self, binaries=None):
        super().__init__(binaries=binaries, player_areas=("131032",), tls=True)
        self.IDENTITIES = {**st.Stack.IDENTITIES, HUB_RIGHTS: "hub",
                           OTHER_SCREEN: "player group-b"}
        self.player_state_file = self.workdir / "player-state.json"
        self.player_started = 0.0  # monotonic time of the player's latest (re)start

    def start_player(self):
        self.player_started = st.time.monotonic()
        super().start_player()

    def client(self, username=None, password=None, client_id="attacker", clean=True):
        return Attacker(self, username, password, client_id, clean)

    def as_identity(self, identity, client_id="attacker"):
        return self.client(identity, self.password(identity), client_id)

    def restart_broker(self):
        """Restarts Mosquitto with the same config, identities and persistence, as
        `systemctl restart mosquitto` does after an identity change."""
        self.stop_process("mosquitto")
        self._spawn("mosquitto",
                    ["/usr/sbin/mosquitto", "-c", str(self.workdir / "mosquitto.conf")])
        if not st.wait_for(lambda: st.port_open(self.mqtt_port), 10):
            raise RuntimeError("mosquitto did not start again")

    def restart_player(self, keep_state=True):
        """Stops the player and starts it again; waits for its first screen of the new run."""
        self.stop_process("player")
        if not keep_state and self.player_state_file.exists():
            self.player_state_file.unlink()
        (self.screens / "latest.json").unlink(missing_ok=True)
        self.start_player()
        return st.wait_for(lambda: self.screen().get("seq") and self.statuses(), 10)

    def player_refusals_on(self, topic):
        """The player's log lines refusing a message on `topic`."""
        return [line for line in (self.logs / "player.log").read_text(errors="replace")
                .splitlines() if f"refused a message on {topic} " in line]

    # ----- what the player says --------------------------------------------------------

    def statuses(self, device=None):
        device = device or self.device_id
        return [json.loads(p) for t, _topic, p, _r in self.messages(f"/devices/{device}/status")
                if p and t > self.player_started]

    def refused(self):
        """The player's refused_messages as its latest status since its (re)start says."""
        found = self.statuses()
        return found[-1].get("refused_messages", 0) if found else 0

    def showing_ids(self):
        """Every alert id the player's statuses ever said it showed, and the screen's."""
        ids = {a["alert_id"] for s in self.statuses() for a in s.get("showing") or []}
        if self.screen().get("alert_id"):
            ids.add(self.screen()["alert_id"])
        return ids

    def player_connections_lost(self):
        return (self.logs / "player.log").read_text(errors="replace").count(" lost: ")

    # ----- what the hub journaled ------------------------------------------------------

    def journal(self, sql, *args):
        db = sqlite3.connect(f"file:{self.workdir / 'journal.db'}?mode=ro", uri=True, timeout=5)
        try:
            return db.execute(sql, args).fetchall()
        finally:
            db.close()

    def journaled_acks(self):
        return self.journal("SELECT device_id, alert_id, version FROM display_acks")

    # ----- the hub's real alerts -------------------------------------------------------

    def post_alert(self, doc):
        status, body = self.post(doc.xml.encode("utf-8"))
        if status != 202 or body.get("duplicate"):
            raise AssertionError(f"the hub did not take {doc.identifier}: {status} {body}")
        doc.alert_id, doc.version = body["alert_id"], body["version"]
        return doc

    def signed_alert(self, alert_id, version):
        """The hub's signed payload of one version, as the broker carried it."""
        for _t, _topic, payload, _r in self.messages(f"/alerts/{alert_id}"):
            if payload and json.loads(payload)["version"] == version:
                return payload
        return None

    def signed_job(self, channel, alert_id, version):
        for _t, _topic, payload, _r in self.messages(f"/jobs/{channel}"):
            job = json.loads(payload)
            if job.get("job_id") == f"{alert_id}/v{version}/{channel}":
                return payload
        return None


class CapDocument:
    """A CAP 1.2 alert of 港区 made from the constructed fixture, sent now (or `seconds_ago`):
    レベル4 避難指示, or レベル5 緊急安全確保; an Update or a Cancel of an earlier one."""

    def __init__(self, level=4, msg_type="Alert", of=None, seconds_ago=0.0):
        text = MINATO.read_text(encoding="utf-8")
        sent = dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=seconds_ago)
        text = st.shift_times(text, sent - st.first_sent(text))
        self.identifier = f"attack-suite-{uuid.uuid4().hex[:12]}"
        text = text.replace("minato-bousai-20250905-0001", self.identifier)
        if level == 5:
            text = (text.replace("<value>4</value>", "<value>5</value>")
                    .replace("【警戒レベル4】芝浦一丁目～四丁目に避難指示",
                             "【警戒レベル5】芝浦一丁目～四丁目に緊急安全確保")
                    .replace("[Alert Level 4]", "[Alert Level 5]"))
        if of is not None:
            text = text.replace(
                "<msgType>Alert</msgType>",
                f"<msgType>{msg_type}</msgType>").replace(
                "<scope>Public</scope>",
                f"<scope>Public</scope>\n  <references>{of.reference}</references>")
        self.sent = st.first_sent(text)
        self.reference = (f"bousai@city.minato.tokyo.jp,{self.identifier},"
                          f"{self.sent.isoformat(timespec='seconds')}")
        self.level = level
        self.headline = ("【警戒レベル5】芝浦一丁目～四丁目に緊急安全確保" if level == 5 else
                         "【警戒レベル4】芝浦一丁目～四丁目に避難指示")
        self.xml = text
        self.alert_id = None
        self.version = None


class Attacker:
    """An MQTT client of the attacker's, over the stack's TLS listener (the CA is public:
    anyone on the network can verify the broker)."""

    def __init__(self, stack, username, password, client_id, clean):
        self.stack = stack
        self.client = mqtt.Client(client_id=client_id, clean_session=clean,
                                  protocol=mqtt.MQTTv311)
        if username:
            self.client.username_pw_set(username, password)
        self.client.tls_set(ca_certs=str(stack.pki / "ca.crt"), cert_reqs=ssl.CERT_REQUIRED,
                            tls_version=ssl.PROTOCOL_TLS_CLIENT)
        self.codes, self.received, self.granted, self.disconnects = [], [], [], []
        self.client.on_connect = lambda _c, _u, _f, rc: self.codes.append(rc)
        self.client.on_disconnect = lambda _c, _u, rc: self.disconnects.append(rc)
        self.client.on_message = lambda _c, _u, m: self.received.append((m.topic, m.payload))
        self.client.on_subscribe = lambda _c, _u, _mid, qos: self.granted.append(qos)
        # One attempt: a refused client must not keep knocking (nor keep taking a session).
        self.client.reconnect_delay_set(60, 60)
        self.client.connect("127.0.0.1", stack.mqtt_port)
        # Its own daemon thread rather than loop_start(): close() need not wait for it.
        threading.Thread(target=self.client.loop_forever, daemon=True).start()
        st.wait_for(lambda: self.codes, DEADLINE_S)
        self.rc = self.codes[0] if self.codes else None

    def publish(self, topic, payload, retain=False):
        info = self.client.publish(topic, payload, qos=1, retain=retain)
        info.wait_for_publish(DEADLINE_S)
        return info

    def publish_many(self, messages, retain=False):
        infos = [self.client.publish(t, p, qos=1, retain=retain) for t, p in messages]
        for info in infos:
            info.wait_for_publish(30)

    def subscribe(self, topic):
        before = len(self.granted)
        self.client.subscribe(topic, qos=1)
        st.wait_for(lambda: len(self.granted) > before, DEADLINE_S)
        return self.granted[-1][0] if len(self.granted) > before else None

    def sentinel(self, topic):
        """Publishes on a topic this identity may write and waits until the stack's watcher
        has it: the broker delivers one client's messages in order, so whatever it let
        through before has reached every subscriber by then."""
        marker = f"sentinel-{uuid.uuid4().hex}".encode()
        self.publish(topic, marker)
        if not st.wait_for(lambda: [m for m in self.stack.messages(topic) if m[2] == marker],
                           DEADLINE_S):
            raise AssertionError(f"the sentinel on {topic} never arrived")

    def player_processed(self):
        """Publishes unsigned alerts (this identity must have the hub's rights) until the
        player has refused one: it reads its subscription in order, so whatever reached it
        before has been handled by then. (Again every half second: a player that is just
        subscribing again may miss the first.)"""
        before = self.stack.refused()
        deadline = st.time.monotonic() + DEADLINE_S
        while st.time.monotonic() < deadline:
            self.publish(f"{ROOT}/alerts/sentinel-{uuid.uuid4().hex[:8]}",
                         forged_alert("sentinel"))
            if st.wait_for(lambda: self.stack.refused() > before, 0.5):
                return
        raise AssertionError("the player never refused the sentinel")

    def close(self):
        self.client.disconnect()  # its thread ends by itself


def rogue_key(stack, kid):
    """A key pair the hub never had, made with the hub's own tool."""
    out = stack.workdir / "rogue-keys"
    if not (out / f"{kid}.key").exists():
        subprocess.run([str(stack.bin / "hubctl"), "keys", "generate", "--out", str(out),
                        "--kid", kid], check=True, capture_output=True)
    return out / f"{kid}.key"


def sign_with(stack, key_file, payload):
    """`payload` (JSON text) signed with `key_file`, exactly as the hub signs."""
    path = stack.workdir / "attacker-to-sign.json"
    path.write_text(payload, encoding="utf-8")
    return subprocess.run([str(stack.bin / "hubctl"), "keys", "sign", "--key-file",
                           str(key_file), str(path)], check=True, capture_output=True,
                          text=True).stdout.rstrip("\n")


def forged_alert(alert_id, version=1, signature=""):
    """A well-formed canonical レベル5 alert the hub never wrote."""
    jst = dt.timezone(dt.timedelta(hours=9))
    return json.dumps({
        "schema": "alerthub.alert/1", "id": alert_id, "version": version, "state": "active",
        "status": "actual", "msg_type": "alert",
        "source": {"kind": "cap", "sender": "bousai@city.minato.tokyo.jp",
                   "identifier": alert_id,
                   "sent": dt.datetime.now(jst).isoformat(timespec="seconds"),
                   "sha256": "0" * 64},
        "event": {"code": "EVAC", "name": {"ja": "緊急安全確保", "en": "Emergency safety"}},
        "category": "safety", "level": 5, "severity": "extreme", "urgency": "immediate",
        "certainty": "observed", "effective": None, "onset": None, "expires": None,
        "headline": {"ja": "【警戒レベル5】港区全域に緊急安全確保（偽）", "en": "FORGED"},
        "description": {"ja": "偽の警報"}, "instruction": {"ja": "偽"},
        "areas": [{"scheme": "JISX0402", "code": "131032", "name": "港区"}],
        "polygons": [], "links": [], "signature": signature,
    }, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def with_changes(payload, **changes):
    """A signed payload with some top-level fields changed and its signature kept."""
    obj = json.loads(payload)
    obj.update(changes)
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
