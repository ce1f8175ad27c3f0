// The Python worker: boots Pyodide from the site's own files, then runs cells for the page sessions it is
// given. One worker lives for the whole tab (instant navigation keeps it); each page gets a fresh session.
import sessionSource from "./session.py";

const ASSETS = new URL("../", self.location.href); // .../assets/ (this file is assets/runner/worker.js)
const INDEX_URL = new URL("pyodide/", ASSETS).href;

let pyodide = null;
let session = null; // the Python PageSession of the page being shown
let sessionId = null;
let output = null; // {id} of the run whose output is being streamed
const QUIET = { messageCallback: () => {} }; // loadPackage's "Loading ..." lines are not the cell's output

function post(message) {
  self.postMessage(message);
}

// Counts the bytes of every fetch Pyodide makes (core wasm, stdlib, lockfile, wheels) so the page can show
// download progress; loadPyodide itself reports none.
function fetchWithProgress(onBytes) {
  const plainFetch = self.fetch.bind(self);
  return async (input, init) => {
    const response = await plainFetch(input, init);
    if (!response.body) return response;
    onBytes(0, Number(response.headers.get("Content-Length")) || 0);
    const headers = new Headers(response.headers);
    // A host that serves .wasm with another type (application/octet-stream is common) makes the browser refuse
    // to compile it while it streams in; the file is ours and is WebAssembly, so say so.
    if (response.url.endsWith(".wasm")) headers.set("Content-Type", "application/wasm");
    const counted = response.body.pipeThrough(
      new TransformStream({
        transform(chunk, controller) {
          onBytes(chunk.byteLength, 0);
          controller.enqueue(chunk);
        },
      }),
    );
    return new Response(counted, { status: response.status, statusText: response.statusText, headers });
  };
}

// Streams a run's output to the page in chunks: one message per write would flood the page on print loops,
// and a timer cannot fire while Python holds this thread, so flush on size or elapsed time at each write.
// stdout and stderr share one buffer so the page gets them interleaved as printed (the build captured both
// into one text).
const outputBuffer = {
  decoders: { stdout: new TextDecoder(), stderr: new TextDecoder() },
  stream: null,
  pending: "",
  lastFlush: 0,
  writer(name) {
    return (bytes) => {
      if (name !== this.stream) this.flush();
      this.stream = name;
      this.pending += this.decoders[name].decode(bytes, { stream: true });
      if (this.pending.length > 65536 || performance.now() - this.lastFlush > 30) this.flush();
      return bytes.length;
    };
  },
  flush() {
    if (!this.pending) return; // nothing sent: the next write may still go out at once
    if (output) post({ type: "stream", id: output.id, name: this.stream, text: this.pending });
    this.pending = "";
    this.lastFlush = performance.now();
  },
};

// What a failed boot means for the reader or the publisher: a module refused for its type is the host's doing.
function bootFailure(message) {
  return /MIME|module script/i.test(message)
    ? `${message} (the host must serve .mjs files as text/javascript; see the README's "Publish")`
    : message;
}

// Cell code reaches this site's own files only, as the pages' Content-Security-Policy promises: the policy of a
// page does not cover its workers, and Python reaches the worker's globals (`import js; js.fetch(...)`).
// Requests to other origins are refused here, before Python runs (the service worker also serves this script
// with a policy of its own once it is installed).
function confineToOrigin() {
  const refuse = (url) => {
    const target = new URL(url, self.location.href);
    if (target.origin !== self.location.origin) {
      throw new TypeError(`${target.origin} is not this site: code here can reach this site's own files only`);
    }
  };
  const plainFetch = self.fetch.bind(self);
  const fetchHere = (input, init) => {
    try {
      refuse(input instanceof Request ? input.url : String(input));
    } catch (error) {
      return Promise.reject(error);
    }
    return plainFetch(input, init);
  };
  self.fetch = fetchHere;
  WorkerGlobalScope.prototype.fetch = fetchHere; // so that WorkerGlobalScope.prototype.fetch.call(self, ...) is refused too
  for (const method of ["add", "addAll"]) {
    const store = Cache.prototype[method];
    Cache.prototype[method] = function (requests) {
      try {
        for (const request of [requests].flat()) refuse(request instanceof Request ? request.url : String(request));
      } catch (error) {
        return Promise.reject(error);
      }
      return store.call(this, requests);
    };
  }
  const open = XMLHttpRequest.prototype.open;
  XMLHttpRequest.prototype.open = function (method, url, ...rest) {
    refuse(url);
    return open.call(this, method, url, ...rest);
  };
  for (const name of ["WebSocket", "EventSource", "WebTransport", "Worker", "SharedWorker"]) {
    if (name in self)
      self[name] = function refused() {
        throw new TypeError(`${name} is not available to code on this site`);
      };
  }
}
confineToOrigin();

