// The cell editor: CodeMirror 6 with Python, coloured with Material's own code-highlighting variables so an
// editor looks like the highlighted block it replaces, in the light and the dark palette alike. Its own module
// (assets/runner/editor.js), which page.js loads after the page's first output or when the reader reaches for it.
import { defaultKeymap, history, historyKeymap, indentLess, indentMore } from "@codemirror/commands";
import { python } from "@codemirror/lang-python";
import { HighlightStyle, bracketMatching, indentOnInput, syntaxHighlighting } from "@codemirror/language";
import { EditorState } from "@codemirror/state";
import { EditorView, drawSelection, highlightActiveLine, keymap, lineNumbers } from "@codemirror/view";
import { tags } from "@lezer/highlight";
import { codeAnnotations } from "./annotations.js";

const materialHighlight = HighlightStyle.define([
  {
    tag: [tags.keyword, tags.controlKeyword, tags.definitionKeyword, tags.moduleKeyword],
    color: "var(--md-code-hl-keyword-color)",
  },
  { tag: [tags.string, tags.special(tags.string)], color: "var(--md-code-hl-string-color)" },
  { tag: [tags.number, tags.bool, tags.null], color: "var(--md-code-hl-number-color)" },
  { tag: tags.comment, color: "var(--md-code-hl-comment-color)", fontStyle: "italic" },
  {
    tag: [tags.function(tags.variableName), tags.function(tags.propertyName)],
    color: "var(--md-code-hl-function-color)",
  },
  { tag: [tags.definition(tags.className), tags.className], color: "var(--md-code-hl-constant-color)" },
  { tag: [tags.operator, tags.operatorKeyword], color: "var(--md-code-hl-operator-color)" },
  { tag: [tags.punctuation, tags.bracket], color: "var(--md-code-hl-punctuation-color)" },
  { tag: tags.self, color: "var(--md-code-hl-special-color)" },
]);

const materialTheme = EditorView.theme({
  "&": { color: "var(--md-code-fg-color)", backgroundColor: "var(--md-code-bg-color)", fontSize: "inherit" },
  ".cm-content": { fontFamily: "var(--md-code-font-family)", caretColor: "var(--md-code-fg-color)" },
  ".cm-cursor": { borderLeftColor: "var(--md-code-fg-color)" },
  ".cm-gutters": {
    backgroundColor: "var(--md-code-bg-color)",
    color: "var(--md-default-fg-color--light)",
    borderRight: "1px solid var(--md-default-fg-color--lightest)",
  },
  ".cm-activeLine, .cm-activeLineGutter": { backgroundColor: "var(--md-code-hl-color--light, transparent)" },
  "&.cm-focused .cm-selectionBackground, .cm-selectionBackground, ::selection": {
    backgroundColor: "var(--md-code-hl-color)",
  },
});

// `onRun` is bound to Shift+Enter (as in Jupyter) and Ctrl/Cmd+Enter. Tab is left to move focus (keyboard users
// must be able to leave the editor); indentation is on Ctrl/Cmd+] and Ctrl/Cmd+[, and Enter keeps the current
// indentation. `onChange` gets the code after each edit. `annotations` (optional): the block's Material code
// annotations, a Map number -> Element or HTML, shown as markers in place of their `# (N)!` comments.
export function createEditor({ parent, code, label, onRun, onChange, annotations }) {
  const run = () => {
    onRun();
    return true;
  };
  const runKeys = [
    { key: "Shift-Enter", run, preventDefault: true },
    { key: "Mod-Enter", run, preventDefault: true },
  ];
  return new EditorView({
    parent,
    state: EditorState.create({
      doc: code,
      extensions: [
        lineNumbers(),
        history(),
        drawSelection(),
        highlightActiveLine(),
        indentOnInput(),
        bracketMatching(),
        python(),
        syntaxHighlighting(materialHighlight),
        materialTheme,
        keymap.of([
          ...runKeys,
          { key: "Mod-]", run: indentMore },
          { key: "Mod-[", run: indentLess },
          ...defaultKeymap,
          ...historyKeymap,
        ]),
        EditorView.contentAttributes.of({ "aria-label": label }),
        annotations?.size ? codeAnnotations(annotations) : [],
        EditorView.updateListener.of((update) => update.docChanged && onChange?.(update.state.doc.toString())),
      ],
    }),
  });
}
