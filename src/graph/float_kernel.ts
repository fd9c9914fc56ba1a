// The float reference's fast path: the window sums of conv-like layers in WebAssembly SIMD
// (f32x4), about ten times the speed of the JavaScript loops of float_ops.ts, which stay the
// definition. Four functions over one linear memory that the caller lays out:
//
//   im2col(x, H, W, C, kh, kw, sh, sw, dh, dw, pt, pl, OH, OW, K16, dst)
//       one row of K16 floats per output pixel: the window's taps in (i, j, c) order, a padded tap
//       as the value 0, then zeros up to K16 (a multiple of 16);
//   dot(x, w, wsum, out, P, N, K16)
//       out[p·N + n] (f64) = Σ_k x[p·K16 + k]·w[n·K16 + k];
//   finish(sums, params, P, N, clamp, dst)
//       dst[p·N + n] (f32) = a[n]·sums[p·N + n] + b[n], then (if clamp) clamped to [lo, hi] as
//       applyActivation does; params holds a[N], b[N], lo, hi (f64): float_ops.ts's finishConvLike;
//   sad(x, w, wsum, out, P, N, K16)
//       out[p·N + n] = −Σ_k |x[p·K16 + k] − w[n·K16 + k]|, computed as 2·Σ min(x, w) − Σx − wsum[n]
//       (|x − w| = x + w − 2·min(x, w); wsum[n] = Σ_k w[n·K16 + k] in f64): two instructions a
//       lane instead of three.
//
// Zeros beyond K add nothing to any sum. Terms are formed in float32 and summed in float32 lanes
// over blocks of 256, each block's sum then added in float64, so results differ from the float64
// loops only by float rounding.
import { assembleModule, type Code, op, type WasmFunction } from "./wasm_asm.js";

/** Bytes per block summed in float32 lanes before the running float64 sum takes it. */
const BLOCK_BYTES = 1024;

/** Hands out local indices: the parameters, then i32, f64 and v128 locals (the assembler's order). */
function locals(params: number, i32: number, f64: number, v128: number): { i32: number[]; f64: number[]; v128: number[] } {
  const range = (start: number, count: number) => Array.from({ length: count }, (_, i) => start + i);
  return { i32: range(params, i32), f64: range(params + i32, f64), v128: range(params + i32 + f64, v128) };
}

/**
 * Code leaving on the stack, as an f64, Σ over a row of `kb` bytes (in local `kb`) of the f32x4
 * values `term(k, offset)` pushes, k being the local that walks the row.
 */
function rowSum(term: (k: number, offset: number) => Code, at: { k: number; kb: number; end: number; acc: number; lanes: number[]; s: number }): Code {
  const { k, kb, end, acc, lanes, s } = at;
  const [a0, a1, a2, a3] = lanes as [number, number, number, number];
  const accumulate = (a: number, offset: number): Code => [...op.get(a), ...term(k, offset), ...op.f32x4Add, ...op.set(a)];
  const zero = (...vectors: number[]): Code => vectors.flatMap((v) => [...op.v128Zero, ...op.set(v)]);
  const blockEnd = [...op.get(k), ...op.i32(BLOCK_BYTES), ...op.i32Add];
  return [
    ...zero(acc),
    ...op.i32(0), ...op.set(k),
    ...op.loop, // blocks: end = min(k + BLOCK_BYTES, kb)
    ...zero(a0, a1, a2, a3),
    ...op.get(kb), ...blockEnd, ...op.get(kb), ...blockEnd, ...op.i32LtU, ...op.select, ...op.set(end),
    ...op.loop, // 16 floats (64 bytes) a step, into four accumulators
    ...accumulate(a0, 0), ...accumulate(a1, 16), ...accumulate(a2, 32), ...accumulate(a3, 48),
    ...op.get(k), ...op.i32(64), ...op.i32Add, ...op.tee(k), ...op.get(end), ...op.i32LtU, ...op.brIf(0),
    ...op.end,
    // acc += the block's four lanes, widened to float64
    ...op.get(a0), ...op.get(a1), ...op.f32x4Add, ...op.get(a2), ...op.get(a3), ...op.f32x4Add, ...op.f32x4Add, ...op.set(s),
    ...op.get(acc), ...op.get(s), ...op.f64x2PromoteLowF32x4, ...op.get(s), ...op.get(s), ...op.highHalf, ...op.f64x2PromoteLowF32x4,
    ...op.f64x2Add, ...op.f64x2Add, ...op.set(acc),
    ...op.get(k), ...op.get(kb), ...op.i32LtU, ...op.brIf(0),
    ...op.end,
    ...op.get(acc), ...op.f64x2ExtractLane(0), ...op.get(acc), ...op.f64x2ExtractLane(1), ...op.f64Add,
  ];
}

