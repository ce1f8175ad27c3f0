// Draws DOT text as SVG with Graphviz compiled to WebAssembly (@viz-js/viz), loaded on first use only: most
// readers never press "Show graph", and the renderer is over a megabyte. The drawing goes into the markup the
// build gives its diagrams (tutorial_site/formatters/graph.py), so grad_graph's graph.css themes it and its
// graph.js adds the zoom and the node paths, as on the build-time diagrams.
import { ASSETS_URL } from "./assets-url.js";

let viz = null;

function loadViz() {
  viz ??= new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = new URL("viz/viz-global.js", ASSETS_URL).href;
    script.onload = () => resolve(self.Viz.instance());
    script.onerror = () => reject(new Error("the Graphviz renderer did not load"));
    document.head.append(script);
  });
  return viz;
}

// The children of a figure.autograd-graph: the drawing in its viewport, and the caption with the line where
// graph.js shows the path to the node the reader picks.
export async function renderGraph(dot, caption) {
  const svg = (await loadViz()).renderSVGElement(dot);
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
  const path = document.createElement("span");
  path.className = "ag-path";
  path.setAttribute("aria-live", "polite");
  figcaption.append(caption, path);
  return [viewport, figcaption];
}
