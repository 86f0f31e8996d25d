"""The public site's pages as a resident sees them (issue 15, point 6): rendered by
`hubctl site preview` from the shipped templates, the ward's real shelters and a real CAP
fixture (minato_evacuation_order.xml, normalized by hubctl, with a constructed やさしい日本語
text added: the fixture has Japanese and English), then
  - in Debian's chromium at phone width (390 px): golden screenshots for ja, en and
    やさしい日本語 (tests/golden/site/, README there);
  - every heading structure: one h1, no level skipped;
  - every text colour on its background (site.css rules and the level bands) at WCAG AA;
  - tidy -q -e on every page.
Times are fixed (--now), so the pages are the same on every run."""

import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import unittest
import zlib
from html.parser import HTMLParser
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BIN = Path(os.environ.get("ALERTHUB_BIN", REPO / "build" / "bin"))
GOLDEN = REPO / "tests" / "golden" / "site"
FIXTURE = REPO / "tests" / "fixtures" / "cap" / "minato_evacuation_order.xml"
NOW = "2025-09-05T10:10:00+09:00"
LOCATION = "shinagawa-konan"
PHONE = (390, 1600)
# A pixel differs when a channel is more than 24 off; a page fails beyond 0.5 % of them.
CHANNEL_TOLERANCE = 24
MAX_DIFFERING = 0.005


def read_png(path):
    """RGBA or RGB 8-bit, non-interlaced (what chromium writes): (width, height, rows)."""
    data = Path(path).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", path
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and colour in (2, 6) and interlace == 0, (depth, colour, interlace)
            bpp = 4 if colour == 6 else 3
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows, prev = [], bytearray(stride)
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line[j] for j in range(stride) if j % bpp < 3))
        prev = line
    return width, height, rows


def differing_fraction(a, b):
    wa, ha, ra = read_png(a)
    wb, hb, rb = read_png(b)
    if (wa, ha) != (wb, hb):
        return 1.0
    differing = 0
    for row_a, row_b in zip(ra, rb):
        for x in range(0, len(row_a), 3):
            if any(abs(row_a[x + k] - row_b[x + k]) > CHANNEL_TOLERANCE for k in range(3)):
                differing += 1
    return differing / (wa * ha)


