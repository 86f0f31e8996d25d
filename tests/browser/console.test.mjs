// The staff console in Debian's chromium (playwright-core, no downloaded browser), against
// the real alerthub-hub, hubctl and signage-player binaries and a real mosquitto on loopback:
// an operator logs in and drafts, a second user approves, the preview (the signage screen
// drawn by the player, the LINE and mail texts) and the live board (the screen's ack, its
// screenshot) show it, the notice is cancelled the same way. Refused: approving one's own draft, no session, a
// missing CSRF token, a wrong password five times.
//
// ALERTHUB_BIN names the build's bin folder; run by ctest (label e2e) through ./run.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const source = path.resolve(here, '../..');
const bin = process.env.ALERTHUB_BIN || path.join(source, 'build/bin');
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
  '--no-first-run', '--disable-background-networking', '--disable-component-update',
  '--disable-sync'];
const PASSWORDS = { olive: 'operator-password-1234', april: 'approver-password-1234' };

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'alerthub-browser-'));
const children = [];
const contexts = [];
let consoleUrl = '';

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

function start(command, args, logName) {
  const log = fs.openSync(path.join(work, logName), 'a');
  const child = spawn(command, args, { stdio: ['ignore', log, log] });
  children.push(child);
  return child;
}

async function waitFor(predicate, timeoutMs = 15000) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    try {
      if (await predicate()) return true;
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

function hubctl(args, input) {
  const r = spawnSync(path.join(bin, 'hubctl'), [...args, '--config', path.join(work, 'hub.toml')],
                      { input, encoding: 'utf8' });
  assert.equal(r.status, 0, `hubctl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

async function browserFor() {
  const userDataDir = fs.mkdtempSync(path.join(work, 'chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
    headless: true,
  });
  contexts.push(context);
  const page = context.pages()[0] || await context.newPage();
  await page.goto(consoleUrl);
  return page;
}

async function logIn(page, user, password) {
  await page.getByTestId('login-user').fill(user);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
}

before(async () => {
  const mqttPort = await freePort();
  const ingestPort = await freePort();
  const consolePort = await freePort();
  fs.mkdirSync(path.join(work, 'mosquitto'));
  fs.writeFileSync(path.join(work, 'mosquitto.conf'),
    `listener ${mqttPort} 127.0.0.1\nallow_anonymous true\npersistence false\n`);
  start('mosquitto', ['-c', path.join(work, 'mosquitto.conf')], 'mosquitto.log');
  fs.writeFileSync(path.join(work, 'token'), 'browser-test-token-0123456789\n');
  // The hub signs, the player verifies, as in production: a key pair made for this run.
  const keys = spawnSync(path.join(bin, 'hubctl'),
                         ['keys', 'generate', '--out', path.join(work, 'keys'), '--kid', 'browser'],
                         { encoding: 'utf8' });
  assert.equal(keys.status, 0, `hubctl keys generate: ${keys.stderr}`);
  const publicKey = fs.readFileSync(path.join(work, 'keys', 'browser.pub'), 'utf8').trim();
  fs.writeFileSync(path.join(work, 'hub.toml'), `
[mqtt]
uri = "tcp://127.0.0.1:${mqttPort}"
topic_root = "browser-test/v1"
[journal]
path = "journal.db"
[spool]
dir = "spool"
[ingest]
listen_port = ${ingestPort}
token_file = "token"
[area]
jma_table = "${source}/config/jma/areas_tokyo.tsv"
[phrases]
dir = "${source}/config/phrases"
[console]
enabled = true
listen_port = ${consolePort}
web_dir = "${source}/web/console"
town_blocks_file = "${source}/config/minato_town_blocks.tsv"
[signing]
key_file = "keys/browser.key"
`);
  // One real screen (the player headless), for the board's acks and its screenshot.
  fs.writeFileSync(path.join(work, 'player.toml'), `
[mqtt]
uri = "tcp://127.0.0.1:${mqttPort}"
topic_root = "browser-test/v1"
[player]
device_id = "lobby-1"
areas = ["shibaura-1"]
town_blocks_file = "${source}/config/minato_town_blocks.tsv"
[display]
width = 640
height = 360
fullscreen = false
[headless]
screenshot_dir = "screens"
[signing]
public_keys = ["${publicKey}"]
`);
  start(path.join(bin, 'signage-player'), ['--config', path.join(work, 'player.toml'), '--headless'],
        'player.log');
  hubctl(['users', 'add', 'olive', '--role', 'operator'], `${PASSWORDS.olive}\n`);
  hubctl(['users', 'add', 'april', '--role', 'approver'], `${PASSWORDS.april}\n`);
  start(path.join(bin, 'alerthub-hub'), ['--config', path.join(work, 'hub.toml')], 'hub.log');
  consoleUrl = `http://127.0.0.1:${consolePort}/`;
  const up = await waitFor(async () => (await fetch(`${consoleUrl}healthz`)).ok);
  assert.ok(up, `the hub's console did not come up: ${fs.readFileSync(path.join(work, 'hub.log'), 'utf8')}`);
});

after(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  for (const child of children.reverse()) child.kill('SIGTERM');
  fs.rmSync(work, { recursive: true, force: true });
});