// Progress of the boot's downloads. Counting starts with the worker, and with it the downloads that need
// no page code: the page's boot message may come later (boot.js sends it once the page's cells are parsed).
let loaded = 0;
let total = 0;
let booting = true; // packages fetched later, for a page, are not part of the boot's progress
const countedFetch = fetchWithProgress((bytes, expected) => {
  loaded += bytes;
  total += expected;
  if (booting) post({ type: "status", phase: "downloading", loaded, total });
});
// The site's wheels start downloading as soon as the lockfile names them, alongside Python itself, instead of
// once Python has booted and boot() asks for them; Pyodide's own request for one gets that download. On a slow
// network the torch wheel (0.8 MB) is most of a second. The site ships only the wheels its pages import.
const early = new Map(); // URL -> the response promise of a wheel fetched ahead
self.fetch = (input, init) => {
  const url = new URL(input instanceof Request ? input.url : String(input), self.location.href).href;
  const ahead = early.get(url);
  early.delete(url);
  return ahead ?? countedFetch(input, init);
};
post({ type: "status", phase: "downloading", loaded, total });
// Pyodide starts loading with the worker, before the page's boot message: nothing in it depends on the page,
// and the page sends that message only once its HTML is parsed down to the cells. The lockfile is fetched here
// rather than by loadPyodide so that boot() can pick from it the packages the page imports (the torch wheel).
const lockfile = countedFetch(new URL("pyodide-lock.json", INDEX_URL)).then((response) => response.json());
lockfile.then((lock) => {
  for (const { file_name, sha256 } of Object.values(lock.packages)) {
    const url = new URL(file_name, INDEX_URL).href;
    // Read whole at once (an unread body would stall the download), checked as Pyodide checks it.
    const download = countedFetch(url, { integrity: `sha256-${hexToBase64(sha256)}` });
    early.set(
      url,
      download.then(async (response) => new Response(await response.blob(), response)),
    );
  }
});

function hexToBase64(hex) {
  return btoa(String.fromCharCode(...hex.match(/../g).map((byte) => Number.parseInt(byte, 16))));
}
const booted = import(new URL("pyodide.mjs", INDEX_URL).href).then(({ loadPyodide }) =>
  loadPyodide({
    indexURL: INDEX_URL,
    lockFileContents: lockfile,
    packageBaseUrl: INDEX_URL,
    // The modules the session reads, as bytecode; the rest of the standard library comes on first import
    // (site_src/browser_torch/stdlib.py, session.py's StdlibRest).
    stdLibURL: new URL("python_stdlib_session.zip", INDEX_URL).href,
    env: { PYTHONHASHSEED: "0" },
  }),
);

async function boot({ interruptBuffer, code }) {
  const [lock, loaded] = await Promise.all([lockfile, booted]);
  pyodide = loaded;
  const imported = importedNames(code);
  const packages = Object.values(lock.packages).filter((p) => p.imports.some((name) => imported.has(name)));
  await pyodide.loadPackage(
    packages.map((p) => p.name),
    QUIET,
  );
  booting = false;
  post({ type: "status", phase: "starting" });
  pyodide.setStdout({ write: outputBuffer.writer("stdout") });
  pyodide.setStderr({ write: outputBuffer.writer("stderr") });
  // Not a terminal, so Python would buffer whole blocks: a cell that prints and then loops would show nothing,
  // and a Stop that restarts the worker would lose what it printed. Line by line, as in a terminal.
  pyodide.runPython(
    "import sys; sys.stdout.reconfigure(line_buffering=True); sys.stderr.reconfigure(line_buffering=True)",
  );
  if (interruptBuffer) pyodide.setInterruptBuffer(interruptBuffer);
  pyodide.FS.writeFile("/home/pyodide/nn_page_session.py", sessionSource);
  pyodide.runPython("import sys; sys.path.append('/home/pyodide'); import nn_page_session");
  // A synchronous download gives no progress events: the page shows that one is under way, not how far.
  const downloading = (busy) => post({ type: "fetching", busy });
  pyodide.pyimport("nn_page_session").StdlibRest.install(new URL("python_stdlib.zip", INDEX_URL).href, downloading);
  // Import the page's packages (torch) as part of the boot, without waiting for the page to ask for its
  // session: the first Run should find them imported. The page's own modules (lenet.py) come with the session.
  for (const name of packages.flatMap((p) => p.imports).filter((name) => imported.has(name))) {
    try {
      pyodide.pyimport(name).destroy();
    } catch {
      // An import that fails here fails again, with its traceback, when its cell runs.
    }
  }
  post({ type: "status", phase: "ready", interrupts: Boolean(interruptBuffer) });
}

