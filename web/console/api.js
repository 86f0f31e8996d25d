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
