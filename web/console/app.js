// The staff console: plain DOM, no framework. Texts from the server are only ever set as
// textContent, never as HTML.
import { api, ApiError, wireLogin } from './api.js';

const $ = (id) => document.getElementById(id);
const LANGS = [['ja', '日本語'], ['en', 'English'], ['ja-x-easy', 'やさしい日本語']];
const FIELDS = [['headline', '見出し / Headline'], ['description', '説明 / Description'],
                ['instruction', '行動の呼びかけ / Instruction']];
// What staff read instead of the API's codes.
const NAMES = {
  draftState: { pending: '承認待ち', approved: '承認済み（発信中）', published: '発信済み',
                rejected: '差し戻し', withdrawn: '取り下げ', failed: '発信失敗' },
  action: { issue: '発表', update: '更新', cancel: '取消' },
  status: { actual: '実際', exercise: '訓練', test: 'テスト' },
  alertState: { active: '発表中', cancelled: '取消済み', lifted: '解除済み', expired: '期限切れ' },
  outcome: { accepted: '送信済み', failed: '失敗', duplicate: '送信済み（重複）' },
  channel: { line: 'LINE', mail: 'メール', signage: 'サイネージ' },
  language: { ja: '日本語', en: 'English', 'ja-x-easy': 'やさしい日本語', 'zh-Hans': '中文(简体)',
              'zh-Hant': '中文(繁體)', ko: '한국어', vi: 'Tiếng Việt', ne: 'नेपाली', pt: 'Português' },
  role: { operator: '作成者', approver: '承認者', admin: '管理者', facility: '施設担当' },
  facilityKind: { stay: '一時滞在施設', shelter: '指定避難所', emergency_site: '指定緊急避難場所' },
  audit: { login: 'ログイン', login_failed: 'ログイン失敗', login_refused: 'ログイン拒否',
           logout: 'ログアウト', draft: '下書き保存', approve: '承認', break_glass: '緊急単独発信',
           publish: '発信', publish_failed: '発信失敗', reject: '差し戻し', withdraw: '取り下げ',
           user_add: 'ユーザー追加', user_change: 'ユーザー変更', password: 'パスワード変更',
           facility_status: '施設の状況' },
  door: { http: '受信API (CAP)', spool: 'スプール', 'jma-feed': '気象庁フィード', console: '職員コンソール',
          lalert: 'Lアラート' },
};
const name = (table, code) => NAMES[table][code] || code;
const DISTRICTS = ['芝', '麻布', '赤坂', '高輪', '芝浦港南', '台場'];

let me = null;
let reference = null;
let selectedDraft = null;
let boardTimer = null;
let badgeTimer = null;
let lastBoard = null;
// The compose form: its idempotency key (one per draft the form makes), the blocks chosen,
// and whether the texts shown were made for the current choices.
const compose = { key: '', blocks: new Set(), textsFor: '', composing: null };
// The ward's shelters and facilities (GET /api/v1/facilities), and the ids chosen.
const facilityPicker = { all: [], chosen: new Set() };

function say(text, isError = false) {
  const m = $('message');
  m.textContent = text;
  m.className = isError ? 'error' : 'ok';
}

function el(tag, text, attrs = {}) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  return e;
}

function row(cells, attrs = {}) {
  const tr = el('tr', null, attrs);
  for (const c of cells) {
    const td = el('td');
    if (c instanceof Node) td.append(c); else td.textContent = c ?? '';
    tr.append(td);
  }
  return tr;
}

function newKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

async function guarded(action) {
  try {
    await action();
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) showLogin();
    say(e.message, true);
  }
}

// A button that sends something: disabled until the answer is in, so a double click sends
// once (the server refuses or returns the same result for a repeat as well).
async function once(button, action) {
  if (button.disabled) return;
  button.disabled = true;
  try {
    await guarded(action);
  } finally {
    button.disabled = false;
  }
}

function showLogin() {
  me = null;
  api.setCsrf('');
  $('login-view').hidden = false;
  $('app-view').hidden = true;
  $('who').hidden = true;
  for (const t of [boardTimer, badgeTimer]) if (t) clearInterval(t);
  boardTimer = null;
  badgeTimer = null;
}

async function showApp(session) {
  me = session;
  api.setCsrf(session.csrf_token);
  $('login-view').hidden = true;
  $('app-view').hidden = false;
  $('who').hidden = false;
  // A facility account has a page of its own (facility.html); the console refuses it.
  if (session.role === 'facility') {
    window.location.assign('facility.html');
    return;
  }
  $('who-name').textContent = `${session.user}（${name('role', session.role)}）`;
  $('training-banner').hidden = !session.training;
  for (const b of document.querySelectorAll('.admin-only')) b.hidden = session.role !== 'admin';
  reference = await api.get('/api/v1/reference');
  await loadFacilityPicker();
  fillCompose();
  const pending = await refreshBadge();
  badgeTimer = setInterval(() => guarded(refreshBadge), 5000);
  // An approver logs in to decide: the drafts, with the oldest one waiting open.
  const waiting = pending.filter((d) => d.drafted_by !== me.user);
  showTab(session.role !== 'operator' && waiting.length ? 'drafts' : 'compose');
}

async function refreshBadge() {
  const pending = await api.get('/api/v1/drafts?state=pending');
  const badge = $('pending-badge');
  badge.hidden = pending.length === 0;
  badge.textContent = `${pending.length}件`;
  badge.title = `承認待ちの下書き ${pending.length}件 / ${pending.length} drafts waiting for approval`;
  return pending;
}