/** dot or sad over rows of K16 floats (see the top of the file). */
function windowSums(kind: "sad" | "dot"): WasmFunction {
  const [x, w, wsum, out, P, N, K16] = [0, 1, 2, 3, 4, 5, 6];
  const l = locals(7, 7, 2, 6);
  const [p, n, k, kb, xr, wr, end] = l.i32 as [number, number, number, number, number, number, number];
  const [sx, m] = l.f64 as [number, number];
  const [acc, s, ...lanes] = l.v128 as [number, number, number, number, number, number];
  const at = { k, kb, end, acc, lanes, s };
  const load = (row: number) => (k: number, offset: number): Code => [...op.get(row), ...op.get(k), ...op.i32Add, ...op.v128Load(offset)];
  const pairTerm = (k: number, offset: number): Code => [...load(xr)(k, offset), ...load(wr)(k, offset), ...(kind === "sad" ? op.f32x4Pmin : op.f32x4Mul)];
  // sad: 2·Σ min(x, w) − Σx − wsum[n]; dot: Σ x·w
  const result: Code = kind === "sad"
    ? [...op.get(m), ...op.get(m), ...op.f64Add, ...op.get(sx), ...op.f64Sub,
       ...op.get(wsum), ...op.get(n), ...op.i32(8), ...op.i32Mul, ...op.i32Add, ...op.f64Load(), ...op.f64Sub]
    : op.get(m);
  const body: Code = [
    ...op.get(K16), ...op.i32(4), ...op.i32Mul, ...op.set(kb),
    ...op.i32(0), ...op.set(p),
    ...op.loop, // pixels
    ...op.get(x), ...op.get(p), ...op.get(kb), ...op.i32Mul, ...op.i32Add, ...op.set(xr),
    ...(kind === "sad" ? [...rowSum(load(xr), at), ...op.set(sx)] : []),
    ...op.i32(0), ...op.set(n),
    ...op.loop, // filters
    ...op.get(w), ...op.get(n), ...op.get(kb), ...op.i32Mul, ...op.i32Add, ...op.set(wr),
    ...rowSum(pairTerm, at), ...op.set(m),
    ...op.get(out), ...op.get(p), ...op.get(N), ...op.i32Mul, ...op.get(n), ...op.i32Add, ...op.i32(8), ...op.i32Mul, ...op.i32Add,
    ...result, ...op.f64Store(),
    ...op.get(n), ...op.i32(1), ...op.i32Add, ...op.tee(n), ...op.get(N), ...op.i32LtU, ...op.brIf(0),
    ...op.end,
    ...op.get(p), ...op.i32(1), ...op.i32Add, ...op.tee(p), ...op.get(P), ...op.i32LtU, ...op.brIf(0),
    ...op.end,
  ];
  return { name: kind, params: 7, locals: { i32: 7, f64: 2, v128: 6 }, body };
}

function finish(): WasmFunction {
  const [sums, params, P, N, clamp, dst] = [0, 1, 2, 3, 4, 5];
  const l = locals(6, 4, 3, 0);
  const [p, n, i, b] = l.i32 as [number, number, number, number];
  const [v, lo, hi] = l.f64 as [number, number, number];
  const at = (base: number, index: number, bytes: number): Code => [...op.get(base), ...op.get(index), ...op.i32(bytes), ...op.i32Mul, ...op.i32Add];
  const body: Code = [
    ...op.get(params), ...op.get(N), ...op.i32(8), ...op.i32Mul, ...op.i32Add, ...op.set(b), // b[] follows a[]
    ...at(b, N, 8), ...op.f64Load(), ...op.set(lo),
    ...at(b, N, 8), ...op.f64Load(8), ...op.set(hi),
    ...op.i32(0), ...op.set(i),
    ...op.i32(0), ...op.set(p), ...op.loop,
    ...op.i32(0), ...op.set(n), ...op.loop,
    ...at(params, n, 8), ...op.f64Load(), ...at(sums, i, 8), ...op.f64Load(), ...op.f64Mul, ...at(b, n, 8), ...op.f64Load(), ...op.f64Add, ...op.set(v),
    // v > lo ? (v < hi ? v : hi) : lo
    ...op.get(clamp), ...op.if,
    ...op.get(v), ...op.get(hi), ...op.get(v), ...op.get(hi), ...op.f64Lt, ...op.select, ...op.get(lo), ...op.get(v), ...op.get(lo), ...op.f64Gt, ...op.select, ...op.set(v),
    ...op.end,
    ...at(dst, i, 4), ...op.get(v), ...op.f32DemoteF64, ...op.f32Store(),
    ...op.get(i), ...op.i32(1), ...op.i32Add, ...op.set(i),
    ...op.get(n), ...op.i32(1), ...op.i32Add, ...op.tee(n), ...op.get(N), ...op.i32LtU, ...op.brIf(0),
    ...op.end,
    ...op.get(p), ...op.i32(1), ...op.i32Add, ...op.tee(p), ...op.get(P), ...op.i32LtU, ...op.brIf(0),
    ...op.end,
  ];
  return { name: "finish", params: 6, locals: { i32: 4, f64: 3, v128: 0 }, body };
}

