// Right-sized kernel modules: the kernel rewritten for one model, its arena exactly what
// the model needs and its memory the fewest pages that hold it (initial = maximum), so
// WAMR, which trims a module that never grows memory to __heap_base, allocates the
// module's static data + its arena, to the byte. Arena flavour: the arena holds the model +
// its activations + READ_SLACK, and optionally the model rides along as a data segment at
// arena_ptr (one file to flash). Stream flavour: the model stays outside (in flash); the arena
// holds two of its records, the activations, a scratch for one block of filters and
// READ_SLACK (src/plan/stream.ts).
//
// No compiler is needed: the compiled kernel (build/addernet[-stream].<build>.wasm) is
// patched. Its arena size appears in three places, which are rewritten: the memory section's
// limits, the exported globals __heap_base/__data_end (arena_ptr + arena_size), and the u32
// cell the kernel reads arena_size() from (exported as __arena_size_cell), which a data segment
// appended at the end sets to the new size. The code holds no constant derived from the size.
// test/runtimes/modulegen.test.ts checks the result behaves as what the compiler emits for the
// same arena size. docs/RUNTIMES.md explains the choice.
import { readFileSync } from "node:fs";
import { FORMAT_ALIGN, H_ACTIVATION_BYTES, H_FILE_SIZE, READ_SLACK } from "../format/constants.js";
import { readModel } from "../format/reader.js";
import { streamArena, type ScratchChoice } from "../plan/stream.js";
import { kernelWasmPath, type KernelBuild, type KernelFlavour } from "../runtime/kernel.js";
import {
  ByteReader, concat, encodeS64, encodeU32, OP_I32_CONST, readConstExpr, readExports,
  readSections, SECTION, writeSections, type Section,
} from "./wasm.js";

export const WASM_PAGE = 65536;
const EXPORT_KIND_GLOBAL = 3;
const MEMORY_HAS_MAX = 0x01;

export interface ModelModuleOptions {
  build: KernelBuild;
  /** "arena" (default): the model is copied into linear memory; "stream": it stays outside. */
  flavour?: KernelFlavour;
  /** Arena flavour: put the model in the module as a data segment at arena_ptr (default false). */
  embed?: boolean;
  /** Stream flavour: the scratch for blocks of filters (default "default": four filters of the largest op). */
  scratch?: ScratchChoice;
  /** The kernel to start from (default: build/addernet[-stream].<build>.wasm). */
  baseModule?: Uint8Array;
}

/** Where a right-sized module's linear memory goes, in bytes. */
export interface ModuleBudget {
  build: KernelBuild;
  flavour: KernelFlavour;
  embedded: boolean;
  /** The .wasm file. */
  moduleFileBytes: number;
  /** Linear memory below the arena: the kernel's static data (= arena_ptr). */
  staticDataBytes: number;
  /** In linear memory: the model file (arena flavour), or its input's and output's records (stream); then padding to 16. */
  modelBytes: number;
  modelPaddingBytes: number;
  /** The activation region the model's plan needs. */
  activationBytes: number;
  /** Stream flavour: the scratch for one block of filters' parameters (0 for the arena flavour). */
  scratchBytes: number;
  /** READ_SLACK (bytes SIMD tail loads may touch past the last activation), and the arena's rounding to 16. */
  slackBytes: number;
  /** modelBytes + modelPaddingBytes + activationBytes + scratchBytes + slackBytes. */
  arenaBytes: number;
  /** Stream flavour: the model bytes that stay outside linear memory (in flash), else 0. */
  externalModelBytes: number;
  /** arena_ptr + arena = __heap_base: what WAMR allocates after its trim. */
  linearMemoryBytes: number;
  /** Declared pages (initial = maximum) and their bytes: what V8 and wasmtime allocate. */
  pages: number;
  declaredMemoryBytes: number;
}

const align16 = (n: number): number => Math.ceil(n / FORMAT_ALIGN) * FORMAT_ALIGN;

/** What a model puts in the arena of a kernel of `flavour`. Validates the model. */
export interface ModelArena {
  fileSize: number;
  /** The file (arena flavour) or its input and output records (stream flavour) in linear memory. */
  residentBytes: number;
  activationBytes: number;
  scratchBytes: number;
  arenaBytes: number;
}

