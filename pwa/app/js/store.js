// IndexedDB: the device token, context, settings, the outbox and received messages.
const DB_NAME = 'cartwatch';
const DB_VERSION = 1;
let opening = null;

/** Open (and create) the database once. */
export function openDb() {
  if (!opening) {
    opening = new Promise((resolve, reject) => {
      const req = indexedDB.open(DB_NAME, DB_VERSION);
      req.onupgradeneeded = () => {
        const db = req.result;
        if (!db.objectStoreNames.contains('kv')) db.createObjectStore('kv');
        if (!db.objectStoreNames.contains('outbox')) db.createObjectStore('outbox', { keyPath: 'id' });
        if (!db.objectStoreNames.contains('messages')) {
          db.createObjectStore('messages', { keyPath: 'id', autoIncrement: true });
        }
      };
      req.onsuccess = () => {
        req.result.onversionchange = () => { req.result.close(); opening = null; };
        resolve(req.result);
      };
      req.onerror = () => reject(req.error);
    });
  }
  return opening;
}

function run(storeName, mode, work) {
  return openDb().then((db) => new Promise((resolve, reject) => {
    const tx = db.transaction(storeName, mode);
    const result = work(tx.objectStore(storeName));
    tx.oncomplete = () => resolve(result && 'result' in result ? result.result : undefined);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  }));
}

/** Read a setting. */
export const get = (key) => run('kv', 'readonly', (s) => s.get(key));
/** Write a setting (durably committed when the promise resolves). */
export const set = (key, value) => run('kv', 'readwrite', (s) => s.put(value, key));
/** All outbox entries, oldest first. */
export const outboxAll = () => run('outbox', 'readonly', (s) => s.getAll())
  .then((rows) => rows.sort((a, b) => a.created_at.localeCompare(b.created_at)));
/** Store or update an outbox entry. */
export const outboxPut = (entry) => run('outbox', 'readwrite', (s) => s.put(entry));
/** Remove an outbox entry. */
export const outboxDelete = (id) => run('outbox', 'readwrite', (s) => s.delete(id));
/** Messages received by push (acknowledged, unanswered, alerts), newest first. */
export const messagesAll = () => run('messages', 'readonly', (s) => s.getAll())
  .then((rows) => rows.reverse());

/** Delete everything stored by the app: database and caches. */
export async function wipe() {
  const db = await openDb();
  db.close();
  opening = null;
  await new Promise((resolve) => {
    const req = indexedDB.deleteDatabase(DB_NAME);
    req.onsuccess = req.onerror = req.onblocked = () => resolve();
  });
  if ('caches' in self) {
    for (const name of await caches.keys()) await caches.delete(name);
  }
}
