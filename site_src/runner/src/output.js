// A cell's output as it streams in from Python. However fast a cell prints, the page draws at most once per
// animation frame, and keeps a bounded amount: past HEAD_LINES + TAIL_LINES lines the middle is folded into
// "… N lines hidden" with a button that shows them, and past KEEP_CHARS the oldest folded text is dropped, so
// a print loop can neither freeze the tab (and with it the Stop button) nor take its memory.
const HEAD_LINES = 100;
const TAIL_LINES = 400;
const KEEP_CHARS = 4_000_000;

export class OutputView {
  constructor(code) {
    this.code = code; // the <code> of the cell's output block
    this.clear();
  }

  clear() {
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = null;
    this.head = []; // {stream, text} up to the end of line HEAD_LINES, then frozen
    this.headLines = 0;
    this.body = []; // everything after the head
    this.bodyLines = 0;
    this.bodyChars = 0;
    this.dropped = 0; // lines of the body no longer kept
    this.expanded = false;
    this.drawn = null; // {head, body}: segments already in the DOM while nothing is folded
    this.code.replaceChildren();
  }

  append(stream, text) {
    if (!text) return;
    let rest = text;
    if (this.headLines < HEAD_LINES) {
      const cut = endOfLine(rest, HEAD_LINES - this.headLines);
      this.head.push({ stream, text: rest.slice(0, cut) });
      this.headLines += countLines(rest.slice(0, cut));
      rest = rest.slice(cut);
    }
    if (rest) {
      this.body.push({ stream, text: rest });
      this.bodyLines += countLines(rest);
      this.bodyChars += rest.length;
      if (this.bodyChars > KEEP_CHARS) this.dropOldest();
    }
    this.frame ??= requestAnimationFrame(() => this.draw());
  }

  // Draws what is pending now (the end of a run must not wait for the next frame).
  flush() {
    if (this.frame) {
      cancelAnimationFrame(this.frame);
      this.draw();
    }
  }

  get folded() {
    return !this.expanded && (this.dropped > 0 || this.bodyLines > TAIL_LINES);
  }

  draw() {
    this.frame = null;
    if (this.folded) {
      this.drawn = null;
      const tail = lastLines(this.body, TAIL_LINES);
      this.code.replaceChildren(
        ...this.head.map(span),
        this.foldMarker(this.bodyLines - countAll(tail)),
        ...tail.map(span),
      );
      return;
    }
    // Unfolded: append only what is new since the last frame.
    if (!this.drawn) {
      this.code.replaceChildren();
      if (this.dropped)
        this.head = [...this.head, { stream: "note", text: `… ${this.dropped} lines no longer kept\n` }];
      this.drawn = { head: 0, body: 0 };
    }
    this.code.append(...this.head.slice(this.drawn.head).map(span), ...this.body.slice(this.drawn.body).map(span));
    this.drawn = { head: this.head.length, body: this.body.length };
  }

  foldMarker(hidden) {
    const marker = document.createElement("span");
    marker.className = "nn-output__fold";
    const gone = this.dropped ? ` (the first ${this.dropped.toLocaleString()} are no longer kept)` : "";
    marker.append(`… ${(hidden + this.dropped).toLocaleString()} lines hidden${gone} `);
    const show = document.createElement("button");
    show.type = "button";
    show.className = "nn-output__show-all";
    show.textContent = "Show all";
    show.addEventListener("click", () => {
      this.expanded = true;
      this.draw();
    });
    marker.append(show, "\n");
    return marker;
  }

  dropOldest() {
    while (this.bodyChars > KEEP_CHARS * 0.75 && this.body.length > 1) {
      const { text } = this.body.shift();
      this.bodyChars -= text.length;
      this.bodyLines -= countLines(text);
      this.dropped += countLines(text);
    }
  }
}

function span({ stream, text }) {
  const node = document.createElement("span");
  node.className = `nn-output__${stream}`;
  node.textContent = text;
  return node;
}

function countLines(text) {
  let lines = 0;
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) lines++;
  return lines;
}

function countAll(segments) {
  return segments.reduce((lines, segment) => lines + countLines(segment.text), 0);
}

// The index just past the n-th newline of text, or its length if it has fewer.
function endOfLine(text, n) {
  let at = -1;
  for (let i = 0; i < n; i++) {
    at = text.indexOf("\n", at + 1);
    if (at === -1) return text.length;
  }
  return at + 1;
}

// The last n lines of segments, cut at a line start (a final newline ends the last line, it starts none).
function lastLines(segments, n) {
  let skip = segments.at(-1)?.text.endsWith("\n") ? 1 : 0;
  let newlines = 0;
  for (let i = segments.length - 1; i >= 0; i--) {
    const { stream, text } = segments[i];
    for (let at = text.lastIndexOf("\n"); at !== -1; at = at ? text.lastIndexOf("\n", at - 1) : -1) {
      if (skip) {
        skip = 0;
        continue;
      }
      if (++newlines === n) return [{ stream, text: text.slice(at + 1) }, ...segments.slice(i + 1)];
    }
  }
  return segments.slice();
}
