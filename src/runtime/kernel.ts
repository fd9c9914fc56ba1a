// Node loader for the kernel module (docs/ABI.md): compile, instantiate, load a model, run
// inferences. Two flavours: the arena flavour (build/addernet.<build>.wasm, zero imports) gets
// the model copied into its arena; the stream flavour (build/addernet-stream.<build>.wasm)
// reads slices of the model through its one import, served here from the model's bytes.
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { ABI_FLAG_STREAMED_MODEL, ABI_VERSION, STATUS_OK } from "../format/constants.js";
import { statusName } from "../format/errors.js";

export { statusName };

export type KernelBuild = "simd" | "scalar";
export const KERNEL_BUILDS: readonly KernelBuild[] = ["simd", "scalar"];
/** Where the kernel reads the model from: a copy in its arena, or slices through read_model. */
export type KernelFlavour = "arena" | "stream";
export const KERNEL_FLAVOURS: readonly KernelFlavour[] = ["arena", "stream"];

/** The exports of docs/ABI.md. */
export interface KernelExports {
  memory: WebAssembly.Memory;
  abi_version(): number;
  abi_flags(): number;
  arena_ptr(): number;
  arena_size(): number;
  load(ptr: number, len: number): number;
  error_offset(): number;
  input_ptr(): number;
  input_size(): number;
  output_ptr(): number;
  output_size(): number;
  invoke(): number;
  __heap_base: WebAssembly.Global;
  __data_end: WebAssembly.Global;
}

/** Path of a kernel module. Resolved from this file, so it works from src/runtime and dist/runtime. */
export function kernelWasmPath(build: KernelBuild, flavour: KernelFlavour = "arena"): string {
  if (!KERNEL_BUILDS.includes(build)) throw new Error(`unknown kernel build "${build}": expected "simd" or "scalar"`);
  if (!KERNEL_FLAVOURS.includes(flavour)) throw new Error(`unknown kernel flavour "${flavour}": expected "arena" or "stream"`);
  const name = flavour === "stream" ? "addernet-stream" : "addernet";
  return fileURLToPath(new URL(`../../build/${name}.${build}.wasm`, import.meta.url));
}

/** Compile a kernel module (from `wasm` if given, else from kernelWasmPath(build, flavour)). */
export async function compileKernel(build: KernelBuild, wasm?: Uint8Array, flavour: KernelFlavour = "arena"): Promise<WebAssembly.Module> {
  let bytes = wasm;
  if (bytes === undefined) {
    const path = kernelWasmPath(build, flavour);
    try {
      bytes = await readFile(path);
    } catch (e) {
      throw new Error(`cannot read the ${build} ${flavour} kernel at ${path} (run \`npm run build:wasm\`): ${(e as Error).message}`);
    }
  }
  return WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>);
}

/** A module's flavour, from its imports: none (arena) or exactly addernet.read_model (stream). */
export function kernelFlavourOf(module: WebAssembly.Module): KernelFlavour {
  const imports = WebAssembly.Module.imports(module);
  if (imports.length === 0) return "arena";
  const [only] = imports;
  if (imports.length === 1 && only!.module === "addernet" && only!.name === "read_model" && only!.kind === "function") return "stream";
  throw new Error(`not a kernel module: imports ${imports.map((i) => `${i.module}.${i.name}`).join(", ")}`);
}

/** load() or invoke() returned a negative STATUS_*. */
export class KernelStatusError extends Error {
  readonly status: number;
  readonly statusName: string;
  /** error_offset() after a failed load: the offending field's byte offset in the blob, else −1. */
  readonly errorOffset: number;

  constructor(what: string, status: number, errorOffset: number) {
    const at = errorOffset >= 0 ? ` at byte ${errorOffset}` : "";
    super(`${what} failed: ${statusName(status)} (${status})${at}`);
    this.name = "KernelStatusError";
    this.status = status;
    this.statusName = statusName(status);
    this.errorOffset = errorOffset;
  }
}

/** Bytes the stream flavour has read through read_model since the counters were reset. */
export interface StreamCounters {
  reads: number;
  bytes: number;
}

/** One instance of the kernel module: holds one model at a time. */
export class KernelInstance {
  readonly build: KernelBuild;
  readonly flavour: KernelFlavour;
  readonly exports: KernelExports;
  private loadedModel = false;
  /** Stream flavour: the model read_model serves slices of. */
  private source: Uint8Array = new Uint8Array(0);
  readonly streamed: StreamCounters = { reads: 0, bytes: 0 };

