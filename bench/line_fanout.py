"""LINE fan-out: 100,000 subscribers over 30 areas and 8 languages, from job to last request.

Runs Mosquitto, the LINE stand-in (checking every request against LINE's OpenAPI and
enforcing LINE's documented multicast limit, 200 requests in any second, so an overrun
would show as 429s) and the real line-adapter with [rate_limits] at LINE's values. Imports
the subscribers through `line-adapter subscribers import`, then publishes N jobs, each
for all 30 areas (one town per area, so every subscriber is addressed), and prints:
  - time from publishing the job to the stand-in receiving the last multicast;
  - achieved multicast rate (requests beyond the first second's allowed burst / time from
    first to last request; and the plain mean) against the configured 200/s, the most
    requests the stand-in saw in any 1-s window, and 429s;
  - the adapter's peak memory (VmHWM) and its memory after the run (VmRSS).

    /usr/bin/python3 bench/line_fanout.py [--bin build/bin] [--subscribers 100000]
                                          [--jobs 3] [--no-validate]
"""

import argparse
import datetime as dt
import json
import random
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
import stack as st  # noqa: E402

import paho.mqtt.client as mqtt  # noqa: E402

LANGUAGES = ["ja", "en", "zh-Hans", "zh-Hant", "ko", "vi", "ne", "pt"]
MULTICAST_PER_SECOND = 200  # LINE's documented limit


def towns(blocks_file, count):
    """The first block of each of the first `count` towns: the 30 areas."""
    seen, out = set(), []
    for line in Path(blocks_file).read_text("utf-8").splitlines():
        if not line or line.startswith(("#", "@")):
            continue
        code, _name, town = line.split("\t")[:3]
        if town not in seen:
            seen.add(town)
            out.append(code)
    return out[:count]


def alert(alert_id, areas):
    now = dt.datetime.now(dt.timezone(dt.timedelta(hours=9))).replace(microsecond=0)
    return {
        "schema": "alerthub.alert/1", "id": alert_id, "version": 1, "state": "active",
        "status": "actual", "msg_type": "alert",
        "source": {"kind": "cap", "sender": "bench@city.minato.example.jp",
                   "identifier": alert_id, "sent": now.isoformat(), "sha256": "0" * 64},
        "event": {"code": "EVAC", "name": {"ja": "高齢者等避難", "en": "Evacuation of the elderly"}},
        "category": "safety", "level": 3, "severity": "severe", "urgency": "expected",
        "certainty": "likely", "effective": now.isoformat(), "onset": None,
        "expires": (now + dt.timedelta(hours=6)).isoformat(),
        "headline": {"ja": "【警戒レベル3】高齢者等避難", "en": "[Level 3] Evacuation of the elderly",
                     "zh-Hans": "【警戒等级3】老年人等避难", "ko": "[경계 레벨 3] 고령자 등 대피"},
        "description": {}, "instruction": {"ja": "避難に時間のかかる方は避難してください。",
                                           "en": "People who need time to evacuate, go now."},
        "areas": [{"scheme": "town", "code": c, "name": ""} for c in areas],
        "polygons": [], "links": [], "signature": ""}


def standin(port, path, body=None):
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}",
                                 data=None if body is None else json.dumps(body).encode(),
                                 method="GET" if body is None else "POST")
    req.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read() or b"null")


