// Calls to the CARTwatch API with this phone's bearer token; tracks the server's clock.
import * as store from './store.js';

let token = null;
let skewMs = 0; // server time minus phone time, from the Date header

/** Thrown for an answer that is not 2xx; `status` 0 means no connection. */
export class ApiError extends Error {
  constructor(status, body) {
    const error = body?.error || body || {};
    const fields = Object.entries(error.fields || {}).map(([k, v]) => `${k}: ${[].concat(v).join(' ')}`);
    super([error.message || `HTTP ${status}`, ...fields].join(' — '));
    this.status = status;
    this.body = body;
  }
}

/** Load the device token from storage (null when not enrolled). */
export async function loadToken() {
  token = (await store.get('device_token')) ?? null;
  return token;
}

/** Remember the device token in memory (it is stored by the caller). */
export function setToken(value) {
  token = value;
}

/** The current time as the server sees it (the phone's clock may be off). */
export function serverNow() {
  return new Date(Date.now() + skewMs);
}

/** Make a request; resolves with the parsed body, rejects with ApiError. */
export async function request(method, path, { body, headers = {} } = {}) {
  const init = { method, headers: { Accept: 'application/json', ...headers }, cache: 'no-store' };
  if (token) init.headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (err) {
    throw new ApiError(0, { message: err.message });
  }
  const date = Date.parse(response.headers.get('Date') || '');
  if (!Number.isNaN(date)) skewMs = date - Date.now();
  const text = await response.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = { message: text }; }
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

export const get = (path) => request('GET', path);
export const post = (path, body, headers) => request('POST', path, { body, headers });