async function startSession({ id, session: pageSession, modules, code }) {
  // Fetch the packages this page imports (the in-browser torch wheel) before the reader clicks Run.
  await pyodide.loadPackagesFromImports([...Object.values(modules), ...code].join("\n"), QUIET);
  const PageSession = pyodide.pyimport("nn_page_session").PageSession;
  session?.destroy();
  session = withPython(modules, (pyModules) => PageSession(pyModules));
  PageSession.destroy();
  sessionId = pageSession;
  // Importing takes a moment: do it now, in the reader's reading time, not in the first Run (for torch, the
  // boot did; a page opened later may import more, and its own modules, lenet.py, always come fresh).
  for (const name of importedNames(code)) {
    try {
      pyodide.pyimport(name).destroy();
    } catch {
      // An import that fails here fails again, with its traceback, when its cell runs.
    }
  }
  post({ type: "session", id });
}

// Top-level `import X` / `from X import` names of the page's cells, to load and import ahead of Run.
function importedNames(code) {
  const names = new Set();
  for (const match of code.join("\n").matchAll(/^(?:import|from)\s+([A-Za-z_][\w]*)/gm)) names.add(match[1]);
  return names;
}

async function run({ id, session: forSession, cell, code, modules }) {
  if (forSession !== sessionId) throw new Error("stale session");
  await pyodide.loadPackagesFromImports(code, QUIET);
  output = { id };
  outputBuffer.lastFlush = -Infinity; // a run's first line shows at once, even if a long loop follows it
  const started = performance.now();
  let ok, graph, traceback;
  try {
    const result = withPython(modules ?? {}, (pyModules) => session.run(cell, code, pyModules));
    [ok, graph, traceback] = result.toJs();
    result.destroy();
    outputBuffer.flush();
    if (traceback) post({ type: "stream", id, name: "error", text: traceback });
  } finally {
    outputBuffer.flush();
    output = null;
  }
  post({ type: "done", id, ok, graph: graph ?? null, ms: performance.now() - started });
}

let gradGraphUnpacked = null;

async function graphDot({ id, session: forSession, cell, options }) {
  if (forSession !== sessionId) throw new Error("stale session");
  // The visualizer's pure-Python walker and DOT writer (site_src/grad_graph), fetched when first needed.
  gradGraphUnpacked ??= fetch(new URL("runner/grad_graph.zip", ASSETS))
    .then((response) => response.arrayBuffer())
    .then((zip) => pyodide.unpackArchive(zip, "zip", { extractDir: "/home/pyodide" }));
  await gradGraphUnpacked;
  post({ type: "graph", id, dot: withPython(options ?? {}, (pyOptions) => session.graph_dot(cell, pyOptions)) });
}

// fn(value converted to a Python object), which is freed after the call.
function withPython(value, fn) {
  const converted = pyodide.toPy(value);
  try {
    return fn(converted);
  } finally {
    converted.destroy();
  }
}

const handlers = { boot, session: startSession, run, graph: graphDot };

// After a request failed: is Python still usable? os._exit() ends the interpreter, and a fatal error (a C stack
// overflow after sys.setrecursionlimit) leaves it unusable; then every later request would fail the same way.
function deathOf(error) {
  if (!pyodide) return null;
  try {
    pyodide.runPython("0");
    return null;
  } catch {
    return String(error?.message ?? error);
  }
}

// Messages are handled one at a time, in order: a run must not start before its page's session exists.
let queue = Promise.resolve();
self.onmessage = ({ data }) => {
  queue = queue.then(async () => {
    try {
      await handlers[data.type](data);
    } catch (error) {
      const message = String(error?.message ?? error);
      const death = deathOf(error);
      if (death)
        post({ type: "dead", message: death }); // the page replaces this worker
      else if (data.type === "boot") post({ type: "status", phase: "error", message: bootFailure(message) });
      else post({ type: "error", id: data.id, during: data.type, message });
    }
  });
};
