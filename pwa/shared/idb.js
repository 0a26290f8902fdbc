// The patient app's one IndexedDB (device token, context, settings, outbox, messages): opened
// the same way by the pages (/app/js/store.js) and by the module service worker (/sw.js).
export const DB_NAME = 'cartwatch';
const DB_VERSION = 1;
let opening = null;

/** Open (and create) the database once; a version change elsewhere closes this connection. */
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
      req.onerror = () => { opening = null; reject(req.error); };
    });
  }
  return opening;
}

/** Close the connection (before deleting the database). */
export async function closeDb() {
  if (!opening) return;
  const db = await opening.catch(() => null);
  db?.close();
  opening = null;
}

/** Run work(store) in one transaction; resolves with its request's result once committed. */
export function run(storeName, mode, work) {
  return openDb().then((db) => new Promise((resolve, reject) => {
    const tx = db.transaction(storeName, mode);
    const result = work(tx.objectStore(storeName));
    tx.oncomplete = () => resolve(result && 'result' in result ? result.result : undefined);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  }));
}

/** All outbox entries, oldest first. */
export const outboxAll = () => run('outbox', 'readonly', (s) => s.getAll())
  .then((rows) => rows.sort((a, b) => a.created_at.localeCompare(b.created_at)));
