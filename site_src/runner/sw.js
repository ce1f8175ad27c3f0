// The site's service worker (served as /runner-sw.js so its scope is the whole site). install() in
// tutorial_site/assets.py writes it with `PRECACHE` set: every file of the built site (pages by their folder
// address, `loss/` for loss/index.html), and a version that changes whenever any of them does.
//
// - Offline: on install it stores the whole site (the browser's HTTP cache serves most of it, since the page
//   that registers this worker has just loaded Pyodide). Pages are served network-first so a new build shows at
//   once, falling back to the stored copy offline; every other file is served from the store first.
// - Cross-origin isolation: it adds COOP/COEP headers to what it serves, so pages it controls get
//   SharedArrayBuffer and Stop can interrupt a running cell instead of restarting Python. Everything on the
//   site is same-origin, which `require-corp` allows.
/* global PRECACHE */
const CACHE = `nn-site-${PRECACHE.version}`;
const SITE = new URL("./", self.location.href);
const FILES = new Set(PRECACHE.files.map((path) => new URL(path, SITE).href));

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll([...FILES]))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((name) => name.startsWith("nn-site-") && name !== CACHE).map((name) => caches.delete(name))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const { request } = event;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  url.search = "";
  url.hash = "";
  if (!FILES.has(url.href)) return; // not ours to serve (e.g. mkdocs serve's live reload)
  const isPage = request.mode === "navigate" || url.pathname.endsWith("/") || url.pathname.endsWith(".html");
  event.respondWith((isPage ? networkFirst(request, url.href) : cacheFirst(request, url.href)).then(isolated));
});

async function networkFirst(request, key) {
  try {
    const response = await fetch(request);
    if (response.ok) (await caches.open(CACHE)).put(key, response.clone());
    return response;
  } catch {
    return (await caches.match(key)) ?? Response.error();
  }
}

async function cacheFirst(request, key) {
  return (await caches.match(key)) ?? fetch(request);
}

function isolated(response) {
  if (response.type === "opaque" || response.type === "error" || response.status === 0) return response;
  const headers = new Headers(response.headers);
  headers.set("Cross-Origin-Opener-Policy", "same-origin");
  headers.set("Cross-Origin-Embedder-Policy", "require-corp");
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}
