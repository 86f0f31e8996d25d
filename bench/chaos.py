#!/usr/bin/python3
"""The fault suite's long run: the cases of tests/chaos/chaos.py with many trials each, on
one stack of real binaries and a real Mosquitto; prints accepted / lost / duplicated /
resurrected and resync times per case.

    /usr/bin/python3 bench/chaos.py --bin build/bin --trials 50
    /usr/bin/python3 bench/chaos.py --bin build/bin --cases broker_kill_after_cancel --trials 50

--before runs without the hub settings the follow-ups added (for binaries that predate them).
"""

import argparse
import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "chaos"))
import chaos  # noqa: E402

CASES = ["mail_adapter_kill", "line_adapter_kill", "hub_kill_during_ingest",
         "broker_kill_after_cancel", "broker_outage_update", "player_restart_offline"]


def run_case(s, case, trials, rng, outage_s, settle_s):
    if case == "mail_adapter_kill":
        return chaos.adapter_kill(s, "mail", trials, rng=rng, settle_s=settle_s)
    if case == "line_adapter_kill":
        return chaos.adapter_kill(s, "line", trials, rng=rng, settle_s=settle_s)
    if case == "hub_kill_during_ingest":
        return chaos.hub_kill_during_ingest(s, trials, rng=rng, settle_s=settle_s)
    if case == "broker_kill_after_cancel":
        return chaos.broker_kill_after_cancel(s, trials, rng=rng)
    if case == "broker_outage_update":
        return chaos.broker_outage_update(s, trials, outage_s=outage_s, rng=rng)
    return chaos.player_restart_offline(s, trials, rng=rng)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--bin", default=str(chaos.st.REPO / "build" / "bin"))
    p.add_argument("--trials", type=int, default=50)
    p.add_argument("--cases", nargs="+", default=CASES, choices=CASES)
    p.add_argument("--outage-s", type=float, default=5.0, help="broker_outage_update's outage")
    p.add_argument("--seed", type=int, default=13)
    p.add_argument("--settle-s", type=float, default=60.0,
                   help="how long a trial waits for every delivery before counting losses")
    p.add_argument("--before", action="store_true",
                   help="no [delivery]/[retained] follow-up settings (older hubs refuse them)")
    a = p.parse_args()
    rng = random.Random(a.seed)
    s = chaos.start_stack(a.bin, hub_extra="" if a.before else chaos.HUB_EXTRA)
    results = {}
    try:
        for case in a.cases:
            t0 = time.monotonic()
            figures = run_case(s, case, a.trials, rng, a.outage_s, a.settle_s)
            figures["wall_s"] = round(time.monotonic() - t0, 1)
            results[case] = figures
            line = {k: v for k, v in figures.items()
                    if k not in ("offsets", "resync_s", "catch_up_s", "seconds_to_all")}
            extra = ""
            for key in ("resync_s", "catch_up_s", "seconds_to_all"):
                if key in figures:
                    extra += f"  {key}: {chaos.summary(figures[key])}"
            print(f"{case}: {json.dumps(line)}{extra}", flush=True)
    finally:
        print(f"logs in {s.logs}")
        s.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
