// The staff console in Debian's chromium (playwright-core, no downloaded browser), against
// the real alerthub-hub, hubctl and signage-player binaries and a real mosquitto on loopback:
//   - a レベル4 order for two blocks with a shelter, counting what the operator and the
//     approver do (clicks, choices and typed fields), the preview (the signage screen drawn by
//     the player, the LINE and mail texts), the last look before publishing, the live board
//     (only the screens the alert targets, recipients per channel, an ended alert), a cancel;
//   - an update of that kind of order (a block added, at 390 px), counted the same way, with
//     what changes on the form, the draft and the last look, and version 2 on the broker as
//     an update marked in all nine languages;
//   - mistakes refused: no area, texts that disagree with the areas, double clicks and
//     repeated requests; blocks by district and by search; keyboard; Japanese messages;
//   - the page at 390 px without sideways scrolling, golden screenshots (desktop and 390 px);
//   - no session, a missing CSRF token, a wrong password five times.
//
// ALERTHUB_BIN names the build's bin folder; run by ctest (label e2e) through ./run.
// UPDATE_GOLDEN=1 writes the golden screenshots instead of comparing with them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Scratch, freePort, waitFor } from './harness.mjs';
import { comparePng } from './png_compare.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const source = path.resolve(here, '../..');
const bin = process.env.ALERTHUB_BIN || path.join(source, 'build/bin');
const goldenDir = path.join(source, 'tests/golden/console');
const PASSWORDS = { olive: 'operator-password-1234', april: 'approver-password-1234',
                    oscar: 'operator-password-5678' };
const ROOT = 'browser-test/v1';

const scratch = new Scratch('alerthub-browser-', bin);
const work = scratch.dir;
const start = scratch.start.bind(scratch);
const hubctl = scratch.hubctl.bind(scratch);
const browserFor = (viewport = { width: 1280, height: 800 }) => scratch.browser(consoleUrl, viewport);
let consoleUrl = '';
let mqttPort = 0;

// What an adapter or another screen would publish (the test broker takes anyone).
function mqttPublish(topic, message, retain = false) {
  const r = spawnSync('mosquitto_pub', ['-h', '127.0.0.1', '-p', String(mqttPort), '-q', '1',
    '-t', `${ROOT}/${topic}`, '-m', JSON.stringify(message), ...(retain ? ['-r'] : [])],
  { encoding: 'utf8' });
  assert.equal(r.status, 0, `mosquitto_pub: ${r.stderr}`);
}

async function logIn(page, user, password) {
  await page.getByTestId('login-user').fill(user);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
}

async function loggedIn(user, viewport) {
  const page = await browserFor(viewport);
  await logIn(page, user, PASSWORDS[user]);
  await page.getByTestId('who').filter({ hasText: user }).waitFor();
  return page;
}

// What a person does, counted: each click, each choice in a list and each text field typed
// into is one action; typed characters are counted too.
function actionsOf(page) {
  const tally = { actions: 0, typed: 0, log: [] };
  return {
    tally,
    click: async (testId) => {
      tally.actions += 1;
      tally.log.push(`click ${testId}`);
      await page.getByTestId(testId).click();
    },
    select: async (testId, value) => {
      tally.actions += 1;
      tally.log.push(`select ${testId}=${value}`);
      await page.getByTestId(testId).selectOption(value);
    },
    fill: async (testId, text) => {
      tally.actions += 1;
      tally.typed += [...text].length;
      tally.log.push(`type ${testId} "${text}"`);
      await page.getByTestId(testId).fill(text);
    },
  };
}

// An API call from inside the page, with the session's CSRF token.
function apiFrom(page, method, url, body) {
  return page.evaluate(async ([m, u, b]) => {
    const s = await (await fetch('/api/v1/session')).json();
    const r = await fetch(u, {
      method: m,
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': s.csrf_token },
      body: m === 'GET' ? undefined : JSON.stringify(b ?? {}) });
    return { status: r.status, body: await r.json() };
  }, [method, url, body]);
}

async function noSidewaysScroll(page, what) {
  const widths = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  assert.ok(widths[0] <= widths[1], `${what}: the page is ${widths[0]} px wide in a ${widths[1]} px window`);
}

