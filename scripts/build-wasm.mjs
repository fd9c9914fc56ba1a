#!/usr/bin/env node
// Builds the kernel module from the same sources (assembly/) in two builds and two flavours:
//   build/addernet.simd.wasm            SIMD128 loops         ┐ arena flavour: zero imports, the
//   build/addernet.scalar.wasm          scalar loops, MVP     ┘ model is copied into the arena
//   build/addernet-stream.simd.wasm     ┐ stream flavour: one import, addernet.read_model; the
//   build/addernet-stream.scalar.wasm   ┘ model stays outside linear memory (docs/ABI.md)
// and the WASI command builds (assembly/wasi/): build/addernet-wasi[-stream].<build>.wasm, and
// the float reference's SIMD window sums (assembly/float/): build/float-reference.wasm.
// Compiler options are in asconfig.json (targets "simd" and "scalar"); the WASI and float
// reference builds have their own beside their sources.
//
//   node scripts/build-wasm.mjs [--arena-bytes N] [--out PATH] [--build simd|scalar] [--flavour arena|stream]
//
// --arena-bytes sets the arena (default 4 MiB); with --out, only one kernel (--build, default
// simd; --flavour, default arena) is written to PATH, e.g. a module right-sized for one model.
// A kernel's linear memory is fixed: initial = maximum = the fewest 64 KiB pages holding
// all static data, which ends with the arena at __heap_base. The float reference's has no
// maximum: the host grows it to hold a graph's layers.
import asc from "assemblyscript/asc";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const PAGE = 65536;
const DEFAULT_ARENA_BYTES = 4 << 20;
const BUILDS = ["simd", "scalar"];
const FLAVOURS = ["arena", "stream"];
/** The one import of the stream flavour. */
const STREAM_IMPORT = { module: "addernet", name: "read_model", kind: "function" };
const flavourArgs = (flavour) => (flavour === "stream" ? ["--use", "STREAM_MODEL=1"] : []);

/** File name of a kernel: addernet.<build>.wasm, addernet-stream.<build>.wasm. */
export function kernelFileName(build, flavour = "arena") {
  return `addernet${flavour === "stream" ? "-stream" : ""}.${build}.wasm`;
}

/**
 * Compile one target; returns the module bytes or throws with the compiler's output. `readFile`
 * (asc's hook: file name and base directory → text, null when missing) replaces reading sources
 * from disk, for a test that compiles a changed copy of one file.
 */
export async function compile(build, extraArgs, config = "asconfig.json", readFile = undefined) {
  let binary = null;
  const errors = [];
  const { error } = await asc.main(
    ["--baseDir", root, "--config", config, "--target", build, "--outFile", "kernel.wasm", ...extraArgs],
    {
      readFile,
      writeFile(name, contents) {
        if (name.endsWith(".wasm")) binary = contents;
      },
      stdout: asc.createMemoryStream(),
      stderr: asc.createMemoryStream((chunk) => errors.push(String(chunk))),
    },
  );
  if (error || !binary) throw new Error(`asc failed for the ${build} build:\n${errors.join("")}${error ?? ""}`);
  return binary;
}

function exportedValue(instance, name) {
  const v = instance.exports[name];
  return typeof v === "function" ? v() : v.value;
}

/** Imports that stand in for the stream flavour's read_model when only exports are inspected. */
const inertImports = (flavour) => (flavour === "stream" ? { addernet: { read_model: () => 1 } } : {});

/** Build one kernel with a fixed memory size and check the ABI's invariants. */
export async function buildKernel(build, arenaBytes = DEFAULT_ARENA_BYTES, flavour = "arena") {
  if (!BUILDS.includes(build)) throw new Error(`unknown build "${build}" (expected ${BUILDS.join(" or ")})`);
  if (!FLAVOURS.includes(flavour)) throw new Error(`unknown flavour "${flavour}" (expected ${FLAVOURS.join(" or ")})`);
  if (!Number.isInteger(arenaBytes) || arenaBytes < 16 || arenaBytes % 16 !== 0) {
    throw new Error(`--arena-bytes must be a positive multiple of 16, found ${arenaBytes}`);
  }
  const use = ["--use", `ARENA_BYTES=${arenaBytes}`, ...flavourArgs(flavour)];
  // first pass: where does static data end?
  const probe = await WebAssembly.instantiate(await compile(build, use), inertImports(flavour));
  const heapBase = exportedValue(probe.instance, "__heap_base") >>> 0;
  const pages = Math.ceil(heapBase / PAGE);
  const binary = await compile(build, [...use, "--initialMemory", String(pages), "--maximumMemory", String(pages)]);

  const module = await WebAssembly.compile(binary);
  const imports = WebAssembly.Module.imports(module);
  const expected = flavour === "stream" ? [STREAM_IMPORT] : [];
  if (JSON.stringify(imports) !== JSON.stringify(expected)) {
    throw new Error(`${build} ${flavour} build: imports ${JSON.stringify(imports)}, expected ${JSON.stringify(expected)}`);
  }
  const { exports } = await WebAssembly.instantiate(module, inertImports(flavour));
  const arenaEnd = (exports.arena_ptr() >>> 0) + (exports.arena_size() >>> 0);
  if (arenaEnd !== heapBase) {
    throw new Error(`${build} build: the arena must end at __heap_base (${heapBase}), it ends at ${arenaEnd}`);
  }
  if (exports.memory.buffer.byteLength !== pages * PAGE) throw new Error(`${build} build: memory is not ${pages} pages`);
  return { binary, pages, heapBase };
}

