// Node loader for the kernel module (build/addernet.<build>.wasm, docs/ABI.md):
// compile, instantiate with no imports, load a model blob, run inferences.
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { ABI_VERSION, STATUS_OK } from "../format/constants.js";
import { statusName } from "../format/errors.js";

export { statusName };

export type KernelBuild = "simd" | "scalar";
export const KERNEL_BUILDS: readonly KernelBuild[] = ["simd", "scalar"];

/** The exports of docs/ABI.md. */
export interface KernelExports {
  memory: WebAssembly.Memory;
  abi_version(): number;
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

/** Path of a build's module. Resolved from this file, so it works from src/runtime and dist/runtime. */
export function kernelWasmPath(build: KernelBuild): string {
  if (!KERNEL_BUILDS.includes(build)) throw new Error(`unknown kernel build "${build}": expected "simd" or "scalar"`);
  return fileURLToPath(new URL(`../../build/addernet.${build}.wasm`, import.meta.url));
}

/** Compile a build's module (from `wasm` if given, else from kernelWasmPath(build)). */
export async function compileKernel(build: KernelBuild, wasm?: Uint8Array): Promise<WebAssembly.Module> {
  let bytes = wasm;
  if (bytes === undefined) {
    const path = kernelWasmPath(build);
    try {
      bytes = await readFile(path);
    } catch (e) {
      throw new Error(`cannot read the ${build} kernel at ${path} (run \`npm run build:wasm\`): ${(e as Error).message}`);
    }
  }
  return WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>);
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

/** One instance of the kernel module: holds one model at a time. */
export class KernelInstance {
  readonly build: KernelBuild;
  readonly exports: KernelExports;
  private loadedModel = false;

  private constructor(build: KernelBuild, exports: KernelExports) {
    this.build = build;
    this.exports = exports;
  }

  static async create(build: KernelBuild, module?: WebAssembly.Module): Promise<KernelInstance> {
    const mod = module ?? (await compileKernel(build));
    const instance = await WebAssembly.instantiate(mod, {});
    const exports = instance.exports as unknown as KernelExports;
    const version = exports.abi_version();
    if (version !== ABI_VERSION) throw new Error(`kernel ABI version ${version}, expected ${ABI_VERSION}`);
    return new KernelInstance(build, exports);
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

  /** Copy the blob into the arena and validate it; throws KernelStatusError if the kernel rejects it. */
  load(blob: Uint8Array): void {
    this.loadedModel = false;
    if (blob.length > this.arenaSize) {
      throw new Error(`model blob of ${blob.length} bytes does not fit the ${this.arenaSize}-byte arena of the ${this.build} kernel`);
    }
    new Uint8Array(this.memory.buffer, this.arenaPtr, blob.length).set(blob);
    const status = this.exports.load(this.arenaPtr, blob.length);
    if (status !== STATUS_OK) throw new KernelStatusError("load", status, this.exports.error_offset());
    this.loadedModel = true;
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