function showTab(tab) {
  for (const s of document.querySelectorAll('.tab')) s.hidden = s.id !== `tab-${tab}`;
  for (const b of document.querySelectorAll('[data-tab]'))
    b.setAttribute('aria-current', b.dataset.tab === tab ? 'page' : 'false');
  if (boardTimer) clearInterval(boardTimer);
  boardTimer = null;
  if (tab === 'drafts') guarded(showDrafts);
  if (tab === 'board') {
    guarded(loadBoard);
    boardTimer = setInterval(() => guarded(loadBoard), 2000);  // updates without reloading
  }
  if (tab === 'audit') guarded(loadAudit);
  if (tab === 'users') guarded(loadUsers);
}

// ----- composing ---------------------------------------------------------------------

function fillCompose() {
  const f = $('compose-form');
  f.template.replaceChildren(...reference.templates.map(
    (t) => el('option', `${t.name.ja} / ${t.name.en}`, { value: t.id })));
  f.hazard.replaceChildren(el('option', '—', { value: '' }), ...reference.hazards.map(
    (h) => el('option', `${h.name.ja} / ${h.name.en}`, { value: h.id })));
  if (reference.training) {
    f.status.value = 'exercise';
    f.status.disabled = true;
  }
  buildBlockGroups();
  resetCompose();
}

function resetCompose() {
  const f = $('compose-form');
  compose.key = newKey();
  compose.blocks.clear();
  compose.textsFor = '';
  f.whole_ward.checked = false;
  f.shelters.value = '';
  resetFacilities();
  f.link.value = '';
  f.expires_hours.value = '0';
  $('block-search').value = '';
  filterBlocks();
  syncBlocks();
  $('texts').replaceChildren();
  setUpdating(null);
  scheduleTexts();
}

// The ward's blocks grouped by district (the table's district column), each group with
// "all of it", the search filtering by name, town, district or code.
function buildBlockGroups() {
  const groups = new Map(DISTRICTS.map((d) => [d, []]));
  for (const b of reference.town_blocks) {
    const d = b.district || 'その他';
    if (!groups.has(d)) groups.set(d, []);
    groups.get(d).push(b);
  }
  const box = $('block-groups');
  box.replaceChildren();
  for (const [district, blocks] of groups) {
    if (!blocks.length) continue;
    const group = el('div', null, { class: 'district', 'data-district': district });
    const head = el('div', null, { class: 'district-head' });
    head.append(el('strong', `${district}地区`));
    const all = el('button', `${district}をすべて選択 / all`, {
      type: 'button', 'data-testid': `district-${district}` });
    all.addEventListener('click', () => {
      const visible = blocks.filter((b) => !blockLabel(b.code).hidden);
      const allOn = visible.every((b) => compose.blocks.has(b.code));
      for (const b of visible) if (allOn) compose.blocks.delete(b.code); else compose.blocks.add(b.code);
      syncBlocks();
      scheduleTexts();
    });
    head.append(all);
    group.append(head);
    const list = el('div', null, { class: 'blocks' });
    for (const b of blocks) {
      const label = el('label', null, { class: 'block', 'data-code': b.code,
        'data-search': `${b.name} ${b.town} ${district} ${b.code}`.toLowerCase() });
      const box = el('input', null, { type: 'checkbox', value: b.code, 'data-testid': `block-${b.code}` });
      box.addEventListener('change', () => {
        if (box.checked) compose.blocks.add(b.code); else compose.blocks.delete(b.code);
        syncBlocks();
        scheduleTexts();
      });
      label.append(box, ` ${b.name}`);
      list.append(label);
    }
    group.append(list);
    box.append(group);
  }
}

const blockLabel = (code) => document.querySelector(`#block-groups label[data-code="${code}"]`);