/**
 * The WASI command build (assembly/wasi/main.ts): the same engine behind a
 * `_start` that reads <model> <input> <output> files; imports WASI only. Its stream
 * flavour reads the model file in slices (fd_pread) instead of into the arena.
 */
export async function buildWasi(build, flavour = "arena") {
  const streamArgs = flavour === "stream" ? [...flavourArgs(flavour), "--use", "WASI_MODEL_FILE=1"] : [];
  const binary = await compile(build, streamArgs, "assembly/wasi/asconfig.json");
  const imports = WebAssembly.Module.imports(await WebAssembly.compile(binary));
  const foreign = imports.filter((i) => i.module !== "wasi_snapshot_preview1");
  if (foreign.length !== 0) throw new Error(`WASI ${build} build imports more than WASI: ${JSON.stringify(foreign)}`);
  return binary;
}

/** The float reference's exports (assembly/float/reference.ts), which src/graph/float_kernel.ts calls. */
const FLOAT_REFERENCE_EXPORTS = ["__heap_base", "dot", "finish", "im2col", "memory", "sad"];

/**
 * The float reference's module (assembly/float/): SIMD only, zero imports, and a memory the
 * host grows from __heap_base on (no maximum).
 */
export async function buildFloatReference() {
  const binary = await compile("simd", [], "assembly/float/asconfig.json");
  const module = await WebAssembly.compile(binary);
  const imports = WebAssembly.Module.imports(module);
  if (imports.length !== 0) throw new Error(`float reference: imports ${JSON.stringify(imports)}, expected none`);
  const names = WebAssembly.Module.exports(module).map((e) => e.name).sort();
  if (JSON.stringify(names) !== JSON.stringify(FLOAT_REFERENCE_EXPORTS)) {
    throw new Error(`float reference: exports ${names.join(", ")}, expected ${FLOAT_REFERENCE_EXPORTS.join(", ")}`);
  }
  const { exports } = await WebAssembly.instantiate(module);
  try {
    exports.memory.grow(64); // the host grows it to hold the layers' weights: 4 MiB and more
  } catch (e) {
    throw new Error(`float reference: its memory must grow on the host's request: ${e.message}`);
  }
  return binary;
}

async function main() {
  const { values } = parseArgs({
    options: {
      "arena-bytes": { type: "string" },
      out: { type: "string" },
      build: { type: "string" },
      flavour: { type: "string" },
    },
  });
  const arenaBytes = values["arena-bytes"] === undefined ? DEFAULT_ARENA_BYTES : Number(values["arena-bytes"]);
  const targets = values.out
    ? [{ build: values.build ?? "simd", flavour: values.flavour ?? "arena", path: resolve(values.out) }]
    : FLAVOURS.flatMap((flavour) => BUILDS.map((build) => ({ build, flavour, path: resolve(root, "build", kernelFileName(build, flavour)) })));
  for (const { build, flavour, path } of targets) {
    const { binary, pages, heapBase } = await buildKernel(build, arenaBytes, flavour);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, binary);
    console.log(`${path}: ${binary.length} bytes (${(binary.length / 1024).toFixed(1)} KiB), ` +
      `memory ${pages} pages, arena ${arenaBytes} bytes, __heap_base ${heapBase}`);
  }
  if (!values.out) {
    for (const flavour of FLAVOURS) {
      for (const build of BUILDS) {
        const path = resolve(root, "build", `addernet-wasi${flavour === "stream" ? "-stream" : ""}.${build}.wasm`);
        const binary = await buildWasi(build, flavour);
        writeFileSync(path, binary);
        console.log(`${path}: ${binary.length} bytes (WASI command)`);
      }
    }
    const path = resolve(root, "build", "float-reference.wasm");
    const binary = await buildFloatReference();
    writeFileSync(path, binary);
    console.log(`${path}: ${binary.length} bytes (float reference)`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