  private constructor(build: KernelBuild, flavour: KernelFlavour, instance: (k: KernelInstance) => WebAssembly.Instance) {
    this.build = build;
    this.flavour = flavour;
    this.exports = instance(this).exports as unknown as KernelExports;
  }

  /** An instance of `module` (default: the build's arena-flavour kernel); its flavour comes from its imports. */
  static async create(build: KernelBuild, module?: WebAssembly.Module): Promise<KernelInstance> {
    const mod = module ?? (await compileKernel(build));
    const flavour = kernelFlavourOf(mod);
    const k = new KernelInstance(build, flavour, (self) => new WebAssembly.Instance(mod, flavour === "stream" ? {
      addernet: { read_model: (dst: number, len: number, offset: number) => self.readModel(dst >>> 0, len >>> 0, offset >>> 0) },
    } : {}));
    const version = k.exports.abi_version();
    if (version !== ABI_VERSION) throw new Error(`kernel ABI version ${version}, expected ${ABI_VERSION}`);
    const streams = (k.exports.abi_flags() & ABI_FLAG_STREAMED_MODEL) !== 0;
    if (streams !== (flavour === "stream")) throw new Error(`kernel abi_flags() ${k.exports.abi_flags()} disagrees with its imports (${flavour} flavour)`);
    return k;
  }

  /** The embedder's side of read_model: a bounds-checked copy; non-zero refuses. */
  private readModel(dst: number, len: number, offset: number): number {
    const memory = this.exports.memory.buffer;
    if (offset + len > this.source.length || dst + len > memory.byteLength) return 1;
    new Uint8Array(memory, dst, len).set(this.source.subarray(offset, offset + len));
    this.streamed.reads++;
    this.streamed.bytes += len;
    return 0;
  }

  get memory(): WebAssembly.Memory {
    return this.exports.memory;
  }
  get arenaPtr(): number {
    return this.exports.arena_ptr() >>> 0;
  }
  get arenaSize(): number {
    return this.exports.arena_size() >>> 0;
  }
  /** Bytes of input / output of the loaded model (0 before a successful load). */
  get inputSize(): number {
    return this.exports.input_size();
  }
  get outputSize(): number {
    return this.exports.output_size();
  }

  /**
   * Validate and install a model; throws KernelStatusError if the kernel rejects it. The arena
   * flavour copies the blob into the arena; the stream flavour keeps a reference to it and
   * reads from it during load and every invoke.
   */
  load(blob: Uint8Array): void {
    if (this.flavour === "arena" && blob.length > this.arenaSize) {
      throw new Error(`model blob of ${blob.length} bytes does not fit the ${this.arenaSize}-byte arena of the ${this.build} kernel`);
    }
    const status = this.tryLoad(blob);
    if (status !== STATUS_OK) throw new KernelStatusError("load", status, this.exports.error_offset());
  }

  /**
   * load() without the throw: the kernel's status (error_offset() tells where). A blob larger
   * than the arena flavour's arena is not copied: load() then judges its length alone.
   */
  tryLoad(blob: Uint8Array): number {
    let status: number;
    if (this.flavour === "stream") {
      this.source = blob;
      status = this.exports.load(0, blob.length);
    } else {
      if (blob.length <= this.arenaSize) new Uint8Array(this.memory.buffer, this.arenaPtr, blob.length).set(blob);
      status = this.exports.load(this.arenaPtr, blob.length);
    }
    this.loadedModel = status === STATUS_OK;
    return status;
  }

  /** Run one inference on an int8 NHWC input; returns a copy of the output bytes. */
  run(input: Int8Array): Int8Array {
    if (!this.loadedModel) throw new Error("run: no model is loaded (call load first)");
    const expected = this.inputSize;
    if (input.length !== expected) {
      throw new Error(`run: the model input has ${expected} int8 values, found ${input.length}`);
    }
    new Int8Array(this.memory.buffer, this.exports.input_ptr() >>> 0, expected).set(input);
    const status = this.exports.invoke();
    if (status !== STATUS_OK) throw new KernelStatusError("invoke", status, -1);
    return new Int8Array(this.memory.buffer, this.exports.output_ptr() >>> 0, this.outputSize).slice();
  }
}
