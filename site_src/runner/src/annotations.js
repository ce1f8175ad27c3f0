// Material's code annotations, in the editor. On static code Material turns a `# (1)!` comment into a round (+)
// marker that opens note 1 of the list the build places after the block; the runner hides that block behind an
// editor, so this draws the same markers there. Only the view changes: the comment stays in the document, so the
// code that runs is the code the build ran.
import { syntaxTree } from "@codemirror/language";
import { Prec, StateEffect, StateField } from "@codemirror/state";
import { Decoration, ViewPlugin, WidgetType, keymap, showTooltip } from "@codemirror/view";

const MARKER = /^#\s*\((\d+)\)!$/; // Material's syntax: the whole comment is the marker

// The open note, as the tooltip showing it (one at a time, as in Material), or null.
const setOpen = StateEffect.define();
const openNote = StateField.define({
  create: () => null,
  update(open, tr) {
    for (const effect of tr.effects) if (effect.is(setOpen)) return effect.value;
    return tr.docChanged ? null : open; // an edit may have moved or removed its marker
  },
  provide: (field) => showTooltip.from(field),
});

function close(view) {
  if (!view.state.field(openNote)) return false;
  // Focus in the note (on a link) goes back to the marker it came from, rather than to the page's start.
  if (document.activeElement?.closest(".nn-annotation__note")) {
    view.contentDOM.querySelector('.nn-annotation[aria-expanded="true"]')?.focus();
  }
  view.dispatch({ effects: setOpen.of(null) });
  return true;
}

// Focus that leaves both the open marker and its note closes it, as Material's tooltips close on blur.
function closeOnLeave(view, event) {
  const to = event.relatedTarget;
  if (view.state.field(openNote) && !to?.closest?.(".nn-annotation, .nn-annotation__note")) {
    view.dispatch({ effects: setOpen.of(null) });
  }
}

let noteIds = 0;
const FOCUSABLE = "a[href], button, input, [tabindex]";

function noteTooltip(notes, n, pos) {
  const id = `nn-annotation-${++noteIds}`; // the marker's aria-controls
  return {
    pos,
    id,
    create(view) {
      const dom = document.createElement("div");
      dom.className = "nn-annotation__note md-typeset";
      dom.id = id;
      dom.setAttribute("role", "note");
      dom.setAttribute("aria-label", `Annotation ${n}`);
      const note = notes.get(n);
      if (typeof note === "string") dom.innerHTML = note;
      else dom.append(...[...note.childNodes].map((child) => child.cloneNode(true)));
      dom.addEventListener("keydown", (event) => {
        if (event.key === "Escape" && close(view)) event.preventDefault();
        else if (event.key === "Tab" && event.shiftKey && event.target === dom.querySelector(FOCUSABLE)) {
          event.preventDefault(); // back to the marker, the note's place in the reading order
          view.contentDOM.querySelector('.nn-annotation[aria-expanded="true"]')?.focus();
        }
      });
      dom.addEventListener("focusout", (event) => closeOnLeave(view, event));
      return { dom };
    },
  };
}

class Marker extends WidgetType {
  // `noteId`: the id of this marker's note while it is open, else null.
  constructor(notes, n, noteId) {
    super();
    this.notes = notes;
    this.n = n;
    this.noteId = noteId;
  }

  eq(other) {
    return other.n === this.n && other.noteId === this.noteId;
  }

  // A marker that only opens or closes keeps its element, and so keeps the keyboard focus.
  updateDOM(dom) {
    if (dom.dataset.note !== String(this.n)) return false;
    dom.setAttribute("aria-expanded", String(this.noteId !== null));
    this.noteId ? dom.setAttribute("aria-controls", this.noteId) : dom.removeAttribute("aria-controls");
    return true;
  }

  toDOM(view) {
    const marker = document.createElement("button");
    marker.type = "button";
    marker.className = "nn-annotation";
    marker.setAttribute("aria-label", `Annotation ${this.n}`);
    marker.dataset.note = this.n;
    this.updateDOM(marker);
    // The position is read at the click: edits before the marker move it without rebuilding the element.
    marker.addEventListener("click", () => {
      const pos = view.posAtDOM(marker);
      const open = view.state.field(openNote);
      view.dispatch({ effects: setOpen.of(open?.pos === pos ? null : noteTooltip(this.notes, this.n, pos)) });
    });
    marker.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && close(view)) event.preventDefault();
      else if (event.key === "Tab" && !event.shiftKey) {
        // The note is drawn outside the code, where Tab would reach it only after the later markers: an open
        // note's link comes next, as it does in Material's annotations.
        const inNote = document.getElementById(marker.getAttribute("aria-controls"))?.querySelector(FOCUSABLE);
        if (inNote) {
          event.preventDefault();
          inNote.focus();
        }
      }
    });
    marker.addEventListener("focusout", (event) => {
      const open = view.state.field(openNote);
      if (open && open.pos === view.posAtDOM(marker)) closeOnLeave(view, event);
    });
    return marker;
  }

  ignoreEvent() {
    return true; // clicks and keys on the marker are its own, not the editor's
  }
}

// Markers for the `# (N)!` comments that have a note N; any other comment stays plain text.
function markers(view, notes) {
  const open = view.state.field(openNote);
  const ranges = [];
  for (const { from, to } of view.visibleRanges) {
    syntaxTree(view.state).iterate({
      from,
      to,
      enter(node) {
        if (node.name !== "Comment") return;
        const n = Number(MARKER.exec(view.state.doc.sliceString(node.from, node.to))?.[1]);
        if (!notes.has(n)) return;
        const widget = new Marker(notes, n, open?.pos === node.from ? open.id : null);
        ranges.push(Decoration.replace({ widget }).range(node.from, node.to));
      },
    });
  }
  return Decoration.set(ranges);
}

// `notes`: Map number -> Element (its content is shown) or HTML string.
export function codeAnnotations(notes) {
  const plugin = ViewPlugin.fromClass(
    class {
      constructor(view) {
        this.decorations = markers(view, notes);
      }

      update(update) {
        const reparsed = syntaxTree(update.state) !== syntaxTree(update.startState);
        const toggled = update.state.field(openNote) !== update.startState.field(openNote);
        if (update.docChanged || update.viewportChanged || reparsed || toggled)
          this.decorations = markers(update.view, notes);
      }
    },
    { decorations: (plugin) => plugin.decorations },
  );
  return [openNote, plugin, Prec.high(keymap.of([{ key: "Escape", run: close }]))];
}