async function golden(page, name) {
  const shot = await page.screenshot({ animations: 'disabled', caret: 'hide' });
  const file = path.join(goldenDir, name);
  if (process.env.UPDATE_GOLDEN || !fs.existsSync(file)) {
    fs.mkdirSync(goldenDir, { recursive: true });
    fs.writeFileSync(file, shot);
    return;
  }
  const diff = comparePng(fs.readFileSync(file), shot);
  if (diff.differing > diff.total * 0.005) {
    fs.writeFileSync(path.join(work, `actual-${name}`), shot);
    fs.copyFileSync(path.join(work, `actual-${name}`), path.join(os.tmpdir(), `alerthub-actual-${name}`));
  }
  assert.ok(diff.differing <= diff.total * 0.005,
            `${name}: ${diff.differing} of ${diff.total} pixels differ from the golden ` +
            `(the page as drawn now: ${path.join(os.tmpdir(), `alerthub-actual-${name}`)})`);
}

before(async () => {
  mqttPort = await freePort();
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
topic_root = "${ROOT}"
[journal]
path = "journal.db"
[spool]
dir = "spool"
[ingest]
listen_port = ${ingestPort}
token_file = "token"
[delivery]
channels = ["line", "mail"]
[area]
jma_table = "${source}/config/jma/areas_tokyo.tsv"
[phrases]
dir = "${source}/config/phrases"
[console]
enabled = true
listen_port = ${consolePort}
web_dir = "${source}/web/console"
town_blocks_file = "${source}/config/minato_town_blocks.tsv"
player_binary = "${bin}/signage-player"
[signing]
key_file = "keys/browser.key"
`);
  // One real screen in 芝浦一丁目 (the player headless), for the board's acks and its
  // screenshot.
  fs.writeFileSync(path.join(work, 'player.toml'), `
[mqtt]
uri = "tcp://127.0.0.1:${mqttPort}"
topic_root = "${ROOT}"
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
  hubctl(['users', 'add', 'oscar', '--role', 'operator'], `${PASSWORDS.oscar}\n`);
  hubctl(['users', 'add', 'april', '--role', 'approver'], `${PASSWORDS.april}\n`);
  start(path.join(bin, 'alerthub-hub'), ['--config', path.join(work, 'hub.toml')], 'hub.log');
  consoleUrl = `http://127.0.0.1:${consolePort}/`;
  const up = await waitFor(async () => (await fetch(`${consoleUrl}healthz`)).ok, 60000);
  assert.ok(up, `the hub's console did not come up: ${fs.readFileSync(path.join(work, 'hub.log'), 'utf8')}`);
  // A second screen, in 台場, that no notice of this test targets.
  mqttPublish('devices/daiba-lobby/status', {
    schema: 'alerthub.device_status/1', device_id: 'daiba-lobby', online: true, showing: [],
    last_frame: null, software_version: 'test', updated: new Date().toISOString(),
    areas: ['daiba-1'] }, true);
});

after(() => scratch.close());

test('the compose page at desktop and 390 px: golden screenshots, no sideways scroll', async () => {
  const desktop = await loggedIn('oscar', { width: 1024, height: 640 });
  await desktop.getByTestId('texts').filter({ hasText: '対象地域を選ぶと' }).waitFor();
  await desktop.evaluate(() => document.fonts.ready);
  await golden(desktop, 'compose_desktop.png');

  const phone = await loggedIn('oscar', { width: 390, height: 844 });
  await phone.getByTestId('texts').filter({ hasText: '対象地域を選ぶと' }).waitFor();
  await phone.evaluate(() => document.fonts.ready);
  await noSidewaysScroll(phone, 'compose');
  await golden(phone, 'compose_390.png');
  for (const tab of ['drafts', 'board', 'audit']) {
    await phone.getByTestId(`tab-${tab}`).click();
    await phone.waitForTimeout(300);
    await noSidewaysScroll(phone, tab);
  }
});

