"""From the HTTP POST of an alert to the hub until the player's first frame that shows it.

Runs the whole stack (real binaries, Mosquitto, a headless player at 1920x1080) and POSTs
N distinct CAP alerts to the ingest API, each followed by its Cancel. The player's display
ack carries the wall time at which the frame showing the alert was presented
(`displayed_at`), so the figure is POST start -> that frame, on one machine's clock.
Then the same with --players headless players in all (the fleet), and finally one player's
memory and idle CPU at 1080p.

    /usr/bin/python3 bench/display_latency.py [--alerts 100] [--players 100] [--bin build/bin]
"""

import argparse
import datetime as dt
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
import stack as st  # noqa: E402

ALERT = st.SHARED_FIXTURES / "cap" / "spec" / "Oasis_ThunderstormWarning.xml"
CANCEL = st.PROJECT_FIXTURES / "cap" / "thunderstorm_cancel.xml"
AREA = "006109"  # the thunderstorm's SAME code
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def parse_time(text):
    return dt.datetime.fromisoformat(text).timestamp()


def start_fleet_player(stack, n, size):
    """Another headless player with its own device id and screenshot folder."""
    device = f"bench-player-{n:03}"
    conf = stack.workdir / f"{device}.toml"
    width, height = size
    conf.write_text(
        stack._mqtt_section(f"player-{device}") +
        f'[player]\ndevice_id = "{device}"\nareas = ["{AREA}"]\n'
        f'town_blocks_file = "{st.REPO / "config" / "minato_town_blocks.tsv"}"\n'
        f'[display]\nwidth = {width}\nheight = {height}\nfullscreen = false\n'
        f'[headless]\nscreenshot_dir = "{stack.workdir / "screens" / device}"\n')
    stack._spawn(device, [str(stack.bin / "signage-player"), "--config", str(conf),
                          "--headless"])
    return device


def with_new_text(alert, i):
    """The alert with its headline and description starting with a word of their own, so
    that every line wraps differently and the player measures text it has not seen."""
    for tag in ("headline", "description"):
        alert = alert.replace(f"<{tag}>", f"<{tag}>RUN{i:03} ", 1)
    return alert


def feed(stack, runs, tag, devices, timeout=30, vary_text=False):
    """POSTs `runs` alerts; returns, per alert, the latency (ms) on each device."""
    alert_text, cancel_text = ALERT.read_text("utf-8"), CANCEL.read_text("utf-8")
    per_alert = []
    for i in range(runs):
        ident = f"KSTO-display-{tag}-{i}-{time.time_ns()}"
        delta = dt.datetime.now(dt.timezone.utc) - st.first_sent(alert_text)
        alert = st.shift_times(alert_text, delta).replace("KSTO1055887203", ident)
        if vary_text:
            alert = with_new_text(alert, i)
        cancel = re.sub(r"<identifier>[^<]*</identifier>", f"<identifier>{ident}-c</identifier>",
                        st.shift_times(cancel_text, delta).replace("KSTO1055887203", ident))
        seen = len(stack.acks())
        t0 = time.time()
        status, body = stack.post(alert.encode("utf-8"))
        assert status == 202, body
        alert_id = body["alert_id"]

        def acks_for_alert():
            return {a["device_id"]: a for a in stack.acks()[seen:] if a["alert_id"] == alert_id}

        if not st.wait_for(lambda: len(acks_for_alert()) >= len(devices), timeout,
                           interval=0.005):
            missing = set(devices) - set(acks_for_alert())
            sys.exit(f"alert {i}: no ack from {sorted(missing)[:5]}...; logs in {stack.logs}")
        per_alert.append({d: (parse_time(a["displayed_at"]) - t0) * 1000
                          for d, a in acks_for_alert().items()})
        # The ack goes out before the headless player writes the frame's PNG: wait for that
        # too, or the idle file from before would pass for the idle screen after the cancel.
        st.wait_for(lambda: all_showing(stack, devices, alert_id), timeout, interval=0.01)
        status, body = stack.post(cancel.encode("utf-8"))
        assert status == 202, body
        # The next alert starts from the idle screen everywhere, as a real one would.
        st.wait_for(lambda: all_idle(stack, devices), timeout, interval=0.01)
    return per_alert


