// The outbox rules both senders follow (the page, /app/js/outbox.js, and the service worker's
// Background Sync, /sw.js): what may be tried again, what a refusal keeps, the sent list.
import { run } from './idb.js';

export const SENT_KEEP = 20;
export const CHANNEL_NAME = 'cartwatch-outbox'; // also the Web Lock both senders take

/** Offline (0), server trouble, a conflict or a rate limit: the entry waits and is sent again. */
export const retryable = (status) => status === 0 || status >= 500 || [408, 409, 429].includes(status);

/** An entry the server refused: kept, with the server's reason, until the user acts on it. */
export const refused = (entry, status, message, body) => (
  { ...entry, status: 'error', error: { status, message, body } });

/** Remember a sent entry with the server's answer (newest first, the last SENT_KEEP). */
export async function remember(entry, response) {
  const list = (await run('kv', 'readonly', (s) => s.get('sent'))) || [];
  list.unshift({ id: entry.id, kind: entry.kind, created_at: entry.created_at, response });
  await run('kv', 'readwrite', (s) => s.put(list.slice(0, SENT_KEEP), 'sent'));
}
