// IndexedDB: the device token, context, settings, the outbox and received messages.
import { DB_NAME, closeDb, outboxAll as sortedOutbox, run } from '/shared/idb.js';

export { openDb } from '/shared/idb.js';

/** Read a setting. */
export const get = (key) => run('kv', 'readonly', (s) => s.get(key));
/** Write a setting (durably committed when the promise resolves). */
export const set = (key, value) => run('kv', 'readwrite', (s) => s.put(value, key));
/** All outbox entries, oldest first. */
export const outboxAll = sortedOutbox;
/** Store or update an outbox entry. */
export const outboxPut = (entry) => run('outbox', 'readwrite', (s) => s.put(entry));
/** Remove an outbox entry. */
export const outboxDelete = (id) => run('outbox', 'readwrite', (s) => s.delete(id));
/** Messages received by push (acknowledged, unanswered, alerts), newest first. */
export const messagesAll = () => run('messages', 'readonly', (s) => s.getAll())
  .then((rows) => rows.reverse());

/** Delete everything stored by the app: database and caches. */
export async function wipe() {
  await closeDb();
  await new Promise((resolve) => {
    const req = indexedDB.deleteDatabase(DB_NAME);
    req.onsuccess = req.onerror = req.onblocked = () => resolve();
  });
  if ('caches' in self) {
    for (const name of await caches.keys()) await caches.delete(name);
  }
}
