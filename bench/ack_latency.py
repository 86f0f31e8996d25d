"""Time from handing an alert to the hub until the player's display ack arrives.

Runs the whole stack (real binaries, Mosquitto, stand-ins, a headless player) and feeds
N distinct alerts, each followed by its Cancel, through the spool folder and through the
HTTP ingest endpoint. Prints median and p95 per path.

    /usr/bin/python3 bench/ack_latency.py [--runs 20] [--bin build/bin]
"""

import argparse
import datetime as dt
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
import stack as st  # noqa: E402

ALERT = st.SHARED_FIXTURES / "cap" / "spec" / "Oasis_ThunderstormWarning.xml"
CANCEL = st.PROJECT_FIXTURES / "cap" / "thunderstorm_cancel.xml"


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def run(stack, path, runs):
    alert_text, cancel_text = ALERT.read_text("utf-8"), CANCEL.read_text("utf-8")
    latencies = []
    for i in range(runs):
        ident = f"KSTO-bench-{path}-{i}"
        delta = dt.datetime.now(dt.timezone.utc) - st.first_sent(alert_text)
        alert = st.shift_times(alert_text, delta).replace("KSTO1055887203", ident)
        # Each Cancel needs its own identifier too: same sender, identifier and sent would
        # be a duplicate of the previous run's Cancel.
        cancel = re.sub(r"<identifier>[^<]*</identifier>", f"<identifier>{ident}-c</identifier>",
                        st.shift_times(cancel_text, delta).replace("KSTO1055887203", ident))
        acks_before = len(stack.acks())
        if path == "spool":
            t0 = stack.drop(alert, f"{ident}.xml")
        else:
            t0 = time.monotonic()
            status, body = stack.post(alert.encode("utf-8"))
            assert status == 202, body
        if not st.wait_for(lambda: len(stack.acks()) > acks_before, 10, interval=0.002):
            sys.exit(f"no ack for run {i} ({path}); logs in {stack.logs}")
        latencies.append((stack.acks()[-1]["_received"] - t0) * 1000)
        stack.drop(cancel, f"{ident}-cancel.xml")
        if not st.wait_for(lambda: stack.screen().get("screen") == "idle", 10):
            sys.exit(f"player did not return to idle after run {i}")
    return latencies


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--bin", default=str(st.REPO / "build" / "bin"))
    args = parser.parse_args()
    stack = st.Stack(binaries=args.bin, player_areas=("006109",)).start()
    try:
        print(f"alert -> player display ack, {args.runs} runs per path, "
              f"spool poll {stack.spool_poll_ms} ms, 1280x720 headless player")
        for path in ("spool", "http"):
            ms = run(stack, path, args.runs)
            print(f"  {path:5s}  median {statistics.median(ms):7.1f} ms   "
                  f"p95 {percentile(ms, 95):7.1f} ms   min {min(ms):6.1f}   max {max(ms):6.1f}")
    finally:
        stack.stop()


if __name__ == "__main__":
    main()
