// The ward's facilities in Debian's chromium (playwright-core), against the real alerthub-hub
// and hubctl with the public site on, the shipped GSI shelters and the example stay-facilities
// file:
//   - the operator page (facility.html) on a 390 px phone: a golden screenshot, no sideways
//     scroll, the taps to "set facility X full with 120 people" counted, the state and JST
//     time shown, the public site's facilities page showing the change within a second;
//   - a facility account cannot use the console (sent to its page; the API refuses);
//   - the compose form picks facilities from the data (search, Enter), the published
//     避難所開設 opens them, and the operator page shows it.
//
// ALERTHUB_BIN names the build's bin folder; run by ctest (label e2e) through ./run.
// UPDATE_GOLDEN=1 writes the golden screenshot instead of comparing with it.
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
const PASSWORDS = { fumi: 'facility-password-1234', olive: 'operator-password-1234',
                    april: 'approver-password-1234' };
const STAY = 'stay-example-konan';            // （例）品川駅港南口 一時滞在施設
const KONAN_SCHOOL = 'E1310300007111';        // 港南小学校 (指定避難所)
const SHIBAURA_SCHOOL = 'E1310300028111';     // 芝浦小学校

const scratch = new Scratch('alerthub-facility-', bin);
const work = scratch.dir;
const start = scratch.start.bind(scratch);
const hubctl = scratch.hubctl.bind(scratch);
const browserFor = (url, viewport = { width: 390, height: 844 }) => scratch.browser(url, viewport);
let consoleUrl = '';

async function logIn(page, user) {
  await page.getByTestId('login-user').fill(user);
  await page.getByTestId('login-password').fill(PASSWORDS[user]);
  await page.getByTestId('login-submit').click();
}

// What a person does, counted: each tap and each field typed into is one action.
function actionsOf(page) {
  const tally = { actions: 0, log: [] };
  return {
    tally,
    tap: async (testId) => {
      tally.actions += 1;
      tally.log.push(`tap ${testId}`);
      await page.getByTestId(testId).click();
    },
    fill: async (testId, text) => {
      tally.actions += 1;
      tally.log.push(`type ${testId} "${text}"`);
      await page.getByTestId(testId).fill(text);
    },
  };
}

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

// The status lines of the facilities of that name on the public site ("s-full 満員 · 受入 120"),
// as served from disk (an emergency site and a shelter may share a name).
function siteStatus(name) {
  const page = fs.readFileSync(path.join(work, 'site/current/facilities.html'), 'utf8');
  const out = [];
  for (let at = page.indexOf(`>${name}</h3>`); at >= 0; at = page.indexOf(`>${name}</h3>`, at + 1)) {
    const m = page.slice(at).match(/<p class="status (s-[a-z]+)">([^<]*)</);
    if (m) out.push(`${m[1]} ${m[2]}`);
  }
  return out;
}
const siteShows = (name, state) => siteStatus(name).find((line) => line.startsWith(state));

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
  const actual = path.join(os.tmpdir(), `alerthub-actual-${name}`);
  if (diff.differing > diff.total * 0.005) fs.writeFileSync(actual, shot);
  assert.ok(diff.differing <= diff.total * 0.005,
            `${name}: ${diff.differing} of ${diff.total} pixels differ from the golden (now: ${actual})`);
}

before(async () => {
  const mqttPort = await freePort();
  const ingestPort = await freePort();
  const consolePort = await freePort();
  fs.writeFileSync(path.join(work, 'mosquitto.conf'),
    `listener ${mqttPort} 127.0.0.1\nallow_anonymous true\npersistence false\n`);
  start('mosquitto', ['-c', path.join(work, 'mosquitto.conf')], 'mosquitto.log');
  fs.writeFileSync(path.join(work, 'token'), 'facility-test-token-0123456789\n');
  const keys = spawnSync(path.join(bin, 'hubctl'),
                         ['keys', 'generate', '--out', path.join(work, 'keys'), '--kid', 'facility'],
                         { encoding: 'utf8' });
  assert.equal(keys.status, 0, `hubctl keys generate: ${keys.stderr}`);
  fs.writeFileSync(path.join(work, 'hub.toml'), `
[mqtt]
uri = "tcp://127.0.0.1:${mqttPort}"
topic_root = "facility-test/v1"
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
[site]
enabled = true
dir = "site"
base_url = "https://bousai.example.jp"
templates_dir = "${source}/config/site"
emergency_sites_file = "${source}/config/shelters/131032-emergency-sites.geojson"
shelters_file = "${source}/config/shelters/131032-designated-shelters.geojson"
stay_facilities_file = "${source}/config/shelters/stay_facilities.tsv.example"
[signing]
key_file = "keys/facility.key"
`);
  // A ward's facility account, as docs/operations.md says: two facilities of one operator.
  hubctl(['users', 'add', 'fumi', '--role', 'facility', '--facilities', `${STAY},${KONAN_SCHOOL}`],
         `${PASSWORDS.fumi}\n`);
  hubctl(['users', 'add', 'olive', '--role', 'operator'], `${PASSWORDS.olive}\n`);
  hubctl(['users', 'add', 'april', '--role', 'approver'], `${PASSWORDS.april}\n`);
  start(path.join(bin, 'alerthub-hub'), ['--config', path.join(work, 'hub.toml')], 'hub.log');
  consoleUrl = `http://127.0.0.1:${consolePort}/`;
  const up = await waitFor(async () => (await fetch(`${consoleUrl}healthz`)).ok, 60000);
  assert.ok(up, `the hub's console did not come up: ${fs.readFileSync(path.join(work, 'hub.log'), 'utf8')}`);
});

after(() => scratch.close());

