"""The fault suite's cases (docs/protocol.md, "Jobs until their receipt" and "Retained
state"): the real binaries, a real Mosquitto, the mail sink and the LINE stand-in
(scripts/stack.py), and kill -9 at random points. Each case runs N trials on one stack and
returns its figures; tests/chaos/chaos_test.py runs a few trials of each and asserts on them,
bench/chaos.py runs many and prints them.

Figures: accepted (documents the hub answered 202), lost (accepted, never delivered),
duplicated (deliveries beyond the first), resurrected (an ended alert shown again or retained
again), resync (seconds from the broker being back to a player on the latest version).
"""

import datetime as dt
import json
import random
import re
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
import stack as st  # noqa: E402

import paho.mqtt.client as mqtt  # noqa: E402

ORDER = st.PROJECT_FIXTURES / "cap" / "minato_evacuation_order.xml"
ORDER_CANCEL = st.PROJECT_FIXTURES / "cap" / "minato_evacuation_order_cancel.xml"
ORDER_ID = "minato-bousai-20250905-0001"
ORDER_HEADLINE = "芝浦一丁目～四丁目に避難指示（高潮）"
SENDER = "bousai@city.minato.tokyo.jp"

# The hub's follow-up timers, shortened so that a trial takes seconds (the defaults are 60 s
# and 3600 s; config/hub.toml.example).
HUB_EXTRA = ("job_resend_after_s = 5\njob_resend_max_s = 10\n"
             "[retained]\naudit_interval_s = 2\nclear_after_s = 30\n")


# ----- documents ---------------------------------------------------------------------------

def _sent_of(xml):
    return re.search(r"<sent>([^<]+)</sent>", xml).group(1)


def order(tag, sent=None):
    """The constructed 避難指示 for 港区 as a new message: its own identifier, a headline
    that names `tag` (how its mails and LINE messages are found), sent at `sent`."""
    sent = sent or dt.datetime.now(dt.timezone.utc)
    xml = ORDER.read_text(encoding="utf-8")
    xml = st.shift_times(xml, sent - st.first_sent(xml))
    xml = xml.replace(ORDER_ID, f"chaos-{tag}")
    return xml.replace(ORDER_HEADLINE, f"{ORDER_HEADLINE} {tag}")


def cancel(tag, order_xml, sent=None):
    """The Cancel of order(tag): references the order as sent."""
    sent = sent or dt.datetime.now(dt.timezone.utc)
    xml = ORDER_CANCEL.read_text(encoding="utf-8")
    xml = st.shift_times(xml, sent - st.first_sent(xml))
    xml = xml.replace("minato-bousai-20250905-0002", f"chaos-{tag}-cancel")
    return re.sub(r"<references>[^<]*</references>",
                  f"<references>{SENDER},chaos-{tag},{_sent_of(order_xml)}</references>", xml)


def update(tag, order_xml, sent=None):
    """An Update of order(tag) with the same text and a new headline."""
    sent = sent or dt.datetime.now(dt.timezone.utc)
    xml = order(tag, sent).replace(f"chaos-{tag}</identifier>", f"chaos-{tag}-update</identifier>")
    xml = xml.replace("<msgType>Alert</msgType>", "<msgType>Update</msgType>")
    xml = xml.replace("</scope>", f"</scope>\n  <references>{SENDER},chaos-{tag},"
                      f"{_sent_of(order_xml)}</references>", 1)
    return xml.replace(f"{ORDER_HEADLINE} {tag}", f"{ORDER_HEADLINE} {tag} 更新")


# ----- the stack ---------------------------------------------------------------------------

