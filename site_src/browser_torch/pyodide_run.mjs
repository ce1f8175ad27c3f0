// Runs Python files inside real Pyodide under Node.js, with the in-browser torch installed from its wheel
// through the same lockfile the site ships (so Pyodide checks the wheel's sha256, as in the browser).
//
//   node pyodide_run.mjs --pyodide DIR --lockfile FILE -- FILE [ARGS...]
//       one file: its stdout and stderr streamed, its exit status returned
//   node pyodide_run.mjs --pyodide DIR --lockfile FILE --batch < jobs.json
//       jobs {"jobs": [{"file": ..., "argv": [...]}]} in one Pyodide, each with fresh module state;
//       one JSON line {"file", "status", "stdout", "stderr"} per job on stdout
//
// DIR is node_modules/pyodide; FILE is a pyodide-lock.json from browser_torch.build.build_site_packages.
// Without --lockfile, Pyodide runs bare (its own lockfile, no torch): build.add_bytecode uses that.
// Environment variables named BROWSER_TORCH_* are passed on to Python inside Pyodide.
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

const RUNTIME_PACKAGE = "browser-torch-runtime";
// Pyodide's own folders: mounting a host folder over one of them would break the interpreter.
const PYODIDE_FOLDERS = ["/lib", "/dev", "/proc", "/home/pyodide"];

const { values: options, positionals } = parseArgs({
  options: {
    pyodide: { type: "string" },
    lockfile: { type: "string" },
    batch: { type: "boolean", default: false },
  },
  allowPositionals: true,
});

const writeAll = (fd, bytes) => {
  for (let done = 0; done < bytes.length; ) done += fs.writeSync(fd, bytes, done);
};

// Where Python's output goes: straight through, or into the current batch job's capture.
let sink = {
  stdout: (bytes) => writeAll(1, bytes),
  stderr: (bytes) => writeAll(2, bytes),
};

async function boot() {
  const { loadPyodide } = await import(pathToFileURL(path.join(options.pyodide, "pyodide.mjs")).href);
  const env = { HOME: "/home/pyodide" };
  for (const [name, value] of Object.entries(process.env)) {
    if (name.startsWith("BROWSER_TORCH_")) env[name] = value;
  }
  const pyodide = await loadPyodide({
    indexURL: options.pyodide + path.sep,
    ...(options.lockfile && { lockFileURL: path.resolve(options.lockfile) }),
    env,
  });
  for (const stream of ["stdout", "stderr"]) {
    const setter = stream === "stdout" ? pyodide.setStdout : pyodide.setStderr;
    setter.call(pyodide, {
      write(bytes) {
        sink[stream](Uint8Array.from(bytes)); // copied: Pyodide reuses its buffer
        return bytes.length;
      },
    });
  }
  if (options.lockfile) {
    await pyodide.loadPackage(RUNTIME_PACKAGE, {
      messageCallback: () => {},
      errorCallback: (message) => writeAll(2, Buffer.from(message + "\n")),
    });
  }
  const namespace = pyodide.globals.get("dict")();
  const main = new URL("./pyodide_main.py", import.meta.url);
  pyodide.runPython(fs.readFileSync(main, "utf8"), { globals: namespace, filename: main.pathname });
  return { pyodide, runFile: namespace.get("run_file") };
}

// Host folders appear inside Pyodide at the same paths, so file names in tracebacks, `open()` with paths
// relative to the working directory, and imports of the file's neighbours all behave as on the host.
function mountHostFolders(pyodide, files) {
  const mounted = [];
  const mount = (folder) => {
    if (mounted.some((outer) => folder === outer || folder.startsWith(outer + "/"))) return true;
    if (folder === "/" || PYODIDE_FOLDERS.some((own) => folder === own || folder.startsWith(own + "/"))) return false;
    pyodide.FS.mkdirTree(folder);
    pyodide.mountNodeFS(folder, folder);
    mounted.push(folder);
    return true;
  };
  const cwd = process.cwd();
  if (mount(cwd)) pyodide.FS.chdir(cwd);
  for (const file of files) {
    if (!mount(path.dirname(path.resolve(file)))) {
      throw new Error(`cannot run ${file} inside Pyodide: its folder would hide Pyodide's own files`);
    }
  }
}

async function runOne(file, argv) {
  const { pyodide, runFile } = await boot();
  mountHostFolders(pyodide, [file]);
  return runFile(file, pyodide.toPy(argv));
}

async function runBatch() {
  const { jobs } = JSON.parse(fs.readFileSync(0, "utf8"));
  const { pyodide, runFile } = await boot();
  mountHostFolders(
    pyodide,
    jobs.map((job) => job.file),
  );
  for (const job of jobs) {
    const captured = { stdout: [], stderr: [] };
    sink = { stdout: (bytes) => captured.stdout.push(bytes), stderr: (bytes) => captured.stderr.push(bytes) };
    const status = runFile(job.file, pyodide.toPy(job.argv ?? []));
    const text = (chunks) => Buffer.concat(chunks).toString("utf8");
    const result = { file: job.file, status, stdout: text(captured.stdout), stderr: text(captured.stderr) };
    writeAll(1, Buffer.from(JSON.stringify(result) + "\n"));
  }
  return 0;
}

try {
  const status = options.batch ? await runBatch() : await runOne(positionals[0], positionals.slice(1));
  process.exit(status);
} catch (error) {
  writeAll(2, Buffer.from(`browser-torch: Pyodide failed: ${error.stack ?? error}\n`));
  process.exit(2);
}