def luminance(hex_colour):
    h = hex_colour.lstrip("#")
    if len(h) == 3:
        h = "".join(c * 2 for c in h)
    channels = [int(h[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(fg, bg):
    la, lb = sorted((luminance(fg), luminance(bg)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


class Headings(HTMLParser):
    def __init__(self):
        super().__init__()
        self.levels = []

    def handle_starttag(self, tag, attrs):
        if re.fullmatch(r"h[1-6]", tag):
            self.levels.append(int(tag[1]))


class SitePages(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = Path(tempfile.mkdtemp(prefix="alerthub-site-pages-"))
        shelters = REPO / "config" / "shelters"
        conf = cls.work / "hub.toml"
        subprocess.run([str(BIN / "hubctl"), "keys", "generate", "--out", str(cls.work / "keys"),
                        "--kid", "pages"], check=True, capture_output=True)
        (cls.work / "ingest.token").write_text("site-pages-test-token\n")
        conf.write_text(
            f'[journal]\npath = "{cls.work / "journal.db"}"\n'
            f'[ingest]\ntoken_file = "{cls.work / "ingest.token"}"\n'
            f'[area]\njma_table = "{REPO / "config" / "jma" / "areas_tokyo.tsv"}"\n'
            f'[phrases]\ndir = "{REPO / "config" / "phrases"}"\n'
            '[site]\nenabled = true\nbase_url = "https://bousai.example.jp"\n'
            f'templates_dir = "{REPO / "config" / "site"}"\n'
            f'emergency_sites_file = "{shelters / "131032-emergency-sites.geojson"}"\n'
            f'shelters_file = "{shelters / "131032-designated-shelters.geojson"}"\n'
            f'stay_facilities_file = "{shelters / "stay_facilities.tsv.example"}"\n'
            f'locations_file = "{REPO / "config" / "site" / "locations.tsv"}"\n'
            f'[signing]\nkey_file = "{cls.work / "keys" / "pages.key"}"\n', encoding="utf-8")
        normalized = subprocess.run([str(BIN / "hubctl"), "normalize", str(FIXTURE)],
                                    capture_output=True, text=True, check=True).stdout
        alert = json.loads(normalized.splitlines()[0])
        # Constructed: the fixture has no やさしい日本語; the words follow the ward's style.
        alert["headline"]["ja-x-easy"] = "しばうら 1〜4ちょうめ の ひと は にげて ください（たかしお）"
        alert["instruction"]["ja-x-easy"] = "たかい ところ へ すぐ にげて ください。"
        (cls.work / "alert.json").write_text(json.dumps(alert, ensure_ascii=False), "utf-8")
        cls.alert_id = alert["id"]
        cls.site = cls.work / "site"
        r = subprocess.run([str(BIN / "hubctl"), "site", "preview", "--config", str(conf),
                            "--out", str(cls.site), "--now", NOW, str(cls.work / "alert.json")],
                           capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError(r.stderr)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.work, ignore_errors=True)

    def pages(self):
        return sorted(self.site.rglob("*.html"))

    def test_phone_width_screenshots_match_the_goldens(self):
        update = os.environ.get("ALERTHUB_UPDATE_GOLDENS") == "1"
        failures = []
        for lang, name in (("ja", f"{LOCATION}.html"), ("en", f"{LOCATION}.en.html"),
                           ("ja-x-easy", f"{LOCATION}.ja-x-easy.html")):
            page = self.site / "a" / self.alert_id / name
            shot = self.work / f"alert_{lang}.png"
            subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu",
                            "--hide-scrollbars", "--force-device-scale-factor=1",
                            f"--window-size={PHONE[0]},{PHONE[1]}", f"--screenshot={shot}",
                            page.as_uri()], capture_output=True, check=True, timeout=60)
            golden = GOLDEN / f"alert_{lang}_390.png"
            if update:
                shutil.copy(shot, golden)
                continue
            self.assertTrue(golden.exists(), f"{golden}: run with ALERTHUB_UPDATE_GOLDENS=1")
            fraction = differing_fraction(shot, golden)
            if fraction > MAX_DIFFERING:
                failures.append(f"{lang}: {fraction:.2%} of pixels differ; actual {shot}")
        self.assertEqual(failures, [])

    def test_every_page_has_one_h1_and_skips_no_heading_level(self):
        for page in self.pages():
            parser = Headings()
            parser.feed(page.read_text(encoding="utf-8"))
            self.assertEqual(parser.levels.count(1), 1, page)
            for before, after in zip(parser.levels, parser.levels[1:]):
                self.assertLessEqual(after, before + 1, f"{page}: h{before} then h{after}")

    def test_every_text_colour_meets_wcag_aa_on_its_background(self):
        css = (self.site / "site.css").read_text(encoding="utf-8")
        pairs = []
        for selector, body in re.findall(r"([^{}]+)\{([^}]*)\}", css):
            fg = re.search(r"(?<![-\w])color:\s*(#[0-9a-fA-F]{3,6})", body)
            bg = re.search(r"background:\s*(#[0-9a-fA-F]{3,6})", body)
            if fg and bg:
                pairs.append((selector.strip(), fg.group(1), bg.group(1)))
            elif fg:  # on the page's white
                pairs.append((selector.strip(), fg.group(1), "#ffffff"))
        for page in self.pages():
            for bg, fg in re.findall(r'style="background:(#[0-9a-f]{6});color:(#[0-9a-f]{6})"',
                                     page.read_text(encoding="utf-8")):
                pairs.append((f"band on {page.name}", fg, bg))
        self.assertGreater(len(pairs), 10)
        low = [(s, fg, bg, round(contrast(fg, bg), 2)) for s, fg, bg in pairs
               if contrast(fg, bg) < 4.5]
        self.assertEqual(low, [])

    def test_every_page_passes_tidy(self):
        failures = []
        for page in self.pages():
            r = subprocess.run(["tidy", "-q", "-e", "-utf8", str(page)], capture_output=True,
                               text=True)
            if r.returncode != 0:
                failures.append(f"{page.relative_to(self.site)}: {r.stderr.strip()}")
        self.assertEqual(failures, [])


if __name__ == "__main__":
    unittest.main()
