// Entry point of the page runner (assets/runner/runner.js). Starts the Python worker as soon as the page
// opens, then makes each page's cells runnable. Material's instant navigation swaps pages without reloading
// this script: the worker lives on, and each page shown (document$) gets its own Python session.
import { ASSETS_URL } from "./assets-url.js";
import { Page } from "./page.js";
import { PythonWorker } from "./python.js";

const SITE_ROOT = new URL("../", ASSETS_URL);
let python = null;
let page = null;

function showPage() {
  page?.leave();
  page = null;
  const data = pageData();
  const cellElements = new Map(
    [...document.querySelectorAll(".nn-cell[data-cell]")].map((el) => [Number(el.dataset.cell), el]),
  );
  if (!data || cellElements.size === 0) return;
  const fresh = !python;
  python ??= new PythonWorker(new URL("runner/worker.js", ASSETS_URL), downloadBytes());
  page = new Page(python, data, cellElements); // boots Python if this is the first page with cells
  if (fresh) python.booted.then(registerServiceWorker);
}

// The page's cells as the build ran them: `<div id="nn-page" hidden data-json="...">`.
function pageData() {
  const element = document.getElementById("nn-page");
  return element ? JSON.parse(element.dataset.json) : null;
}

// What booting Python downloads, in bytes, as the build counted it (on boot.js's script); 0 if unknown.
function downloadBytes() {
  return Number(document.querySelector("script[data-download-bytes]")?.dataset.downloadBytes) || 0;
}

// The worker boot.js started from <head> (undefined without it): ours from now on.
function takeEarlyWorker() {
  const started = self.nnEarlyWorker;
  delete self.nnEarlyWorker;
  return started;
}

// The service worker stores the site's own files for offline reading (see sw.js). It is registered once Python
// has booted, so that storing the site neither competes with the boot's downloads nor downloads twice.
function registerServiceWorker() {
  if ("serviceWorker" in navigator && location.protocol !== "file:") {
    navigator.serviceWorker.register(new URL("runner-sw.js", SITE_ROOT)).catch(() => {});
  }
}

// This script runs at the end of <body>, before Material's document$ fires: start Python now.
const firstPage = pageData();
if (firstPage) {
  python = new PythonWorker(new URL("runner/worker.js", ASSETS_URL), downloadBytes());
  python.boot(
    firstPage.cells.map((cell) => cell.code),
    takeEarlyWorker(),
  );
  python.booted.then(registerServiceWorker);
}

if (self.document$) self.document$.subscribe(showPage);
else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", showPage);
else showPage();
self.addEventListener("load", () => python ?? registerServiceWorker());

// For tests and the benchmark: the live page controller.
self.nnRunner = {
  get page() {
    return page;
  },
  get python() {
    return python;
  },
};
