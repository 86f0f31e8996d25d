// The staff console: plain DOM, no framework. Texts from the server are only ever set as
// textContent, never as HTML.
import { api, ApiError } from './api.js';

const $ = (id) => document.getElementById(id);
const LANGS = [['ja', '日本語'], ['en', 'English'], ['ja-x-easy', 'やさしい日本語']];
const FIELDS = [['headline', '見出し / Headline'], ['description', '説明 / Description'],
                ['instruction', '行動の呼びかけ / Instruction']];
let me = null;
let reference = null;
let selectedDraft = null;
let boardTimer = null;

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

async function guarded(action) {
  try {
    await action();
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) showLogin();
    say(e.message, true);
  }
}

function showLogin() {
  me = null;
  api.setCsrf('');
  $('login-view').hidden = false;
  $('app-view').hidden = true;
  $('who').hidden = true;
  if (boardTimer) clearInterval(boardTimer);
  boardTimer = null;
}

async function showApp(session) {
  me = session;
  api.setCsrf(session.csrf_token);
  $('login-view').hidden = true;
  $('app-view').hidden = false;
  $('who').hidden = false;
  $('who-name').textContent = `${session.user} (${session.role})`;
  $('training-banner').hidden = !session.training;
  for (const b of document.querySelectorAll('.admin-only')) b.hidden = session.role !== 'admin';
  reference = await api.get('/api/v1/reference');
  fillCompose();
  showTab('compose');
}

function showTab(name) {
  for (const s of document.querySelectorAll('.tab')) s.hidden = s.id !== `tab-${name}`;
  if (boardTimer) clearInterval(boardTimer);
  boardTimer = null;
  if (name === 'drafts') guarded(loadDrafts);
  if (name === 'board') {
    guarded(loadBoard);
    boardTimer = setInterval(() => guarded(loadBoard), 2000);  // updates without reloading
  }
  if (name === 'audit') guarded(loadAudit);
  if (name === 'users') guarded(loadUsers);
}

function fillCompose() {
  const f = $('compose-form');
  f.template.replaceChildren(...reference.templates.map(
    (t) => el('option', `${t.name.ja} / ${t.name.en}`, { value: t.id })));
  f.hazard.replaceChildren(el('option', '—', { value: '' }), ...reference.hazards.map(
    (h) => el('option', `${h.name.ja} / ${h.name.en}`, { value: h.id })));
  f.areas.replaceChildren(...reference.town_blocks.map(
    (b) => el('option', b.name, { value: b.code })));
  if (reference.training) {
    f.status.value = 'exercise';
    f.status.disabled = true;
  }
  $('texts').replaceChildren();
}

