// Inlined at the top of <head> on pages with cells (site_src/runner/overrides/main.html), its worker URL in
// the script's data-worker. Booting Python is most of the wait before a cell's first output, so it starts here,
// as the parser reaches <head>: not once Material's bundle and the runner (runner.js, at the end of <body>)
// have loaded, nor, as an external async script, once the main thread is free to run it (measured in Chromium:
// the worker started 150-230 ms after navigation that way, about 40 ms inline).
// main.js adopts the worker through `self.nnEarlyWorker`.
import { startWorker } from "./start-worker.js";

// The cells' code, from #nn-page (the end of the content), as soon as the parser has reached it.
function pageCode() {
  return new Promise((resolve) => {
    const read = () => {
      const element = document.getElementById("nn-page");
      if (element) resolve(JSON.parse(element.dataset.json).cells.map((cell) => cell.code));
      return Boolean(element);
    };
    if (read()) return;
    const parsing = new MutationObserver(() => read() && parsing.disconnect());
    parsing.observe(document, { childList: true, subtree: true });
    document.addEventListener("DOMContentLoaded", () => {
      parsing.disconnect();
      if (!read()) resolve([]);
    });
  });
}

// Not if the runner is already there (it started Python itself), nor twice (instant navigation).
if (!self.nnRunner && !self.nnEarlyWorker) {
  const workerUrl = new URL(document.currentScript.dataset.worker, document.baseURI);
  self.nnEarlyWorker = startWorker(workerUrl, pageCode());
}
