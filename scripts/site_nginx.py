"""Debian's nginx serving the public site on loopback with config/nginx/site.conf, for the
demo, the e2e test and bench/site_load.py. Only the listen address and the root are changed; the rest
of the shipped file is used as is."""

import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SITE_CONF = REPO / "config" / "nginx" / "site.conf"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def nginx_binary():
    for path in (shutil.which("nginx"), "/usr/sbin/nginx"):
        if path and Path(path).exists():
            return path
    raise RuntimeError("nginx not installed (scripts/install-deps installs it)")


class Nginx:
    def __init__(self, workdir, site_root, port=None, workers=2):
        self.dir = Path(workdir)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.port = port or free_port()
        site = SITE_CONF.read_text(encoding="utf-8")
        site = re.sub(r"^\s*listen \[::\]:80;\n", "", site, flags=re.M)
        site = site.replace("listen 80;", f"listen 127.0.0.1:{self.port};")
        site = site.replace("/var/lib/alerthub/site/current", str(site_root))
        (self.dir / "site.conf").write_text(site, encoding="utf-8")
        temp = self.dir / "temp"
        temp.mkdir(exist_ok=True)
        # As root (CI containers) nginx would drop its workers to nobody, who cannot read a
        # test's private temp folder; production runs them as www-data with group access.
        user = "user root;\n" if os.geteuid() == 0 else ""
        (self.dir / "nginx.conf").write_text(
            user + f"worker_processes {workers};\n"
            f"pid {self.dir / 'nginx.pid'};\n"
            f"error_log {self.dir / 'error.log'} warn;\n"
            "events { worker_connections 4096; }\n"
            "http {\n"
            "  default_type application/octet-stream;\n"
            "  access_log off;\n"
            "  sendfile on;\n  tcp_nopush on;\n  keepalive_requests 100000;\n"
            + "".join(f"  {name}_temp_path {temp / name};\n"
                      for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
            + f"  include {self.dir / 'site.conf'};\n"
            "}\n", encoding="utf-8")
        self.proc = None

    def url(self, path=""):
        return f"http://127.0.0.1:{self.port}/{path.lstrip('/')}"

    def check(self):
        """nginx -t on the config: the shipped file must parse."""
        return subprocess.run([nginx_binary(), "-e", str(self.dir / "error.log"), "-p",
                               str(self.dir), "-c", str(self.dir / "nginx.conf"), "-t"],
                              capture_output=True, text=True)

    def start(self):
        self.proc = subprocess.Popen(
            [nginx_binary(), "-e", str(self.dir / "error.log"), "-p", str(self.dir), "-c",
             str(self.dir / "nginx.conf"), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("nginx exited: " + (self.dir / "error.log").read_text())
            try:
                urllib.request.urlopen(self.url("site.css"), timeout=1).read()
                return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("nginx did not answer; see " + str(self.dir / "error.log"))

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGQUIT)  # graceful: workers finish their requests
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
