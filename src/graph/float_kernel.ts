// Loader of the float reference's fast path, build/float-reference.wasm (compiled from
// assembly/float/reference.ts, whose header documents its four functions: im2col, dot, sad,
// finish): one instance per FloatRunner, with a bump allocator over its memory, which starts at
// the module's __heap_base and grows as the runner lays out its layers.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

interface FloatKernelExports {
  memory: WebAssembly.Memory;
  __heap_base: WebAssembly.Global;
  im2col(...args: number[]): void;
  sad(x: number, w: number, wsum: number, out: number, P: number, N: number, K16: number): void;
  dot(x: number, w: number, wsum: number, out: number, P: number, N: number, K16: number): void;
  finish(sums: number, params: number, P: number, N: number, clamp: number, dst: number): void;
}

/** Path of the module. Resolved from this file, so it works from src/graph and dist/graph (on a worker thread too). */
function floatKernelWasmPath(): string {
  return fileURLToPath(new URL("../../build/float-reference.wasm", import.meta.url));
}

let compiled: WebAssembly.Module | undefined;

function compileFloatKernel(): WebAssembly.Module {
  const path = floatKernelWasmPath();
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new Error(`cannot read the float reference kernel at ${path} (run \`npm run build:wasm\`): ${(e as Error).message}`);
  }
  return new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>);
}

/** Rounds `n` up to a multiple of 16. */
export const pad16 = (n: number): number => Math.ceil(n / 16) * 16;

/** One instance of the module with a bump allocator over its memory. */
export class FloatKernel {
  readonly exports: FloatKernelExports;
  private top: number;

  constructor() {
    compiled ??= compileFloatKernel();
    this.exports = new WebAssembly.Instance(compiled).exports as unknown as FloatKernelExports;
    this.top = pad16(this.exports.__heap_base.value as number);
  }

  /** A zeroed region of `bytes`, 16-aligned; returns its byte offset. */
  alloc(bytes: number): number {
    const at = this.top;
    this.top = pad16(at + bytes);
    const memory = this.exports.memory;
    const missing = this.top - memory.buffer.byteLength;
    if (missing > 0) memory.grow(Math.ceil(missing / 65536));
    return at;
  }

  /** Views of memory (made afresh: growing the memory detaches earlier ones). */
  f32(offset: number, length: number): Float32Array {
    return new Float32Array(this.exports.memory.buffer, offset, length);
  }

  f64(offset: number, length: number): Float64Array {
    return new Float64Array(this.exports.memory.buffer, offset, length);
  }
}
