// Draws DOT text as SVG with Graphviz compiled to WebAssembly (@viz-js/viz), loaded on first use only: most
// readers never press "Show graph", and the renderer is over a megabyte.
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

export async function renderGraph(dot) {
  return (await loadViz()).renderSVGElement(dot);
}