test('draft, a second user approves, preview and board show it, cancel', async () => {
  const olive = await browserFor();
  await logIn(olive, 'olive', PASSWORDS.olive);
  await olive.getByTestId('who').filter({ hasText: 'olive (operator)' }).waitFor();

  await olive.getByTestId('compose-template').selectOption('evac_order');
  await olive.getByTestId('compose-hazard').selectOption('storm_surge');
  await olive.getByTestId('compose-areas').selectOption(['shibaura-1', 'shibaura-2']);
  await olive.getByTestId('compose-shelters').fill('芝浦小学校');
  await olive.getByTestId('compose-link').fill('https://www.city.minato.tokyo.jp/');
  await olive.getByTestId('compose-texts').click();
  const headline = olive.getByTestId('text-headline-ja');
  await assert.doesNotReject(headline.waitFor());
  assert.equal(await headline.inputValue(), '【警戒レベル4】芝浦一丁目、芝浦二丁目に避難指示（高潮）');
  await olive.getByTestId('text-headline-en').fill('[Alert Level 4] Evacuation instructions: Shibaura 1 and 2');
  await olive.getByTestId('compose-save').click();
  await olive.getByTestId('message').filter({ hasText: '下書き #1' }).waitFor();

  // Refused: the author approving their own draft (the button is not even offered).
  await olive.getByTestId('tab-drafts').click();
  await olive.getByTestId('draft-1').click();
  await olive.getByTestId('draft-detail').waitFor();
  assert.equal(await olive.getByTestId('approve').isVisible(), false);
  const own = await olive.evaluate(async () => {
    const s = await (await fetch('/api/v1/session')).json();
    const r = await fetch('/api/v1/drafts/1/approve', {
      method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': s.csrf_token },
      body: '{}' });
    return r.status;
  });
  assert.equal(own, 403);

  const april = await browserFor();
  await logIn(april, 'april', PASSWORDS.april);
  await april.getByTestId('tab-drafts').click();
  await april.getByTestId('draft-1').click();
  const preview = april.getByTestId('preview-headline');
  await preview.filter({ hasText: '避難指示' }).waitFor();
  assert.equal(await preview.textContent(), '【警戒レベル4】芝浦一丁目、芝浦二丁目に避難指示（高潮）');
  assert.match(await april.getByTestId('preview').textContent(), /Shibaura 1 and 2/);
  // The signage screen as the player draws it, and what LINE and mail subscribers read.
  const signage = april.getByTestId('preview-signage');
  await signage.waitFor({ state: 'visible', timeout: 30000 });
  assert.ok(await signage.evaluate((img) => img.complete && img.naturalWidth === 1920));
  assert.match(await april.getByTestId('preview-line').textContent(),
               /^【緊急】【警戒レベル4】芝浦一丁目、芝浦二丁目に避難指示（高潮）\n/);
  assert.match(await april.getByTestId('preview-mail-subject').textContent(),
               /【緊急】【警戒レベル4】芝浦一丁目、芝浦二丁目に避難指示（高潮）$/);
  await april.getByTestId('approve').click();
  await april.getByTestId('message').filter({ hasText: '発信しました' }).waitFor();

  // The live board, in both browsers, without reloading.
  await april.getByTestId('tab-board').click();
  const row = april.locator('[data-testid^="board-staff-"]');
  await row.filter({ hasText: '避難指示' }).waitFor();
  assert.equal(await row.getAttribute('data-state'), 'active');
  await olive.getByTestId('tab-board').click();
  const oliveRow = olive.locator('[data-testid^="board-staff-"]');
  await oliveRow.waitFor();
  // The screen in 芝浦一丁目 acknowledged the notice; then its picture on request.
  await olive.locator('[data-testid^="screens-staff-"]')
    .filter({ hasText: '1/1 台が第1版を表示' }).waitFor({ timeout: 30000 });
  await olive.getByTestId('screenshot-lobby-1').click();
  const shot = olive.getByTestId('screenshot-image-lobby-1');
  await shot.waitFor({ timeout: 30000 });
  assert.ok(await shot.evaluate((img) => img.complete && img.naturalWidth === 640));

  // Cancel: a draft again, approved by the other user.
  await olive.locator('[data-testid^="cancel-staff-"]').click();
  await olive.getByTestId('message').filter({ hasText: '取消の下書き #2' }).waitFor();
  await april.getByTestId('tab-drafts').click();
  await april.getByTestId('draft-2').click();
  await april.getByTestId('preview-headline').filter({ hasText: '【解除】' }).waitFor();
  await april.getByTestId('approve').click();
  await april.getByTestId('message').filter({ hasText: '発信しました' }).waitFor();
  await olive.locator('[data-testid^="board-staff-"][data-state="lifted"]').waitFor();
});

test('no session and a missing CSRF token are refused', async () => {
  const page = await browserFor();
  await page.getByTestId('login-submit').waitFor();
  const noSession = await page.evaluate(async () => (await fetch('/api/v1/board')).status);
  assert.equal(noSession, 401);

  await logIn(page, 'olive', PASSWORDS.olive);
  await page.getByTestId('tab-compose').waitFor();
  const withoutCsrf = await page.evaluate(async () => {
    const r = await fetch('/api/v1/drafts', {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ template: 'evac_elderly' }) });
    return [r.status, (await r.json()).error];
  });
  assert.equal(withoutCsrf[0], 403);
  assert.match(withoutCsrf[1], /CSRF/);
  await page.getByTestId('logout').click();
  await page.getByTestId('login-submit').waitFor();
  const afterLogout = await page.evaluate(async () => (await fetch('/api/v1/session')).status);
  assert.equal(afterLogout, 401);
});

test('a wrong password five times locks the name, even for the right one', async () => {
  const page = await browserFor();
  for (let i = 0; i < 5; ++i) {
    await logIn(page, 'april', `wrong-password-${i}`);
    await page.getByTestId('message').filter({ hasText: 'wrong user name or password' }).waitFor();
    await page.getByTestId('message').evaluate((m) => { m.textContent = ''; });
  }
  await logIn(page, 'april', PASSWORDS.april);
  await page.getByTestId('message').filter({ hasText: 'too many failed log-ins' }).waitFor();
  assert.equal(await page.getByTestId('tab-compose').isVisible(), false);
});
