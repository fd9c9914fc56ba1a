// Right-sized kernel modules: the kernel rewritten for one model, its arena exactly what
// the model needs and its memory the fewest pages that hold it (initial = maximum), so
// WAMR, which trims a module that never grows memory to __heap_base, allocates the
// module's static data + the model + its activations + READ_SLACK, to the byte.
// Optionally the model rides along as a data segment at arena_ptr: one file to flash.
//
// No compiler is needed: the compiled kernel (build/addernet.<build>.wasm) is patched.
// Its arena size is a compile-time constant, so it appears in three places, which are
// rewritten: the memory section's limits, the exported globals __heap_base/__data_end
// (arena_ptr + arena_size), and the i32/i64.const immediates equal to the arena size
// in the code. test/runtimes/modulegen.test.ts checks the result is byte-identical to
// what the compiler emits for the same arena size. docs/RUNTIMES.md explains the choice.
import { readFileSync } from "node:fs";
import { FORMAT_ALIGN, H_ACTIVATION_BYTES, H_FILE_SIZE, READ_SLACK } from "../format/constants.js";
import { readModel } from "../format/reader.js";
import { kernelWasmPath, type KernelBuild } from "../runtime/kernel.js";
import {
  ByteReader, concat, encodeS64, encodeU32, OP_I32_CONST, OP_I64_CONST, readConstExpr, readExports,
  readSections, SECTION, writeSections, type Section,
} from "./wasm.js";

export const WASM_PAGE = 65536;
const EXPORT_KIND_GLOBAL = 3;
const MEMORY_HAS_MAX = 0x01;

export interface ModelModuleOptions {
  build: KernelBuild;
  /** Put the model in the module as a data segment at arena_ptr (default false). */
  embed?: boolean;
  /** The kernel to start from (default: build/addernet.<build>.wasm). */
  baseModule?: Uint8Array;
}

/** Where a right-sized module's linear memory goes, in bytes. */
export interface ModuleBudget {
  build: KernelBuild;
  embedded: boolean;
  /** The .wasm file. */
  moduleFileBytes: number;
  /** Linear memory below the arena: the kernel's static data and scratch (= arena_ptr). */
  staticDataBytes: number;
  /** The model file (file_size), then padding to 16. */
  modelBytes: number;
  modelPaddingBytes: number;
  /** The activation region the model's plan needs. */
  activationBytes: number;
  /** READ_SLACK: bytes SIMD tail loads may touch past the last activation. */
  slackBytes: number;
  /** modelBytes + modelPaddingBytes + activationBytes + slackBytes. */
  arenaBytes: number;
  /** arena_ptr + arena = __heap_base: what WAMR allocates after its trim. */
  linearMemoryBytes: number;
  /** Declared pages (initial = maximum) and their bytes: what V8 and wasmtime allocate. */
  pages: number;
  declaredMemoryBytes: number;
}

const align16 = (n: number): number => Math.ceil(n / FORMAT_ALIGN) * FORMAT_ALIGN;

/** The arena a model needs: align16(file_size) + activation_bytes + READ_SLACK. Validates the model. */
export function modelArenaBytes(model: Uint8Array): { fileSize: number; activationBytes: number; arenaBytes: number } {
  readModel(model); // throws ModelFormatError naming the field for a malformed file
  const view = new DataView(model.buffer, model.byteOffset, model.byteLength);
  const fileSize = view.getUint32(H_FILE_SIZE, true);
  const activationBytes = view.getUint32(H_ACTIVATION_BYTES, true);
  return { fileSize, activationBytes, arenaBytes: align16(fileSize) + activationBytes + READ_SLACK };
}

/** arena_ptr and arena_size of a kernel module (it has no imports, so it can simply be instantiated). */
function kernelArena(module: Uint8Array): { arenaPtr: number; arenaSize: number } {
  const instance = new WebAssembly.Instance(new WebAssembly.Module(module as Uint8Array<ArrayBuffer>), {});
  const exports = instance.exports as { arena_ptr?: () => number; arena_size?: () => number };
  if (typeof exports.arena_ptr !== "function" || typeof exports.arena_size !== "function") {
    throw new Error("modulegen: the base module does not export arena_ptr/arena_size (not a kernel module)");
  }
  return { arenaPtr: exports.arena_ptr() >>> 0, arenaSize: exports.arena_size() >>> 0 };
}

