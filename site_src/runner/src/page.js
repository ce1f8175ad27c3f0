// One tutorial page made runnable: its cells (editor, Run/Stop/Reset, output), a page bar with the Python
// status, Run all and Restart, and the notebook rule that a cell runs after the earlier cells of the page.
import { ASSETS_URL } from "./assets-url.js";
import { annotationList, annotationNotes } from "./code-notes.js";
import { renderGraph } from "./graph.js";
import { OutputView } from "./output.js";
import { StoppedError } from "./python.js";

let pageCount = 0;

// The editor (CodeMirror, most of the runner's bytes) is a module of its own, loaded once Python is ready and a Run
// asked for meanwhile has finished, or at once when the reader reaches for the code: until then the cells show the
// build's highlighted blocks, so the first output does not wait on it (issue 13). One load serves every later page.
let editorModule = null;
function loadEditorModule() {
  editorModule ??= import(new URL("runner/editor.js", ASSETS_URL).href).catch((error) => {
    editorModule = null; // a later attempt (the reader clicking the code) tries again
    throw error;
  });
  return editorModule;
}

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
    this.editors = null; // the promise of the cells' editors, once asked for (mountEditors)
    if (editorModule) this.mountEditors();
    else {
      // Once the main thread is idle (within a second); Safari has no requestIdleCallback.
      const idle = (fn) => (self.requestIdleCallback ? requestIdleCallback(fn, { timeout: 1000 }) : setTimeout(fn));
      Promise.resolve(python.sessionReady)
        .catch(() => {}) // Python failed to start: the code can still be read and edited
        .then(() => this.queue)
        .then(() => idle(() => this.mountEditors()));
    }
  }

  // Replace the cells' highlighted blocks with editors; resolves when they are in place.
  mountEditors() {
    this.editors ??= loadEditorModule().then(
      (editor) => {
        if (!this.left) for (const cell of this.cells) cell.mountEditor(editor);
      },
      () => {
        this.editors = null; // not loaded (offline?): the cells keep their code, and Run still runs it
      },
    );
    return this.editors;
  }

  // A fresh Python session for this page (its failure shows in the status).
  openSession() {
    const page = { id: this.id, modules: this.data.modules ?? {}, code: this.data.cells.map((c) => c.code) };
    return this.python.startPage(page).catch(() => {});
  }

  // Instant navigation replaced this page: its queued runs are dropped and a run still going is stopped, so
  // the next page's session is not stuck behind it.
  leave() {
    this.stopStatus();
    this.left = true;
    if (this.cells.some((c) => c.busy)) this.python.stop();
  }

  createBar(firstCell) {
    const bar = element("div", { class: "nn-pagebar", role: "region", "aria-label": "Python in your browser" });
    this.statusText = element("span", { class: "nn-pagebar__status", role: "status" });
    this.progress = element("progress", { class: "nn-pagebar__progress", "aria-label": "Python download" });
    const actions = element("span", { class: "nn-pagebar__actions" }); // kept together when the bar wraps
    actions.append(
      button("Run all", () => this.runAll()),
      button("Restart", () => this.restart()),
    );
    // How to use the cells, shown from the start (a Run asked for during the boot waits for Python): the status
    // texts above it stay one line, so the bar keeps its height and the cells under it do not move (issue 13).
    this.help = element("p", { class: "nn-pagebar__help" });
    bar.append(this.statusText, this.progress, actions, this.help);
    firstCell.before(bar);
    return bar;
  }

  showStatus(status) {
    const mb = (bytes) => (bytes / 1e6).toFixed(1);
    const stopNote = this.python.interrupts
      ? "Stop ends a running cell and keeps your variables."
      : "Stop ends a running cell by restarting Python: the cells above it run again before the next one.";
    const offline = navigator.serviceWorker?.controller ? " Saved for reading offline." : "";
    this.bar.dataset.phase = status.phase;
    this.progress.dataset.idle = status.phase !== "downloading" && !status.fetching; // keeps its room (runner.css)
    this.help.hidden = status.phase === "error";
    this.help.textContent = `Edit any cell, then Run it (or Shift+Enter). ${stopNote}${offline}`;
    if (status.fetching) {
      // Python imports a standard library module the boot left out (session.py's StdlibRest): no byte counts.
      this.progress.removeAttribute("value");
      this.statusText.textContent = "Downloading more of Python…";
    } else if (status.phase === "downloading") {
      // The build knows what the boot downloads (python.downloadBytes); the responses' own lengths arrive one
      // by one (and compressed), which would show "0.1 of 0.1 MB" at first.
      const total = this.python.downloadBytes || 0;
      this.progress.max = total || 1;
      this.progress.value = Math.min(status.loaded, total);
      this.progress.toggleAttribute("value", Boolean(total)); // no total: an indeterminate bar
      const what = this.python.restarting ? "Restarting Python" : "Downloading Python";
      this.statusText.textContent = total
        ? `${what}: ${mb(Math.min(status.loaded, total))} of ${mb(total)} MB`
        : `${what}: ${mb(status.loaded)} MB`;
    } else if (status.phase === "starting") {
      this.statusText.textContent = "Starting Python…";
    } else if (status.phase === "ready" && !this.python.sessionOpen) {
      this.statusText.textContent = "Loading this page's imports…";
    } else if (status.phase === "ready") {
      this.statusText.textContent = "Python ready.";
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
    if (earlier.length)
      cell.setNote(`Running ${cellList(earlier)} first: cells share one Python session, in page order.`);
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

  // The page's modules (lenet.py) as their cells' editors show them. Every run sends them, so an edit to the
  // definition reaches the cells that `from lenet import Net`, above the definition's cell as well as below it.
  moduleCode() {
    return Object.fromEntries(this.cells.filter((c) => c.module).map((c) => [c.module, c.currentCode()]));
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

  // Anything still in flight (a runaway cell, an earlier page's run) is stopped first: Restart always ends
  // with a working session. A stop that restarted the worker opened this page's session with the new one.
  async restart() {
    const how = this.python.busy ? await this.python.stop() : null;
    if (how === "restarted") await this.python.sessionReady?.catch(() => {});
    else await this.openSession();
    for (const cell of this.cells) cell.setNote("");
    this.statusText.textContent = "Session restarted: cells run again from the top.";
  }
}

class Cell {
  constructor(page, data, root) {
    this.page = page;
    this.index = data.cell;
    this.code = data.code;
    this.graphOptions = data.graph; // the page's diagram after this cell: Show graph draws its tensor the same way
    this.root = root;
    // A cell that shows a whole snippet file the page imports (lenet.py): the module is what this editor shows
    // (see Page.moduleCode).
    const file = data.source?.split("/").pop();
    this.module = !data.section && file in (page.data.modules ?? {}) ? file : null;
    this.busy = false;
    const name = `Cell ${this.index + 1}${data.source ? ` (${data.source})` : ""}`;
    root.classList.add("nn-cell--live");
    root.setAttribute("role", "group");
    root.setAttribute("aria-label", name);

    const highlighted = root.querySelector(".highlight");
    // Material's code annotations (the notes list right after the block, read before the editor goes in between):
    // the editor shows them as markers, and the list stays for readers without JavaScript.
    this.highlighted = highlighted;
    this.noteList = annotationList(highlighted);
    this.annotations = annotationNotes(this.noteList, highlighted); // copied now: Material moves them about later
    this.name = name;
    this.editorHost = element("div", { class: "nn-editor" });
    highlighted.after(this.editorHost);
    this.editKey = `nn-edit:${location.pathname.replace(/index\.html$/, "")}#${this.index}`;
    this.editor = null; // until mountEditor
    this.source = storedEdit(this.editKey, this.code) ?? this.code; // the code to run while there is no editor
    // The reader reaching for the code brings the editors at once, with the caret where they clicked.
    highlighted.addEventListener("pointerdown", (event) => {
      this.clickedAt = { x: event.clientX, y: event.clientY };
      page.mountEditors();
    });
    highlighted.addEventListener("focusin", () => page.mountEditors());
    // An edit kept from an earlier visit shows, as plain text, until the editor takes over.
    if (this.source !== this.code) highlighted.querySelector("code").textContent = this.source;

    this.runButton = button(
      "Run",
      () => page.run(this.index),
      "Run this cell and the earlier cells it needs (Shift+Enter)",
    );
    this.stopButton = button("Stop", () => this.stop(), "Stop the running cell");
    this.stopButton.disabled = true;
    this.resetButton = button("Reset", () => this.reset(), "Restore the original code");
    this.graphButton = button("Show graph", () => this.showGraph());
    this.graphButton.hidden = true;
    this.editedMark = element(
      "span",
      { class: "nn-cell__edited", title: "Your edit is kept in this browser; Reset restores the original" },
      "edited",
    );
    this.note = element("span", { class: "nn-cell__note", role: "status" });
    const bar = element("div", { class: "nn-cell__bar" });
    // The number tracebacks (`<cell 2>`) and notes ("Ran cell 1 first") use; the group's label says it to screen readers.
    const number = element("span", { class: "nn-cell__number", "aria-hidden": "true" }, `cell ${this.index + 1}`);
    bar.append(number, this.runButton, this.stopButton, this.resetButton, this.editedMark, this.graphButton, this.note);
    this.editorHost.after(bar);
    this.markEdited(this.source);

    // The build's output block (formatters/cell.py writes one for every cell, empty when nothing printed).
    this.output = root.querySelector(".nn-output");
    this.output.setAttribute("aria-live", "polite");
    this.output.dataset.origin = "build";
    this.view = new OutputView(this.output.querySelector("code"));
    this.graph = element("figure", { class: "nn-graph", hidden: "" });
    this.output.after(this.graph);
  }

  // The editor in place of the highlighted block (kept, hidden, for readers without JavaScript), with Material's
  // code annotations as markers; focus follows if the reader was in the block or clicked it.
  mountEditor({ createEditor }) {
    const focused = this.highlighted.contains(document.activeElement);
    if (this.noteList) this.noteList.hidden = true;
    this.editor = createEditor({
      parent: this.editorHost,
      code: this.source,
      label: `Code of ${this.name}`,
      onRun: () => this.page.run(this.index),
      onChange: (code) => this.edited(code),
      annotations: this.annotations,
    });
    this.highlighted.hidden = true;
    if (this.clickedAt) {
      const at = this.editor.posAtCoords(this.clickedAt) ?? 0;
      this.editor.dispatch({ selection: { anchor: at } });
    }
    if (focused || this.clickedAt) this.editor.focus();
  }

  currentCode() {
    return this.editor ? this.editor.state.doc.toString() : this.source;
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
    if (this.page.left) return false;
    this.setBusy(true);
    this.output.dataset.origin = "browser";
    this.output.hidden = false;
    this.view.clear();
    this.graphButton.hidden = true;
    this.graph.hidden = true;
    try {
      const code = this.currentCode();
      const modules = this.page.moduleCode();
      const result = await this.page.python.run(this.index + 1, code, modules, (stream, text) =>
        this.append(stream, text),
      );
      this.page.ran.add(this.index);
      this.graphLabel = result.graph;
      this.graphButton.hidden = !result.graph;
      this.graphButton.title = result.graph ? `Draw the autograd graph of ${result.graph}` : "";
      this.root.dataset.lastRunMs = result.ms.toFixed(1);
      return result.ok;
    } catch (error) {
      if (error instanceof StoppedError) this.append("note", `${error.why ?? this.stopMessage ?? "Stopped."}\n`);
      else this.append("stderr", `${error.message}\n`);
      return false;
    } finally {
      this.view.flush();
      this.stopMessage = null;
      this.setBusy(false);
    }
  }

  append(stream, text) {
    this.view.append(stream, text);
  }

  async stop() {
    this.stopMessage = "Stopped: Python was restarted; the page's earlier cells will run again before the next cell.";
    const how = await this.page.python.stop();
    if (how === "interrupted") this.append("note", "Stopped (KeyboardInterrupt); the session keeps its state.\n");
  }

  async reset() {
    await this.page.mountEditors();
    if (this.editor) {
      this.editor.dispatch({ changes: { from: 0, to: this.editor.state.doc.length, insert: this.code } });
    } else {
      this.highlighted.querySelector("code").textContent = this.code; // no editor could load
      this.edited(this.code);
    }
  }

  edited(code) {
    this.source = code;
    storeEdit(this.editKey, this.code, code);
    this.markEdited(code);
  }

  markEdited(code) {
    this.editedMark.hidden = code === this.code;
  }

  async showGraph() {
    this.graph.hidden = false;
    this.graph.classList.add("autograd-graph"); // drawn, themed and zoomed as the build-time diagrams are
    this.graph.replaceChildren(element("figcaption", {}, "Drawing the autograd graph…"));
    try {
      const dot = await this.page.python.graphDot(this.index + 1, this.graphOptions);
      const caption = `Autograd graph of ${this.graphLabel}, drawn in your browser from the code above.`;
      this.graph.replaceChildren(...(await renderGraph(dot, caption)));
    } catch (error) {
      this.graph.replaceChildren(element("figcaption", {}, `Could not draw the graph: ${error.message}`));
    }
  }
}

// The reader's edits survive navigation and reloads: kept in localStorage per page and cell, together with the
// code they were made to, so that after the site is rebuilt with a changed snippet the new code shows, not an
// edit of the old one. Storage may be off or full: then edits last as long as the page.
function storedEdit(key, original) {
  try {
    const saved = JSON.parse(localStorage.getItem(key));
    return saved?.original === original ? saved.code : null;
  } catch {
    return null;
  }
}

function storeEdit(key, original, code) {
  try {
    if (code === original) localStorage.removeItem(key);
    else localStorage.setItem(key, JSON.stringify({ original, code }));
  } catch {
    // not kept; see storedEdit
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