class ChaosStack(st.Stack):
    """The demo's stack with the mail sink that logs every recipient (and answers DATA
    after `smtp_delay_ms`, so that jobs queue up behind a busy one)."""

    def __init__(self, binaries=None, smtp_delay_ms=300, hub_extra=HUB_EXTRA):
        super().__init__(binaries=binaries, player_areas=("131032",), hub_extra=hub_extra)
        self.smtp_delay_ms = smtp_delay_ms

    def _start_smtp(self):
        self._spawn("smtp", [st.DEBIAN_PYTHON, str(st.REPO / "tests" / "support" / "smtp_sink.py"),
                             "--port", str(self.smtp_port), "--dir", str(self.maildir),
                             "--delay-ms", str(self.smtp_delay_ms)])
        if not st.wait_for(lambda: st.port_open(self.smtp_port), 10):
            raise RuntimeError("smtp sink did not start")

    def start_adapter(self, channel):
        # LINE allows 60 broadcasts an hour and the adapter keeps to that; a long run sends
        # hundreds, which would wait for the next hour and read as lost.
        self._lift_line_rate = channel == "line"
        try:
            super().start_adapter(channel)
        finally:
            self._lift_line_rate = False

    def _signing_section(self, hub=False):
        extra = ("[rate_limits]\nbroadcast_per_hour = 1000000\n"
                 if getattr(self, "_lift_line_rate", False) else "")
        return super()._signing_section(hub) + extra

    # --- what the journal says (read-only; the hub keeps writing) ---

    def _query(self, sql, *args):
        db = sqlite3.connect(f"file:{self.workdir / 'journal.db'}?mode=ro", uri=True, timeout=5)
        try:
            return db.execute(sql, args).fetchall()
        except sqlite3.OperationalError:  # a table a hub without follow-ups lacks
            return None
        finally:
            db.close()

    def open_jobs(self):
        rows = self._query("SELECT COUNT(*) FROM open_jobs")
        return rows[0][0] if rows else 0

    def unreceipted_jobs(self, job_ids):
        rows = self._query("SELECT DISTINCT job_id FROM receipts") or []
        have = {r[0] for r in rows}
        return [j for j in job_ids if j not in have]

    def display_acks(self, device_id, alert_id):
        """[(version, displayed_at as a UTC datetime)] of one device for one alert."""
        rows = self._query("SELECT version, displayed_at FROM display_acks "
                           "WHERE device_id = ? AND alert_id = ?", device_id, alert_id) or []
        return [(v, dt.datetime.fromisoformat(t)) for v, t in rows]

    # --- deliveries, by the tag in the headline ---

    def mail_count(self, tag):
        return sum(1 for m in self.mails() if str(m["subject"]).endswith(f" {tag}"))

    def line_count(self, tag):
        n = 0
        for r in self.line_requests():
            if r["path"] == "/v2/bot/message/broadcast" and r["status"] == 200:
                if re.search(rf" {re.escape(tag)}(?![-\w])", json.dumps(r["body"],
                                                                       ensure_ascii=False)):
                    n += 1
        return n

    def deliveries(self, channel, tag):
        return self.mail_count(tag) if channel == "mail" else self.line_count(tag)

    # --- more players ---

    def start_extra_player(self, device_id):
        """Another headless player, as a new screen would start: its own id and state."""
        saved = (self.device_id, self.screens, self.procs.pop("player", None))
        self.device_id, self.screens = device_id, self.workdir / f"screens-{device_id}"
        try:
            self.start_player()
            self.procs[device_id] = self.procs.pop("player")
        finally:
            self.device_id, self.screens = saved[0], saved[1]
            if saved[2]:
                self.procs["player"] = saved[2]

    def restart_broker(self):
        """kill -9, then the same broker again on its port and data; returns the wall and
        monotonic times at which it accepts connections again."""
        self.kill9("mosquitto")
        self.start_broker()
        return dt.datetime.now(dt.timezone.utc), time.monotonic()

    def retained(self, alert_id, timeout=2.0):
        """What the broker retains on the alert's topic now: the decoded JSON, or None when
        nothing (or an empty payload) is retained."""
        got = []
        client = mqtt.Client(client_id=f"chaos-probe-{random.getrandbits(32):08x}",
                             protocol=mqtt.MQTTv311, clean_session=True)
        client.on_connect = lambda c, *_: c.subscribe(f"{st.TOPIC_ROOT}/alerts/{alert_id}", 1)
        client.on_message = lambda _c, _u, m: got.append(m.payload) if m.retain else None
        client.connect("127.0.0.1", self.mqtt_port)
        client.loop_start()
        st.wait_for(lambda: got, timeout)
        client.loop_stop()
        client.disconnect()
        return json.loads(got[-1]) if got and got[-1] else None


def _accepted(s, xml):
    status, body = s.post(xml.encode("utf-8"))
    return body if status == 202 and body.get("alert_id") else None


def _job_ids(reply):
    return [f"{reply['alert_id']}/v{reply['version']}/{c}" for c in ("line", "mail")]


# ----- the cases ---------------------------------------------------------------------------