function composeRequest(withTexts) {
  const f = $('compose-form');
  const req = {
    template: f.template.value,
    status: f.status.value,
    hazard: f.hazard.value,
    areas: [...f.areas.selectedOptions].map((o) => o.value),
    shelters: f.shelters.value.split('\n').map((s) => s.trim()).filter((s) => s),
    link: f.link.value.trim(),
    expires_hours: Number(f.expires_hours.value || 0),
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

async function composeTexts() {
  const content = await api.post('/api/v1/compose', composeRequest(false));
  showTexts(content);
  say('文面を作成しました。確認・修正してから保存してください / Texts composed: check and edit, then save');
}

async function saveDraft(event) {
  event.preventDefault();
  if (!document.querySelector('[data-field="headline"]')) await composeTexts();
  const d = await api.post('/api/v1/drafts', composeRequest(true));
  say(`下書き #${d.id} を保存しました。別の承認者の承認を待ちます / Draft #${d.id} saved: waiting for another approver`);
}

async function loadDrafts() {
  const drafts = await api.get('/api/v1/drafts');
  $('drafts-body').replaceChildren(...drafts.map((d) => {
    const tr = row([d.id, d.action, d.template, `${d.state}${d.status === 'exercise' ? ' 訓練' : ''}`,
                    d.drafted_by, (d.content.headline || {}).ja || ''],
                   { 'data-testid': `draft-${d.id}` });
    tr.addEventListener('click', () => guarded(() => openDraft(d.id)));
    return tr;
  }));
}

async function openDraft(id) {
  const d = await api.get(`/api/v1/drafts/${id}`);
  selectedDraft = d;
  $('draft-detail').hidden = false;
  $('draft-title').textContent = `#${d.id} ${d.action} — ${d.state} (${d.drafted_by})`;
  const p = d.preview || {};
  const exercise = p.status === 'exercise';
  $('preview-status').textContent = exercise ? '訓練 EXERCISE — これは訓練です' : '';
  $('preview-headline').textContent = `${d.action === 'cancel' ? '【解除】' : ''}${(p.headline || {}).ja || ''}`;
  $('preview-description').textContent = (p.description || {}).ja || '';
  $('preview-instruction').textContent = (p.instruction || {}).ja || '';
  $('preview-en').textContent = [(p.headline || {}).en, (p.instruction || {}).en].filter(Boolean).join(' — ');
  $('preview-areas').textContent = (p.areas || []).map((a) => a.name).join('、');
  $('preview-link').textContent = ((p.links || [])[0] || {}).url || '';
  const langs = Object.keys(d.channel_texts || {}).sort((a, b) => (b === 'ja') - (a === 'ja'));
  $('preview-lang').replaceChildren(...langs.map((l) => el('option', l, { value: l })));
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

async function decide(kind) {
  const id = selectedDraft.id;
  const reason = $('decision-reason').value;
  const d = await api.post(`/api/v1/drafts/${id}/${kind}`, { reason });
  say(d.state === 'published'
    ? `発信しました: ${d.alert_id} 第${d.published_version}版 / Published`
    : `#${id}: ${d.state}`);
  await loadDrafts();
  await openDraft(id);
}

// Messages a screen refused (not signed by the hub: someone else is publishing to it) and
// alerts it dropped for room.
function deviceAlarms(d) {
  let text = '';
  if (d.refused_messages) {
    text += ` ⚠ 署名のないメッセージを${d.refused_messages}件拒否 / ${d.refused_messages} unsigned ` +
            `messages refused (${d.last_refusal})`;
  }
  if (d.evicted_alerts) text += ` ⚠ ${d.evicted_alerts} alerts dropped for room`;
  return text;
}

function receiptsText(receipts) {
  return Object.entries(receipts).map(([ch, r]) => `${ch}: ${r.outcome} v${r.version}`).join(', ');
}

// How many screens show the latest version; the others, with what they last showed of it.
function screensCell(a) {
  const s = a.screens;
  const cell = el('div', `${s.latest}/${s.total} 台が第${s.version}版を表示 / ${s.latest} of ${s.total} screens show v${s.version}`,
                  { 'data-testid': `screens-${a.id}` });
  for (const d of s.not_latest) {
    const shown = d.version === null ? '未表示 not shown' : `第${d.version}版 v${d.version}`;
    const state = d.online ? '' : ' オフライン OFFLINE';
    cell.append(el('div', `${d.device_id}: ${shown}${state} (最終受信 last seen ${d.last_seen})`,
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

async function loadBoard() {
  const b = await api.get('/api/v1/board');
  $('board-time').textContent = b.now;
  $('board-alerts').replaceChildren(...b.alerts.map((a) => {
    let action = '';
    if (a.staff && a.state === 'active') {
      action = el('button', '取消 / Cancel', { type: 'button', 'data-testid': `cancel-${a.id}` });
      action.addEventListener('click', () => guarded(async () => {
        const d = await api.post('/api/v1/drafts', { action: 'cancel', alert_id: a.id,
                                                     reason: '解除 / lifted' });
        say(`取消の下書き #${d.id} を保存しました / Cancel draft #${d.id} saved: needs approval`);
      }));
    }
    // An ended alert says why: expired at its end, withdrawn (取消) or lifted (解除).
    const state = a.state === 'active' ? `${a.state} ${a.status}`
                                       : `${a.state} ${a.status} (${a.why})`;
    return row([state, a.version, `${a.prefix}${a.headline}`,
                receiptsText(a.receipts), screensCell(a), action],
               { 'data-testid': `board-${a.id}`, 'data-state': a.state });
  }));
  $('board-devices').replaceChildren(...b.devices.map((d) => row(
    [d.device_id, (d.online ? 'オンライン online' : 'オフライン OFFLINE') + deviceAlarms(d), d.received,
     (d.showing || []).map((s) => `${s.alert_id} v${s.version}`).join(', '), screenshotCell(d)],
    { class: d.online ? 'online' : 'offline', 'data-testid': `device-${d.device_id}` })));
  // Clocks beside the feeds: a screen or adapter whose clock is off is flagged (issue 13).
  $('board-feeds').replaceChildren(...b.feeds.map((f) => row(
    [f.source, f.last_received, `${f.age_s} s`, `${f.documents} docs`])),
  ...(b.clocks || []).map((c) => row(
    [`時計 clock ${c.peer}`, c.measured, `${c.offset_s > 0 ? '+' : ''}${c.offset_s} s`,
     c.skewed ? '時刻ずれ CLOCK SKEW' : 'ok'],
    { class: c.skewed ? 'offline' : 'online', 'data-testid': `clock-${c.peer}` })));
}

async function loadAudit() {
  const entries = await api.get('/api/v1/audit?limit=100');
  $('audit-body').replaceChildren(...entries.map((e) => row(
    [e.seq, e.at, e.actor, e.action, e.subject, JSON.stringify(e.detail)])));
}

async function verifyAudit() {
  const v = await api.get('/api/v1/audit/verify');
  $('audit-result').textContent = v.ok
    ? `OK: ${v.entries} entries, head ${v.head_seq}:${v.head_hash.slice(0, 16)}…`
    : `BROKEN: ${v.problem}`;
}

async function loadUsers() {
  const users = await api.get('/api/v1/users');
  $('users-body').replaceChildren(...users.map((u) => row(
    [u.name, u.role, u.disabled ? 'disabled' : 'enabled', u.updated])));
}

document.addEventListener('DOMContentLoaded', () => {
  $('login-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const f = event.target;
    guarded(async () => {
      const session = await api.post('/api/v1/login', { user: f.user.value, password: f.password.value });
      f.password.value = '';
      say('');
      await showApp(session);
    });
  });
  $('logout').addEventListener('click', () => guarded(async () => {
    await api.post('/api/v1/logout', {});
    showLogin();
    say('ログアウトしました / Logged out');
  }));
  for (const b of document.querySelectorAll('[data-tab]'))
    b.addEventListener('click', () => showTab(b.dataset.tab));
  $('compose-texts').addEventListener('click', () => guarded(composeTexts));
  $('compose-form').addEventListener('submit', (event) => guarded(() => saveDraft(event)));
  $('approve').addEventListener('click', () => guarded(() => decide('approve')));
  $('reject').addEventListener('click', () => guarded(() => decide('reject')));
  $('break-glass').addEventListener('click', () => guarded(() => decide('break-glass')));
  $('audit-verify').addEventListener('click', () => guarded(verifyAudit));
  $('preview-lang').addEventListener('change', showChannelPreview);
  $('user-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const f = event.target;
    guarded(async () => {
      await api.post('/api/v1/users', { name: f.name.value, role: f.role.value, password: f.password.value });
      f.password.value = '';
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
