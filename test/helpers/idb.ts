// Reads what the SDK stored in (fake) IndexedDB, for tests.

/**
 * The keys and values of the SDK's `paket-tv-sdk` / `records` store as JSON; '' when there
 * is none. Never creates the database: an empty one would keep the SDK from making its store.
 */
export async function storedRecords(): Promise<string> {
  const db = await new Promise<IDBDatabase | undefined>((resolve) => {
    const r = indexedDB.open('paket-tv-sdk');
    r.onupgradeneeded = () => r.transaction?.abort();
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => resolve(undefined);
  });
  if (!db) return '';
  try {
    if (!db.objectStoreNames.contains('records')) return '';
    return await new Promise<string>((resolve) => {
      const tx = db.transaction('records');
      const keys = tx.objectStore('records').getAllKeys();
      const values = tx.objectStore('records').getAll();
      tx.oncomplete = () => resolve(JSON.stringify([keys.result, values.result]));
    });
  } finally {
    db.close();
  }
}
