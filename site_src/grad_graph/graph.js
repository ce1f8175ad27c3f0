// Autograd graphs (grad_graph), drawn at build time or live by the page runner, in the same markup: a
// figure.autograd-graph holding a .ag-viewport with the SVG and a caption with an .ag-path line.
// - Clicking, tapping or tabbing to a node shows the Python that reaches it from the root
//   (loss.grad_fn.next_functions[0][0]...) under the diagram.
// - Each graph gets zoom buttons; a mouse drag pans it (touch screens pan and pinch natively), and it opens
//   with its root, where backward() starts, in view.
// - Node text that the reader's font draws wider than Graphviz measured is condensed to fit its box.
// Events are delegated from the document and figures are set up as they appear, so graphs the runner draws
// later and pages reached by Material's instant navigation are served too.
(() => {
  const XLINK = "http://www.w3.org/1999/xlink";
  const PX_PER_PT = 4 / 3; // Graphviz sizes its drawing in points
  const ZOOM_STEP = 1.25;
  const MAX_ZOOM = 3;
  const TEXT_INSET = 4; // points kept between a node's text and its border

  // Graphviz writes the DOT tooltip as xlink:title on an <a> inside the node;
  // the build-time SVG also copies it into the node's <title>.
  function nodeText(node) {
    const anchor = node.querySelector("a");
    const tooltip = anchor?.getAttributeNS(XLINK, "title");
    if (tooltip) return tooltip;
    const title = node.querySelector("title");
    return title ? title.textContent : "";
  }

  function show(event) {
    const node = event.target.closest?.(".autograd-graph g.node");
    if (!node) return;
    const figure = node.closest(".autograd-graph");
    figure.querySelectorAll("g.node.ag-selected").forEach((n) => {
      n.classList.remove("ag-selected");
    });
    node.classList.add("ag-selected");
    const output = figure.querySelector(".ag-path");
    if (output) output.textContent = nodeText(node);
  }

  // Zoom is the drawing's width over its width at 100%, Graphviz's size in points.
  const fullWidth = (svg) => svg.viewBox.baseVal.width * PX_PER_PT;
  const zoomOf = (svg) => svg.getBoundingClientRect().width / fullWidth(svg);
  // The smallest zoom shows the whole width (and never enlarges a graph narrower than the column).
  const fitZoom = (viewport, svg) => Math.min(1, viewport.clientWidth / fullWidth(svg));

  function setZoom(figure, zoom) {
    const viewport = figure.querySelector(".ag-viewport");
    const svg = viewport.querySelector("svg");
    zoom = Math.min(MAX_ZOOM, Math.max(fitZoom(viewport, svg), zoom));
    // The point of the graph in the middle of what the reader sees stays there.
    const view = viewport.getBoundingClientRect();
    const before = svg.getBoundingClientRect();
    const x = (Math.max(view.left, before.left) + Math.min(view.right, before.right)) / 2;
    const y = (Math.max(0, before.top) + Math.min(window.innerHeight, before.bottom)) / 2;
    const fx = (x - before.left) / before.width;
    const fy = (y - before.top) / before.height;
    svg.style.width = `${fullWidth(svg) * zoom}px`;
    svg.style.maxWidth = "none"; // the drawn size caps only the default view
    const after = svg.getBoundingClientRect();
    viewport.scrollLeft += after.left + fx * after.width - x;
    window.scrollBy(0, after.top + fy * after.height - y);
    showZoom(figure);
  }

  function showZoom(figure) {
    const svg = figure.querySelector(".ag-viewport svg");
    figure.querySelector(".ag-zoom__level").textContent = `${Math.round(zoomOf(svg) * 100)}%`;
  }

  function zoomButton(text, label, zoomFor) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "ag-zoom__button";
    button.textContent = text;
    button.title = label;
    button.setAttribute("aria-label", label);
    button.addEventListener("click", () => {
      const figure = button.closest(".autograd-graph");
      const viewport = figure.querySelector(".ag-viewport");
      const svg = viewport.querySelector("svg");
      setZoom(figure, zoomFor(zoomOf(svg), viewport, svg));
    });
    return button;
  }

  function zoomBar() {
    const bar = document.createElement("div");
    bar.className = "ag-zoom";
    bar.setAttribute("role", "toolbar");
    bar.setAttribute("aria-label", "Zoom the graph");
    const level = document.createElement("output");
    level.className = "ag-zoom__level";
    level.setAttribute("aria-label", "Zoom");
    bar.append(
      level,
      zoomButton("−", "Zoom out", (zoom) => zoom / ZOOM_STEP),
      zoomButton("+", "Zoom in", (zoom) => zoom * ZOOM_STEP),
      zoomButton("Fit", "Fit the graph to the width", (_zoom, viewport, svg) => fitZoom(viewport, svg)),
    );
    return bar;
  }

  // Graphviz sized and placed each node's text in the font it measured (graph.css asks for the same family). A
  // system without that font or a metric twin draws some text wider, out of its box: centre that text in the
  // box, and condense it if it is still too wide.
  function fitText(svg) {
    for (const node of svg.querySelectorAll("g.node")) {
      const box = node.querySelector("path, polygon")?.getBBox();
      if (!box) continue;
      const left = box.x + TEXT_INSET;
      const right = box.x + box.width - TEXT_INSET;
      for (const text of node.querySelectorAll("text")) {
        const drawn = text.getBBox();
        if (drawn.x >= left && drawn.x + drawn.width <= right) continue;
        text.setAttribute("x", box.x + box.width / 2);
        text.setAttribute("text-anchor", "middle");
        if (text.getComputedTextLength() > right - left) {
          text.setAttribute("textLength", right - left);
          text.setAttribute("lengthAdjust", "spacingAndGlyphs");
        }
      }
    }
  }

  function scrollRootIntoView(viewport, svg) {
    const root = svg.querySelector("g.ag-root");
    if (!root) return;
    const node = root.getBoundingClientRect();
    const view = viewport.getBoundingClientRect();
    viewport.scrollLeft += node.left + node.width / 2 - (view.left + view.width / 2);
  }

  function setUp(figure) {
    const viewport = figure.querySelector(".ag-viewport");
    const svg = viewport?.querySelector("svg");
    if (!svg?.viewBox.baseVal?.width || figure.querySelector(".ag-zoom")) return;
    fitText(svg);
    viewport.before(zoomBar());
    scrollRootIntoView(viewport, svg);
    // The default width follows the column: the level changes as the window does (and shows once a figure
    // that was hidden appears).
    new ResizeObserver(() => showZoom(figure)).observe(svg);
  }

  function setUpAll() {
    document.querySelectorAll(".autograd-graph").forEach(setUp);
  }

  const holdsGraph = (node) =>
    node.nodeType === Node.ELEMENT_NODE && (node.matches(".ag-viewport") || node.querySelector(".ag-viewport"));
  new MutationObserver((records) => {
    if (records.some((record) => [...record.addedNodes].some(holdsGraph))) setUpAll();
  }).observe(document.body, { childList: true, subtree: true });
  setUpAll();

  // A mouse drag pans: the viewport sideways, the page up and down. Touch keeps the browser's own pan and pinch.
  let drag = null;
  document.addEventListener("pointerdown", (event) => {
    const viewport = event.target.closest?.(".ag-viewport");
    if (viewport && event.pointerType === "mouse" && event.button === 0) {
      drag = { viewport, x: event.clientX, y: event.clientY, panned: false };
    }
  });
  document.addEventListener("pointermove", (event) => {
    if (!drag) return;
    const dx = event.clientX - drag.x;
    const dy = event.clientY - drag.y;
    if (!drag.panned && Math.hypot(dx, dy) < 4) return; // a click that wobbled, not a drag
    if (!drag.panned) {
      drag.panned = true;
      drag.viewport.classList.add("ag-panning");
      window.getSelection()?.removeAllRanges(); // the press started a text selection
    }
    drag.viewport.scrollLeft -= dx;
    window.scrollBy(0, -dy);
    drag.x = event.clientX;
    drag.y = event.clientY;
  });
  function endDrag() {
    if (!drag) return;
    drag.viewport.classList.remove("ag-panning");
    drag = null;
  }
  document.addEventListener("pointerup", endDrag);
  document.addEventListener("pointercancel", endDrag);

  document.addEventListener("click", show);
  document.addEventListener("focusin", show);
})();