// 三田1 finds 三田一丁目; several words narrow further.
function normalizedQuery(text) {
  const kanji = ['〇', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
  return text.trim().toLowerCase().replace(/[0-9０-９]/g, (c) => kanji[Number(c.normalize('NFKC'))])
    .split(/[\s、,]+/).filter(Boolean);
}

function filterBlocks() {
  const words = normalizedQuery($('block-search').value);
  for (const group of document.querySelectorAll('#block-groups .district')) {
    let shown = 0;
    for (const label of group.querySelectorAll('label.block')) {
      const match = words.every((w) => label.dataset.search.includes(w));
      label.hidden = !match;
      if (match) ++shown;
    }
    group.hidden = shown === 0;
  }
}

function syncBlocks() {
  const f = $('compose-form');
  const whole = f.whole_ward.checked;
  $('block-picker').classList.toggle('disabled', whole);
  for (const box of document.querySelectorAll('#block-groups input[type=checkbox]')) {
    box.checked = compose.blocks.has(box.value);
    box.disabled = whole;
  }
  const names = reference.town_blocks.filter((b) => compose.blocks.has(b.code)).map((b) => b.name);
  $('selected-areas').textContent = whole
    ? '対象: 港区全域 / the whole ward'
    : names.length ? `対象 (${names.length}): ${names.join('、')}`
      : '対象が未選択です: 町丁目を選ぶか「港区全域」を選んでください / no area chosen yet';
  $('selected-areas').classList.toggle('missing', !whole && !names.length);
}

function composeRequest(withTexts) {
  const f = $('compose-form');
  const req = {
    template: f.template.value,
    status: f.status.value,
    hazard: f.hazard.value,
    whole_ward: f.whole_ward.checked,
    areas: f.whole_ward.checked ? [] : reference.town_blocks.map((b) => b.code).filter((c) => compose.blocks.has(c)),
    facilities: chosenFacilityIds(),
    shelters: f.shelters.value.split('\n').map((s) => s.trim()).filter((s) => s),
    link: f.link.value.trim(),
    expires_hours: Number(f.expires_hours.value || 0),
    idempotency_key: compose.key,
    ...updateFields(),
  };
  if (withTexts) {
    for (const [field] of FIELDS) {
      req[field] = {};
      for (const [lang] of LANGS) {
        const t = document.querySelector(`[data-field="${field}"][data-lang="${lang}"]`);
        if (t && t.value.trim()) req[field][lang] = t.value;
      }
    }
  }
  return req;
}

// The choices the texts depend on, as one string: texts made for other choices are stale.
function choicesKey() {
  const r = composeRequest(false);
  return JSON.stringify([r.template, r.status, r.hazard, r.whole_ward, r.areas, r.facilities, r.shelters]);
}

function showTexts(content) {
  const box = $('texts');
  box.replaceChildren();
  for (const [lang, langName] of LANGS) {
    const fs = el('fieldset');
    fs.append(el('legend', langName));
    for (const [field, label] of FIELDS) {
      const ta = el('textarea', null, {
        'data-field': field, 'data-lang': lang, rows: field === 'headline' ? '1' : '2',
        'data-testid': `text-${field}-${lang}` });
      ta.value = (content[field] || {})[lang] || '';
      const l = el('label', label);
      l.append(ta);
      fs.append(l);
    }
    box.append(fs);
  }
}

// Texts follow the choices: every change of template, hazard, areas or shelters makes them
// again from the template (an edit made before is replaced, and the page says so).
let textsTimer = null;
function scheduleTexts() {
  if (textsTimer) clearTimeout(textsTimer);
  textsTimer = setTimeout(() => guarded(() => composeTexts()), 250);
}

async function composeTexts() {
  textsTimer = null;
  const key = choicesKey();
  const req = composeRequest(false);
  if (!req.whole_ward && !req.areas.length) {
    $('texts').replaceChildren(el('p', '対象地域を選ぶと文面が作られます / choose the areas to get the texts',
                                  { class: 'hint' }));
    compose.textsFor = '';
    return;
  }
  const edited = compose.textsFor !== '' && compose.textsFor !== key &&
    [...document.querySelectorAll('#texts textarea')].some((t) => t.dataset.edited);
  compose.composing = api.post('/api/v1/compose', req);
  let content;
  try {
    content = await compose.composing;
  } finally {
    compose.composing = null;
  }
  if (choicesKey() !== key) return;  // the choices changed meanwhile: a newer call follows
  showTexts(content);
  compose.textsFor = key;
  showComposeChanges(content.changes);
  if (edited) say('選択が変わったので文面を作り直しました（編集は元に戻りました） / The choices changed: texts made again');
}

async function saveDraft(event) {
  event.preventDefault();
  if (textsTimer || compose.composing || compose.textsFor !== choicesKey()) {
    if (compose.composing) await compose.composing.catch(() => {});
    await composeTexts();
  }
  if (compose.textsFor !== choicesKey()) {
    throw new Error('対象地域を選ぶか「港区全域」を選んでください / choose the areas or the whole ward');
  }
  const d = await api.post('/api/v1/drafts', composeRequest(true));
  const kind = d.action === 'update' ? '更新の下書き' : '下書き';
  say(d.created === false
    ? `${kind} #${d.id} は保存済みです / Draft #${d.id} was already saved`
    : `${kind} #${d.id} を保存しました。別の承認者の承認を待ちます / Draft #${d.id} saved: waiting for another approver`);
  resetCompose();
  await refreshBadge();
}

// ----- shelters and facilities picked from the ward's data ----------------------------

// Groups by kind, the kind a template opens first; the typed list stays for a place the data
// does not have. Without data (no [site]) only the typed list is shown.
const FACILITY_KINDS = ['shelter', 'stay', 'emergency_site'];
const kindOfTemplate = (id) => (id === 'stay_facility_open' ? 'stay' : 'shelter');

async function loadFacilityPicker() {
  facilityPicker.all = await api.get('/api/v1/facilities');
  const has = facilityPicker.all.length > 0;
  $('facility-picker').hidden = !has;
  $('shelters-label').textContent = has
    ? '一覧にない場所（1行に1つ） / A place not in the list (one per line)'
    : '避難所・施設 (1行に1つ) / Shelters or facilities (one per line)';
  $('shelters-label').classList.toggle('secondary', has);
  if (has) buildFacilityGroups();
}

function buildFacilityGroups() {
  const box = $('facility-groups');
  box.replaceChildren();
  for (const kind of FACILITY_KINDS) {
    const list = facilityPicker.all.filter((x) => x.kind === kind);
    if (!list.length) continue;
    const group = el('details', null, { class: 'facility-kind', 'data-kind': kind });
    group.append(el('summary', `${name('facilityKind', kind)}（${list.length}）`,
                    { 'data-testid': `facility-kind-${kind}` }));
    for (const x of list) {
      const label = el('label', null, { class: 'facility', 'data-id': x.id,
        'data-search': `${x.name} ${x.name_en} ${x.address} ${x.id}`.toLowerCase() });
      const input = el('input', null, { type: 'checkbox', value: x.id, 'data-testid': `facility-${x.id}` });
      input.addEventListener('change', () => {
        if (input.checked) facilityPicker.chosen.add(x.id); else facilityPicker.chosen.delete(x.id);
        syncFacilities();
        scheduleTexts();
      });
      label.append(input, ` ${x.name}`);
      group.append(label);
    }
    box.append(group);
  }
  openFacilityKindOfTemplate();
}

function openFacilityKindOfTemplate() {
  const kind = kindOfTemplate($('compose-form').template.value);
  for (const g of document.querySelectorAll('#facility-groups .facility-kind'))
    if (g.dataset.kind === kind) g.open = true;
}

function filterFacilities() {
  const words = $('facility-search').value.trim().toLowerCase().split(/[\s、,]+/).filter(Boolean);
  for (const group of document.querySelectorAll('#facility-groups .facility-kind')) {
    let shown = 0;
    for (const label of group.querySelectorAll('label.facility')) {
      const match = words.every((w) => label.dataset.search.includes(w));
      label.hidden = !match;
      if (match) ++shown;
    }
    group.hidden = shown === 0;
    if (words.length && shown) group.open = true;
  }
}

function chosenFacilityIds() {
  return facilityPicker.all.map((x) => x.id).filter((id) => facilityPicker.chosen.has(id));
}

function syncFacilities() {
  for (const input of document.querySelectorAll('#facility-groups input[type=checkbox]'))
    input.checked = facilityPicker.chosen.has(input.value);
  const names = facilityPicker.all.filter((x) => facilityPicker.chosen.has(x.id)).map((x) => x.name);
  $('selected-facilities').textContent = names.length ? `選択 (${names.length}): ${names.join('、')}` : '';
}

function resetFacilities() {
  facilityPicker.chosen.clear();
  if (!facilityPicker.all.length) return;
  $('facility-search').value = '';
  filterFacilities();
  syncFacilities();
}

// ----- drafts and approval -----------------------------------------------------------

function templateName(id) {
  const t = reference.templates.find((x) => x.id === id);
  return t ? t.name.ja : id;
}

// The list; for an approver with nothing open yet, the oldest draft waiting for them.
async function showDrafts() {
  const drafts = await loadDrafts();
  if (me.role === 'operator' || !$('draft-detail').hidden) return;
  const waiting = drafts.filter((d) => d.state === 'pending' && d.drafted_by !== me.user);
  if (waiting.length) await openDraft(waiting[waiting.length - 1].id);
}

async function loadDrafts() {
  const drafts = await api.get('/api/v1/drafts');
  $('drafts-body').replaceChildren(...drafts.map((d) => {
    const tr = row([d.id, name('action', d.action), templateName(d.template),
                    `${name('draftState', d.state)}${d.status === 'exercise' ? '（訓練）' : ''}`,
                    d.drafted_by, (d.content.headline || {}).ja || ''],
                   { 'data-testid': `draft-${d.id}`, tabindex: '0', class: `draft ${d.state}`,
                     'aria-label': `下書き #${d.id} を開く` });
    const open = () => guarded(() => openDraft(d.id));
    tr.addEventListener('click', open);
    tr.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        open();
      }
    });
    return tr;
  }));
  return drafts;
}

