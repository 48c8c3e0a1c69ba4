// What the kiosk keeps on the tablet, in IndexedDB: its credential, the last screens it was
// given (config) and the outbox of finished surveys not yet acknowledged by the server. Writes
// to the outbox are "strict" so an answer survives a crash or power cut once the write returns.
const NAME = "survey-kiosk";
const VERSION = 1;
let opened = null;

function database() {
  if (!opened) {
    opened = new Promise((resolve, reject) => {
      const request = indexedDB.open(NAME, VERSION);
      request.onupgradeneeded = () => {
        const db = request.result;
        if (!db.objectStoreNames.contains("meta")) db.createObjectStore("meta");
        if (!db.objectStoreNames.contains("outbox")) {
          db.createObjectStore("outbox", { keyPath: "seq", autoIncrement: true });
        }
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }
  return opened;
}

async function run(storeName, mode, action) {
  const db = await database();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(storeName, mode, { durability: "strict" });
    const request = action(tx.objectStore(storeName));
    tx.oncomplete = () => resolve(request ? request.result : undefined);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
}

export const getMeta = (key) => run("meta", "readonly", (s) => s.get(key));
export const setMeta = (key, value) => run("meta", "readwrite", (s) => s.put(value, key));
export const enqueue = (item) => run("outbox", "readwrite", (s) => s.add(item));
export const pending = () => run("outbox", "readonly", (s) => s.getAll());
export const count = () => run("outbox", "readonly", (s) => s.count());
export const remove = (seq) => run("outbox", "readwrite", (s) => s.delete(seq));
export const clearOutbox = () => run("outbox", "readwrite", (s) => s.clear());
