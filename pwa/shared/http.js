// How both apps and the service worker read an API answer: the body, and for a refusal the
// server's one error shape {error: {code, message, fields}}. Each app adds its own
// credentials around send(): the patient app a bearer token, the staff app cookies and CSRF.

/** The error object of a body: {error: {...}}; a bare {message} is taken as one too. */
function errorOf(body) {
  if (!body || typeof body !== 'object') return {};
  return body.error && typeof body.error === 'object' ? body.error : body;
}

/** The server's message for a refusal (`HTTP <status>` when it gave none). */
export function errorMessage(body, status) {
  return errorOf(body).message || `HTTP ${status}`;
}

/** The message with each field's complaints, for a refusal kept away from its form (the
 *  outbox shows it later, whether the page or the service worker sent the entry). */
export function refusalText(body, status) {
  const fields = Object.entries(errorOf(body).fields || {})
    .map(([name, messages]) => `${name}: ${[].concat(messages).join(' ')}`);
  return [errorMessage(body, status), ...fields].join(' — ');
}

/** An answer that was not 2xx; `status` 0 means no connection. */
export class ApiError extends Error {
  constructor(status, body) {
    super(errorMessage(body, status));
    const error = errorOf(body);
    this.name = 'ApiError';
    this.status = status;
    this.body = body;
    this.code = error.code || (status === 0 ? 'offline' : 'error');
    this.fields = error.fields || null;
  }

  /** The message with its field complaints (see refusalText). */
  get refusal() {
    return refusalText(this.body, this.status);
  }
}

/** An answer's body: parsed JSON, or null when it is empty (204) or not JSON. */
export async function readBody(response) {
  const text = await response.text().catch(() => '');
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** fetch() as the API wants it: JSON in and out, never from the HTTP cache. A failed
 *  connection throws ApiError(0) with `offline` as its message (or the browser's). */
export async function send(url, { method = 'GET', body, headers = {}, offline, ...init } = {}) {
  const options = { method, cache: 'no-store', ...init, headers: { Accept: 'application/json', ...headers } };
  if (body !== undefined) {
    options.headers['Content-Type'] = 'application/json';
    options.body = JSON.stringify(body);
  }
  try {
    return await fetch(url, options);
  } catch (err) {
    throw new ApiError(0, { error: { code: 'offline', message: offline || err.message } });
  }
}

/** The body of a 2xx answer; ApiError for any other. */
export async function result(response) {
  const data = await readBody(response);
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}