function areasText(content) {
  if (!content.areas || !content.areas.length) return '港区全域 / the whole ward';
  return content.areas.map((a) => a.name).join('、');
}

async function openDraft(id) {
  const d = await api.get(`/api/v1/drafts/${id}`);
  selectedDraft = d;
  $('draft-detail').hidden = false;
  $('draft-title').textContent = `#${d.id} ${name('action', d.action)}・${templateName(d.template)} — ${name('draftState', d.state)}（作成 ${d.drafted_by}）`;
  const p = d.preview || {};
  const exercise = p.status === 'exercise';
  $('preview-status').textContent = exercise ? '訓練 EXERCISE — これは訓練です' : '';
  $('preview-headline').textContent = `${d.action === 'cancel' ? '【解除】' : ''}${(p.headline || {}).ja || ''}`;
  $('preview-description').textContent = (p.description || {}).ja || '';
  $('preview-instruction').textContent = (p.instruction || {}).ja || '';
  $('preview-en').textContent = [(p.headline || {}).en, (p.instruction || {}).en].filter(Boolean).join(' — ');
  $('preview-areas').textContent = `対象地域 / Areas: ${areasText(d.content)}`;
  showDraftChanges(d);
  $('preview-link').textContent = ((p.links || [])[0] || {}).url || '';
  const langs = Object.keys(d.channel_texts || {}).sort((a, b) => (b === 'ja') - (a === 'ja'));
  $('preview-lang').replaceChildren(...langs.map((l) => el('option', name('language', l), { value: l })));
  showChannelPreview();
  const pending = d.state === 'pending' || d.state === 'approved';
  const own = d.drafted_by === me.user;
  $('approve').hidden = !pending || own || me.role === 'operator';
  $('reject').hidden = d.state !== 'pending';
  const t = reference.templates.find((x) => x.id === d.template);
  $('break-glass').hidden = !(pending && own && t && t.break_glass);
}

// The draft in one language: the signage screen as the player draws it (a PNG the hub has
// the player binary render) and what LINE and mail subscribers read.
function showChannelPreview() {
  const d = selectedDraft;
  const lang = $('preview-lang').value || 'ja';
  const texts = (d.channel_texts || {})[lang] || {};
  $('preview-line').textContent = texts.line_text || '';
  $('preview-mail-subject').textContent = texts.mail_subject ? `件名 / Subject: ${texts.mail_subject}` : '';
  $('preview-mail').textContent = texts.mail_text || '';
  const img = $('preview-signage');
  const note = $('preview-signage-note');
  if (!d.preview) {
    img.hidden = true;
    note.textContent = d.preview_error || '';
    return;
  }
  const url = `/api/v1/drafts/${d.id}/preview.png?lang=${encodeURIComponent(lang)}`;
  note.textContent = '描画中… / Drawing…';
  img.onload = () => {
    img.hidden = false;
    note.textContent = d.action === 'cancel'
      ? '取消後の画面 / The screen after the cancel' : '';
  };
  img.onerror = async () => {
    // An <img> cannot read the error: ask again for the JSON that says why.
    img.hidden = true;
    const r = await fetch(url, { credentials: 'same-origin' });
    const body = await r.json().catch(() => ({}));
    note.textContent = `サイネージのプレビューなし / No signage preview: ${body.error || `HTTP ${r.status}`}`;
  };
  img.src = url;
}

function channelsText() {
  return ['サイネージ（対象地域の画面）', ...(reference.channels || []).map((c) => name('channel', c)),
          '公開フィード (Atom/CAP)'].join('、');
}

