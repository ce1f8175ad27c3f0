// The runner's build: bundles src/ with esbuild into the folder given as the only argument.
//
//   npm run build:runner -- OUT_DIR      (the site's plugin runs this: tutorial_site/assets.py, cached there by a
//                                         digest of site_src/runner/ and package-lock.json)
//
// Outputs: runner.js (page controller), editor.js (CodeMirror, which runner.js loads when needed), boot.js (starts
// the worker early) and sitemap.js (the page list for instant navigation), both inlined into <head> by the plugin,
// worker.js (the Python worker) and graph-worker.js (lays graphs out off the main thread).
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const SRC = fileURLToPath(new URL("./src/", import.meta.url));
const COMMON = { bundle: true, minify: true, target: "es2022", logLevel: "warning" };

// The page scripts are classic (mkdocs' extra_javascript; boot.js and sitemap.js inline in <head>), the worker is
// a module worker. The inline scripts have no source map: inline, they have no URL for one to sit next to.
export const ENTRIES = [
  { entry: "main.js", outfile: "runner.js", format: "iife", sourcemap: true },
  { entry: "editor.js", outfile: "editor.js", format: "esm", sourcemap: true },
  { entry: "boot.js", outfile: "boot.js", format: "iife" },
  { entry: "sitemap.js", outfile: "sitemap.js", format: "iife" },
  { entry: "worker.js", outfile: "worker.js", format: "esm", sourcemap: true, loader: { ".py": "text" } },
  // A classic worker: it loads assets/viz/viz-global.js with importScripts (graph.js).
  { entry: "graph-worker.js", outfile: "graph-worker.js", format: "iife" },
];

export async function build(outDir) {
  await mkdir(outDir, { recursive: true });
  await Promise.all(
    ENTRIES.map(({ entry, outfile, ...options }) =>
      esbuild.build({ ...COMMON, ...options, entryPoints: [join(SRC, entry)], outfile: join(outDir, outfile) }),
    ),
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const outDir = process.argv[2];
  if (!outDir || process.argv.length > 3) {
    console.error("usage: node site_src/runner/build.mjs OUT_DIR");
    process.exit(2);
  }
  try {
    await build(outDir);
  } catch {
    process.exit(1); // esbuild has printed the errors (logLevel "warning")
  }
}