test('the operator page at 390 px: "full with 120 people" in 3 taps, on the public site within a second', async () => {
  const phone = await browserFor(`${consoleUrl}facility.html`);
  await logIn(phone, 'fumi');
  // Two facilities: the operator chooses one; the page, the golden, the taps.
  await phone.getByTestId(`choose-${STAY}`).waitFor();
  await noSidewaysScroll(phone, 'the list');
  const op = actionsOf(phone);
  await op.tap(`choose-${STAY}`);
  await phone.getByTestId('facility-updated').filter({ hasText: 'まだ状況の連絡はありません' }).waitFor();
  await phone.evaluate(() => document.fonts.ready);
  await noSidewaysScroll(phone, 'the facility');
  await golden(phone, 'facility_390.png');
  await op.fill('count', '120');
  const tapped = Date.now();
  await op.tap('state-full');
  await phone.getByTestId('message').filter({ hasText: '満員・120人にしました' }).waitFor();
  console.log(`operator: ${op.tally.actions} actions after logging in: ${op.tally.log.join('; ')}`);
  assert.ok(op.tally.actions <= 3, `"full with 120 people" took ${op.tally.actions} actions`);
  const onSite = await waitFor(() => siteShows('（例）品川駅港南口 一時滞在施設', 's-full'), 1000);
  console.log(`on the public site ${Date.now() - tapped} ms after the tap`);
  assert.ok(onSite, `the site shows ${siteStatus('（例）品川駅港南口 一時滞在施設')}`);
  assert.match(siteShows('（例）品川駅港南口 一時滞在施設', 's-full'), /受入 120/);
  // The state and the last change, in JST, on the page.
  assert.equal(await phone.getByTestId('facility-now').textContent(), '現在: 満員・受入 120人');
  assert.match(await phone.getByTestId('facility-updated').textContent(),
               /^最終更新 \d{1,2}\/\d{1,2} \d{2}:\d{2} JST（fumi）$/);
  assert.equal(await phone.getByTestId('state-full').getAttribute('aria-pressed'), 'true');

  // +/− and a count that is not a number.
  await phone.getByTestId('count-plus').click();
  assert.equal(await phone.getByTestId('count').inputValue(), '121');
  await phone.getByTestId('count-minus').click();
  await phone.getByTestId('count-minus').click();
  assert.equal(await phone.getByTestId('count').inputValue(), '119');
  await phone.getByTestId('count').fill('');
  await phone.getByTestId('state-open').click();
  await phone.getByTestId('message').filter({ hasText: /^受入人数は0以上の整数で/ }).waitFor();

  // Another facility is refused in Japanese; the console is not this account's.
  const other = await apiFrom(phone, 'POST', `/api/v1/facilities/${SHIBAURA_SCHOOL}/status`,
                              { state: 'open', taken_in: 1 });
  assert.equal(other.status, 403);
  assert.match(other.body.error, /^「芝浦小学校」はあなたの担当施設ではありません/);
  const compose = await apiFrom(phone, 'POST', '/api/v1/drafts', { template: 'shelter_open', whole_ward: true,
                                                                  facilities: [KONAN_SCHOOL] });
  assert.equal(compose.status, 403);
  await phone.goto(consoleUrl);
  await phone.waitForURL(/facility\.html$/);
});

test('the compose form picks facilities; the published 避難所開設 opens them on the operator page', async () => {
  const olive = await browserFor(consoleUrl, { width: 390, height: 844 });
  await logIn(olive, 'olive');
  await olive.getByTestId('facility-picker').waitFor();
  await olive.getByTestId('compose-template').selectOption('shelter_open');
  await olive.getByTestId('compose-whole-ward').check();
  await olive.getByTestId('facility-search').fill('港南小');
  await olive.getByTestId('facility-search').press('Enter');
  await olive.getByTestId('selected-facilities').filter({ hasText: '選択 (1): 港南小学校' }).waitFor();
  assert.ok(await olive.getByTestId(`facility-${KONAN_SCHOOL}`).isChecked());
  await waitFor(async () => (await olive.getByTestId('text-headline-ja').inputValue()).includes('港南小学校'));
  await noSidewaysScroll(olive, 'compose with facilities');
  await olive.getByTestId('compose-save').click();
  const saved = olive.getByTestId('message').filter({ hasText: /下書き #\d+ を保存しました/ });
  await saved.waitFor();
  const draftId = Number((await saved.textContent()).match(/#(\d+)/)[1]);

  const april = await browserFor(consoleUrl, { width: 1024, height: 800 });
  await logIn(april, 'april');
  await april.getByTestId('draft-detail').waitFor();
  await april.getByTestId('approve').click();
  await april.getByTestId('confirm').waitFor();
  assert.match(await april.getByTestId('confirm-summary').textContent(), /港南小学校/);
  await april.getByTestId('confirm-ok').click();
  await april.getByTestId('message').filter({ hasText: '発信しました' }).waitFor();
  const draft = await apiFrom(april, 'GET', `/api/v1/drafts/${draftId}`);
  assert.deepEqual(draft.body.content.facilities.map((f) => f.id), [KONAN_SCHOOL]);

  const phone = await browserFor(`${consoleUrl}facility.html`);
  await logIn(phone, 'fumi');
  await phone.getByTestId(`choose-${KONAN_SCHOOL}`).filter({ hasText: '開設' }).waitFor();
  await phone.getByTestId(`choose-${KONAN_SCHOOL}`).click();
  assert.equal(await phone.getByTestId('facility-now').textContent(), '現在: 開設・受入 0人');
  assert.match(await phone.getByTestId('facility-updated').textContent(), /JST（発信文（april））$/);
  assert.ok(await waitFor(() => siteShows('港南小学校', 's-open'), 1000), siteStatus('港南小学校').join('; '));
});
