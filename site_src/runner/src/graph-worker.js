// Lays out DOT with Graphviz compiled to WebAssembly (@viz-js/viz), off the page's main thread: a large graph can
// take Graphviz seconds or minutes, and on the main thread that froze the page (issue 14). A classic worker, so
// that importScripts can load the same viz-global.js the site ships in assets/viz/ (no second copy to download).
// graph.js starts it, times each layout and terminates it when one runs too long or fails: after a WebAssembly
// abort the instance is unusable, so a failed worker is never reused.
//
// Messages: out {ready: true} once Graphviz is loaded, or {error} if it could not be; in {id, dot}, out {id, svg}
// or {id, error}.
let viz = null;

try {
  importScripts(new URL("../viz/viz-global.js", self.location.href).href); // this file is assets/runner/
  self.Viz.instance().then(
    (instance) => {
      viz = instance;
      self.postMessage({ ready: true });
    },
    (error) => self.postMessage({ error: `the Graphviz renderer did not start: ${error.message}` }),
  );
} catch (error) {
  self.postMessage({ error: `the Graphviz renderer did not load: ${error.message}` });
}

self.onmessage = ({ data: { id, dot } }) => {
  try {
    self.postMessage({ id, svg: viz.renderString(dot, { format: "svg" }) });
  } catch (error) {
    self.postMessage({ id, error: error.message });
  }
};
