// Keeps the kiosk page and its files so that a reload or a restarted browser works offline.
// Network first (a changed page or a revoked kiosk shows as soon as the server answers), the
// stored copy when it does not. The API is never cached: answers wait in IndexedDB instead.
const CACHE = "kiosk-shell-v1";
const SHELL = ["/kiosk/", "/static/kiosk/kiosk.js", "/static/kiosk/store.js",
  "/static/kiosk/kiosk.css"];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL))
    .then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  const stored = request.mode === "navigate" && url.pathname === "/kiosk/" ? "/kiosk/"
    : SHELL.includes(url.pathname) ? url.pathname : null;
  if (stored === null) return;
  event.respondWith(fetch(request).then((response) => {
    if (response.ok) {
      const copy = response.clone();
      caches.open(CACHE).then((cache) => cache.put(stored, copy));
    }
    return response;
  }).catch(() => caches.match(stored).then((hit) => hit || Response.error())));
});