def adapter_kill(s, channel, trials, jobs=5, rng=None, settle_s=60.0):
    """kill -9 of an adapter while it works through `jobs` jobs (one busy, the rest queued),
    at a random point; the adapter is started again. Every job must be delivered once.
    A mail job takes the sink's delay (300 ms); LINE jobs take milliseconds, so the LINE
    adapter is killed within 0.3 s of the first job."""
    window = 0.3 * jobs if channel == "mail" else 0.3
    rng = rng or random.Random()
    figures = {"trials": 0, "accepted": 0, "lost": 0, "duplicated": 0, "seconds_to_all": []}
    for trial in range(trials):
        tag = f"{channel}k{trial}-{rng.getrandbits(24):06x}"
        t0 = time.monotonic()
        replies = []
        for i in range(jobs):
            reply = _accepted(s, order(f"{tag}-{i}"))
            if reply:
                replies.append((f"{tag}-{i}", reply))
        time.sleep(max(0.0, t0 + rng.uniform(0.0, window) - time.monotonic()))
        s.kill9(f"{channel}-adapter")
        time.sleep(rng.uniform(0.05, 0.5))
        s.start_adapter(channel)
        job_ids = [j for _t, r in replies for j in _job_ids(r)]
        done = st.wait_for(lambda: not s.unreceipted_jobs(job_ids) and
                           all(s.deliveries(channel, t) for t, _r in replies), settle_s, 0.2)
        figures["seconds_to_all"].append(time.monotonic() - t0 if done else None)
        time.sleep(0.5)  # a late duplicate would show by now
        counts = [s.deliveries(channel, t) for t, _r in replies]
        figures["trials"] += 1
        figures["accepted"] += len(replies)
        figures["lost"] += sum(1 for n in counts if n == 0)
        figures["duplicated"] += sum(n - 1 for n in counts if n > 1)
    return figures


def hub_kill_during_ingest(s, trials, documents=10, rng=None, settle_s=60.0):
    """kill -9 of the hub at a random moment while documents arrive back to back (one
    sender, one at a time); the hub is started again and the sender goes on. Every document
    the hub answered 202 must reach mail and LINE exactly once. A document whose request
    the kill cut off counts as refused (a real sender sends it again)."""
    rng = rng or random.Random()
    figures = {"trials": 0, "accepted": 0, "refused_while_down": 0, "lost": 0,
               "duplicated": 0}
    for trial in range(trials):
        tag = f"hk{trial}-{rng.getrandbits(24):06x}"
        accepted, refused = [], [0]

        def send():
            for i in range(documents):
                xml = order(f"{tag}-{i}")  # the same bytes again when sent again
                for _attempt in range(100):
                    try:
                        reply = _accepted(s, xml)
                    except OSError:
                        reply = None
                    if reply:
                        accepted.append(f"{tag}-{i}")
                        break
                    refused[0] += 1
                    time.sleep(0.1)

        sender = threading.Thread(target=send)
        sender.start()
        time.sleep(rng.uniform(0.02, 0.4))
        s.kill9("hub")
        s.start_hub()
        sender.join()
        st.wait_for(lambda: all(s.mail_count(t) and s.line_count(t) for t in accepted),
                    settle_s, 0.2)
        time.sleep(0.5)
        figures["trials"] += 1
        figures["accepted"] += len(accepted)
        figures["refused_while_down"] += refused[0]
        for t in accepted:
            m, n = s.mail_count(t), s.line_count(t)
            figures["lost"] += (m == 0) + (n == 0)
            figures["duplicated"] += max(0, m - 1) + max(0, n - 1)
    return figures