def latest_screens(stack, devices):
    """Each device's latest.json (None where it cannot be read yet)."""
    out = []
    for d in devices:
        folder = stack.screens if d == stack.device_id else stack.workdir / "screens" / d
        try:
            out.append(json.loads((folder / "latest.json").read_text()))
        except (OSError, ValueError):
            out.append(None)
    return out


def all_idle(stack, devices):
    return all(s and s.get("screen") == "idle" for s in latest_screens(stack, devices))


def all_showing(stack, devices, alert_id):
    return all(s and s.get("alert_id") == alert_id for s in latest_screens(stack, devices))


def summary(label, ms):
    return (f"  {label:34s} n={len(ms):5d}  median {statistics.median(ms):7.1f} ms   "
            f"p99 {percentile(ms, 99):7.1f} ms   max {max(ms):7.1f} ms")


def process_usage(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    cpu_s = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime + stime
    rss_kb = 0
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss_kb = int(line.split()[1])
    return cpu_s, rss_kb


def idle_usage(stack, seconds):
    pid = stack.procs["player"].pid
    cpu0, _ = process_usage(pid)
    t0 = time.monotonic()
    time.sleep(seconds)
    cpu1, rss_kb = process_usage(pid)
    return (cpu1 - cpu0) / (time.monotonic() - t0) * 100, rss_kb / 1024


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--alerts", type=int, default=100)
    parser.add_argument("--players", type=int, default=100, help="the fleet, in all")
    parser.add_argument("--fleet-alerts", type=int, default=None,
                        help="alerts for the fleet run (default: --alerts)")
    parser.add_argument("--idle-seconds", type=int, default=60)
    parser.add_argument("--fleet-size", default="1920x1080", help="each fleet player's size")
    parser.add_argument("--bin", default=str(st.REPO / "build" / "bin"))
    parser.add_argument("--vary-text", action="store_true",
                        help="give every alert a headline and description of its own (the "
                             "player caches text widths: the same text again is cheaper)")
    args = parser.parse_args()
    fleet_size = tuple(int(v) for v in args.fleet_size.split("x"))

    stack = st.Stack(binaries=args.bin, player_areas=(AREA,), display_size=(1920, 1080),
                     spool_poll_ms=200).start()
    try:
        print(f"HTTP POST -> first frame showing the alert (display ack's displayed_at), "
              f"headless 1920x1080, {os.cpu_count()} cores")
        one = feed(stack, args.alerts, "one", [stack.device_id], vary_text=args.vary_text)
        print(summary("1 player", [v for a in one for v in a.values()]))

        cpu, rss = idle_usage(stack, args.idle_seconds)
        print(f"  1 player idle at 1920x1080 for {args.idle_seconds} s: CPU {cpu:.2f}% of a "
              f"core, RSS {rss:.0f} MiB")

        if args.players > 1:
            devices = [stack.device_id]
            for n in range(1, args.players):
                devices.append(start_fleet_player(stack, n, fleet_size))
            if not st.wait_for(lambda: all_idle(stack, devices), 120, interval=0.2):
                sys.exit(f"the fleet did not come up; logs in {stack.logs}")
            runs = args.fleet_alerts or args.alerts
            fleet = feed(stack, runs, "fleet", devices, timeout=120, vary_text=args.vary_text)
            every = [v for a in fleet for v in a.values()]
            last = [max(a.values()) for a in fleet]
            print(summary(f"{args.players} players, every screen", every))
            print(summary(f"{args.players} players, until the last one", last))
            rss_total = sum(process_usage(p.pid)[1] for name, p in stack.procs.items()
                            if name == "player" or name.startswith("bench-player"))
            print(f"  {args.players} players' RSS together: {rss_total / 1024:.0f} MiB "
                  f"(fleet players at {fleet_size[0]}x{fleet_size[1]})")
    finally:
        stack.stop()


if __name__ == "__main__":
    main()
