// The site's service worker (served as /runner-sw.js so its scope is the whole site). install() in
// tutorial_site/assets.py writes it with `PRECACHE` set on its first line: every file of the built site (pages by
// their folder address, `loss/` for loss/index.html) with the sha256 of its content (16 hex digits), and a version,
// the digest of that list. So the worker's bytes change exactly when some file's content does: the browser, which
// re-checks runner-sw.js past its HTTP cache after navigations, installs a new worker after a deployment that changed
// something, and never after one that did not.
//
// - Storage by content: one cache, whose entries are keyed `ADDRESS?sha256=HASH` and hold those exact bytes
//   (checked against HASH before they are stored). A new worker downloads only the files whose key is missing, with
//   `cache: "reload"` so the browser's HTTP cache cannot hand it the previous deployment's bytes; the unchanged
//   ones are there already under the same key. It activates at once (skipWaiting, clients.claim) and deletes the
//   keys no longer listed.
// - Pages are served network-first, so a new deployment shows at once (the stored copy is the offline fallback).
//   Every other file is served from storage first, by its hash in the newest list known. That is this worker's
//   own until a navigation shows otherwise: alongside every navigation it reads the deployment's list (runner-sw.js's
//   first line, revalidated), and before it hands the page over it keeps the newer list, in the cache too, since a
//   worker's globals die with it and the browser may restart it at any time. So the page's own files (runner.js,
//   worker.js) come by their new hashes even while the new worker is still installing: from storage where
//   unchanged, from the network otherwise. New HTML with old JavaScript cannot happen.
// - Cross-origin isolation: it adds COOP/COEP headers to what it serves, so pages it controls get
//   SharedArrayBuffer and Stop can interrupt a running cell instead of restarting Python. Everything on the
//   site is same-origin, which `require-corp` allows.
// - The Python Web Worker (assets/runner/worker.js) gets a Content-Security-Policy header: a dedicated worker's
//   policy comes from its own script's response, not from the page's <meta>. Code run in a cell may then fetch,
//   import and compile WebAssembly from the site itself only (Pyodide's wasm, standard library and wheels).
/* global PRECACHE */
const CACHE = "nn-site-files";
const SITE = new URL("./", self.location.href);
const HASHES = addresses(PRECACHE.files);
const NEWEST = new URL("runner-sw.js?newest", SITE).href; // the newest list known, kept in CACHE
const PYTHON_WORKER = new URL("assets/runner/worker.js", SITE).href;
const PYTHON_WORKER_CSP = "default-src 'self'; script-src 'self' 'unsafe-eval' 'wasm-unsafe-eval'; connect-src 'self'";

let newest = null; // promise of { version, hashes }: this worker's list, or a newer deployment's

function addresses(files) {
  return new Map(Object.entries(files).map(([path, hash]) => [new URL(path, SITE).href, hash]));
}

