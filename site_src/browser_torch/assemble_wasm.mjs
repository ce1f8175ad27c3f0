// node assemble_wasm.mjs IN.wat OUT.wasm: WebAssembly text to binary with wabt (npm), SIMD enabled.
// The wheel build runs it on torch/_kernels/kernels.wat (browser_torch/build.py).
import { readFileSync, writeFileSync } from "node:fs";
import wabtModule from "wabt";

const [source, target] = process.argv.slice(2);
const wabt = await wabtModule();
const module = wabt.parseWat(source, readFileSync(source, "utf8"), { simd: true });
module.validate();
writeFileSync(target, module.toBinary({}).buffer);