export function modelArena(model: Uint8Array, flavour: KernelFlavour = "arena", scratch: ScratchChoice = "default"): ModelArena {
  const decoded = readModel(model); // throws ModelFormatError naming the field for a malformed file
  const view = new DataView(model.buffer, model.byteOffset, model.byteLength);
  const fileSize = view.getUint32(H_FILE_SIZE, true);
  const activationBytes = view.getUint32(H_ACTIVATION_BYTES, true);
  if (flavour === "stream") {
    const s = streamArena(decoded, scratch);
    return { fileSize, residentBytes: s.headBytes, activationBytes, scratchBytes: s.scratchBytes, arenaBytes: s.arenaBytes };
  }
  return { fileSize, residentBytes: fileSize, activationBytes, scratchBytes: 0, arenaBytes: align16(align16(fileSize) + activationBytes + READ_SLACK) };
}

/** Stand-ins for the stream flavour's import, for instantiating a kernel to read its exports. */
const INERT_IMPORTS = { addernet: { read_model: () => 1 } };

/** arena_ptr and arena_size of a kernel module (instantiated with an inert read_model when it imports one). */
function kernelArena(module: Uint8Array): { arenaPtr: number; arenaSize: number } {
  const instance = new WebAssembly.Instance(new WebAssembly.Module(module as Uint8Array<ArrayBuffer>), INERT_IMPORTS);
  const exports = instance.exports as { arena_ptr?: () => number; arena_size?: () => number };
  if (typeof exports.arena_ptr !== "function" || typeof exports.arena_size !== "function") {
    throw new Error("modulegen: the base module does not export arena_ptr/arena_size (not a kernel module)");
  }
  return { arenaPtr: exports.arena_ptr() >>> 0, arenaSize: exports.arena_size() >>> 0 };
}

function memorySection(pages: number, old: Uint8Array): Uint8Array {
  const r = new ByteReader(old);
  if (r.u32() !== 1) throw new Error("modulegen: the base module must declare exactly one memory");
  const flags = r.byte();
  if (flags & ~MEMORY_HAS_MAX) throw new Error(`modulegen: unsupported memory flags 0x${flags.toString(16)} (shared or 64-bit memory)`);
  return concat([[1, MEMORY_HAS_MAX], encodeU32(pages), encodeU32(pages)]);
}

