// Calls to the CARTwatch API with this phone's bearer token; tracks the server's clock.
import { ApiError, result, send } from '/shared/http.js';
import * as store from './store.js';

export { ApiError };

let token = null;
let skewMs = 0; // server time minus phone time, from the Date header

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
  const auth = token ? { Authorization: `Bearer ${token}` } : {};
  const response = await send(path, { method, body, headers: { ...headers, ...auth } });
  const date = Date.parse(response.headers.get('Date') || '');
  if (!Number.isNaN(date)) skewMs = date - Date.now();
  return result(response);
}

export const get = (path) => request('GET', path);
export const post = (path, body, headers) => request('POST', path, { body, headers });
