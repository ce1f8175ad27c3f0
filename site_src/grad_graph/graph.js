// Autograd graphs (grad_graph): clicking, tapping or tabbing to a node shows
// the Python that reaches it from the root (loss.grad_fn.next_functions[0][0]...)
// under the diagram. Delegated from the document, so it also serves graphs the
// page runner draws later and survives Material's instant navigation.
(() => {
  const XLINK = "http://www.w3.org/1999/xlink";

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

  document.addEventListener("click", show);
  document.addEventListener("focusin", show);
})();
