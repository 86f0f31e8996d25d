"""The public site under load (issue 15, point 5): the whole stack with [site] on, Debian's
nginx serving the hub's tree with config/nginx/site.conf on loopback, and
  - ingest → page on disk: N evacuation orders POSTed one after another, each timed from
    the POST until its page exists under site/current (the hub renders and swaps a complete
    tree after each); median, p99, max;
  - requests/s: wrk against an alert page (a screen's location page, the QR code's target)
    and the facilities page, gzip asked for as phones do;
  - page weights: the alert pages (raw and gzipped), the index and the facilities pages.
Figures, not pass/fail. Run from the repository root after building:
  /usr/bin/python3 bench/site_load.py --bin build/bin --alerts 100 --duration 10
"""

import argparse
import gzip
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "scripts"))
import stack as st  # noqa: E402
from site_nginx import Nginx  # noqa: E402

MINATO = st.PROJECT_FIXTURES / "cap" / "minato_evacuation_order.xml"
LOCATION = "shinagawa-konan"


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def hub_cpu_s(pid):
    """user + system CPU seconds of a process so far (/proc/PID/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wrk(url, duration, threads, connections):
    out = subprocess.run(["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{duration}s",
                          "-H", "Accept-Encoding: gzip", "--latency", url],
                         capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"99%\s+([\d.]+\w+)", out).group(1)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rps, p99, int(errors.group(1)) if errors else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bin", default=str(REPO / "build" / "bin"))
    ap.add_argument("--alerts", type=int, default=100)
    ap.add_argument("--duration", type=int, default=10)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--connections", type=int, default=64)
    args = ap.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk not installed (scripts/install-deps installs it)")

    stack = st.Stack(binaries=args.bin, site_location=LOCATION).start()
    nginx = None
    try:
        nginx = Nginx(stack.workdir / "nginx", stack.site_dir / "current",
                      port=stack.site_port).start()
        base = st.replay_fixture(MINATO)
        hub_pid = stack.procs["hub"].pid
        cpu_before = hub_cpu_s(hub_pid)
        latencies = []
        alert_id = None
        for i in range(args.alerts):
            doc = base.replace("minato-bousai-20250905-0001", f"minato-bousai-bench-{os.getpid()}-{i}")
            started = time.monotonic()
            status, report = stack.post(doc.encode("utf-8"))
            if status != 202:
                sys.exit(f"ingest answered {status}: {report}")
            alert_id = report["alert_id"]
            page = stack.site_dir / "current" / "a" / alert_id / "index.html"
            if not st.wait_for(page.exists, 10, interval=0.002):
                sys.exit(f"no page for {alert_id} within 10 s; see {stack.logs}")
            latencies.append(time.monotonic() - started)
        cpu = hub_cpu_s(hub_pid) - cpu_before
        ms = [x * 1000 for x in latencies]
        print(f"ingest → page on disk, {len(ms)} alerts: median {statistics.median(ms):.0f} ms, "
              f"p99 {percentile(ms, 99):.0f} ms, max {max(ms):.0f} ms; the hub's CPU time "
              f"{cpu * 1000 / len(ms):.0f} ms per alert (ingest, journal, outbox, render), "
              f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")

        root = stack.site_dir / "current"
        trees = list((stack.site_dir / "trees").iterdir())
        files = [Path(d) / f for d, _, names in os.walk(root, followlinks=True) for f in names]
        print(f"site: {len(files)} files (with .gz), {sum(p.stat().st_size for p in files) / 1e6:.1f} MB "
              f"({args.alerts} alerts in force, {len(trees)} trees kept)")
        for name in [f"a/{alert_id}/index.html", f"a/{alert_id}/index.en.html",
                     f"a/{alert_id}/{LOCATION}.html", "index.html", "facilities.html",
                     "facilities-storm_surge.html", "site.css"]:
            data = (root / name).read_bytes()
            print(f"weight {name}: {len(data)} bytes, {len(gzip.compress(data, 5))} gzipped")

        for label, path in (("alert page", f"a/{alert_id}/{LOCATION}.html"),
                            ("facilities page", "facilities.html")):
            rps, p99, errors = wrk(nginx.url(path), args.duration, args.threads,
                                   args.connections)
            print(f"wrk {label}: {rps:,.0f} req/s, p99 {p99}, non-2xx {errors} "
                  f"(-t{args.threads} -c{args.connections} -d{args.duration}s, gzip)")
    finally:
        if nginx:
            nginx.stop()
        stack.stop()


if __name__ == "__main__":
    main()