/** Replace every `iNN.const from` in every function body with `iNN.const to`; returns how many. */
function patchCodeConstants(code: Uint8Array, replacements: ReadonlyMap<bigint, bigint>): { body: Uint8Array; count: number } {
  const patterns = [...replacements].flatMap(([from, to]) =>
    [OP_I32_CONST, OP_I64_CONST].map((op) => ({ find: [op, ...encodeS64(from)], put: [op, ...encodeS64(to)] })));
  const r = new ByteReader(code);
  const functions = r.u32();
  const out: (Uint8Array | number[])[] = [encodeU32(functions)];
  let count = 0;
  for (let f = 0; f < functions; f++) {
    const body = r.take(r.u32());
    const patched: number[] = [];
    for (let i = 0; i < body.length;) {
      const hit = patterns.find(({ find }) => find.every((b, k) => body[i + k] === b));
      if (hit) {
        patched.push(...hit.put);
        i += hit.find.length;
        count++;
      } else {
        patched.push(body[i++]!);
      }
    }
    out.push(encodeU32(patched.length), patched);
  }
  return { body: concat(out), count };
}

function memorySection(pages: number, old: Uint8Array): Uint8Array {
  const r = new ByteReader(old);
  if (r.u32() !== 1) throw new Error("modulegen: the base module must declare exactly one memory");
  const flags = r.byte();
  if (flags & ~MEMORY_HAS_MAX) throw new Error(`modulegen: unsupported memory flags 0x${flags.toString(16)} (shared or 64-bit memory)`);
  return concat([[1, MEMORY_HAS_MAX], encodeU32(pages), encodeU32(pages)]);
}

/** Rewrite the init of the exported globals holding the old heap base. */
function globalSection(old: Uint8Array, exportedGlobals: ReadonlySet<number>, oldHeapBase: number, newHeapBase: number): Uint8Array {
  const r = new ByteReader(old);
  const count = r.u32();
  const out: (Uint8Array | number[])[] = [encodeU32(count)];
  let patched = 0;
  for (let g = 0; g < count; g++) {
    const type = r.take(2); // value type, mutability
    const init = readConstExpr(r);
    if (exportedGlobals.has(g) && init.value === BigInt(oldHeapBase)) {
      out.push(type, [OP_I32_CONST, ...encodeS64(BigInt(newHeapBase)), 0x0b]);
      patched++;
    } else {
      out.push(type, init.bytes);
    }
  }
  if (patched !== exportedGlobals.size) {
    throw new Error(`modulegen: __heap_base/__data_end must both equal arena_ptr + arena_size (${oldHeapBase}); the arena is not the last static region`);
  }
  return concat(out);
}

/** Append an active data segment `bytes` at `offset` (memory 0). */
function withDataSegment(sections: Section[], offset: number, bytes: Uint8Array): Section[] {
  const segment = concat([[0x00, OP_I32_CONST, ...encodeS64(BigInt(offset)), 0x0b], encodeU32(bytes.length), bytes]);
  const data = sections.find((s) => s.id === SECTION.data);
  let count = 0;
  let segments: Uint8Array = new Uint8Array(0);
  if (data) {
    const r = new ByteReader(data.body);
    count = r.u32();
    segments = data.body.subarray(r.pos);
  }
  const body = concat([encodeU32(count + 1), segments, segment]);
  const result = sections.map((s) =>
    s.id === SECTION.data ? { id: s.id, body }
    : s.id === SECTION.dataCount ? { id: s.id, body: Uint8Array.from(encodeU32(count + 1)) }
    : s);
  if (!data) {
    // The data section follows the code section (custom sections may trail).
    const code = result.findIndex((s) => s.id === SECTION.code);
    result.splice(code + 1, 0, { id: SECTION.data, body });
  }
  return result;
}

/**
 * Rewrite a kernel module for an arena of `arenaBytes` (a multiple of 16), optionally with
 * `embed` as a data segment at arena_ptr.
 */
