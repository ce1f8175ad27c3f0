// The page's handle on the Python worker: boot status, page sessions, runs with streamed output, and Stop.
//
// Stop uses Pyodide's interrupt buffer (a KeyboardInterrupt inside the running code) when the page is
// cross-origin isolated, which SharedArrayBuffer requires. Otherwise the only way to stop a busy worker is
// to terminate it; a new one boots at once (from the cache), and the page session starts again.

import { startWorker } from "./start-worker.js";

const INTERRUPT_GRACE_MS = 600; // after this, an interrupt that was not honoured becomes a terminate (Stop ends a cell within 1 s either way)

export class PythonWorker {
  // downloadBytes: what a boot downloads, as the build counted it (0: unknown).
  constructor(workerUrl, downloadBytes = 0) {
    this.workerUrl = workerUrl;
    this.downloadBytes = downloadBytes;
    this.listeners = new Set();
    this.status = { phase: "downloading", loaded: 0, total: 0 };
    this.nextId = 1;
    this.pending = new Map(); // message id -> {resolve, reject, onStream}
    this.page = null; // {id, modules, code} of the current page session
    this.sessionReady = null;
    this.worker = null; // started by boot(code) or the first page: their code says what to download with Python
  }

  // A request is in flight: a run, a graph, or a session that waits behind one.
  get busy() {
    return this.pending.size > 0;
  }

  get interrupts() {
    return Boolean(this.interruptBuffer);
  }

  onStatus(listener) {
    this.listeners.add(listener);
    listener(this.status);
    return () => this.listeners.delete(listener);
  }

  setStatus(status) {
    this.status = status;
    for (const listener of this.listeners) listener(status);
  }

  // started: a worker already created by startWorker (boot.js's early one); by default, a new one.
  spawn(started = startWorker(this.workerUrl, this.page?.code ?? this.bootCode)) {
    ({ worker: this.worker, interruptBuffer: this.interruptBuffer } = started);
    this.booted = new Promise((resolve) => (this.resolveBooted = resolve));
    this.worker.onmessage = ({ data }) => this.receive(data);
    this.worker.onerror = (event) => this.setStatus({ phase: "error", message: event.message || "the worker failed" });
    for (const data of started.early) this.receive(data); // what it said before these handlers were set
    if (this.page) this.sessionReady = this.openSession(this.page);
  }

  // Sends a message; resolves with the worker's answer carrying the same id.
  request(message) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, onStream: message.onStream });
      const { onStream, ...data } = message;
      this.worker.postMessage({ ...data, id });
    });
  }

  receive(data) {
    if (data.type === "status") {
      if (data.phase === "ready") this.restarting = false;
      this.setStatus({ ...data, interrupts: this.interrupts });
      if (data.phase === "ready") this.resolveBooted();
      return;
    }
    if (data.type === "fetching") {
      this.setStatus({ ...this.status, fetching: data.busy }); // in whatever phase Python is
      return;
    }
    if (data.type === "dead") {
      // Python ended for good (os._exit, a fatal error): what was asked of it ends, and a new one boots.
      this.restart(
        `Python ended (${data.message}); a new Python is starting, and the cells above run again before the next one.`,
      );
      return;
    }
    const waiting = this.pending.get(data.id);
    if (!waiting) return;
    if (data.type === "stream") waiting.onStream?.(data.name, data.text);
    else if (data.type === "error") this.settle(data.id, null, new Error(`${data.during}: ${data.message}`));
    else this.settle(data.id, data);
  }

  settle(id, value, error) {
    const waiting = this.pending.get(id);
    if (!waiting) return;
    this.pending.delete(id);
    error ? waiting.reject(error) : waiting.resolve(value);
  }

  // Starts booting before the first page is set up, downloading what `code` imports along with Python;
  // `started`: a worker boot.js started already for this page, with the same code.
  boot(code, started) {
    this.bootCode = code;
    if (!this.worker) this.spawn(started);
  }

  // A fresh Python session for a page: its modules written to disk, its imports preloaded.
  startPage(page) {
    this.page = page;
    if (!this.worker) this.spawn();
    else this.sessionReady = this.openSession(page);
    return this.sessionReady;
  }

  // Bumps `generation`: cells that ran under an older generation have to run again.
  async openSession(page) {
    this.generation = (this.generation ?? 0) + 1;
    this.sessionOpen = false;
    await this.booted;
    const { id, modules, code } = page;
    try {
      await this.request({ type: "session", session: id, modules, code });
      this.sessionOpen = true;
      this.setStatus(this.status);
    } catch (error) {
      if (!(error instanceof StoppedError)) this.setStatus({ phase: "error", message: error.message });
      throw error;
    }
  }

  // cell: its number on the page (from 1); modules: {filename: code} of the page modules as the reader sees them.
  async run(cell, code, modules, onStream) {
    await this.sessionReady;
    const running = this.request({ type: "run", session: this.page.id, cell, code, modules, onStream });
    this.running = running;
    try {
      return await running;
    } finally {
      if (this.running === running) this.running = null;
    }
  }

  // options: the page's diagram options for this cell's tensor (module, clusters, highlight), if any.
  async graphDot(cell, options) {
    await this.sessionReady;
    const { dot } = await this.request({ type: "graph", session: this.page.id, cell, options });
    return dot;
  }

  // Ends the running cell. Resolves to "interrupted" (session kept) or "restarted" (new worker, new session).
  async stop() {
    if (this.interruptBuffer && this.running) {
      this.interruptBuffer[0] = 2; // SIGINT: Python raises KeyboardInterrupt at its next check
      const ended = this.running.then(
        () => true,
        () => true,
      );
      const grace = new Promise((resolve) => setTimeout(resolve, INTERRUPT_GRACE_MS, false));
      const honoured = await Promise.race([ended, grace]);
      this.interruptBuffer[0] = 0; // an interrupt that arrived after the run ended must not hit the next one
      if (honoured) return "interrupted";
    }
    this.restart();
    return "restarted";
  }

  // Terminates the worker and boots a new one; everything in flight ends as stopped (why: for the cell to say).
  restart(why) {
    this.worker.terminate();
    for (const [id] of this.pending) this.settle(id, null, new StoppedError(why));
    this.restarting = true; // the status says "Restarting Python" until the new worker is ready
    this.setStatus({ phase: "downloading", loaded: 0, total: 0 });
    this.spawn();
  }
}

export class StoppedError extends Error {
  constructor(why) {
    super(why ?? "stopped");
    this.name = "StoppedError";
    this.why = why;
  }
}