function im2col(): WasmFunction {
  const [x, H, W, C, kh, kw, sh, sw, dh, dw, pt, pl, OH, OW, K16, dst] = Array.from({ length: 16 }, (_, i) => i);
  const [oh, ow, i, j, ih, iw, d, cb, tail] = locals(16, 9, 0, 0).i32 as number[] as [number, number, number, number, number, number, number, number, number];
  const increment = (local: number, limit: number): Code => [
    ...op.get(local), ...op.i32(1), ...op.i32Add, ...op.tee(local), ...op.get(limit), ...op.i32LtU, ...op.brIf(0),
  ];
  const add = (local: number, bytes: number): Code => [...op.get(local), ...op.get(bytes), ...op.i32Add, ...op.set(local)];
  const body: Code = [
    ...op.get(C), ...op.i32(4), ...op.i32Mul, ...op.set(cb),
    ...op.get(K16), ...op.get(kh), ...op.get(kw), ...op.i32Mul, ...op.get(C), ...op.i32Mul, ...op.i32Sub, ...op.i32(4), ...op.i32Mul, ...op.set(tail),
    ...op.get(dst), ...op.set(d),
    ...op.i32(0), ...op.set(oh), ...op.loop,
    ...op.i32(0), ...op.set(ow), ...op.loop,
    ...op.i32(0), ...op.set(i), ...op.loop,
    ...op.get(oh), ...op.get(sh), ...op.i32Mul, ...op.get(i), ...op.get(dh), ...op.i32Mul, ...op.i32Add, ...op.get(pt), ...op.i32Sub, ...op.set(ih),
    ...op.i32(0), ...op.set(j), ...op.loop,
    ...op.get(ow), ...op.get(sw), ...op.i32Mul, ...op.get(j), ...op.get(dw), ...op.i32Mul, ...op.i32Add, ...op.get(pl), ...op.i32Sub, ...op.set(iw),
    // in bounds (unsigned compares also reject negatives): copy the C floats, else zeros
    ...op.get(ih), ...op.get(H), ...op.i32LtU, ...op.get(iw), ...op.get(W), ...op.i32LtU, ...op.i32And,
    ...op.if,
    ...op.get(d), ...op.get(x), ...op.get(ih), ...op.get(W), ...op.i32Mul, ...op.get(iw), ...op.i32Add, ...op.get(cb), ...op.i32Mul, ...op.i32Add,
    ...op.get(cb), ...op.memoryCopy,
    ...op.else,
    ...op.get(d), ...op.i32(0), ...op.get(cb), ...op.memoryFill,
    ...op.end,
    ...add(d, cb),
    ...increment(j, kw), ...op.end,
    ...increment(i, kh), ...op.end,
    ...op.get(d), ...op.i32(0), ...op.get(tail), ...op.memoryFill,
    ...add(d, tail),
    ...increment(ow, OW), ...op.end,
    ...increment(oh, OH), ...op.end,
  ];
  return { name: "im2col", params: 16, locals: { i32: 9, f64: 0, v128: 0 }, body };
}

let compiled: WebAssembly.Module | undefined;

interface KernelExports {
  memory: WebAssembly.Memory;
  im2col(...args: number[]): void;
  sad(x: number, w: number, wsum: number, out: number, P: number, N: number, K16: number): void;
  dot(x: number, w: number, wsum: number, out: number, P: number, N: number, K16: number): void;
  finish(sums: number, params: number, P: number, N: number, clamp: number, dst: number): void;
}

/** Rounds `n` up to a multiple of 16. */
export const pad16 = (n: number): number => Math.ceil(n / 16) * 16;

/** One instance of the module with a bump allocator over its memory. */
export class FloatKernel {
  readonly exports: KernelExports;
  private top = 0;

  constructor() {
    compiled ??= new WebAssembly.Module(assembleModule([windowSums("sad"), windowSums("dot"), im2col(), finish()], 1));
    this.exports = new WebAssembly.Instance(compiled).exports as unknown as KernelExports;
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