def proc_status(pid):
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmHWM", "VmRSS"):
            out[key] = value.strip()
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bin", default=str(st.REPO / "build" / "bin"))
    parser.add_argument("--subscribers", type=int, default=100000)
    parser.add_argument("--areas", type=int, default=30)
    parser.add_argument("--jobs", type=int, default=3)
    parser.add_argument("--no-validate", action="store_true",
                        help="skip the stand-in's OpenAPI check of the big multicast bodies")
    args = parser.parse_args()

    stack = st.Stack(binaries=args.bin)
    stack._write_secrets()
    stack.start_broker()
    argv = [st.DEBIAN_PYTHON, str(st.REPO / "tests" / "support" / "line_standin.py"), "--port",
            "0", "--spec", str(st.LINE_SPEC), "--token", st.LINE_TOKEN]
    if args.no_validate:
        argv.append("--no-validate")
    proc = stack._spawn("line-standin", argv, stdout=subprocess.PIPE)
    port = int(proc.stdout.readline().decode().split()[1])
    stack.line_port = port
    standin(port, "/__standin/rate_limits", {"multicast": [MULTICAST_PER_SECOND, 1.0]})

    blocks_file = st.REPO / "config" / "minato_town_blocks.tsv"
    areas = towns(blocks_file, args.areas)
    conf = stack.workdir / "line.toml"
    conf.write_text(
        stack._mqtt_section("bench-line") +
        f'[line]\napi_base = "http://127.0.0.1:{port}"\n'
        f'channel_access_token_file = "{stack.workdir / "line.token"}"\n'
        f'town_blocks_file = "{blocks_file}"\n'
        f'[rate_limits]\nmulticast_per_second = {MULTICAST_PER_SECOND}\n'
        f'[state]\npath = "{stack.workdir / "line.db"}"\n' + stack._signing_section())

    rng = random.Random(5)
    csv = stack.workdir / "subscribers.csv"
    with csv.open("w", encoding="utf-8") as f:
        f.write("user_id,language,areas\n")
        for i in range(args.subscribers):
            f.write(f"U{i:032x},{LANGUAGES[i % len(LANGUAGES)]},{rng.choice(areas)}\n")
    t0 = time.monotonic()
    subprocess.run([str(Path(args.bin) / "line-adapter"), "--config", str(conf), "subscribers",
                    "import", str(csv)], check=True)
    print(f"imported {args.subscribers} subscribers over {len(areas)} areas and "
          f"{len(LANGUAGES)} languages in {time.monotonic() - t0:.2f} s")

    adapter = stack._spawn("line-adapter", [str(Path(args.bin) / "line-adapter"), "--config",
                                            str(conf)])
    stack._start_watcher()
    if not st.wait_for(lambda: "started" in (stack.logs / "line-adapter.log").read_text(), 15):
        sys.exit("line-adapter did not start; see " + str(stack.logs))
    time.sleep(0.5)  # subscribed

    client = mqtt.Client(client_id="bench-hub", protocol=mqtt.MQTTv311)
    client.connect("127.0.0.1", stack.mqtt_port)
    client.loop_start()
    published = []
    for n in range(args.jobs):
        alert_id = f"bench-fanout-{n}"
        job = {"schema": "alerthub.job/1", "job_id": f"{alert_id}/v1/line",
               "idempotency_key": f"{alert_id}/v1/line", "channel": "line",
               "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds"),
               "alert": alert(alert_id, areas)}
        payload = stack.sign(json.dumps(job, ensure_ascii=False))  # as the hub publishes it
        published.append(time.time())
        client.publish(f"{st.TOPIC_ROOT}/jobs/line", payload, qos=1).wait_for_publish()
    if not st.wait_for(lambda: len(stack.receipts("line")) >= args.jobs, 600, interval=0.1):
        sys.exit("receipts missing; see " + str(stack.logs))
    memory = proc_status(adapter.pid)

    requests = [r for r in standin(port, "/__standin/requests")
                if r["operation"] == "multicast"]
    stats = standin(port, "/__standin/stats")
    times = sorted(r["time"] for r in requests)
    span = times[-1] - times[0]
    achieved = (len(times) - 1) / span if span > 0 else float("inf")
    # A sliding window lets the first MULTICAST_PER_SECOND requests go at once: beyond that
    # burst, this is the rate the limit allowed over the run.
    sustained = (len(times) - MULTICAST_PER_SECOND) / span if span > 0 else float("inf")
    receipts = stack.receipts("line")
    print(f"jobs: {args.jobs}, each to {args.subscribers} subscribers "
          f"({len(requests) // max(1, args.jobs)} multicasts of <= 500)")
    for n, r in enumerate(receipts):
        print(f"  job {n}: {r['outcome']}, {r['recipients']} recipients, "
              f"{len(r.get('batches', []))} batches")
    print(f"job to last request: first job {times[len(times) // args.jobs - 1] - published[0]:.2f} s,"
          f" all {args.jobs} jobs {times[-1] - published[0]:.2f} s")
    print(f"multicast requests: {len(requests)} (status 200: "
          f"{sum(1 for r in requests if r['status'] == 200)}, 429 rate limited: "
          f"{stats['rate_limited']}, violations: {sum(1 for r in requests if r['violations'])})")
    print(f"achieved rate: {sustained:.1f} req/s sustained after the first second's burst, "
          f"{achieved:.1f} req/s mean, over {span:.2f} s; configured "
          f"{MULTICAST_PER_SECOND}/s; most in any 1-s window at the stand-in: "
          f"{stats['max_in_window'].get('multicast')}")
    print(f"line-adapter memory: peak {memory.get('VmHWM')}, after the run {memory.get('VmRSS')}")
    client.loop_stop()
    stack.stop()


if __name__ == "__main__":
    main()
