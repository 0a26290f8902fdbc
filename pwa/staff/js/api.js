// The one way the staff app talks to the server: JSON, cookies, CSRF header on writes.

let csrfToken = null;

/** Remember the session's CSRF token (from login, TOTP or /auth/me). */
export function setCsrf(token) {
  csrfToken = token || null;
}

/** An API answer that was not 2xx, carrying the server's error shape. */
export class ApiError extends Error {
  constructor(status, body) {
    const error = (body && body.error) || {};
    super(error.message || `HTTP ${status}`);
    this.status = status;
    this.code = error.code || 'error';
    this.fields = error.fields || null;
  }
}

/** Call the API; throws ApiError; a 401 also tells the app the session is gone. */
export async function api(path, { method = 'GET', body, query, background = false } = {}) {
  const url = new URL(path.startsWith('/') ? path : `/api/v1/${path}`, location.origin);
  for (const [key, value] of Object.entries(query || {})) {
    if (value !== null && value !== undefined && value !== '') url.searchParams.set(key, value);
  }
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  // A poll is not the user at work: it must not keep the session from idling out.
  if (background) headers['X-CW-Background'] = '1';
  let response;
  try {
    response = await fetch(url, {
      method, headers, credentials: 'same-origin', cache: 'no-store',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (networkError) {
    throw new ApiError(0, { error: { code: 'offline', message: 'No connection to the server' } });
  }
  if (response.status === 204) return null;
  const data = await response.json().catch(() => null);
  if (!response.ok) {
    if (response.status === 401 && !url.pathname.startsWith('/api/v1/auth/')) {
      window.dispatchEvent(new CustomEvent('cw:unauthorised'));
    }
    throw new ApiError(response.status, data);
  }
  return data;
}