def broker_kill_after_cancel(s, trials, rng=None, observe_s=3.0):
    """An order, its Cancel, and kill -9 of the broker 0.05-0.4 s after the Cancel was
    accepted, the broker started again at once (from its own persistence, which may be a
    second old). A player started as soon as the broker is back must never show the order,
    and the broker must not retain it again."""
    rng = rng or random.Random()
    figures = {"trials": 0, "resurrected": 0, "shown_by_new_player": 0, "retained_again": 0,
               "offsets": []}
    for trial in range(trials):
        tag = f"bc{trial}-{rng.getrandbits(24):06x}"
        order_xml = order(tag, dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=60))
        reply = _accepted(s, order_xml)
        if not reply:
            raise RuntimeError(f"order {tag} not accepted")
        alert_id = reply["alert_id"]
        st.wait_for(lambda: s.display_acks(s.device_id, alert_id), 10)
        time.sleep(1.2)  # the broker's autosave (1 s) has the order on disk
        if not _accepted(s, cancel(tag, order_xml)):
            raise RuntimeError(f"cancel {tag} not accepted")
        offset = rng.uniform(0.05, 0.4)
        time.sleep(offset)
        s.restart_broker()
        fresh = f"fresh-{trial}-{rng.getrandbits(16):04x}"
        s.start_extra_player(fresh)
        time.sleep(observe_s)
        shown = [v for v, _t in s.display_acks(fresh, alert_id)]
        retained = s.retained(alert_id)
        again = retained is not None and retained.get("state") == "active"
        s.stop_process(fresh)
        figures["trials"] += 1
        figures["offsets"].append(round(offset, 3))
        figures["shown_by_new_player"] += bool(shown)
        figures["retained_again"] += again
        figures["resurrected"] += bool(shown) or again
    return figures


def broker_outage_update(s, trials, outage_s=5.0, rng=None, timeout_s=20.0):
    """The broker down for `outage_s` (kill -9) while an Update is accepted; then back. The
    resync time is from the broker accepting connections to the running player's display
    ack of the Update (its displayed_at)."""
    rng = rng or random.Random()
    figures = {"trials": 0, "accepted": 0, "not_shown": 0, "resync_s": []}
    for trial in range(trials):
        tag = f"bo{trial}-{rng.getrandbits(24):06x}"
        order_xml = order(tag, dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=60))
        reply = _accepted(s, order_xml)
        if not reply:
            raise RuntimeError(f"order {tag} not accepted")
        alert_id = reply["alert_id"]
        st.wait_for(lambda: s.display_acks(s.device_id, alert_id), 10)
        s.kill9("mosquitto")
        down = time.monotonic()
        upd = _accepted(s, update(tag, order_xml))
        figures["trials"] += 1
        if not upd:
            continue
        figures["accepted"] += 1
        time.sleep(max(0.0, down + outage_s - time.monotonic()))
        s.start_broker()
        back = dt.datetime.now(dt.timezone.utc)
        shown = st.wait_for(lambda: [t for v, t in s.display_acks(s.device_id, alert_id)
                                     if v == upd["version"]], timeout_s, 0.05)
        if not shown:
            figures["not_shown"] += 1
            continue
        figures["resync_s"].append(round(max(0.0, (min(shown) - back).total_seconds()), 3))
    return figures


def player_restart_offline(s, trials, rng=None, timeout_s=15.0):
    """The player killed (-9); while it is away an order is issued and cancelled and another
    is issued; then it starts again. It must show the second and never the cancelled one."""
    rng = rng or random.Random()
    figures = {"trials": 0, "resurrected": 0, "missed": 0, "catch_up_s": []}
    for trial in range(trials):
        tag = f"pr{trial}-{rng.getrandbits(24):06x}"
        s.kill9("player")
        gone_xml = order(f"{tag}-gone", dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=60))
        gone = _accepted(s, gone_xml)
        _accepted(s, cancel(f"{tag}-gone", gone_xml))
        kept = _accepted(s, order(f"{tag}-kept"))
        if not gone or not kept:
            raise RuntimeError(f"trial {tag}: documents not accepted")
        time.sleep(rng.uniform(0.1, 1.0))
        started = dt.datetime.now(dt.timezone.utc)
        s.start_player()
        shown = st.wait_for(lambda: s.display_acks(s.device_id, kept["alert_id"]), timeout_s)
        time.sleep(0.5)
        figures["trials"] += 1
        if shown:
            figures["catch_up_s"].append(round((min(t for _v, t in shown) - started)
                                               .total_seconds(), 3))
        else:
            figures["missed"] += 1
        figures["resurrected"] += bool(s.display_acks(s.device_id, gone["alert_id"]))
    return figures


def summary(values):
    values = [v for v in values if v is not None]
    if not values:
        return "-"
    return (f"median {statistics.median(values):.2f} s, max {max(values):.2f} s "
            f"(n={len(values)})")


def start_stack(binaries=None, hub_extra=HUB_EXTRA):
    s = ChaosStack(binaries=binaries, hub_extra=hub_extra)
    try:
        s.start()
    except Exception:
        s.stop()
        raise
    return s


if __name__ == "__main__":
    sys.exit("import this module: tests/chaos/chaos_test.py and bench/chaos.py use it")