function key(url, hashes) {
  return `${url}?sha256=${hashes.get(url)}`;
}

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      const stored = new Set((await cache.keys()).map((request) => request.url));
      const missing = [...HASHES.keys()].filter((url) => !stored.has(key(url, HASHES)));
      await Promise.all(
        missing.map(async (url) => {
          const response = await fetch(url, { cache: "reload" });
          if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`); // install fails; tried again later
          // Bytes other than the build's (a deployment half done, a host that rewrites pages) are not stored:
          // the file is then fetched when asked for, and stored once its bytes match.
          await keep(cache, url, response, HASHES);
        }),
      );
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      // Caches of earlier designs (nn-site-VERSION, keyed by address), entries of files no longer listed, the
      // newest list the previous worker knew (this one's, or older).
      const names = await caches.keys();
      await Promise.all(
        names.filter((name) => name.startsWith("nn-site-") && name !== CACHE).map((name) => caches.delete(name)),
      );
      const cache = await caches.open(CACHE);
      const listed = new Set([...HASHES.keys()].map((url) => key(url, HASHES)));
      await Promise.all(
        (await cache.keys()).filter((request) => !listed.has(request.url)).map((request) => cache.delete(request)),
      );
      await self.clients.claim();
    })(),
  );
});

self.addEventListener("fetch", (event) => {
  const { request } = event;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  url.search = "";
  url.hash = "";
  if (!HASHES.has(url.href)) return; // not ours to serve (e.g. mkdocs serve's live reload)
  const isPage = request.mode === "navigate" || url.pathname.endsWith("/") || url.pathname.endsWith(".html");
  const response = isPage ? servePage(event, url.href) : serveFile(event, url.href);
  event.respondWith(response.then((answer) => withHeaders(answer, url.href)));
});

async function servePage(event, url) {
  const cache = await caches.open(CACHE);
  const [response, list] = await Promise.all([
    fetch(event.request).catch(() => null),
    event.request.mode === "navigate" ? fetchList() : null,
  ]);
  if (list) await learn(cache, list);
  const { hashes } = await newestList();
  if (!response)
    return (await cache.match(key(url, hashes))) ?? (await cache.match(key(url, HASHES))) ?? Response.error();
  if (response.ok && hashes.has(url)) event.waitUntil(keep(cache, url, response.clone(), hashes).catch(() => {}));
  return response;
}

async function serveFile(event, url) {
  const { hashes } = await newestList();
  if (!hashes.has(url)) return fetch(event.request, { cache: "no-cache" }); // gone from the newest deployment
  const cache = await caches.open(CACHE);
  const stored = await cache.match(key(url, hashes));
  if (stored) return stored;
  const response = await fetch(event.request, { cache: "reload" });
  if (response.ok) event.waitUntil(keep(cache, url, response.clone(), hashes).catch(() => {}));
  return response;
}

function newestList() {
  newest ??= caches
    .open(CACHE)
    .then((cache) => cache.match(NEWEST))
    .then((stored) => stored?.json())
    .then((list) => (list?.by === PRECACHE.version ? { version: list.version, hashes: addresses(list.files) } : null))
    .catch(() => null)
    .then((list) => list ?? { version: PRECACHE.version, hashes: HASHES });
  return newest;
}

// The deployment's list, from the first line of the worker script it serves now; null offline.
async function fetchList() {
  try {
    const response = await fetch(self.location.href, { cache: "no-cache" });
    const firstLine = (await response.text()).split("\n", 1)[0];
    return JSON.parse(firstLine.slice(firstLine.indexOf("{"), firstLine.lastIndexOf("}") + 1));
  } catch {
    return null;
  }
}

async function learn(cache, list) {
  if (!list.version || !list.files || list.version === (await newestList()).version) return;
  newest = Promise.resolve({ version: list.version, hashes: addresses(list.files) });
  const record = JSON.stringify({ by: PRECACHE.version, version: list.version, files: list.files });
  await cache.put(NEWEST, new Response(record, { headers: { "Content-Type": "application/json" } }));
}

// Stores response under url's key if its bytes are the ones listed for url in hashes; says whether they were.
async function keep(cache, url, response, hashes) {
  const body = await response.arrayBuffer();
  if ((await sha256(body)) !== hashes.get(url)) return false;
  const { status, statusText, headers } = response;
  await cache.put(key(url, hashes), new Response(body, { status, statusText, headers }));
  return true;
}

async function sha256(bytes) {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest.subarray(0, 8), (byte) => byte.toString(16).padStart(2, "0")).join("");
}

function withHeaders(response, url) {
  if (response.type === "opaque" || response.type === "error" || response.status === 0) return response;
  const headers = new Headers(response.headers);
  headers.set("Cross-Origin-Opener-Policy", "same-origin");
  headers.set("Cross-Origin-Embedder-Policy", "require-corp");
  if (url === PYTHON_WORKER) headers.set("Content-Security-Policy", PYTHON_WORKER_CSP);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}