/** The init values of the globals `indices`, by index. */
function globalValues(section: Uint8Array): bigint[] {
  const r = new ByteReader(section);
  return Array.from({ length: r.u32() }, () => {
    r.take(2); // value type, mutability
    return readConstExpr(r).value ?? -1n;
  });
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

/** The little-endian bytes of a u32. */
const u32Bytes = (v: number): Uint8Array => new Uint8Array(new Uint32Array([v]).buffer);

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

/** The index of an exported global, or a clear error. */
function exportedGlobal(exported: ReturnType<typeof readExports>, name: string): number {
  const e = exported.get(name);
  if (!e || e.kind !== EXPORT_KIND_GLOBAL) throw new Error(`modulegen: the base module does not export the global ${name} (not a kernel module)`);
  return e.index;
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
  const heapGlobals = new Set(["__heap_base", "__data_end"].map((name) => exportedGlobal(exported, name)));
  const cellGlobal = exportedGlobal(exported, "__arena_size_cell");
  const globals = sections.find((s) => s.id === SECTION.global);
  const cell = globals ? Number(globalValues(globals.body)[cellGlobal]) : -1;
  if (!(cell >= 0 && cell + 4 <= arenaPtr)) throw new Error(`modulegen: __arena_size_cell (${cell}) does not point below the arena`);
  let rewritten = sections.map((s): Section => {
    switch (s.id) {
      case SECTION.memory: return { id: s.id, body: memorySection(pages, s.body) };
      case SECTION.global: return { id: s.id, body: globalSection(s.body, heapGlobals, oldHeapBase, newHeapBase) };
      default: return s;
    }
  });
  // data segments apply in order: one appended last sets the cell whatever the compiler stored
  rewritten = withDataSegment(rewritten, cell, u32Bytes(arenaBytes));
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
  const instance = new WebAssembly.Instance(new WebAssembly.Module(module as Uint8Array<ArrayBuffer>), INERT_IMPORTS);
  const e = instance.exports as { arena_ptr(): number; arena_size(): number; memory: WebAssembly.Memory; __heap_base: WebAssembly.Global };
  const found = { arenaPtr: e.arena_ptr() >>> 0, arenaSize: e.arena_size() >>> 0, heapBase: Number(e.__heap_base.value) >>> 0, bytes: e.memory.buffer.byteLength };
  const want = { arenaPtr, arenaSize: arenaBytes, heapBase: arenaPtr + arenaBytes, bytes: pages * WASM_PAGE };
  if (JSON.stringify(found) !== JSON.stringify(want)) {
    throw new Error(`modulegen: rewritten module reports ${JSON.stringify(found)}, expected ${JSON.stringify(want)}`);
  }
}

function baseModule(options: ModelModuleOptions): Uint8Array {
  if (options.baseModule) return options.baseModule;
  const flavour = options.flavour ?? "arena";
  const path = kernelWasmPath(options.build, flavour);
  try {
    return readFileSync(path);
  } catch (e) {
    throw new Error(`cannot read the ${options.build} ${flavour} kernel at ${path} (run \`npm run build:wasm\`): ${(e as Error).message}`);
  }
}

function checkOptions(options: ModelModuleOptions): void {
  if (options.embed && options.flavour === "stream") {
    throw new Error("modulegen: a stream-flavour kernel reads the model from outside linear memory: it cannot embed it (drop embed, or use the arena flavour)");
  }
}

/** A kernel module sized for this one model (see the file comment). */
export function buildModelModule(model: Uint8Array, options: ModelModuleOptions): Uint8Array {
  checkOptions(options);
  const { arenaBytes } = modelArena(model, options.flavour, options.scratch);
  return resizeKernel(baseModule(options), arenaBytes, options.embed ? model : undefined);
}

/** The byte budget of buildModelModule(model, options), for `inspect`. */
export function moduleBudget(model: Uint8Array, options: ModelModuleOptions): ModuleBudget {
  checkOptions(options);
  const flavour = options.flavour ?? "arena";
  const { fileSize, residentBytes, activationBytes, scratchBytes, arenaBytes } = modelArena(model, flavour, options.scratch);
  const module = resizeKernel(baseModule(options), arenaBytes, options.embed ? model : undefined);
  const { arenaPtr } = kernelArena(module);
  const pages = Math.ceil((arenaPtr + arenaBytes) / WASM_PAGE);
  return {
    build: options.build,
    flavour,
    embedded: options.embed ?? false,
    moduleFileBytes: module.length,
    staticDataBytes: arenaPtr,
    modelBytes: residentBytes,
    modelPaddingBytes: align16(residentBytes) - residentBytes,
    activationBytes,
    scratchBytes,
    slackBytes: arenaBytes - align16(residentBytes) - activationBytes - scratchBytes,
    arenaBytes,
    externalModelBytes: flavour === "stream" ? fileSize : 0,
    linearMemoryBytes: arenaPtr + arenaBytes,
    pages,
    declaredMemoryBytes: pages * WASM_PAGE,
  };
}

/** The budget as aligned text lines. */
export function formatBudget(b: ModuleBudget): string {
  const stream = b.flavour === "stream";
  const rows: [string, number][] = [
    ["kernel static data (below arena_ptr)", b.staticDataBytes],
    [stream ? "model input and output records (kept by load)" : "model (file_size)", b.modelBytes],
    ["padding to 16", b.modelPaddingBytes],
    ["activations", b.activationBytes],
    ...(stream ? [["scratch (one block of filters)", b.scratchBytes] as [string, number]] : []),
    ["read slack", b.slackBytes],
    ["linear memory on WAMR (= __heap_base)", b.linearMemoryBytes],
    [`declared memory (${b.pages} pages, V8/wasmtime)`, b.declaredMemoryBytes],
    [`module file (${b.build} ${b.flavour}${b.embedded ? ", model embedded" : ""})`, b.moduleFileBytes],
    ...(stream ? [["model read through read_model (stays in flash)", b.externalModelBytes] as [string, number]] : []),
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, n]) => `${label.padEnd(width)}  ${String(n).padStart(9)} B`).join("\n");
}
