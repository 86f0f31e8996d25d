#!/usr/bin/python3
"""The Debian packages (issue 16), end to end: cpack builds them from the build tree; each has
its control fields (dpkg-shlibdeps' runtime dependencies), conffiles under /etc/alerthub and
maintainer scripts; lintian finds no error and no tag beyond the justified overrides; the hub
then runs from the files of the installed package (dpkg-deb -x into a throwaway root) with a
loopback config: it answers /health ready, Debian's Prometheus scrapes its /metrics (target
up), and its hubctl takes a backup.

    tests/package/package_test.py BUILD_DIR
"""
import json
import os
import pathlib
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

build = pathlib.Path(sys.argv[1]).resolve()
source = pathlib.Path(__file__).resolve().parents[2]
PACKAGES = ["alerthub-common", "alerthub-hub", "alerthub-line", "alerthub-mail", "alerthub-player"]
failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, seconds):
    end = time.time() + seconds
    while time.time() < end:
        try:
            if predicate():
                return True
        except (OSError, ValueError, KeyError):  # not answering yet, or not yet with that
            pass
        time.sleep(0.2)
    return False


def http_get(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()
    except OSError:
        return 0, ""


out_dir = build / "packages"
shutil.rmtree(out_dir, ignore_errors=True)
subprocess.run(["cpack", "-G", "DEB", "--config", str(build / "CPackConfig.cmake")], cwd=build,
               check=True, stdout=subprocess.DEVNULL)
debs = {p: next(out_dir.glob(f"{p}_*.deb"), None) for p in PACKAGES}
for p, deb in debs.items():
    check(deb is not None, f"{p}: built")
    if deb:
        print(f"     {deb.name}: {deb.stat().st_size // 1024} KiB")
if failures:
    sys.exit(1)


def field(deb, name):
    return subprocess.run(["dpkg-deb", "-f", str(deb), name], capture_output=True,
                          text=True).stdout.strip()


def control_file(deb, name):
    return subprocess.run(["dpkg-deb", "--ctrl-tarfile", str(deb)], capture_output=True,
                          check=True).stdout and subprocess.run(
        f"dpkg-deb --ctrl-tarfile {deb} | tar -xOf - ./{name}", shell=True, capture_output=True,
        text=True).stdout


for p in ["alerthub-hub", "alerthub-line", "alerthub-mail", "alerthub-player"]:
    depends = field(debs[p], "Depends")
    check("libc6" in depends and "alerthub-common" in depends and "adduser" in depends,
          f"{p}: Depends from dpkg-shlibdeps ({depends[:80]}...)")
    conffiles = control_file(debs[p], "conffiles")
    service = p.split("-")[1]
    check(f"/etc/alerthub/{service}.toml" in conffiles, f"{p}: /etc/alerthub/{service}.toml is a conffile")
    postinst = control_file(debs[p], "postinst")
    check("adduser --system" in postinst and "deb-systemd-helper enable" in postinst
          and "deb-systemd-invoke start" not in postinst,
          f"{p}: postinst makes its user, enables its unit, starts nothing")
for lib in ["libsqlite3-0", "libpaho-mqttpp3", "libsodium23"]:
    check(lib in field(debs["alerthub-hub"], "Depends"), f"alerthub-hub depends on {lib}")
check("libsdl2" in field(debs["alerthub-player"], "Depends"), "alerthub-player depends on libsdl2")

# --display-info: the hardening tags (hardening-no-bindnow, -no-fortify-functions) are info.
lintian = subprocess.run(["lintian", "--fail-on", "error,warning", "--display-info",
                          "--tag-display-limit", "0"] + [str(d) for d in debs.values()],
                         capture_output=True, text=True)
print(lintian.stdout + lintian.stderr)
check(lintian.returncode == 0, "lintian: no error or warning beyond the justified overrides")
check("hardening-" not in lintian.stdout, "lintian: no hardening tag")
check("no-manual-page" not in lintian.stdout, "lintian: every program has its manual page")

# The hub from the installed files, on loopback.
with tempfile.TemporaryDirectory(prefix="alerthub-package-") as tmp:
    tmp = pathlib.Path(tmp)
    root = tmp / "root"
    for deb in debs.values():
        subprocess.run(["dpkg-deb", "-x", str(deb), str(root)], check=True)
    # Debian's hardening in every binary (ALERTHUB_HARDENING): PIE, full RELRO (BIND_NOW),
    # stack protector, fortified libc calls; and a manual page each, which man reads.
    for program, package in [("alerthub-hub", "hub"), ("hubctl", "hub"),
                             ("line-adapter", "line"), ("mail-adapter", "mail"),
                             ("signage-player", "player")]:
        binary = root / "usr/bin" / program
        header = subprocess.run(["readelf", "-h", "-d", "-l", "-W", str(binary)],
                                capture_output=True, text=True).stdout
        symbols = subprocess.run(["readelf", "--dyn-syms", "-W", str(binary)],
                                 capture_output=True, text=True).stdout
        check("DYN (" in header and "GNU_RELRO" in header and "BIND_NOW" in header
              and "__stack_chk_fail" in symbols and "_chk@" in symbols.replace(
                  "__stack_chk_fail", ""),
              f"{program}: PIE, full RELRO, stack protector, fortified calls")
        page = root / f"usr/share/man/man8/{program}.8.gz"
        shown = subprocess.run(["man", "--warnings", "-l", str(page)], capture_output=True,
                               text=True, env={**os.environ, "MANWIDTH": "80", "LC_ALL": "C.UTF-8"})
        check(page.exists() and "SYNOPSIS" in shown.stdout and not shown.stderr.strip(),
              f"alerthub-{package}: {page.name} reads cleanly with man {shown.stderr.strip()}")
    hub = root / "usr/bin/alerthub-hub"
    hubctl = root / "usr/bin/hubctl"
    check(hub.exists() and hubctl.exists(), "alerthub-hub and hubctl in /usr/bin")
    unit = (root / "usr/lib/systemd/system/alerthub-hub.service").read_text()
    check("ExecStart=/usr/bin/alerthub-hub" in unit
          and "ConditionPathExists=/etc/alerthub/credentials/signing.key" in unit,
          "the packaged unit runs /usr/bin/alerthub-hub once the signing key is in place")
    check((root / "usr/share/alerthub/console/index.html").exists(), "console web files")

    broker_port, ingest_port, monitoring_port = free_port(), free_port(), free_port()
    (tmp / "mosquitto.conf").write_text(f"listener {broker_port} 127.0.0.1\nallow_anonymous true\n")
    broker = subprocess.Popen(["mosquitto", "-c", str(tmp / "mosquitto.conf")],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    subprocess.run([str(hubctl), "keys", "generate", "--out", str(tmp / "keys"), "--kid", "pkg"],
                   check=True, stdout=subprocess.DEVNULL)
    (tmp / "ingest.token").write_text("package-test-token-0123456789\n")
    etc = root / "etc/alerthub"
    config = (etc / "hub.toml").read_text()
    # The shipped conffile with this machine's answers, as an administrator would fill it in.
    config = config.replace('token_file = "/etc/alerthub/ingest.token"',
                            f'token_file = "{tmp}/ingest.token"\nlisten_port = {ingest_port}')
    config = config.replace('key_file = "/etc/alerthub/signing.key"',
                            f'key_file = "{tmp}/keys/pkg.key"')
    config = config.replace("[mqtt]\n", f'[mqtt]\nuri = "tcp://127.0.0.1:{broker_port}"\n', 1)
    config = config.replace("[journal]\n", f'[journal]\npath = "{tmp}/state/journal.db"\n', 1)
    config = config.replace("[spool]\n", f'[spool]\ndir = "{tmp}/state/spool"\n', 1)
    config = config.replace("[phrases]\n", f'[phrases]\ndir = "{etc}/phrases"\n', 1)
    config = config.replace("[area]\n", f'[area]\njma_table = "{etc}/jma/areas_tokyo.tsv"\n', 1)
    config = config.replace("[monitoring]\n", f"[monitoring]\nlisten_port = {monitoring_port}\n", 1)
    (tmp / "hub.toml").write_text(config)
    checked = subprocess.run([str(hub), "--config", str(tmp / "hub.toml"), "--check-config"],
                             capture_output=True, text=True)
    check(checked.returncode == 0, f"--check-config: {checked.stdout.strip()}{checked.stderr.strip()}")
    hub_process = subprocess.Popen([str(hub), "--config", str(tmp / "hub.toml")],
                                   stdout=open(tmp / "hub.log", "w"), stderr=subprocess.STDOUT)
    prometheus = None
    try:
        health = f"http://127.0.0.1:{monitoring_port}/health"
        ready = wait_for(lambda: http_get(health)[0] == 200, 20)
        check(ready, f"the installed hub answers {health}: {http_get(health) if ready else ''}")
        status, metrics = http_get(f"http://127.0.0.1:{monitoring_port}/metrics")
        check(status == 200 and "alerthub_ready 1" in metrics, "/metrics answers")
        (build / "packages/scrape-sample.txt").write_text(metrics)
        promtool = subprocess.run(["promtool", "check", "metrics"], input=metrics,
                                  capture_output=True, text=True)
        check(promtool.returncode == 0, f"promtool check metrics {promtool.stdout}{promtool.stderr}")

        # Debian's Prometheus scrapes it.
        prom_port = free_port()
        (tmp / "prometheus.yml").write_text(
            "global: {scrape_interval: 1s}\nscrape_configs:\n"
            f"  - job_name: alerthub-hub\n    static_configs: [{{targets: ['127.0.0.1:{monitoring_port}']}}]\n")
        prometheus = subprocess.Popen(
            ["prometheus", f"--config.file={tmp}/prometheus.yml", f"--storage.tsdb.path={tmp}/tsdb",
             f"--web.listen-address=127.0.0.1:{prom_port}"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

        def target_up():
            _, body = http_get(f"http://127.0.0.1:{prom_port}/api/v1/targets")
            targets = json.loads(body)["data"]["activeTargets"]
            return targets and targets[0]["health"] == "up"
        check(wait_for(target_up, 30), "Prometheus scrapes the hub: target up")

        def query_ready():
            _, body = http_get(f"http://127.0.0.1:{prom_port}/api/v1/query?query=alerthub_ready")
            result = json.loads(body)["data"]["result"]
            return result and result[0]["value"][1] == "1"
        check(wait_for(query_ready, 30), "Prometheus reads alerthub_ready = 1")

        backup = subprocess.run([str(hubctl), "backup", str(tmp / "backups"), "--config",
                                 str(tmp / "hub.toml")], capture_output=True, text=True)
        check(backup.returncode == 0 and "journal-" in backup.stdout,
              f"the installed hubctl backs up: {backup.stdout.strip()}{backup.stderr.strip()}")
    finally:
        for p in (prometheus, hub_process, broker):
            if p:
                p.terminate()
                p.wait(timeout=10)
    if failures:
        print((tmp / "hub.log").read_text()[-3000:])

print(f"{len(failures)} failure(s)")
sys.exit(1 if failures else 0)
