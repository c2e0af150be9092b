// The floor: the least code a platform app could write for the same job with no library:
// keep a Session ID in IndexedDB, create it with one POST when missing, link with one PUT.
// No retries, no idempotency keys, no timeouts, no fallbacks, no errors worth the name.
const DB = 'minimum';

function idb(mode, run) {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open(DB, 1);
    open.onupgradeneeded = () => open.result.createObjectStore('kv');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const tx = open.result.transaction('kv', mode);
      const req = run(tx.objectStore('kv'));
      tx.oncomplete = () => resolve(req.result);
      tx.onerror = () => reject(tx.error);
    };
  });
}

export function minimumClient(baseUrl, username, password) {
  const headers = {
    authorization: 'Basic ' + btoa(`${username}:${password}`),
    'content-type': 'application/json',
  };
  return {
    async ensure(profile) {
      const stored = await idb('readonly', (s) => s.get(profile));
      if (stored) return stored;
      const session = await (
        await fetch(`${baseUrl}/sessions`, { method: 'POST', headers })
      ).json();
      await idb('readwrite', (s) => s.put(session, profile));
      return session;
    },
    async link(sessionId, appId, participantId) {
      const res = await fetch(`${baseUrl}/upnext/sessions/${encodeURIComponent(sessionId)}`, {
        method: 'PUT',
        headers,
        body: JSON.stringify({ app_id: appId, participant_id: participantId }),
      });
      return res.json();
    },
  };
}
