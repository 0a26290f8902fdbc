// The one way the staff app talks to the server: JSON, cookies, CSRF header on writes.

import { ApiError, readBody, send } from '/shared/http.js';
import { t } from './i18n.js';

export { ApiError };

let csrfToken = null;

/** Remember the session's CSRF token (from login, TOTP or /auth/me). */
export function setCsrf(token) {
  csrfToken = token || null;
}

const BUSY_ATTEMPTS = 3;
const pause = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });

/** Retry-After (seconds) as a wait, kept short: a nurse is waiting for the answer. */
function retryAfterMs(response) {
  const seconds = Number(response.headers.get('Retry-After'));
  return Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds, 2) * 1000 : 500;
}

/** Call the API; throws ApiError; a 401 also tells the app the session is gone.
 *  A 503 busy (a lock conflict the server rolled back) is asked again, up to three times. */
export async function api(path, { method = 'GET', body, query, background = false } = {}) {
  const url = new URL(path.startsWith('/') ? path : `/api/v1/${path}`, location.origin);
  for (const [key, value] of Object.entries(query || {})) {
    if (value !== null && value !== undefined && value !== '') url.searchParams.set(key, value);
  }
  const headers = {};
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  // A poll is not the user at work: it must not keep the session from idling out.
  if (background) headers['X-CW-Background'] = '1';
  let response;
  let data;
  for (let attempt = 1; ; attempt += 1) {
    response = await send(url, {
      method, body, headers, credentials: 'same-origin', offline: t('error_offline'),
    });
    data = await readBody(response);
    // 503 busy: the server rolled the request back after a lock conflict; asking again is safe.
    if (response.status !== 503 || data?.error?.code !== 'busy' || attempt >= BUSY_ATTEMPTS) break;
    await pause(retryAfterMs(response));
  }
  if (!response.ok) {
    if (response.status === 401 && !url.pathname.startsWith('/api/v1/auth/')) {
      window.dispatchEvent(new CustomEvent('cw:unauthorised'));
    }
    throw new ApiError(response.status, data);
  }
  return data;
}