// The last look: asks with a summary of exactly what goes out; resolves to the reason
// typed there (or null when staff went back).
function confirmSummary(title, okLabel, items, { reason = null } = {}) {
  const dialog = $('confirm');
  $('confirm-title').textContent = title;
  $('confirm-ok').textContent = okLabel;
  const dl = $('confirm-summary');
  dl.replaceChildren();
  for (const [term, value] of items) {
    dl.append(el('dt', term));
    const dd = el('dd');
    if (Array.isArray(value)) for (const v of value) dd.append(el('div', v)); else dd.textContent = value;
    dl.append(dd);
  }
  $('confirm-reason-label').hidden = reason === null;
  $('confirm-reason').value = reason || '';
  dialog.returnValue = '';
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => {
      resolve(dialog.returnValue === 'ok' ? $('confirm-reason').value : null);
    }, { once: true });
    dialog.showModal();
    $('confirm-ok').focus();
  });
}

function draftSummary(d) {
  const p = d.preview || {};
  const langs = Object.keys(d.channel_texts || {}).sort((a, b) => (b === 'ja') - (a === 'ja'))
    .map((l) => name('language', l));
  const texts = [`見出し: ${d.action === 'cancel' ? '【解除】' : ''}${(p.headline || {}).ja || ''}`];
  if ((p.description || {}).ja) texts.push(`説明: ${p.description.ja}`);
  if ((p.instruction || {}).ja) texts.push(`呼びかけ: ${p.instruction.ja}`);
  if ((p.headline || {}).en) texts.push(`English: ${p.headline.en}`);
  const items = [
    ['内容 / What', `${name('action', d.action)}・${templateName(d.template)}（${name('status', d.status)}）`],
    ['対象地域 / Areas', areasText(d.content)],
  ];
  if (d.action === 'update') items.push(...updateSummaryItems(d));
  const places = [...(d.content.facilities || []).map((x) => x.name), ...(d.content.shelters || [])];
  if (places.length) items.push(['避難所・施設 / Shelters', places.join('、')]);
  items.push(['配信先 / Channels', channelsText()],
             ['言語 / Languages', langs.join('、')],
             ['文面 / Texts', texts]);
  if (d.content.note) items.push(['取消の理由 / Reason', d.content.note]);
  return items;
}

async function decide(kind) {
  const d = selectedDraft;
  const id = d.id;
  let reason = $('decision-reason').value;
  if (kind !== 'reject') {
    const title = kind === 'break-glass'
      ? `#${id} を緊急単独発信します / Break-glass: publish alone`
      : d.action === 'update' ? `#${id} の更新を承認して発信します / Approve and publish the update`
        : `#${id} を承認して発信します / Approve and publish`;
    const typed = await confirmSummary(title, d.action === 'cancel' ? '取消を発信する / Publish the cancel'
      : 'この内容で発信する / Publish this', draftSummary(d),
    { reason: kind === 'break-glass' ? reason : null });
    if (typed === null) {
      say('発信していません / Nothing was published');
      return;
    }
    if (kind === 'break-glass') reason = typed;
  }
  const done = await api.post(`/api/v1/drafts/${id}/${kind}`, { reason });
  say(done.state === 'published'
    ? `発信しました: 第${done.published_version}版 (${done.alert_id}) / Published`
    : `#${id}: ${name('draftState', done.state)}`);
  await refreshBadge();
  await loadDrafts();
  await openDraft(id);
}

// ----- updating a notice in force --------------------------------------------------------
// 「更新」 on the board opens the compose form filled with the notice as it is in force (its
// texts already marked 【更新】 by the hub); the choices and the texts then work as for a new
// draft (texts follow the choices, the same checks), the draft is saved as an update of that
// notice, and the form and the approver's last look show what changes against the version in
// force (the hub computes it: "changes" in docs/protocol.md).

// The notice being updated: { alertId, version, headline }, or null for a new notice; and
// what the hub last said the choices change.
let updating = null;
let lastUpdateChanges = null;

function updateFields() {
  return updating ? { action: 'update', alert_id: updating.alertId } : {};
}

function updateButton(a) {
  const b = el('button', '更新… / Update…', { type: 'button', 'data-testid': `update-${a.id}` });
  b.addEventListener('click', () => once(b, () => startUpdate(a.id)));
  return b;
}

// Into update mode (or out of it, with null): the banner, the save label, the status (an
// update keeps the notice's actual/exercise).
function setUpdating(notice) {
  updating = notice;
  const f = $('compose-form');
  $('update-banner').hidden = !notice;
  $('update-changes').hidden = true;
  $('update-changes').replaceChildren();
  f.status.disabled = Boolean(notice) || Boolean(reference && reference.training);
  $('compose-save').textContent = notice ? '更新の下書きを保存 / Save the update draft'
    : '下書きを保存 / Save draft';
  if (notice) {
    $('update-of').textContent = `更新中: ${notice.headline}（第${notice.version}版）を更新します。` +
      '変えたい項目を選び直してください / Updating version ' + notice.version;
  }
}

// Where the notice's facilities and typed shelters go into the form.
function fillUpdateShelters(names, facilities) {
  $('compose-form').shelters.value = names.join('\n');
  for (const f of facilities) facilityPicker.chosen.add(f.id);
  syncFacilities();
}

