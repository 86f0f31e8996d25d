"""Mail throughput: N subscribers (default 20,000), one job, to a local SMTP server.

Runs Mosquitto, tests/support/smtp_sink.py (aiosmtpd; --count-only: counts, does not
store) and the real mail-adapter, imports the subscribers through `mail-adapter subscribers
import` (8 languages, the whole ward), then for each connection count (default 1 and 4)
publishes one job and prints:
  - mails/s from the first to the last mail the server accepted, and from publishing the
    job to its receipt;
  - how many SMTP connections carried them (reuse) and every recipient accepted once;
  - the adapter's peak memory (VmHWM) and its memory after the run (VmRSS).

    /usr/bin/python3 bench/mail_throughput.py [--bin build/bin] [--subscribers 20000]
                                              [--connections 1 4] [--batch-size 100]
"""

import argparse
import datetime as dt
import json
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
import stack as st  # noqa: E402

import paho.mqtt.client as mqtt  # noqa: E402

LANGUAGES = ["ja", "en", "zh-Hans", "zh-Hant", "ko", "vi", "ne", "pt"]


def alert(alert_id):
    sent = dt.datetime.now(dt.timezone(dt.timedelta(hours=9))).isoformat(timespec="seconds")
    return {"schema": "alerthub.alert/1", "id": alert_id, "version": 1, "state": "active",
            "status": "actual", "msg_type": "alert",
            "source": {"kind": "staff", "sender": "bench", "identifier": alert_id,
                       "sent": sent, "sha256": ""},
            "event": {"code": "EVAC", "name": {"ja": "避難指示", "en": "Evacuation order"}},
            "category": "safety", "level": 4, "severity": "severe", "urgency": "immediate",
            "certainty": "observed", "effective": sent, "onset": None, "expires": None,
            "headline": {"ja": "【警戒レベル4】港区全域に避難指示", "en": "Evacuation order: Minato"},
            "description": {"ja": "高潮による浸水の危険が高まっています。"},
            "instruction": {"ja": "危険な場所から全員避難してください。",
                            "en": "Everyone must leave dangerous places now."},
            "areas": [{"scheme": "JISX0402", "code": "131032", "name": "港区"}],
            "polygons": [], "links": [], "signature": ""}


def proc_status(pid):
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmHWM", "VmRSS"):
            out[key] = value.strip()
    return out


def run(stack, args, connections, client):
    work = stack.workdir / f"c{connections}"
    work.mkdir()
    smtp_port = st.free_port()
    sink_dir = work / "sink"
    stack._spawn(f"smtp-sink-{connections}",
                 [st.DEBIAN_PYTHON, str(st.REPO / "tests" / "support" / "smtp_sink.py"), "--port",
                  str(smtp_port), "--dir", str(sink_dir), "--count-only"])
    if not st.wait_for(lambda: st.port_open(smtp_port), 10):
        sys.exit("smtp sink did not start")
    (work / "web-secret").write_text("b" * 64 + "\n")
    conf = work / "mail.toml"
    conf.write_text(
        stack._mqtt_section(f"bench-mail-{connections}") +
        f'[smtp]\nurl = "smtp://127.0.0.1:{smtp_port}"\nstarttls = "never"\n'
        'from_address = "bousai@city.minato.example.jp"\n'
        f'connections = {connections}\nbatch_size = {args.batch_size}\ntimeout_ms = 30000\n'
        f'[subscribers]\ntown_blocks = "{st.REPO / "config" / "minato_town_blocks.tsv"}"\n'
        f'[web]\nport = 0\npublic_url = "https://bousai-mail.city.minato.example.jp"\n'
        f'secret_file = "{work / "web-secret"}"\n'
        f'[state]\npath = "{work / "mail.db"}"\n' + stack._signing_section())
    csv = work / "subscribers.csv"
    with csv.open("w", encoding="utf-8") as f:
        f.write("email,areas,language,confirmed_at\n")
        for i in range(args.subscribers):
            f.write(f"resident{i}@example.jp,,{LANGUAGES[i % len(LANGUAGES)]},"
                    "2026-04-01T09:00:00+09:00\n")
    binary = str(Path(args.bin) / "mail-adapter")
    t0 = time.monotonic()
    subprocess.run([binary, "--config", str(conf), "subscribers", "import", str(csv)],
                   check=True, stdout=subprocess.DEVNULL)
    imported = time.monotonic() - t0

    log = stack.logs / f"mail-adapter-{connections}.log"
    adapter = stack._spawn(f"mail-adapter-{connections}", [binary, "--config", str(conf)])
    if not st.wait_for(lambda: log.exists() and "started" in log.read_text(), 15):
        sys.exit("mail-adapter did not start; see " + str(stack.logs))
    time.sleep(0.5)  # subscribed

    receipts_before = len(stack.receipts("mail"))
    alert_id = f"bench-mail-{connections}"
    job = {"schema": "alerthub.job/1", "job_id": f"{alert_id}/v1/mail",
           "idempotency_key": f"{alert_id}/v1/mail", "channel": "mail",
           "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds"),
           "alert": alert(alert_id)}
    payload = stack.sign(json.dumps(job, ensure_ascii=False))  # as the hub publishes it
    published = time.monotonic()
    client.publish(f"{st.TOPIC_ROOT}/jobs/mail", payload, qos=1).wait_for_publish()
    if not st.wait_for(lambda: len(stack.receipts("mail")) > receipts_before, 1800, interval=0.1):
        sys.exit("no receipt; see " + str(stack.logs))
    done = time.monotonic()
    memory = proc_status(adapter.pid)
    receipt = stack.receipts("mail")[-1]

    sink_log = Path(str(sink_dir) + ".log").read_text().splitlines()
    sessions = len(Path(str(sink_dir) + ".sessions").read_text().splitlines())
    recipients = [line.split("\t")[0] for line in sink_log]
    stack.stop_process(f"mail-adapter-{connections}")
    return {"connections": connections, "imported_s": imported, "job_s": done - published,
            "mails": len(recipients), "unique": len(set(recipients)), "sessions": sessions,
            "receipt": receipt, "memory": memory}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bin", default=str(st.REPO / "build" / "bin"))
    parser.add_argument("--subscribers", type=int, default=20000)
    parser.add_argument("--connections", type=int, nargs="+", default=[1, 4])
    parser.add_argument("--batch-size", type=int, default=100)
    args = parser.parse_args()

    stack = st.Stack(binaries=args.bin)
    stack._write_secrets()
    stack.start_broker()
    stack._start_watcher()
    client = mqtt.Client(client_id="bench-hub", protocol=mqtt.MQTTv311)
    client.connect("127.0.0.1", stack.mqtt_port)
    client.loop_start()
    try:
        for connections in args.connections:
            r = run(stack, args, connections, client)
            receipt = r["receipt"]
            print(f"connections={r['connections']}: {r['mails']} mails ({r['unique']} distinct "
                  f"recipients) in {r['job_s']:.1f} s from job to receipt = "
                  f"{r['mails'] / r['job_s']:.0f} mails/s; {r['sessions']} SMTP connection(s); "
                  f"receipt {receipt['outcome']}, {receipt['recipients']} recipients, "
                  f"{len(receipt.get('batches', []))} batches; import of {args.subscribers} "
                  f"subscribers {r['imported_s']:.1f} s; adapter memory peak "
                  f"{r['memory'].get('VmHWM')}, after {r['memory'].get('VmRSS')}", flush=True)
    finally:
        client.loop_stop()
        stack.stop()


if __name__ == "__main__":
    main()