test('a レベル4 order for two blocks with a shelter: 6 operator actions, 2 approver actions; board; cancel', async () => {
  const olive = await loggedIn('olive');
  const op = actionsOf(olive);
  await op.select('compose-template', 'evac_order');
  await op.select('compose-hazard', 'storm_surge');
  await op.click('block-shibaura-1');
  await op.click('block-shibaura-2');
  await op.fill('compose-shelters', '芝浦小学校');
  // The texts followed the choices without being asked for.
  await olive.getByTestId('text-headline-ja').waitFor();
  await waitFor(async () => (await olive.getByTestId('text-instruction-ja').inputValue()).includes('芝浦小学校'));
  assert.equal(await olive.getByTestId('text-headline-ja').inputValue(),
               '【警戒レベル4】芝浦一丁目、芝浦二丁目に避難指示（高潮）');
  await op.click('compose-save');
  const saved = olive.getByTestId('message').filter({ hasText: /下書き #\d+ を保存しました/ });
  await saved.waitFor();
  const draftId = Number((await saved.textContent()).match(/#(\d+)/)[1]);
  console.log(`operator: ${op.tally.actions} actions, ${op.tally.typed} characters typed: ${op.tally.log.join('; ')}`);
  assert.ok(op.tally.actions <= 6, `the operator needed ${op.tally.actions} actions`);
  // Waiting for approval: a badge on the 承認 tab.
  await olive.getByTestId('pending-badge').filter({ hasText: '1件' }).waitFor();

  // The approver logs in: the waiting draft is open; approve, then publish on the summary.
  const april = await loggedIn('april');
  const ap = actionsOf(april);
  await april.getByTestId('draft-detail').waitFor();
  const preview = april.getByTestId('preview-headline');
  await preview.filter({ hasText: '避難指示' }).waitFor();
  assert.equal(await preview.textContent(), '【警戒レベル4】芝浦一丁目、芝浦二丁目に避難指示（高潮）');
  assert.match(await april.getByTestId('draft-title').textContent(), /発表・避難指示 — 承認待ち/);
  // The signage screen as the player draws it, and what LINE and mail subscribers read.
  const signage = april.getByTestId('preview-signage');
  await signage.waitFor({ state: 'visible', timeout: 30000 });
  assert.ok(await signage.evaluate((img) => img.complete && img.naturalWidth === 1920));
  assert.match(await april.getByTestId('preview-line').textContent(),
               /^【緊急】【警戒レベル4】芝浦一丁目、芝浦二丁目に避難指示（高潮）\n/);
  assert.match(await april.getByTestId('preview-mail-subject').textContent(),
               /【緊急】【警戒レベル4】芝浦一丁目、芝浦二丁目に避難指示（高潮）$/);
  await ap.click('approve');
  await april.getByTestId('confirm').waitFor();
  const summary = await april.getByTestId('confirm-summary').textContent();
  for (const part of ['芝浦一丁目、芝浦二丁目', '芝浦小学校', 'サイネージ', 'LINE', 'メール', '日本語',
                      'English', '【警戒レベル4】芝浦一丁目、芝浦二丁目に避難指示（高潮）'])
    assert.ok(summary.includes(part), `the summary names ${part}: ${summary}`);
  await ap.click('confirm-ok');
  await april.getByTestId('message').filter({ hasText: '発信しました' }).waitFor();
  console.log(`approver: ${ap.tally.actions} actions: ${ap.tally.log.join('; ')}`);
  assert.ok(ap.tally.actions <= 2, `the approver needed ${ap.tally.actions} actions`);
  // Approving again (a double click that got through, a resent request): the same
  // publication, nothing sent twice.
  const again = await apiFrom(april, 'POST', `/api/v1/drafts/${draftId}/approve`);
  assert.equal(again.status, 200);
  assert.equal(again.body.published_version, 1);

  // The live board: only the screen in 芝浦一丁目 counts; recipients per channel.
  await april.getByTestId('tab-board').click();
  const row = april.locator('[data-testid^="board-staff-"]');
  await row.filter({ hasText: '避難指示' }).waitFor();
  assert.equal(await row.getAttribute('data-state'), 'active');
  const alertId = (await row.getAttribute('data-testid')).replace('board-', '');
  const screens = april.getByTestId(`screens-${alertId}`);
  await screens.filter({ hasText: '対象1台中1台が第1版を表示' }).waitFor({ timeout: 30000 });
  assert.ok(!(await screens.textContent()).includes('daiba-lobby'));
  const now = new Date().toISOString();
  mqttPublish('receipts/line', { schema: 'alerthub.receipt/1', job_id: `${alertId}/v1/line`,
    channel: 'line', alert_id: alertId, version: 1, outcome: 'accepted', recipients: 42,
    attempts: 1, detail: 'test', first_attempt: now, finished: now });
  await april.getByTestId(`receipt-${alertId}-line`).filter({ hasText: 'LINE: 送信済み 42人' }).waitFor();
  // The screen's picture, on request.
  await april.getByTestId('screenshot-lobby-1').click();
  const shot = april.getByTestId('screenshot-image-lobby-1');
  await shot.waitFor({ timeout: 30000 });
  assert.ok(await shot.evaluate((img) => img.complete && img.naturalWidth === 640));

  // Cancel: a last look, then a draft; a second click gives the same draft.
  await olive.getByTestId('tab-board').click();
  await olive.getByTestId(`cancel-${alertId}`).click();
  await olive.getByTestId('confirm').waitFor();
  assert.match(await olive.getByTestId('confirm-summary').textContent(), /芝浦一丁目、芝浦二丁目に避難指示/);
  await olive.getByTestId('confirm-ok').click();
  const cancelSaved = olive.getByTestId('message').filter({ hasText: /取消の下書き #\d+ を保存しました/ });
  await cancelSaved.waitFor();
  const cancelId = Number((await cancelSaved.textContent()).match(/#(\d+)/)[1]);
  await olive.getByTestId(`cancel-${alertId}`).click();
  await olive.getByTestId('confirm').waitFor();
  await olive.getByTestId('confirm-ok').click();
  await olive.getByTestId('message').filter({ hasText: `取消の下書き #${cancelId} は既に承認待ちです` }).waitFor();

  // The approver opens it from the keyboard and publishes it on its summary.
  await april.getByTestId('tab-drafts').click();
  const cancelRow = april.getByTestId(`draft-${cancelId}`);
  await cancelRow.focus();
  await april.keyboard.press('Enter');
  await april.getByTestId('preview-headline').filter({ hasText: '【解除】' }).waitFor();
  await april.getByTestId('approve').click();
  await april.getByTestId('confirm').waitFor();
  assert.match(await april.getByTestId('confirm-summary').textContent(), /取消/);
  await april.getByTestId('confirm-ok').click();
  await april.getByTestId('message').filter({ hasText: '発信しました' }).waitFor();

  // Ended: off the screens, nothing flagged, the idle screen not "behind".
  const ended = olive.locator(`[data-testid="board-${alertId}"][data-state="lifted"]`);
  await ended.waitFor();
  await olive.getByTestId(`screens-${alertId}`).filter({ hasText: '終了済み: 対象1台から消えました' })
    .waitFor({ timeout: 30000 });
  assert.ok(!(await ended.textContent()).includes('未表示'));
  // Cancelling it again is refused, in Japanese.
  const twice = await apiFrom(olive, 'POST', '/api/v1/drafts', { action: 'cancel', alert_id: alertId });
  assert.equal(twice.status, 409);
  assert.match(twice.body.error, /^この情報 \(.*\) は既に取り消されています/);
});

// The retained alert on the broker, as screens receive it (the hub's latest version).
function retainedAlert(alertId) {
  const r = spawnSync('mosquitto_sub', ['-h', '127.0.0.1', '-p', String(mqttPort), '-q', '1',
    '-t', `${ROOT}/alerts/${alertId}`, '-C', '1', '-W', '10'], { encoding: 'utf8' });
  assert.equal(r.status, 0, `mosquitto_sub: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

test('an update of an issued レベル4 order: a block added in 4 operator actions, the change on the last look, version 2 marked 【更新】', async () => {
  // In force: a レベル4 order for 芝浦一丁目 and 芝浦二丁目 with a shelter.
  const olive = await loggedIn('olive');
  const issue = await apiFrom(olive, 'POST', '/api/v1/drafts', {
    template: 'evac_order', hazard: 'storm_surge', areas: ['shibaura-1', 'shibaura-2'],
    shelters: ['芝浦小学校'], idempotency_key: 'update-test-issue' });
  assert.equal(issue.status, 201, JSON.stringify(issue.body));
  const april = await loggedIn('april');
  const issued = await apiFrom(april, 'POST', `/api/v1/drafts/${issue.body.id}/approve`);
  assert.equal(issued.status, 200, JSON.stringify(issued.body));
  const alertId = issued.body.alert_id;

  // The operator, on a phone-sized screen: the board, 「更新」 on the order, one more block, save.
  await olive.setViewportSize({ width: 390, height: 844 });
  await olive.reload();
  await olive.getByTestId('who').filter({ hasText: 'olive' }).waitFor();
  const op = actionsOf(olive);
  await op.click('tab-board');
  await olive.getByTestId(`update-${alertId}`).waitFor();
  await op.click(`update-${alertId}`);
  await olive.getByTestId('update-banner').waitFor();
  // The keyboard is where the form begins: on the banner naming the notice.
  assert.equal(await olive.evaluate(() => document.activeElement.id), 'update-of');
  assert.match(await olive.getByTestId('update-of').textContent(),
               /^更新中: 【警戒レベル4】芝浦一丁目、芝浦二丁目に避難指示（高潮）（第1版）を更新します/);
  // Filled with the notice as it is in force, its texts already marked as an update.
  assert.equal(await olive.getByTestId('compose-template').inputValue(), 'evac_order');
  assert.equal(await olive.getByTestId('compose-hazard').inputValue(), 'storm_surge');
  assert.equal(await olive.getByTestId('compose-shelters').inputValue(), '芝浦小学校');
  assert.ok(await olive.getByTestId('block-shibaura-1').isChecked());
  assert.ok(await olive.getByTestId('block-shibaura-2').isChecked());
  await olive.getByTestId('selected-areas').filter({ hasText: '対象 (2): 芝浦一丁目、芝浦二丁目' }).waitFor();
  assert.equal(await olive.getByTestId('text-headline-ja').inputValue(),
               '【更新】【警戒レベル4】芝浦一丁目、芝浦二丁目に避難指示（高潮）');
  assert.match(await olive.getByTestId('text-headline-en').inputValue(), /^\[UPDATED\] \[Alert Level 4\]/);
  await olive.getByTestId('update-changes').filter({ hasText: 'まだ何も変えていません' }).waitFor();
  await op.click('block-shibaura-3');
  // The texts follow the areas, as for a new draft; the form says what changes.
  await waitFor(async () => (await olive.getByTestId('text-headline-ja').inputValue()).includes('芝浦三丁目'));
  assert.equal(await olive.getByTestId('text-headline-ja').inputValue(),
               '【更新】【警戒レベル4】芝浦一丁目、芝浦二丁目、芝浦三丁目に避難指示（高潮）');
  const changes = olive.getByTestId('update-changes');
  await changes.filter({ hasText: '対象地域に追加 / added: 芝浦三丁目' }).waitFor();
  assert.ok(!(await changes.textContent()).includes('警戒レベル'), 'the level does not change');
  await noSidewaysScroll(olive, 'the update form at 390 px');
  await op.click('compose-save');
  const saved = olive.getByTestId('message').filter({ hasText: /更新の下書き #\d+ を保存しました/ });
  await saved.waitFor();
  const draftId = Number((await saved.textContent()).match(/#(\d+)/)[1]);
  console.log(`update, operator: ${op.tally.actions} actions, ${op.tally.typed} characters typed: ${op.tally.log.join('; ')}`);
  assert.ok(op.tally.actions <= 4, `the operator needed ${op.tally.actions} actions`);
  assert.equal(op.tally.typed, 0);
  // Out of update mode after saving; the same update again (a resent request) is one draft.
  assert.equal(await olive.getByTestId('update-banner').isVisible(), false);
  const draft = await apiFrom(olive, 'GET', `/api/v1/drafts/${draftId}`);
  assert.equal(draft.body.action, 'update');
  assert.equal(draft.body.alert_id, alertId);
  const resend = await apiFrom(olive, 'POST', '/api/v1/drafts', {
    action: 'update', alert_id: alertId, template: 'evac_order', hazard: 'storm_surge',
    areas: ['shibaura-1', 'shibaura-2', 'shibaura-3'], shelters: ['芝浦小学校'],
    idempotency_key: draft.body.content.idempotency_key });
  assert.deepEqual([resend.status, resend.body.id, resend.body.created], [200, draftId, false]);
  // An update that changes nothing is refused, in Japanese.
  const same = await apiFrom(olive, 'POST', '/api/v1/drafts', {
    action: 'update', alert_id: alertId, template: 'evac_order', hazard: 'storm_surge',
    areas: ['shibaura-1', 'shibaura-2'], shelters: ['芝浦小学校'] });
  assert.equal(same.status, 422);
  assert.match(same.body.error, /^更新する内容がありません（第1版と同じです）/);

  // The approver: the update opens by itself, shows what changes, and says so on the last look.
  const april2 = await loggedIn('april');
  const ap = actionsOf(april2);
  await april2.getByTestId('draft-title').filter({ hasText: `#${draftId} 更新・避難指示 — 承認待ち` }).waitFor();
  await april2.getByTestId('preview-changes').filter({ hasText: '対象地域に追加 / added: 芝浦三丁目' }).waitFor();
  assert.match(await april2.getByTestId('preview-changes').textContent(), /第1版からの変更点/);
  assert.equal(await april2.getByTestId('preview-headline').textContent(),
               '【更新】【警戒レベル4】芝浦一丁目、芝浦二丁目、芝浦三丁目に避難指示（高潮）');
  assert.match(await april2.getByTestId('preview-line').textContent(),
               /^【緊急】【更新】【警戒レベル4】芝浦一丁目、芝浦二丁目、芝浦三丁目に避難指示（高潮）\n[\s\S]*\n\[UPDATED\] \[Alert Level 4\] .*Shibaura 3-chome/);
  assert.match(await april2.getByTestId('preview-mail-subject').textContent(), /【緊急】【更新】【警戒レベル4】/);
  await ap.click('approve');
  await april2.getByTestId('confirm').waitFor();
  assert.match(await april2.getByTestId('confirm-title').textContent(), /の更新を承認して発信します/);
  const summary = await april2.getByTestId('confirm-summary').textContent();
  for (const part of ['第1版 → 第2版', '対象地域に追加 / added: 芝浦三丁目', '文面を変更',
                      '芝浦一丁目、芝浦二丁目、芝浦三丁目', '【更新】【警戒レベル4】'])
    assert.ok(summary.includes(part), `the summary says ${part}: ${summary}`);
  await ap.click('confirm-ok');
  await april2.getByTestId('message').filter({ hasText: '発信しました: 第2版' }).waitFor();
  console.log(`update, approver: ${ap.tally.actions} actions: ${ap.tally.log.join('; ')}`);
  assert.ok(ap.tally.actions <= 2, `the approver needed ${ap.tally.actions} actions`);

  // What screens receive: version 2, an update, the three blocks, marked in every language.
  await waitFor(async () => retainedAlert(alertId).version === 2, 20000);
  const v2 = retainedAlert(alertId);
  assert.equal(v2.msg_type, 'update');
  assert.deepEqual(v2.areas.map((a) => a.code), ['shibaura-1', 'shibaura-2', 'shibaura-3']);
  assert.equal(v2.headline.ja, '【更新】【警戒レベル4】芝浦一丁目、芝浦二丁目、芝浦三丁目に避難指示（高潮）');
  assert.equal(Object.keys(v2.headline).length, 9, 'all nine languages');
  const marks = { ja: '【更新】', en: '[UPDATED] ', 'zh-Hans': '【更新】', 'zh-Hant': '【更新】', ko: '[갱신] ',
                  vi: '[CẬP NHẬT] ', ne: '[अद्यावधिक] ', pt: '[ATUALIZADO] ', 'ja-x-easy': '【かわりました】' };
  for (const [lang, mark] of Object.entries(marks))
    assert.ok(v2.headline[lang].startsWith(mark), `${lang}: ${v2.headline[lang]}`);
  // The screen in 芝浦一丁目 shows version 2; the board says so.
  await april2.getByTestId('tab-board').click();
  await april2.getByTestId(`screens-${alertId}`).filter({ hasText: '対象1台中1台が第2版を表示' })
    .waitFor({ timeout: 30000 });
  // The published update keeps showing what it changed against version 1.
  const after = await apiFrom(april2, 'GET', `/api/v1/drafts/${draftId}`);
  assert.equal(after.body.changes.base_version, 1);
  assert.deepEqual(after.body.changes.areas_added.map((a) => a.code), ['shibaura-3']);

  // Leave nothing in force for the tests that follow: a cancel, approved.
  const cancel = await apiFrom(olive, 'POST', '/api/v1/drafts', { action: 'cancel', alert_id: alertId });
  assert.equal((await apiFrom(april2, 'POST', `/api/v1/drafts/${cancel.body.id}/approve`)).status, 200);
});

test('mistakes are refused: no area, texts that disagree, double saves', async () => {
  const olive = await loggedIn('olive');
  // A レベル5 with no block is not the whole ward; texts saying 港区全域 for one block are refused.
  const noArea = await apiFrom(olive, 'POST', '/api/v1/drafts', { template: 'emergency_safety' });
  assert.equal(noArea.status, 422);
  assert.match(noArea.body.error, /^対象の町丁目を選んでください。区全体に出すときは「港区全域」を選んでください/);
  const disagree = await apiFrom(olive, 'POST', '/api/v1/drafts', {
    template: 'evac_order', areas: ['mita-1'], headline: { ja: '【警戒レベル4】港区全域に避難指示' } });
  assert.equal(disagree.status, 422);
  assert.match(disagree.body.error, /^文面に「港区全域」とありますが、対象は 三田一丁目 だけです/);

  // In the page: nothing chosen is said in Japanese; the whole ward is a choice of its own.
  await olive.getByTestId('compose-template').selectOption('emergency_safety');
  await olive.getByTestId('compose-save').click();
  await olive.getByTestId('message').filter({ hasText: '対象地域を選ぶか「港区全域」を選んでください' }).waitFor();
  await olive.getByTestId('compose-whole-ward').check();
  await waitFor(async () => (await olive.getByTestId('text-headline-ja').inputValue()).includes('港区全域'));
  // Back to one block, found by search (三田1 ⏎): the texts follow.
  await olive.getByTestId('compose-whole-ward').uncheck();
  await olive.getByTestId('block-search').fill('三田1');
  await olive.getByTestId('block-search').press('Enter');
  await olive.getByTestId('selected-areas').filter({ hasText: '対象 (1): 三田一丁目' }).waitFor();
  await waitFor(async () => (await olive.getByTestId('text-headline-ja').inputValue()).includes('三田一丁目'));
  assert.ok(!(await olive.getByTestId('text-headline-ja').inputValue()).includes('港区全域'));
  // A whole district at once.
  await olive.getByTestId('district-芝浦港南').click();
  await olive.getByTestId('selected-areas').filter({ hasText: '対象 (12):' }).waitFor();
  await olive.getByTestId('district-芝浦港南').click();
  await olive.getByTestId('selected-areas').filter({ hasText: '対象 (1): 三田一丁目' }).waitFor();

  // A double click on save: one draft.
  const before = (await apiFrom(olive, 'GET', '/api/v1/drafts')).body.length;
  await olive.getByTestId('compose-save').dblclick();
  await olive.getByTestId('message').filter({ hasText: /下書き #\d+ を保存しました/ }).waitFor();
  await olive.waitForTimeout(500);
  const afterSave = (await apiFrom(olive, 'GET', '/api/v1/drafts')).body;
  assert.equal(afterSave.length, before + 1);
  assert.equal(afterSave[0].content.areas[0].name, '三田一丁目');
  // The same request twice: the first draft back, 200 instead of 201.
  const request = { template: 'evac_elderly', whole_ward: true, idempotency_key: 'test-key-1' };
  const first = await apiFrom(olive, 'POST', '/api/v1/drafts', request);
  const second = await apiFrom(olive, 'POST', '/api/v1/drafts', request);
  assert.deepEqual([first.status, second.status], [201, 200]);
  assert.equal(second.body.id, first.body.id);
  assert.equal(second.body.created, false);

  // With drafts, a preview and the board filled: still no sideways scroll at 390 px.
  await olive.setViewportSize({ width: 390, height: 844 });
  await olive.getByTestId('tab-drafts').click();
  await olive.getByTestId(`draft-${first.body.id}`).click();
  await olive.getByTestId('preview-headline').filter({ hasText: '港区全域' }).waitFor();
  await noSidewaysScroll(olive, 'a draft open');
  await olive.getByTestId('tab-board').click();
  await olive.locator('[data-testid^="board-staff-"]').first().waitFor();
  await noSidewaysScroll(olive, 'the board');
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

test('a wrong password five times locks the name, even for the right one (in Japanese)', async () => {
  const page = await browserFor();
  for (let i = 0; i < 5; ++i) {
    await logIn(page, 'april', `wrong-password-${i}`);
    await page.getByTestId('message').filter({ hasText: /^ユーザー名またはパスワードが違います/ }).waitFor();
    await page.getByTestId('message').evaluate((m) => { m.textContent = ''; });
  }
  await logIn(page, 'april', PASSWORDS.april);
  await page.getByTestId('message').filter({ hasText: /ログインの失敗が続いたため/ }).waitFor();
  assert.equal(await page.getByTestId('tab-compose').isVisible(), false);
});
