// Material's code annotations as the build wrote them: the notes list after a highlighted block. Read by page.js
// (no CodeMirror here: the page needs these before the editor module is loaded); annotations.js draws them.

// The notes of a code block as a Map number -> Element, or null when it has none. Material may already have
// mounted its own annotations on the (hidden) static block, moving each note out of its <li> into a tooltip
// there: take the note from wherever it is now, and copy it, since Material moves it back and forth (print).
export function annotationNotes(list, block) {
  if (!list) return null;
  const notes = new Map();
  for (const [i, item] of [...list.children].entries()) {
    const n = i + 1;
    const moved = block.querySelector(`[data-md-annotation-id="${n}"]`)?.closest(".md-annotation");
    const source = item.hasChildNodes() ? item : moved?.querySelector(".md-tooltip__inner");
    if (source) notes.set(n, source.cloneNode(true));
  }
  return notes;
}

// The list Material would take as a block's notes: the <ol> right after it (an empty <p> in between allowed).
export function annotationList(block) {
  let next = block.nextElementSibling;
  while (next?.tagName === "P" && !next.children.length && !next.textContent.trim()) next = next.nextElementSibling;
  return next?.tagName === "OL" ? next : null;
}
