// The console's JSON API (docs/protocol.md, "Staff console API"). The session is an
// HttpOnly cookie the page never sees; every POST carries the session's CSRF token.
let csrfToken = '';

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

async function request(method, path, body) {
  const headers = {};
  if (method !== 'GET') {
    headers['Content-Type'] = 'application/json';
    headers['X-CSRF-Token'] = csrfToken;
  }
  const res = await fetch(path, {
    method,
    headers,
    body: method === 'GET' ? undefined : JSON.stringify(body ?? {}),
    credentials: 'same-origin',
  });
  let data = null;
  try {
    data = await res.json();
  } catch {
    data = null;
  }
  if (!res.ok) throw new ApiError(res.status, (data && data.error) || `HTTP ${res.status}`);
  return data;
}

export const api = {
  setCsrf(token) { csrfToken = token || ''; },
  get: (path) => request('GET', path),
  post: (path, body) => request('POST', path, body),
};

// The log-in form and the log-out button, the same on the console and the facility page:
// `run` wraps each action (it shows what went wrong), `say` tells the user,
// `onLogin(session)` and `onLogout()` switch the page.
export function wireLogin({ run, say, onLogin, onLogout }) {
  document.getElementById('login-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const f = event.target;
    run(async () => {
      const session = await api.post('/api/v1/login', { user: f.user.value, password: f.password.value });
      f.password.value = '';
      say('');
      await onLogin(session);
    });
  });
  document.getElementById('logout').addEventListener('click', () => run(async () => {
    await api.post('/api/v1/logout', {});
    onLogout();
    say('ログアウトしました / Logged out');
  }));
}