async function startUpdate(alertId) {
  const n = await api.get(`/api/v1/notices/${encodeURIComponent(alertId)}`);
  const u = n.update;
  resetCompose();
  if (textsTimer) clearTimeout(textsTimer);  // its texts are the notice's, not the template's
  textsTimer = null;
  const f = $('compose-form');
  f.template.value = u.template;
  f.status.value = u.status;
  f.hazard.value = u.hazard || '';
  f.whole_ward.checked = u.whole_ward;
  compose.blocks.clear();
  for (const a of u.areas) compose.blocks.add(a.code);
  fillUpdateShelters(u.shelters || [], u.facilities || []);
  f.link.value = u.link || '';
  f.expires_hours.value = String(u.expires_hours || 0);
  syncBlocks();
  setUpdating({ alertId: n.alert_id, version: n.version, headline: (n.content.headline || {}).ja || n.alert_id });
  showTexts(u);
  compose.textsFor = choicesKey();
  showComposeChanges(null);
  showTab('compose');
  $('update-of').focus();
  say(`第${n.version}版を読み込みました。変更して「更新の下書きを保存」を押してください / Version ${n.version} loaded`);
}

function levelName(level) {
  return level === null || level === undefined ? 'なし' : `レベル${level}`;
}

function hazardName(id) {
  const h = (reference.hazards || []).find((x) => x.id === id);
  return id ? (h ? h.name.ja : id) : 'なし';
}

const FIELD_NAMES = { headline: '見出し', description: '説明', instruction: '呼びかけ' };

// What an update changes, one line each, Japanese first.
function changesLines(c) {
  if (!c) return [];
  const lines = [];
  const names = (list) => list.map((a) => a.name).join('、');
  if (c.whole_ward) lines.push(c.whole_ward.to ? '対象: 町丁目 → 港区全域 / now the whole ward'
    : '対象: 港区全域 → 町丁目 / now town blocks');
  if (c.areas_added.length) lines.push(`対象地域に追加 / added: ${names(c.areas_added)}`);
  if (c.areas_removed.length) lines.push(`対象地域から除外 / removed: ${names(c.areas_removed)}`);
  if (c.level) lines.push(`警戒レベル / level: ${levelName(c.level.from)} → ${levelName(c.level.to)}`);
  if (c.template) lines.push(`種類 / kind: ${templateName(c.template.from)} → ${templateName(c.template.to)}`);
  if (c.hazard) lines.push(`災害種別 / hazard: ${hazardName(c.hazard.from)} → ${hazardName(c.hazard.to)}`);
  if (c.shelters_added.length) lines.push(`避難所・施設を追加 / shelters added: ${c.shelters_added.join('、')}`);
  if (c.shelters_removed.length) lines.push(`避難所・施設を除外 / shelters removed: ${c.shelters_removed.join('、')}`);
  if (c.link) lines.push(`リンク / link: ${c.link.from || 'なし'} → ${c.link.to || 'なし'}`);
  if (c.expires_hours) lines.push(`有効時間 / expiry: ${c.expires_hours.from || 'なし'} → ${c.expires_hours.to || 'なし'}（時間）`);
  const texts = Object.entries(c.texts_changed || {}).map(([field, langs]) => `${FIELD_NAMES[field] || field}（${
    [...langs].sort((a, b) => (b === 'ja') - (a === 'ja')).map((l) => name('language', l)).join('、')}）`);
  if (texts.length) lines.push(`文面を変更 / texts changed: ${texts.join('、')}`);
  if (!c.changed) lines.push('変更なし: このままでは保存できません / nothing changes yet');
  return lines;
}

function changesBox(box, title, lines) {
  const list = el('ul');
  for (const line of lines) list.append(el('li', line));
  box.replaceChildren(el('h4', title), list);
  box.hidden = false;
}

// In the form: what the choices change so far (texts edited by hand are named too).
function showComposeChanges(changes) {
  if (!updating) return;
  lastUpdateChanges = changes;
  const lines = changes ? changesLines(changes)
    : ['まだ何も変えていません / nothing changed yet'];
  if ([...document.querySelectorAll('#texts textarea')].some((t) => t.dataset.edited))
    lines.push('文面を手で編集しました / texts edited by hand');
  changesBox($('update-changes'), `第${updating.version}版からの変更点 / What changes`, lines);
}

// In the draft's detail: what it changes against the version it follows.
function showDraftChanges(d) {
  const box = $('preview-changes');
  if (d.action !== 'update' || !d.changes) {
    box.hidden = true;
    box.replaceChildren();
    return;
  }
  changesBox(box, `更新: 第${d.changes.base_version}版からの変更点 / Changes from version ${d.changes.base_version}`,
             changesLines(d.changes));
}

// The last look of an update: that it is one, which version it replaces, and what changes.
function updateSummaryItems(d) {
  if (!d.changes) return [['更新 / Update', `${d.alert_id} の更新`]];
  const next = d.state === 'published' ? d.published_version : d.changes.base_version + 1;
  return [['更新 / Update', `第${d.changes.base_version}版 → 第${next}版（見出しに【更新】が付きます / marked as an update）`],
          ['変更点 / Changes', changesLines(d.changes)]];
}

// ----- the live board ----------------------------------------------------------------

// Messages a screen refused (not signed by the hub: someone else is publishing to it) and
// alerts it dropped for room.
function deviceAlarms(d) {
  let text = '';
  if (d.refused_messages) {
    text += ` ⚠ 署名のないメッセージを${d.refused_messages}件拒否 / ${d.refused_messages} unsigned ` +
            `messages refused (${d.last_refusal})`;
  }
  if (d.evicted_alerts) text += ` ⚠ 容量のため${d.evicted_alerts}件を破棄 / ${d.evicted_alerts} alerts dropped for room`;
  return text;
}

// Per channel: what the adapter did with the latest version and whom it reached.
function receiptsCell(a) {
  const cell = el('div', null, { 'data-testid': `receipts-${a.id}` });
  const entries = Object.entries(a.receipts);
  if (!entries.length) cell.textContent = '報告なし / no report yet';
  for (const [ch, r] of entries) {
    const old = r.version !== a.version ? `（第${r.version}版）` : '';
    cell.append(el('div', `${name('channel', ch)}: ${name('outcome', r.outcome)} ${r.recipients}人${old}`,
                   { 'data-testid': `receipt-${a.id}-${ch}`, title: r.detail || '' }));
  }
  return cell;
}

