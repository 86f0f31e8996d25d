// The operator page: a facility's staff say whether it is open, full or closed and how many
// it has taken in (docs/protocol.md, "Facility status"). The count first, then one tap on
// the state sends both. Plain DOM; server texts only ever as textContent.
import { api, ApiError, wireLogin } from './api.js';

const $ = (id) => document.getElementById(id);
const STATES = { open: '開設', full: '満員', closed: '閉鎖' };
const STATES_EN = { open: 'open', full: 'full', closed: 'closed' };
const KINDS = { stay: '一時滞在施設', shelter: '指定避難所', emergency_site: '指定緊急避難場所' };

let facilities = [];
let current = null;  // the facility shown

function say(text, isError = false) {
  $('message').textContent = text;
  $('message').className = isError ? 'error' : 'ok';
}

function el(tag, text, attrs = {}) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  return e;
}

// "12月5日 18:25" in JST, whatever the phone's own time zone.
function jst(rfc3339) {
  const d = new Date(rfc3339);
  const parts = new Intl.DateTimeFormat('ja-JP', {
    timeZone: 'Asia/Tokyo', month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit',
    hour12: false }).format(d);
  return `${parts} JST`;
}

function whoSaid(by) {
  if (!by) return '';
  const [door, user] = by.split(':');
  if (door === 'console') return `発信文（${user}）`;
  if (door === 'facility') return user;
  return by;
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
  api.setCsrf('');
  $('login-view').hidden = false;
  $('app-view').hidden = true;
  $('who').hidden = true;
}

async function showApp(session) {
  api.setCsrf(session.csrf_token);
  $('login-view').hidden = true;
  $('app-view').hidden = false;
  $('who').hidden = false;
  $('who-name').textContent = session.user;
  facilities = await api.get('/api/v1/facilities');
  if (!facilities.length) {
    say('担当の施設がありません。管理者に連絡してください / No facility to set: ask an admin', true);
    return;
  }
  if (facilities.length === 1) show(facilities[0]); else showChooser();
}

function badgeOf(f) {
  const text = f.updated ? `${STATES[f.state]}${f.state === 'closed' ? '' : ` ${f.taken_in}人`}` : '情報なし';
  return el('span', text, { class: `badge ${f.state}` });
}

function showChooser() {
  current = null;
  $('facility').hidden = true;
  $('chooser').hidden = false;
  const list = $('facility-list');
  list.replaceChildren(...facilities.map((f) => {
    const li = el('li', null, { 'data-search': `${f.name} ${f.name_en} ${f.address} ${f.id}`.toLowerCase() });
    const b = el('button', null, { type: 'button', 'data-testid': `choose-${f.id}` });
    b.append(badgeOf(f), el('strong', f.name), el('div', `${KINDS[f.kind] || f.kind}・${f.address}`, { class: 'small' }));
    b.addEventListener('click', () => show(f));
    li.append(b);
    return li;
  }));
  filter();
}

function filter() {
  const words = $('search').value.trim().toLowerCase().split(/[\s、,]+/).filter(Boolean);
  for (const li of $('facility-list').children)
    li.hidden = !words.every((w) => li.dataset.search.includes(w));
}

function show(f) {
  current = f;
  $('chooser').hidden = true;
  $('facility').hidden = false;
  $('back').hidden = facilities.length < 2;
  $('facility-name').replaceChildren(f.name, ...(f.name_en ? [' ', el('span', f.name_en, { class: 'en' })] : []));
  $('facility-address').textContent = `${KINDS[f.kind] || f.kind}・${f.address}${f.capacity ? `・定員 ${f.capacity}人` : ''}`;
  // Never said: the public site reads 開設情報なし, and no state is pressed.
  const said = Boolean(f.updated);
  const now = $('facility-now');
  now.textContent = said
    ? `現在: ${STATES[f.state]}${f.state === 'closed' ? '' : `・受入 ${f.taken_in}人`}`
    : '現在: 開設情報なし';
  now.className = `now ${said ? f.state : 'closed'}`;
  $('facility-updated').textContent = f.updated
    ? `最終更新 ${jst(f.updated)}（${whoSaid(f.updated_by)}）`
    : 'まだ状況の連絡はありません / no status yet';
  $('count').value = String(f.taken_in);
  for (const b of document.querySelectorAll('button.state'))
    b.setAttribute('aria-pressed', String(said && b.dataset.state === f.state));
}

function count() {
  const text = $('count').value.trim();
  return /^\d+$/.test(text) ? Number(text) : NaN;
}

function step(delta) {
  const n = Number.isNaN(count()) ? 0 : count();
  $('count').value = String(Math.max(0, n + delta));
}

async function setState(state, button) {
  const n = count();
  if (Number.isNaN(n)) {
    say('受入人数は0以上の整数で入れてください / the count must be a whole number', true);
    $('count').focus();
    return;
  }
  for (const b of document.querySelectorAll('button.state')) b.disabled = true;
  try {
    const f = await api.post(`/api/v1/facilities/${encodeURIComponent(current.id)}/status`,
                             { state, taken_in: n });
    facilities = facilities.map((x) => (x.id === f.id ? f : x));
    show(f);
    say(`${f.name}: ${STATES[f.state]}・${f.taken_in}人にしました（${jst(f.updated)}） / set to ${STATES_EN[f.state]}`);
    button.focus();
  } finally {
    for (const b of document.querySelectorAll('button.state')) b.disabled = false;
  }
}

document.addEventListener('DOMContentLoaded', () => {
  wireLogin({ run: guarded, say, onLogin: showApp, onLogout: showLogin });
  $('search').addEventListener('input', filter);
  $('count-minus').addEventListener('click', () => step(-1));
  $('count-plus').addEventListener('click', () => step(1));
  for (const b of document.querySelectorAll('button.state'))
    b.addEventListener('click', () => guarded(() => setState(b.dataset.state, b)));
  $('back').addEventListener('click', () => {
    say('');
    showChooser();
  });
  guarded(async () => {
    try {
      await showApp(await api.get('/api/v1/session'));
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) showLogin(); else throw e;
    }
  });
});
