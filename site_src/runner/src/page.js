// One tutorial page made runnable: its cells (editor, Run/Stop/Reset, output), a page bar with the Python
// status, Run all and Restart, and the notebook rule that a cell runs after the earlier cells of the page.
import { createEditor, editorCode, setEditorCode } from "./editor.js";
import { renderGraph } from "./graph.js";
import { StoppedError } from "./python.js";

let pageCount = 0;

export class Page {
  constructor(python, data, cellElements) {
    this.python = python;
    this.data = data;
    this.id = `${data.page}#${++pageCount}`;
    this.cells = data.cells.map((cellData) => new Cell(this, cellData, cellElements.get(cellData.cell)));
    this.ran = new Set(); // indices of cells that ran in the current Python session
    this.generation = null; // the worker's session generation `ran` belongs to
    this.queue = Promise.resolve(); // runs happen one after another, in the order asked
    this.bar = this.createBar(cellElements.get(data.cells[0].cell));
    this.stopStatus = python.onStatus((status) => this.showStatus(status));
    this.openSession();
  }

  // A fresh Python session for this page (its failure shows in the status).
  openSession() {
    const page = { id: this.id, modules: this.data.modules ?? {}, code: this.data.cells.map((c) => c.code) };
    return this.python.startPage(page).catch(() => {});
  }

  leave() {
    this.stopStatus();
  }

  createBar(firstCell) {
    const bar = element("div", { class: "nn-pagebar", role: "region", "aria-label": "Python in your browser" });
    this.statusText = element("span", { class: "nn-pagebar__status", role: "status" });
    this.progress = element("progress", { class: "nn-pagebar__progress", "aria-label": "Python download" });
    const runAll = button("Run all", () => this.runAll());
    const restart = button("Restart", () => this.restart());
    bar.append(this.statusText, this.progress, runAll, restart);
    firstCell.before(bar);
    return bar;
  }

  showStatus(status) {
    const mb = (bytes) => (bytes / 1e6).toFixed(1);
    const stopNote = this.python.interrupts
      ? "Stop interrupts a running cell."
      : "Stop restarts Python (this page is not cross-origin isolated, so a running cell cannot be interrupted).";
    const offline = navigator.serviceWorker?.controller ? " Cached for offline use." : "";
    this.bar.dataset.phase = status.phase;
    this.progress.hidden = status.phase !== "downloading";
    if (status.phase === "downloading") {
      this.progress.max = status.total || 1;
      this.progress.value = status.loaded;
      const what = status.restarting ? "Restarting Python" : "Downloading Python";
      this.statusText.textContent = status.total ? `${what}: ${mb(status.loaded)} of ${mb(status.total)} MB` : `${what}…`;
    } else if (status.phase === "starting") {
      this.statusText.textContent = "Starting Python…";
    } else if (status.phase === "ready" && !this.python.sessionOpen) {
      this.statusText.textContent = "Python started; loading this page's imports…";
    } else if (status.phase === "ready") {
      this.statusText.textContent = `Python ready: edit any cell and press Run (Ctrl+Enter). ${stopNote}${offline}`;
    } else {
      this.statusText.textContent = `Python failed to start: ${status.message}`;
    }
  }

  // Runs cell `index`, first running the earlier cells this session has not run yet.
  run(index) {
    const job = this.queue.then(() => this.runWithEarlier(index));
    this.queue = job.catch(() => {});
    return job;
  }

  async runWithEarlier(index) {
    const cell = this.cells[index];
    cell.setNote(this.python.status.phase === "ready" ? "" : "Waiting for Python to start…");
    await this.python.sessionReady?.catch(() => {});
    this.syncGeneration();
    const earlier = this.cells.slice(0, index).filter((c) => !this.ran.has(c.index));
    if (earlier.length) cell.setNote(`Running ${cellList(earlier)} first: cells share one Python session, in page order.`);
    for (const previous of earlier) {
      if (!(await previous.execute())) {
        cell.setNote(`Not run: ${cellList([previous])} raised an error.`);
        return false;
      }
    }
    const ok = await cell.execute();
    if (earlier.length) cell.setNote(`Ran ${cellList(earlier)} first: cells share one Python session, in page order.`);
    else cell.setNote("");
    return ok;
  }

  syncGeneration() {
    if (this.generation !== this.python.generation) {
      this.ran.clear();
      this.generation = this.python.generation;
    }
  }

  runAll() {
    const job = this.queue.then(async () => {
      await this.python.sessionReady?.catch(() => {});
      this.syncGeneration();
      for (const cell of this.cells) if (!(await cell.execute())) return false;
      return true;
    });
    this.queue = job.catch(() => {});
    return job;
  }

  async restart() {
    if (this.cells.some((c) => c.busy)) await this.python.stop();
    await this.openSession();
    for (const cell of this.cells) cell.setNote("");
    this.statusText.textContent = "Python session restarted: cells will run again from the top.";
  }
}