function headlineOf(alertId) {
  const a = (lastBoard ? lastBoard.alerts : []).find((x) => x.id === alertId);
  return a ? `${a.prefix}${a.headline}` : alertId;
}

// The screens the alert targets: how many show its latest version; for an ended alert,
// the ones that still show it.
function screensCell(a) {
  const s = a.screens;
  let summary;
  if (!s.total) summary = `対象の画面なし（全${s.known}台） / no screen in its areas`;
  else if (s.ended) summary = s.not_latest.length
    ? `終了済み: ${s.not_latest.length}台がまだ表示中 / still shown on ${s.not_latest.length}`
    : `終了済み: 対象${s.total}台から消えました / ended, off every screen`;
  else summary = `対象${s.total}台中${s.latest}台が第${s.version}版を表示 / ${s.latest} of ${s.total} screens show v${s.version}`;
  const cell = el('div', summary, { 'data-testid': `screens-${a.id}` });
  for (const d of s.not_latest) {
    let shown;
    if (s.ended) shown = 'まだ表示中 still shown';
    else if (d.showing_instead) shown = `より緊急の情報を表示中: ${headlineOf(d.showing_instead)}`;
    else if (d.version === null) shown = '未表示 not shown';
    else shown = `第${d.version}版のまま v${d.version}`;
    const state = d.online ? '' : ' オフライン OFFLINE';
    cell.append(el('div', `${d.device_id}: ${shown}${state}（最終受信 ${d.last_seen}）`,
                   { class: 'behind' }));
  }
  return cell;
}

// device id -> { requestId, url, note }: kept across the board's refreshes.
const screenshots = new Map();

function screenshotCell(d) {
  const cell = el('div');
  const button = el('button', '画面を取得 / Screenshot', { type: 'button', 'data-testid': `screenshot-${d.device_id}` });
  button.addEventListener('click', () => guarded(() => requestScreenshot(d.device_id)));
  cell.append(button);
  const shot = screenshots.get(d.device_id);
  if (shot && shot.note) cell.append(el('div', shot.note));
  if (shot && shot.url) cell.append(el('img', null, { src: shot.url, class: 'screenshot',
    alt: `${d.device_id} の画面 / screen`, 'data-testid': `screenshot-image-${d.device_id}` }));
  return cell;
}

