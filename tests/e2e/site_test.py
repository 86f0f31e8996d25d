"""Issue 15 as a resident meets it: a screen at 品川駅港南口 shows an evacuation order; its QR
code (decoded from the player's own PNG with zbarimg) leads, through Debian's nginx serving
the hub's static site with config/nginx/site.conf, to the page of that alert for that
screen, which names the order and lists first the facility nearest to the screen that is
safe from the order's hazard and that staff said is open. Then: a status change is on the
page within a second; every link of the site resolves; every page passes tidy; LINE and
mail carry the same page."""

import gzip
import html.parser
import json
import math
import os
import re
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
import stack as st  # noqa: E402
from site_nginx import Nginx  # noqa: E402

MINATO = st.PROJECT_FIXTURES / "cap" / "minato_evacuation_order.xml"  # 高潮 (storm surge)
LOCATION = "shinagawa-konan"
KONAN = (35.628471, 139.740502)  # config/site/locations.tsv
SITES = st.REPO / "config" / "shelters" / "131032-emergency-sites.geojson"


def distance_m(a, b):
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (math.sin((lat2 - lat1) / 2) ** 2 +
         math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
    return 2 * 6371008.8 * math.asin(min(1.0, math.sqrt(h)))


def nearest_storm_surge_site(where):
    """Read straight from the GSI file: the nearest site designated for 高潮."""
    features = json.loads(SITES.read_text(encoding="utf-8"))["features"]
    safe = [f for f in features if f["properties"]["高潮"] == "1"]
    best = min(safe, key=lambda f: distance_m(where, tuple(reversed(f["geometry"]["coordinates"]))))
    return best["properties"]["共通ID"], best["properties"]["施設・場所名"]


def fetch(url, gzip_ok=False):
    req = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"} if gzip_ok else {})
    with urllib.request.urlopen(req, timeout=5) as r:
        body = r.read()
        return r.status, dict(r.headers), body


class Links(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if (tag, name) in (("a", "href"), ("link", "href")) and value:
                self.links.append(value)


class SiteEndToEnd(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.stack = st.Stack(binaries=os.environ.get("ALERTHUB_BIN"),
                             site_location=LOCATION).start()
        cls.nginx = Nginx(cls.stack.workdir / "nginx", cls.stack.site_dir / "current",
                          port=cls.stack.site_port).start()

    @classmethod
    def tearDownClass(cls):
        cls.nginx.stop()
        cls.stack.stop()

    def wait(self, predicate, what, timeout=5.0):
        value = st.wait_for(predicate, timeout)
        if not value:
            self.fail(f"not within {timeout} s: {what} (logs in {self.stack.logs})")
        return value

    def hubctl(self, *args):
        return subprocess.run([str(self.stack.bin / "hubctl"), *args, "--config",
                               str(self.stack.workdir / "hub.toml")],
                              capture_output=True, text=True)

    def test_1_the_qr_code_leads_to_the_alert_and_the_nearest_open_facility(self):
        s = self.stack
        facility_id, facility_name = nearest_storm_surge_site(KONAN)
        done = self.hubctl("site", "status", facility_id, "open", "--count", "12",
                           "--by", "e2e-operator")
        self.assertEqual(done.returncode, 0, done.stderr)

        s.drop(st.replay_fixture(MINATO), "minato.xml")
        ack = self.wait(lambda: next((a for a in s.acks() if a["version"] == 1), None),
                        "the player's display ack")
        alert_id = ack["alert_id"]
        self.wait(lambda: s.screen().get("alert_id") == alert_id, "the alert on screen")
        png = s.screenshot()
        decoded = subprocess.run(["zbarimg", "--quiet", "--raw", str(png)], capture_output=True,
                                 text=True)
        self.assertEqual(decoded.returncode, 0, f"no QR code in {png}: {decoded.stderr}")
        url = decoded.stdout.strip()
        self.assertEqual(url, self.nginx.url(f"a/{alert_id}/{LOCATION}.html"))

        status, headers, body = self.wait(lambda: self._ok(url), "the page behind the QR code")
        page = body.decode("utf-8")
        self.assertIn("芝浦一丁目～四丁目に避難指示（高潮）", page)
        self.assertIn("品川駅港南口", page)
        first = re.search(r'<li class="fac">\s*<h3 lang="ja">([^<]+)</h3>.*?'
                          r'<p class="status s-(\w+)">([^<]*)', page, re.S)
        self.assertIsNotNone(first, page)
        self.assertEqual((first.group(1), first.group(2)), (facility_name, "open"))
        self.assertIn("受入 12", first.group(3))
        self.assertIn("出典：国土地理院", page)
        self.assertIn("public, max-age=0", headers.get("Cache-Control", ""))

        # LINE and mail link the same site (the alert's page: each reader picks a place).
        alert_page = self.nginx.url(f"a/{alert_id}/")
        line = self.wait(lambda: [r for r in s.line_requests()
                                  if alert_page in json.dumps(r["body"], ensure_ascii=False)],
                         "a LINE message linking the page")
        self.assertTrue(line)
        self.wait(lambda: [m for m in s.mails()
                           if alert_page in m.get_body(("plain",)).get_content()],
                  "a mail linking the page")
        self.__class__.alert_id = alert_id
        self.__class__.facility = (facility_id, facility_name)

    def _ok(self, url):
        try:
            return fetch(url)
        except OSError:
            return None

    def test_2_a_status_change_is_on_the_page_within_a_second(self):
        facility_id, _ = self.facility
        url = self.nginx.url(f"a/{self.alert_id}/{LOCATION}.html")
        started = time.monotonic()
        done = self.hubctl("site", "status", facility_id, "full", "--count", "300",
                           "--by", "e2e-operator")
        self.assertEqual(done.returncode, 0, done.stderr)
        self.wait(lambda: "満員" in fetch(url)[2].decode("utf-8"), "満員 on the page", 1.5)
        elapsed = time.monotonic() - started
        print(f"status change to page: {elapsed * 1000:.0f} ms (hubctl start-up included)")
        self.assertLess(elapsed, 1.5)
        log = self.hubctl("site", "log")
        self.assertIn(f"{facility_id}\tfull\t300\thubctl:e2e-operator", log.stdout)

    def test_3_every_link_resolves_and_every_page_is_valid_html(self):
        root = self.stack.site_dir / "current"
        # Each alert's folder is a symlink into the site's store: follow it.
        pages = sorted(Path(d) / f for d, _, files in os.walk(root, followlinks=True)
                       for f in files if f.endswith(".html"))
        # index, 9 facilities pages, the order in ja and en for itself and 4 screen locations
        self.assertGreaterEqual(len(pages), 1 + 9 + 2 * (1 + 4))
        checked = set()
        for page in pages:
            parser = Links()
            parser.feed(page.read_text(encoding="utf-8"))
            base = self.nginx.url(str(page.relative_to(root)))
            for href in parser.links:
                target = urllib.parse.urljoin(base, href)
                if not target.startswith(self.nginx.url()) or target in checked:
                    continue
                checked.add(target)
                status, _, _ = fetch(target)
                self.assertEqual(status, 200, f"{href} on {page}")
        tidy_failures = []
        for page in pages:
            r = subprocess.run(["tidy", "-q", "-e", "-utf8", str(page)], capture_output=True,
                               text=True)
            if r.returncode != 0:  # 1: warnings, 2: errors
                tidy_failures.append(f"{page}: {r.stderr}")
        self.assertEqual(tidy_failures, [])

    def test_4_pages_are_gzipped_and_within_their_weight_budget(self):
        url = self.nginx.url(f"a/{self.alert_id}/{LOCATION}.html")
        _, headers, body = fetch(url, gzip_ok=True)
        self.assertEqual(headers.get("Content-Encoding"), "gzip")
        raw = gzip.decompress(body)
        self.assertLess(len(raw), 30 * 1024)
        # gzip_static: the hub's own .gz beside the page, not compressed per request.
        on_disk = self.stack.site_dir / "current" / "a" / self.alert_id / f"{LOCATION}.html"
        self.assertEqual(body, on_disk.with_name(on_disk.name + ".gz").read_bytes())
        self.assertEqual(raw, on_disk.read_bytes())
        print(f"alert page: {len(raw)} bytes, {len(body)} gzipped")


if __name__ == "__main__":
    unittest.main()