class Cell {
  constructor(page, data, root) {
    this.page = page;
    this.index = data.cell;
    this.code = data.code;
    this.root = root;
    // A cell that shows a whole snippet file the page imports (lenet.py): running it rewrites that module, so
    // an edit to the definition reaches the later cells' `from lenet import Net`.
    const file = data.source?.split("/").pop();
    this.module = !data.section && file in (page.data.modules ?? {}) ? file : null;
    this.busy = false;
    const name = `Cell ${this.index + 1}${data.source ? ` (${data.source})` : ""}`;
    root.classList.add("nn-cell--live");
    root.setAttribute("role", "group");
    root.setAttribute("aria-label", name);

    const highlighted = root.querySelector(".highlight");
    const editorHost = element("div", { class: "nn-editor" });
    highlighted.after(editorHost);
    highlighted.hidden = true; // kept for readers without JavaScript; the editor shows the same code
    this.editor = createEditor({ parent: editorHost, code: this.code, label: `Code of ${name}`, onRun: () => page.run(this.index) });

    this.runButton = button("Run", () => page.run(this.index), "Run this cell and the earlier cells it needs (Ctrl+Enter)");
    this.stopButton = button("Stop", () => this.stop(), "Stop the running cell");
    this.stopButton.disabled = true;
    this.resetButton = button("Reset", () => this.reset(), "Restore the original code");
    this.graphButton = button("Show graph", () => this.showGraph());
    this.graphButton.hidden = true;
    this.note = element("span", { class: "nn-cell__note", role: "status" });
    const bar = element("div", { class: "nn-cell__bar" });
    bar.append(this.runButton, this.stopButton, this.resetButton, this.graphButton, this.note);
    editorHost.after(bar);

    // The build's output block (formatters/cell.py writes one for every cell, empty when nothing printed).
    this.output = root.querySelector(".nn-output");
    this.output.setAttribute("aria-live", "polite");
    this.output.dataset.origin = "build";
    this.outputCode = this.output.querySelector("code");
    this.graph = element("figure", { class: "nn-graph", hidden: "" });
    this.output.after(this.graph);
  }

  setNote(text) {
    this.note.textContent = text;
  }

  setBusy(busy) {
    this.busy = busy;
    busy ? this.root.setAttribute("aria-busy", "true") : this.root.removeAttribute("aria-busy");
    this.stopButton.disabled = !busy;
  }

  // Runs this cell's current code in the page session; resolves to whether it finished without an error.
  async execute() {
    this.setBusy(true);
    this.output.dataset.origin = "browser";
    this.output.hidden = false;
    this.outputCode.replaceChildren();
    this.graphButton.hidden = true;
    this.graph.hidden = true;
    try {
      const code = editorCode(this.editor);
      const result = await this.page.python.run(this.index + 1, code, this.module, (stream, text) => this.append(stream, text));
      this.page.ran.add(this.index);
      this.graphLabel = result.graph;
      this.graphButton.hidden = !result.graph;
      this.graphButton.title = result.graph ? `Draw the autograd graph of ${result.graph}` : "";
      this.root.dataset.lastRunMs = result.ms.toFixed(1);
      return result.ok;
    } catch (error) {
      if (error instanceof StoppedError) this.append("note", this.stopMessage ?? "Stopped.\n");
      else this.append("stderr", `${error.message}\n`);
      return false;
    } finally {
      this.stopMessage = null;
      this.setBusy(false);
    }
  }

  append(stream, text) {
    const span = element("span", { class: `nn-output__${stream}` });
    span.textContent = text;
    this.outputCode.append(span);
  }

  async stop() {
    this.stopMessage = "Stopped: Python was restarted; the page's earlier cells will run again before the next cell.\n";
    const how = await this.page.python.stop();
    if (how === "interrupted") this.append("note", "Stopped (KeyboardInterrupt); the session keeps its state.\n");
  }

  reset() {
    setEditorCode(this.editor, this.code);
  }

  async showGraph() {
    this.graph.hidden = false;
    this.graph.classList.add("autograd-graph"); // drawn, themed and zoomed as the build-time diagrams are
    this.graph.replaceChildren(element("figcaption", {}, "Drawing the autograd graph…"));
    try {
      const dot = await this.page.python.graphDot(this.index + 1);
      const caption = `Autograd graph of ${this.graphLabel}, drawn in your browser from the code above.`;
      this.graph.replaceChildren(...(await renderGraph(dot, caption)));
    } catch (error) {
      this.graph.replaceChildren(element("figcaption", {}, `Could not draw the graph: ${error.message}`));
    }
  }
}

function cellList(cells) {
  const numbers = cells.map((c) => c.index + 1);
  return numbers.length === 1 ? `cell ${numbers[0]}` : `cells ${numbers.join(", ")}`;
}

function element(tag, attributes = {}, text) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

function button(label, onClick, title) {
  const node = element("button", { type: "button", class: "md-button nn-button" }, label);
  if (title) node.title = title;
  node.addEventListener("click", onClick);
  return node;
}
