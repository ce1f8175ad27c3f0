// Draws DOT text as SVG with Graphviz compiled to WebAssembly (@viz-js/viz). The layout runs in a worker
// (graph-worker.js), started on first use only (most readers never press "Show graph", and the renderer is over a
// megabyte), so the page stays responsive however long Graphviz takes: past LAYOUT_TIMEOUT_MS the worker is
// terminated and the reader told the graph is too large to lay out here. The drawing goes into the markup the
// build gives its diagrams (tutorial_site/formatters/graph.py), so grad_graph's graph.css themes it and its
// graph.js adds the zoom and the node paths, as on the build-time diagrams.
import { ASSETS_URL } from "./assets-url.js";

const START_TIMEOUT_MS = 60_000; // loading and compiling 1.3 MB of Graphviz on a slow phone
const LAYOUT_TIMEOUT_MS = 10_000; // grad_graph summarises graphs to lay out in well under a second (MAX_NODES)
// grad_graph's to_dot writes this comment first when it summarised the graph (summarise.py).
const SUMMARY = /^\/\/ summary: (.*)$/m;

let renderer = null; // {worker, ready}: the current worker, replaced after a failure
let queue = Promise.resolve(); // one layout at a time, so each is timed alone

class LayoutError extends Error {}

function startRenderer() {
  const worker = new Worker(new URL("runner/graph-worker.js", ASSETS_URL));
  const ready = reply(
    worker,
    (data) => data.ready || data.error,
    START_TIMEOUT_MS,
    "the Graphviz renderer did not start in time",
  );
  return { worker, ready };
}

// The first message of `worker` that `matches`, or a LayoutError on the worker's error, its error reply or the
// timeout; the worker is terminated then, as it may be stuck or broken.
function reply(worker, matches, timeoutMs, timeoutMessage) {
  return new Promise((resolve, reject) => {
    const fail = (message) => {
      done();
      retire(worker);
      reject(new LayoutError(message));
    };
    const onMessage = ({ data }) => {
      if (!matches(data)) return;
      if (data.error) return fail(data.error);
      done();
      resolve(data);
    };
    const onError = (event) => {
      event.preventDefault();
      fail(`the Graphviz renderer failed: ${event.message}`);
    };
    const timer = setTimeout(() => fail(timeoutMessage), timeoutMs);
    function done() {
      clearTimeout(timer);
      worker.removeEventListener("message", onMessage);
      worker.removeEventListener("error", onError);
    }
    worker.addEventListener("message", onMessage);
    worker.addEventListener("error", onError);
  });
}

function retire(worker) {
  worker.terminate();
  if (renderer?.worker === worker) renderer = null; // the next layout starts a fresh one
}

let requests = 0;

async function layOutNow(dot) {
  renderer ??= startRenderer();
  const { worker, ready } = renderer;
  await ready;
  const id = ++requests;
  const seconds = LAYOUT_TIMEOUT_MS / 1000;
  const done = reply(
    worker,
    (data) => data.id === id,
    LAYOUT_TIMEOUT_MS,
    `the graph is too large to lay out here (Graphviz took over ${seconds} s)`,
  );
  worker.postMessage({ id, dot });
  return (await done).svg;
}

// SVG text of `dot`, laid out in the worker.
function layOut(dot) {
  const result = queue.then(() => layOutNow(dot));
  queue = result.catch(() => {});
  return result;
}

function parseSvg(text) {
  const parsed = new DOMParser().parseFromString(text, "image/svg+xml");
  if (parsed.querySelector("parsererror")) throw new LayoutError("Graphviz wrote an SVG the browser cannot read");
  return document.importNode(parsed.documentElement, true);
}

// The children of a figure.autograd-graph: the drawing in its viewport, and the caption with the line where
// graph.js shows the path to the node the reader picks. A summarised graph's caption says what was left out.
export async function renderGraph(dot, caption) {
  const svg = parseSvg(await layOut(dot));
  // Sized and focusable as grad_graph/svg.py makes the build-time SVG.
  const width = svg.getAttribute("width");
  svg.removeAttribute("height");
  svg.setAttribute("width", "100%");
  svg.setAttribute("style", `--ag-width: ${width}; max-width: ${width}; height: auto;`);
  svg.setAttribute("class", "ag-svg");
  for (const node of svg.querySelectorAll("g.node")) node.setAttribute("tabindex", "0");

  const viewport = document.createElement("div");
  viewport.className = "ag-viewport";
  viewport.append(svg);
  const figcaption = document.createElement("figcaption");
  figcaption.append(caption);
  const summary = SUMMARY.exec(dot)?.[1];
  if (summary) {
    const note = document.createElement("span");
    note.className = "ag-summary";
    note.textContent = ` ${summary}`;
    figcaption.append(note);
  }
  const path = document.createElement("span");
  path.className = "ag-path";
  path.setAttribute("aria-live", "polite");
  figcaption.append(path);
  return [viewport, figcaption];
}
