// The mails' HTML part and the resident pages in Debian's chromium (playwright-core), both
// made by the real code (mail_pages_fixture: mail_html with the phrase bank's texts, and the
// mail adapter's Registration behind its WebServer on loopback):
// - golden screenshots of the mails in ja, en, zh-Hans and やさしい日本語 (and a lift), and of
//   the registration form in the same languages (tests/golden/mail; ALERTHUB_UPDATE_GOLDEN=1
//   rewrites them);
// - the form grouped by district, searchable, in the language picked on it; a registration
//   answered with the chosen areas and language; the confirmation link opened twice says
//   "already registered"; without script the district boxes still work.
//
// ALERTHUB_BIN names the build's bin folder; run by ctest (label e2e) through ./run.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const source = path.resolve(here, '../..');
const bin = process.env.ALERTHUB_BIN || path.join(source, 'build/bin');
const goldenDir = path.join(source, 'tests/golden/mail');
const update = process.env.ALERTHUB_UPDATE_GOLDEN === '1';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--font-render-hinting=none'];

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'alerthub-mail-browser-'));
let fixture;
let browser;
let base = '';

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

before(async () => {
  const port = await freePort();
  fixture = spawn(path.join(bin, 'mail_pages_fixture'), [work, String(port)],
    { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = readline.createInterface({ input: fixture.stdout });
  await new Promise((resolve, reject) => {
    fixture.once('exit', (code) => reject(new Error(`mail_pages_fixture exited ${code}`)));
    lines.on('line', (line) => { if (line.startsWith('ready ')) resolve(); });
  });
  base = `http://127.0.0.1:${port}`;
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
});

after(async () => {
  if (browser) await browser.close();
  if (fixture) {
    fixture.stdin.end();
    await new Promise((resolve) => fixture.once('exit', resolve));
  }
  fs.rmSync(work, { recursive: true, force: true });
});

// A screenshot halved in each direction (small files; text still readable) compared with its
// golden: a pixel differs when a channel is more than 24 off; more than 0.5 % differing
// fails, writing the actual and a diff image to $TMPDIR/alerthub-golden/.
async function expectGolden(name, png) {
  const golden = path.join(goldenDir, `${name}.png`);
  const page = await browser.newPage();
  try {
    const result = await page.evaluate(async ({ shot, old }) => {
      const load = (b64) => new Promise((resolve, reject) => {
        const img = new Image();
        img.onload = () => resolve(img);
        img.onerror = reject;
        img.src = `data:image/png;base64,${b64}`;
      });
      const img = await load(shot);
      const w = Math.ceil(img.width / 2);
      const h = Math.ceil(img.height / 2);
      const c = document.createElement('canvas');
      c.width = w;
      c.height = h;
      const ctx = c.getContext('2d');
      ctx.imageSmoothingQuality = 'high';
      ctx.drawImage(img, 0, 0, w, h);
      const reduced = c.toDataURL('image/png').split(',')[1];
      if (!old) return { reduced };
      const g = await load(old);
      if (g.width !== w || g.height !== h) {
        return { reduced, mismatch: `size ${w}x${h}, golden ${g.width}x${g.height}` };
      }
      const a = ctx.getImageData(0, 0, w, h).data;
      const gc = document.createElement('canvas');
      gc.width = w;
      gc.height = h;
      const gctx = gc.getContext('2d');
      gctx.drawImage(g, 0, 0);
      const b = gctx.getImageData(0, 0, w, h).data;
      const diff = gctx.getImageData(0, 0, w, h);
      let differing = 0;
      for (let i = 0; i < a.length; i += 4) {
        const off = Math.abs(a[i] - b[i]) > 24 || Math.abs(a[i + 1] - b[i + 1]) > 24 ||
          Math.abs(a[i + 2] - b[i + 2]) > 24;
        if (off) differing++;
        diff.data[i] = off ? 255 : 128 + b[i] / 2;
        diff.data[i + 1] = off ? 0 : 128 + b[i + 1] / 2;
        diff.data[i + 2] = off ? 0 : 128 + b[i + 2] / 2;
      }
      gctx.putImageData(diff, 0, 0);
      return { reduced, fraction: differing / (w * h),
        diff: gc.toDataURL('image/png').split(',')[1] };
    }, { shot: png.toString('base64'),
      old: update || !fs.existsSync(golden) ? null : fs.readFileSync(golden).toString('base64') });
    if (update || !fs.existsSync(golden)) {
      fs.mkdirSync(goldenDir, { recursive: true });
      fs.writeFileSync(golden, Buffer.from(result.reduced, 'base64'));
      assert.ok(update, `${golden} was missing and has been written: look at it, commit it`);
      return;
    }
    const ok = !result.mismatch && result.fraction <= 0.005;
    if (!ok) {
      const out = path.join(os.tmpdir(), 'alerthub-golden');
      fs.mkdirSync(out, { recursive: true });
      fs.writeFileSync(path.join(out, `${name}-actual.png`), Buffer.from(result.reduced, 'base64'));
      if (result.diff) fs.writeFileSync(path.join(out, `${name}-diff.png`), Buffer.from(result.diff, 'base64'));
    }
    assert.ok(ok, `${name}: ${result.mismatch || `${(result.fraction * 100).toFixed(2)} % of pixels differ`} from ${golden}`);
  } finally {
    await page.close();
  }
}

const MAILS = ['ja-level5', 'en-level5', 'zh-Hans-facility', 'ja-x-easy-exercise', 'en-lifted'];

test('mails: level colour, heading, instruction first, description, the plain text twin', async () => {
  const page = await browser.newPage({ viewport: { width: 640, height: 800 } });
  for (const name of MAILS) {
    await page.goto(`file://${path.join(work, `mail-${name}.html`)}`);
    const text = fs.readFileSync(path.join(work, `mail-${name}.txt`), 'utf8');
    const body = await page.innerText('body');
    // Every line of the plain part (but the footer's URLs, which are links) is in the HTML.
    for (const line of text.split('\n').slice(2)) {
      const plain = line.replace(/^配信停止 \(Unsubscribe\): .*|^地域・言語の変更.*|^--$/, '').trim();
      if (plain && !plain.startsWith('https://')) assert.ok(body.includes(plain), `${name}: ${plain}`);
    }
    const h1 = await page.innerText('h1');
    const order = await page.evaluate(() => {
      const at = (el) => (el ? el.getBoundingClientRect().top : -1);
      const first = document.querySelector('div[lang]');
      return { h1: at(document.querySelector('h1')),
        instruction: at(first.querySelector('div[style*="border-left"]')),
        description: at(first.querySelector('p[style*="16px"]')) };
    });
    assert.ok(order.h1 < order.instruction && order.instruction < order.description,
      `${name}: heading, then instruction, then description ${JSON.stringify(order)}`);
    if (name.includes('level5')) {
      const band = await page.evaluate(() => getComputedStyle(document.querySelector('h1').parentElement).backgroundColor);
      assert.equal(band, 'rgb(12, 0, 12)');  // 警戒レベル5: black
      assert.match(body, /緊急安全確保を発令しました/);  // what the ward ordered
    }
    if (name === 'en-level5') {
      const subject = text.split('\n')[0];
      assert.equal(subject, '[URGENT] [Alert Level 5] Emergency safety measures (storm surge): Shibaura 1-chome, Shibaura 2-chome');
    }
    if (name === 'zh-Hans-facility') assert.match(body, /港区立エコプラザ/);
    if (name === 'ja-x-easy-exercise') {
      assert.match(h1, /^【訓練】/);
      assert.match(body, /これは くんれんです/);
      assert.match(body, /【くんれん】/);
    }
    if (name === 'en-lifted') {
      assert.match(body, /\[LIFTED\] Evacuation instructions lifted: Daiba 1-chome/);
      assert.doesNotMatch(body, /避難してください|evacuate from/);
    }
    const shot = await page.screenshot({ fullPage: true });
    await expectGolden(`mail-${name}`, shot);
  }
  await page.close();
});

test('resident pages: language, districts, search; the answer repeats the choice', async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  await page.goto(`${base}/mail/`);
  assert.equal(await page.getAttribute('html', 'lang'), 'ja');
  assert.equal(await page.innerText('h1'), '防災情報メールの登録');
  const districts = await page.$$eval('details.district > summary', (s) => s.map((x) => x.textContent));
  assert.deepEqual(districts, ['芝', '麻布', '赤坂', '高輪', '芝浦港南', '台場']);
  // 三田 spans two districts: 一～三丁目 in 芝, 四・五丁目 in 高輪.
  assert.equal(await page.$$eval('details.district:nth-of-type(1) input[value^="mita-"]', (x) => x.length), 3);
  assert.equal(await page.$$eval('details.district:nth-of-type(4) input[value^="mita-"]', (x) => x.length), 2);
  for (const [lang, title] of [['ja', '防災情報メールの登録'], ['en', 'Register for disaster information mail'],
    ['zh-Hans', '注册防灾信息邮件'], ['ja-x-easy', 'ぼうさい メールに とうろくする'],
    ['vi', 'Đăng ký nhận thư thông tin phòng chống thiên tai']]) {
    await page.goto(`${base}/mail/?lang=${lang}`);
    assert.equal(await page.innerText('h1'), title);
    await expectGolden(`form-${lang}`, await page.screenshot());
  }
  // The other languages without a golden (the suite stays fast): their own words, no English.
  for (const [lang, title, district] of [['zh-Hant', '註冊防災資訊郵件', '芝浦港南'],
    ['ne', 'विपद् सूचना इमेलका लागि दर्ता', 'Shibaura-Konan (芝浦港南)'],
    ['pt', 'Cadastro no e-mail de informações sobre desastres', 'Shibaura-Konan (芝浦港南)']]) {
    await page.goto(`${base}/mail/?lang=${lang}`);
    assert.equal(await page.getAttribute('html', 'lang'), lang);
    assert.equal(await page.innerText('h1'), title);
    assert.equal(await page.innerText('details.district:nth-of-type(5) > summary'), district);
    assert.doesNotMatch(await page.innerText('body'), /Register for|Find an area|Send confirmation/);
  }

  // Search by romaji, by reading: the matching blocks only, their districts opened.
  await page.goto(`${base}/mail/`);
  await page.fill('#area-search', 'shibaura');
  const visible = () => page.$$eval('label[data-search]', (ls) => ls.filter((l) => l.offsetParent !== null).map((l) => l.querySelector('input').value));
  assert.deepEqual(await visible(), ['shibaura-1', 'shibaura-2', 'shibaura-3', 'shibaura-4']);
  await page.fill('#area-search', 'しろかね');
  assert.equal((await visible()).length, 11);  // 白金 1-6, 白金台 1-5
  await page.fill('#area-search', '');

  // Switch to English on the page; pick a block and a whole district, mails in Korean.
  await page.click('nav.langs a[lang="en"]');
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  await page.fill('input[name=email]', 'kim@example.jp');
  await page.fill('#area-search', 'shibaura 1');
  await page.check('input[value="shibaura-1"]');
  await page.fill('#area-search', '');
  await page.click('details.district:nth-of-type(6) > summary');
  await page.check('input[value="district:台場"]');
  assert.ok(await page.isChecked('input[value="daiba-2"]'));
  await page.check('input[name=language][value="ko"]');
  await page.click('button[type=submit]');
  assert.equal(await page.innerText('h1'), 'Confirmation mail sent');
  assert.equal(await page.innerText('#chosen-areas'),
    'Daiba 1-chome (台場一丁目), Daiba 2-chome (台場二丁目), Shibaura 1-chome (芝浦一丁目)');
  assert.equal(await page.innerText('#chosen-language'), '한국어');

  // The link in the mail, opened twice: registered, then already registered.
  const eml = fs.readFileSync(path.join(work, 'sent-1.eml'), 'latin1');
  const textPart = eml.split('Content-Transfer-Encoding: base64\r\n\r\n')[1].split('\r\n--')[0];
  const mailText = Buffer.from(textPart.replace(/\r\n/g, ''), 'base64').toString('utf8');
  assert.match(mailText, /등록이 완료됩니다/);
  const link = mailText.match(/http:\/\/127\.0\.0\.1:\d+\/mail\/confirm\?t=[0-9a-f]+/)[0];
  await page.goto(link);
  assert.equal(await page.innerText('h1'), '등록이 완료되었습니다');
  await page.goto(link);
  assert.equal(await page.innerText('h1'), '이미 등록되어 있습니다');
  assert.match(await page.innerText('#chosen-areas'), /Shibaura 1-chome/);

  // In Vietnamese from the form to the second opening of the link.
  await page.goto(`${base}/mail/?lang=vi`);
  await page.fill('input[name=email]', 'lan@example.jp');
  await page.fill('#area-search', 'daiba 1');
  await page.check('input[value="daiba-1"]');
  await page.click('button[type=submit]');
  assert.equal(await page.innerText('h1'), 'Đã gửi thư xác nhận');
  assert.equal(await page.innerText('#chosen-areas'), 'Daiba 1-chome (台場一丁目)');
  assert.equal(await page.innerText('#chosen-language'), 'Tiếng Việt');
  const vi = fs.readFileSync(path.join(work, 'sent-2.eml'), 'latin1');
  const viPart = vi.split('Content-Transfer-Encoding: base64\r\n\r\n')[1].split('\r\n--')[0];
  const viText = Buffer.from(viPart.replace(/\r\n/g, ''), 'base64').toString('utf8');
  assert.match(viText, /Hãy mở đường liên kết sau để xác nhận/);
  const viLink = viText.match(/http:\/\/127\.0\.0\.1:\d+\/mail\/confirm\?t=[0-9a-f]+/)[0];
  await page.goto(viLink);
  assert.equal(await page.innerText('h1'), 'Đã đăng ký xong');
  await page.goto(viLink);
  assert.equal(await page.innerText('h1'), 'Đã đăng ký');
  assert.equal(await page.innerText('#chosen-language'), 'Tiếng Việt');
  await context.close();
});

test('resident pages without script: the district box stands for its blocks', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  await page.goto(`${base}/mail/?lang=ja-x-easy`);
  assert.ok(!(await page.isVisible('#area-search')));
  await page.fill('input[name=email]', 'hana@example.jp');
  await page.click('details.district:nth-of-type(5) > summary');
  await page.check('input[value="district:芝浦港南"]');
  await page.click('button[type=submit]');
  assert.equal(await page.innerText('h1'), 'メールを おくりました');
  const areas = await page.innerText('#chosen-areas');
  for (const name of ['海岸二丁目（かいがん にちょうめ）', '芝浦四丁目（しばうら よんちょうめ）', '港南五丁目（こうなん ごちょうめ）']) {
    assert.ok(areas.includes(name), `${name} in ${areas}`);
  }
  assert.ok(!areas.includes('台場'));
  assert.ok(!areas.includes('海岸一丁目'), '海岸一丁目 is served by 芝, not 芝浦港南');
  // The mails' language defaults to the page's.
  assert.equal(await page.innerText('#chosen-language'), 'やさしい日本語');
  await context.close();
});
