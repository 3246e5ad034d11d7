// The review API as both pages use it: the bearer token (kept in sessionStorage only, so it goes with the tab),
// JSON calls with the service's error bodies turned into ApiError, images fetched with the token into blob: URLs
// (an <img src> cannot send the Authorization header), and the sign-in form.

const TOKEN_KEY = 'labelstream.token';

export const session = {
  token: () => sessionStorage.getItem(TOKEN_KEY),
  save: token => sessionStorage.setItem(TOKEN_KEY, token),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

/** A call that did not succeed: the HTTP status (0 when the service could not be reached) and the service's code. */
export class ApiError extends Error {
  constructor(status, code, message, retryAfterSeconds) {
    super(message);
    this.status = status;
    this.code = code;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

let onUnauthorized = () => {};

/** What to do when the service says the token is not (or no longer) valid: the page goes back to its sign-in. */
export function whenUnauthorized(handler) {
  onUnauthorized = handler;
}

async function send(method, path, { body, keepalive, timeoutMs = 15000 } = {}) {
  const headers = { Authorization: 'Bearer ' + session.token() };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
  }
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  let res;
  try {
    res = await fetch(path, {
      method, headers, keepalive, signal: abort.signal,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    throw new ApiError(0, 'unreachable', 'The review service cannot be reached (' + e.message + ').');
  } finally {
    clearTimeout(timer);
  }
  if (res.ok) {
    return res;
  }
  let code = 'http_' + res.status;
  let message = res.status + ' ' + res.statusText;
  try {
    const error = await res.json();
    code = error.error || code;
    message = error.message || message;
  } catch (notJson) {
    // Not the service's JSON error body (a proxy's page, say): the status line says enough.
  }
  const retryAfter = Number(res.headers.get('Retry-After'));
  const failure = new ApiError(res.status, code, message, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null);
  if (res.status === 401) {
    onUnauthorized(failure);
  }
  throw failure;
}

/**
 * A JSON call: resolves to { status, data, serverTime } (data is null for 204), rejects with ApiError. serverTime is
 * the service's clock from the Date header when it sent one, so lease times can be read against the right clock.
 */
export async function call(method, path, options = {}) {
  const res = await send(method, path, options);
  const date = Date.parse(res.headers.get('Date') || '');
  const data = res.status === 204 ? null : await res.json();
  return { status: res.status, data, serverTime: Number.isNaN(date) ? null : date };
}

/** A call retried while the service answers 503 with Retry-After (leader changing, Kafka briefly away). */
export async function callRetrying(method, path, options = {}, onWait = () => {}) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call(method, path, options);
    } catch (e) {
      if (!(e instanceof ApiError) || (e.status !== 503 && e.status !== 0) || attempt >= 6) {
        throw e;
      }
      const seconds = e.retryAfterSeconds || Math.min(2 * attempt, 10);
      onWait(e, seconds);
      await new Promise(resolve => setTimeout(resolve, seconds * 1000));
    }
  }
}

/** Fetches an image with the token and decodes it, so showing it later costs nothing. Resolves to a blob: URL. */
export async function loadImage(path) {
  const res = await send('GET', path);
  const url = URL.createObjectURL(await res.blob());
  const probe = new Image();
  probe.src = url;
  try {
    await probe.decode();
  } catch (e) {
    URL.revokeObjectURL(url);
    throw new ApiError(0, 'bad_image', 'The frame image could not be decoded.');
  }
  return url;
}

/** Who the token belongs to: { name, role, answered, accepted, corrected }. */
export async function whoAmI() {
  return (await call('GET', '/v1/me')).data;
}

export function isAdmin(me) {
  return String(me && me.role).toLowerCase() === 'admin';
}

/**
 * Wires a sign-in form: the token is checked against /v1/me before it is kept, and onSignedIn gets the caller.
 */
export function signInForm({ form, input, error, onSignedIn }) {
  form.addEventListener('submit', async event => {
    event.preventDefault();
    const token = input.value.trim();
    if (!token) {
      return;
    }
    error.textContent = '';
    session.save(token);
    try {
      const me = await whoAmI();
      input.value = '';
      onSignedIn(me);
    } catch (e) {
      session.clear();
      error.textContent = e.status === 401 ? 'That token was not accepted.' : e.message;
      input.select();
    }
  });
}

/** Shows who is signed in in the top bar. */
export function showWho(me) {
  document.getElementById('who-name').textContent = me.name;
  document.getElementById('who-role').textContent = String(me.role).toLowerCase();
  document.getElementById('who').hidden = false;
}

export function hideWho() {
  document.getElementById('who').hidden = true;
}