async function requestScreenshot(deviceId) {
  const r = await api.post(`/api/v1/devices/${encodeURIComponent(deviceId)}/screenshot`, {});
  const shot = { requestId: r.request_id, url: '', note: '要求中… / Requested…' };
  screenshots.set(deviceId, shot);
  const url = `/api/v1/devices/${encodeURIComponent(deviceId)}/screenshots/${r.request_id}.png`;
  // The player answers when it draws its next frame: ask every second for half a minute.
  for (let i = 0; i < 30 && screenshots.get(deviceId) === shot; ++i) {
    const res = await fetch(url, { credentials: 'same-origin' });
    if (res.ok) {
      // Kept as a data: URL, so the board's refreshes do not fetch it again.
      const blob = await res.blob();
      shot.url = await new Promise((resolve) => {
        const reader = new FileReader();
        reader.onload = () => resolve(reader.result);
        reader.readAsDataURL(blob);
      });
      shot.note = `取得 ${new Date().toLocaleTimeString('ja-JP', { timeZone: 'Asia/Tokyo' })} JST`;
      await loadBoard();
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  if (screenshots.get(deviceId) === shot) shot.note = '応答なし / No answer';
}

// 取消: a cancel draft, after a last look at what it ends.
async function cancelAlert(a, button) {
  if ($('confirm').open) return;  // a second click while the first one asks
  const reason = await confirmSummary(
    '取消の下書きを作ります（承認後に発信） / Draft a cancel (published once approved)',
    '取消の下書きを保存 / Save the cancel draft',
    [['取り消す情報 / Ends', `${a.prefix}${a.headline}`],
     ['配信先 / Channels', channelsText()],
     ['文面 / Text', '【解除】を付けて、解除を伝えます / marked 【解除】 (lifted)']],
    { reason: '解除 / lifted' });
  if (reason === null) {
    say('取消の下書きは作っていません / No cancel drafted');
    return;
  }
  await once(button, async () => {
    const d = await api.post('/api/v1/drafts', { action: 'cancel', alert_id: a.id, reason,
                                                 idempotency_key: newKey() });
    say(d.created === false
      ? `取消の下書き #${d.id} は既に承認待ちです / Cancel draft #${d.id} already waits for approval`
      : `取消の下書き #${d.id} を保存しました。承認が必要です / Cancel draft #${d.id} saved: needs approval`);
    await refreshBadge();
  });
}

async function loadBoard() {
  const b = await api.get('/api/v1/board');
  lastBoard = b;
  $('board-time').textContent = b.now;
  $('board-alerts').replaceChildren(...b.alerts.map((a) => {
    let action = '';
    if (a.staff && a.state === 'active') {
      action = el('div', null, { class: 'actions' });
      const cancel = el('button', '取消… / Cancel…', { type: 'button', 'data-testid': `cancel-${a.id}` });
      cancel.addEventListener('click', () => guarded(() => cancelAlert(a, cancel)));
      action.append(updateButton(a), cancel);
    }
    const level = a.level ? `レベル${a.level}` : '';
    // An ended alert says why: expired at its end, withdrawn (取消) or lifted (解除).
    const state = `${name('alertState', a.state)}${a.status !== 'actual' ? `（${name('status', a.status)}）` : ''}`
                + (a.state !== 'active' && a.why ? `（${a.why}）` : '');
    const head = el('div', null);
    head.append(el('strong', `${a.prefix}${a.headline}`));
    head.append(el('div', [level, a.event_name, `第${a.version}版`].filter(Boolean).join('・'), { class: 'en' }));
    return row([state, head, receiptsCell(a), screensCell(a), action],
               { 'data-testid': `board-${a.id}`, 'data-state': a.state,
                 class: a.state === 'active' ? `level${a.level || 0}` : 'ended' });
  }));
  $('board-devices').replaceChildren(...b.devices.map((d) => row(
    [d.device_id, (d.online ? 'オンライン online' : 'オフライン OFFLINE') + deviceAlarms(d), d.received,
     (d.showing || []).map((s) => `${headlineOf(s.alert_id)}（第${s.version}版）`).join('、') || '待機中 idle',
     screenshotCell(d)],
    { class: d.online ? 'online' : 'offline', 'data-testid': `device-${d.device_id}` })));
  // Clocks beside the feeds: a screen or adapter whose clock is off is flagged (issue 13).
  $('board-feeds').replaceChildren(...b.feeds.map((f) => row(
    [name('door', f.source), f.last_received, `${f.age_s}秒前`, `${f.documents}件`])),
  ...(b.clocks || []).map((c) => row(
    [`時計 ${c.peer}`, c.measured, `${c.offset_s > 0 ? '+' : ''}${c.offset_s}秒`,
     c.skewed ? '時刻ずれ' : '正常'],
    { class: c.skewed ? 'offline' : 'online', 'data-testid': `clock-${c.peer}` })));
}

async function loadAudit() {
  const entries = await api.get('/api/v1/audit?limit=100');
  $('audit-body').replaceChildren(...entries.map((e) => row(
    [e.seq, e.at, e.actor, name('audit', e.action), e.subject, JSON.stringify(e.detail)])));
}

async function verifyAudit() {
  const v = await api.get('/api/v1/audit/verify');
  $('audit-result').textContent = v.ok
    ? `正常 OK: ${v.entries}件, head ${v.head_seq}:${v.head_hash.slice(0, 16)}…`
    : `改ざんの疑い BROKEN: ${v.problem}`;
}

async function loadUsers() {
  const users = await api.get('/api/v1/users');
  $('users-body').replaceChildren(...users.map((u) => row(
    [u.name, name('role', u.role), u.disabled ? '無効 disabled' : '有効 enabled', u.updated,
     (u.facilities || []).join(', ')])));
}

document.addEventListener('DOMContentLoaded', () => {
  wireLogin({ run: guarded, say, onLogin: showApp, onLogout: showLogin });
  for (const b of document.querySelectorAll('[data-tab]'))
    b.addEventListener('click', () => showTab(b.dataset.tab));
  const f = $('compose-form');
  for (const field of [f.template, f.status, f.hazard]) field.addEventListener('change', scheduleTexts);
  f.template.addEventListener('change', openFacilityKindOfTemplate);
  $('facility-search').addEventListener('input', filterFacilities);
  // Enter in the search box takes the only match (芝浦小⏎), or the only one of the kind the
  // template opens (a school is often both an emergency site and a shelter).
  $('facility-search').addEventListener('keydown', (e) => {
    if (e.key !== 'Enter') return;
    e.preventDefault();
    let shown = [...document.querySelectorAll('#facility-groups label.facility')]
      .filter((l) => !l.hidden && !l.closest('.facility-kind').hidden);
    const kind = kindOfTemplate($('compose-form').template.value);
    if (shown.length > 1) shown = shown.filter((l) => l.closest('.facility-kind').dataset.kind === kind);
    if (shown.length !== 1) return;
    facilityPicker.chosen.add(shown[0].dataset.id);
    e.target.value = '';
    filterFacilities();
    syncFacilities();
    scheduleTexts();
  });
  f.shelters.addEventListener('input', scheduleTexts);
  f.whole_ward.addEventListener('change', () => {
    syncBlocks();
    scheduleTexts();
  });
  $('block-search').addEventListener('input', filterBlocks);
  // Enter in the search box takes the only match (三田1⏎).
  $('block-search').addEventListener('keydown', (e) => {
    if (e.key !== 'Enter') return;
    e.preventDefault();
    const shown = [...document.querySelectorAll('#block-groups label.block')].filter((l) => !l.hidden);
    if (shown.length !== 1) return;
    compose.blocks.add(shown[0].dataset.code);
    e.target.value = '';
    filterBlocks();
    syncBlocks();
    scheduleTexts();
  });
  $('texts').addEventListener('input', (e) => {
    const first = !e.target.dataset.edited;
    e.target.dataset.edited = '1';
    if (first && updating) showComposeChanges(lastUpdateChanges);
  });
  $('update-stop').addEventListener('click', () => {
    resetCompose();
    say('更新をやめました / Update abandoned');
  });
  f.addEventListener('submit', (event) => {
    event.preventDefault();
    once($('compose-save'), () => saveDraft(event));
  });
  $('approve').addEventListener('click', () => once($('approve'), () => decide('approve')));
  $('reject').addEventListener('click', () => once($('reject'), () => decide('reject')));
  $('break-glass').addEventListener('click', () => once($('break-glass'), () => decide('break-glass')));
  $('audit-verify').addEventListener('click', () => guarded(verifyAudit));
  $('preview-lang').addEventListener('change', showChannelPreview);
  $('user-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const uf = event.target;
    guarded(async () => {
      const facilities = uf.facilities.value.split(/[\s,、]+/).filter(Boolean);
      await api.post('/api/v1/users', { name: uf.name.value, role: uf.role.value, password: uf.password.value,
                                        facilities });
      uf.password.value = '';
      await loadUsers();
    });
  });
  guarded(async () => {
    try {
      await showApp(await api.get('/api/v1/session'));
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) showLogin(); else throw e;
    }
  });
});