export function resizeKernel(base: Uint8Array, arenaBytes: number, embed?: Uint8Array): Uint8Array {
  if (!Number.isInteger(arenaBytes) || arenaBytes <= 0 || arenaBytes % FORMAT_ALIGN !== 0) {
    throw new Error(`modulegen: the arena size must be a positive multiple of ${FORMAT_ALIGN}, found ${arenaBytes}`);
  }
  const { arenaPtr, arenaSize } = kernelArena(base);
  const oldHeapBase = arenaPtr + arenaSize;
  const newHeapBase = arenaPtr + arenaBytes;
  if (newHeapBase > 0x7fffffff) throw new Error(`modulegen: arena of ${arenaBytes} bytes does not fit a 32-bit memory`);
  const pages = Math.ceil(newHeapBase / WASM_PAGE);
  const sections = readSections(base);
  const exported = readExports(sections);
  const heapGlobals = new Set(["__heap_base", "__data_end"].map((name) => {
    const e = exported.get(name);
    if (!e || e.kind !== EXPORT_KIND_GLOBAL) throw new Error(`modulegen: the base module does not export the global ${name}`);
    return e.index;
  }));
  let patchedConstants = 0;
  let rewritten = sections.map((s): Section => {
    switch (s.id) {
      case SECTION.memory: return { id: s.id, body: memorySection(pages, s.body) };
      case SECTION.global: return { id: s.id, body: globalSection(s.body, heapGlobals, oldHeapBase, newHeapBase) };
      case SECTION.code: {
        const { body, count } = patchCodeConstants(s.body, new Map([
          [BigInt(arenaSize), BigInt(arenaBytes)],
          [BigInt(oldHeapBase), BigInt(newHeapBase)],
        ]));
        patchedConstants = count;
        return { id: s.id, body };
      }
      default: return s;
    }
  });
  if (patchedConstants === 0) throw new Error(`modulegen: no constant ${arenaSize} (the arena size) in the base module's code`);
  if (embed) {
    if (embed.length > arenaBytes) throw new Error(`modulegen: a ${embed.length}-byte model does not fit a ${arenaBytes}-byte arena`);
    rewritten = withDataSegment(rewritten, arenaPtr, embed);
  }
  const out = writeSections(rewritten);
  checkResized(out, arenaPtr, arenaBytes, pages);
  return out;
}

/** The rewritten module must say what it was rewritten to. */
function checkResized(module: Uint8Array, arenaPtr: number, arenaBytes: number, pages: number): void {
  const instance = new WebAssembly.Instance(new WebAssembly.Module(module as Uint8Array<ArrayBuffer>), {});
  const e = instance.exports as { arena_ptr(): number; arena_size(): number; memory: WebAssembly.Memory; __heap_base: WebAssembly.Global };
  const found = { arenaPtr: e.arena_ptr() >>> 0, arenaSize: e.arena_size() >>> 0, heapBase: Number(e.__heap_base.value) >>> 0, bytes: e.memory.buffer.byteLength };
  const want = { arenaPtr, arenaSize: arenaBytes, heapBase: arenaPtr + arenaBytes, bytes: pages * WASM_PAGE };
  if (JSON.stringify(found) !== JSON.stringify(want)) {
    throw new Error(`modulegen: rewritten module reports ${JSON.stringify(found)}, expected ${JSON.stringify(want)}`);
  }
}

function baseModule(options: ModelModuleOptions): Uint8Array {
  if (options.baseModule) return options.baseModule;
  const path = kernelWasmPath(options.build);
  try {
    return readFileSync(path);
  } catch (e) {
    throw new Error(`cannot read the ${options.build} kernel at ${path} (run \`npm run build:wasm\`): ${(e as Error).message}`);
  }
}

/** A kernel module sized for this one model (see the file comment). */
export function buildModelModule(model: Uint8Array, options: ModelModuleOptions): Uint8Array {
  const { arenaBytes } = modelArenaBytes(model);
  return resizeKernel(baseModule(options), arenaBytes, options.embed ? model : undefined);
}

/** The byte budget of buildModelModule(model, options), for `inspect`. */
export function moduleBudget(model: Uint8Array, options: ModelModuleOptions): ModuleBudget {
  const { fileSize, activationBytes, arenaBytes } = modelArenaBytes(model);
  const module = resizeKernel(baseModule(options), arenaBytes, options.embed ? model : undefined);
  const { arenaPtr } = kernelArena(module);
  const pages = Math.ceil((arenaPtr + arenaBytes) / WASM_PAGE);
  return {
    build: options.build,
    embedded: options.embed ?? false,
    moduleFileBytes: module.length,
    staticDataBytes: arenaPtr,
    modelBytes: fileSize,
    modelPaddingBytes: align16(fileSize) - fileSize,
    activationBytes,
    slackBytes: READ_SLACK,
    arenaBytes,
    linearMemoryBytes: arenaPtr + arenaBytes,
    pages,
    declaredMemoryBytes: pages * WASM_PAGE,
  };
}

/** The budget as aligned text lines. */
export function formatBudget(b: ModuleBudget): string {
  const rows: [string, number][] = [
    ["kernel static data (below arena_ptr)", b.staticDataBytes],
    ["model (file_size)", b.modelBytes],
    ["padding to 16", b.modelPaddingBytes],
    ["activations", b.activationBytes],
    ["read slack", b.slackBytes],
    ["linear memory on WAMR (= __heap_base)", b.linearMemoryBytes],
    [`declared memory (${b.pages} pages, V8/wasmtime)`, b.declaredMemoryBytes],
    [`module file (${b.build}${b.embedded ? ", model embedded" : ""})`, b.moduleFileBytes],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, n]) => `${label.padEnd(width)}  ${String(n).padStart(9)} B`).join("\n");
}
