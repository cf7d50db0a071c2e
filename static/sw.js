// Write-Through Lab's service worker: after one visit the lab starts without a network.
//
// scripts/service-worker.mjs puts two constants above these lines when it builds the bundle:
//   VERSION   a hash of every file of the build
//   PRECACHE  those files, relative to this worker ('./', 'index.html' with its stylesheet inline,
//             the js, wasm, icons)
//
// - install: every file of the build goes into a cache of its own version, fetched afresh;
// - a new version installs in the background and then waits: the page says "A new version is
//   ready — reload", and only when the learner reloads (or no page uses the old one) does it
//   take over, so files never change under a running page;
// - fetch: the build's files from its cache first; a page (any query: the deep links) is the
//   cached index.html; anything else of the lab's own (parts loaded later) is fetched, kept, and
//   served from the cache when offline.
/* global VERSION, PRECACHE */

const PRECACHE_NAME = `wtl-precache-${VERSION}`;
const RUNTIME_NAME = 'wtl-runtime';
const inScope = (path) => new URL(path, self.registration.scope).href;

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(PRECACHE_NAME)
      .then((cache) => cache.addAll(PRECACHE.map((path) => new Request(inScope(path), { cache: 'reload' })))),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith('wtl-precache-') && name !== PRECACHE_NAME) await caches.delete(name);
      }
      // The first version takes the page that installed it (same files it was loaded with).
      await self.clients.claim();
    })(),
  );
});

// The page asks for this when the learner chooses to reload into the new version.
self.addEventListener('message', (event) => {
  if (event.data?.type === 'SKIP_WAITING') self.skipWaiting();
});

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith(respond(request));
});

async function respond(request) {
  const precache = await caches.open(PRECACHE_NAME);
  if (request.mode === 'navigate') {
    const page = await precache.match(inScope('index.html'));
    if (page) return page;
    return fetch(request);
  }
  const built = await precache.match(request, { ignoreSearch: true });
  if (built) return built;
  const runtime = await caches.open(RUNTIME_NAME);
  try {
    const response = await fetch(request);
    if (response.ok && response.type === 'basic') await runtime.put(request, response.clone());
    return response;
  } catch (offline) {
    const kept = await runtime.match(request);
    if (kept) return kept;
    throw offline;
  }
}
