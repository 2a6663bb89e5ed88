// jiffyd's REST API with the signed-in user's bearer token. The token lives
// in this tab's sessionStorage (never a cookie), so closing the tab signs out
// and another tab signs in on its own.
const KEY = 'jiffy.console.token';
let onExpired = () => {};
let expiryTimer = 0;

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/** The claims of a JWT (not verified here: jiffyd verifies every call). */
export function claimsOf(token) {
  try {
    const part = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const json = decodeURIComponent(Array.from(atob(part), (c) => '%' + c.charCodeAt(0).toString(16).padStart(2, '0')).join(''));
    return JSON.parse(json);
  } catch {
    return null;
  }
}

/** The groups of a token's "Groups" claim ("a;b" → ["a", "b"]). */
export function groupsOf(claims) {
  return String((claims && claims.Groups) || '').split(';').map((g) => g.trim()).filter(Boolean);
}

export function token() {
  return sessionStorage.getItem(KEY);
}

export function claims() {
  const t = token();
  return t ? claimsOf(t) : null;
}

export function setExpiredHandler(fn) {
  onExpired = fn;
}

/** Keeps `t` and arms the timer that signs out when it expires. */
export function keepToken(t) {
  sessionStorage.setItem(KEY, t);
  clearTimeout(expiryTimer);
  const c = claimsOf(t);
  if (c && c.exp) {
    const ms = c.exp * 1000 - Date.now();
    if (ms <= 0) return expire();
    expiryTimer = setTimeout(expire, Math.min(ms, 2 ** 31 - 1));
  }
}

export function dropToken() {
  clearTimeout(expiryTimer);
  sessionStorage.removeItem(KEY);
}

function expire(message = 'Your session has expired; sign in again.') {
  dropToken();
  onExpired(message);
}

/** One call; resolves to the parsed JSON (or text), throws ApiError. */
export async function call(method, path, body, { auth = true } = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const t = token();
  if (auth && t) headers.Authorization = 'Bearer ' + t;
  let resp;
  try {
    resp = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store', credentials: 'omit' });
  } catch (e) {
    throw new ApiError(0, `${method} ${path}: jiffyd did not answer (${e.message})`);
  }
  const text = await resp.text();
  let data = text;
  if (text && (resp.headers.get('Content-Type') || '').includes('json')) {
    try { data = JSON.parse(text); } catch { /* keep the text */ }
  }
  // jiffyd answers 401 both for a token it refuses and for one whose groups
  // lack the route's authorization; its WWW-Authenticate challenge tells which.
  const notGranted = resp.status === 403 || (resp.status === 401 && /insufficient_scope/.test(resp.headers.get('WWW-Authenticate') || ''));
  if (resp.status === 401 && auth && t && !notGranted) {
    expire('jiffyd no longer accepts this session (expired, revoked, or the user was deactivated); sign in again.');
    throw new ApiError(401, 'signed out: the token was refused');
  }
  if (!resp.ok) {
    const why = data && data.error ? data.error : notGranted ? 'not granted: none of your groups holds this route\'s authorization' : resp.statusText || 'failed';
    throw new ApiError(resp.status, `${method} ${path}: ${resp.status} ${why}`);
  }
  return data;
}

export const get = (p, o) => call('GET', p, undefined, o);
export const post = (p, b, o) => call('POST', p, b, o);
export const put = (p, b) => call('PUT', p, b);
export const del = (p) => call('DELETE', p);

/** Path segments are user data too: encode them (a filter value may hold '/'). */
export function seg(s) {
  return encodeURIComponent(String(s)).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}
