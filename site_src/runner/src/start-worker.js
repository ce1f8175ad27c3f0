// Creates the Python worker and sends it the page's code to boot with. Shared by boot.js, which calls it from
// <head> before the page runner has loaded, and by PythonWorker (python.js), which adopts that worker or, on a
// restart or without boot.js, calls it itself.

// code: the page's cells (or a promise of them): the worker downloads the packages they import along with Python.
export function startWorker(url, code) {
  const interruptBuffer = self.crossOriginIsolated ? new Uint8Array(new SharedArrayBuffer(1)) : null;
  const worker = new Worker(url, { type: "module" });
  // Until PythonWorker takes over the handlers, keep what the worker says (its boot progress, "ready"):
  // a message with no listener is dropped.
  const early = [];
  worker.onmessage = ({ data }) => early.push(data);
  worker.onerror = (event) =>
    early.push({ type: "status", phase: "error", message: event.message || "the worker failed" });
  Promise.resolve(code).then((cells) => worker.postMessage({ type: "boot", interruptBuffer, code: cells }));
  return { worker, interruptBuffer, early };
}
