// SOFTMAX and LOG_SOFTMAX, docs/SPEC.md: over each pixel's C channels, from the differences
// d = max − x (0…255) and exponentials E(d) = exp(−s_x·d) in Q30, made of the record's
// r = exp(−s_x) by binary powering with one rounding per product.
import { EXP_ONE } from "../../format/constants.js";
import type { QOp, QTensor } from "../../format/model.js";
import { clampOut, requant } from "./requant.js";

const ONE = BigInt(EXP_ONE);
const HALF = ONE >> 1n;

/** (a·b + 2^29) >> 30: a product of Q30 values, rounded half up. */
const mulQ30 = (a: bigint, b: bigint): bigint => (a * b + HALF) >> 30n;

/** E(d) = r^d in Q30: for each set bit b of d (lowest first) E ← mulQ30(E, R_b), R_0 = r, R_(b+1) = mulQ30(R_b, R_b). */
export function expQ30(d: number, r: bigint): bigint {
  let e = ONE;
  let factor = r;
  for (let bits = d; bits !== 0; bits >>= 1) {
    if (bits & 1) e = mulQ30(e, factor);
    factor = mulQ30(factor, factor);
  }
  return e;
}

/**
 * λ = log2(S/2^30) in Q16, for S ≥ 2^30: e = ⌊log2 S⌋ gives the integer part e − 30; the
 * mantissa x = ⌊S / 2^(e−30)⌋ ∈ [2^30, 2^31) gives 16 fraction bits, squaring it each time
 * (x ← ⌊x²/2^30⌋; the bit is 1 when x ≥ 2^31, and then x ← ⌊x/2⌋).
 */
export function log2Q16(sum: bigint): bigint {
  const e = sum.toString(2).length - 1;
  let x = sum >> BigInt(e - 30);
  let fraction = 0n;
  for (let i = 0; i < 16; i++) {
    x = (x * x) >> 30n;
    fraction <<= 1n;
    if (x >= 2n * ONE) {
      fraction |= 1n;
      x >>= 1n;
    }
  }
  return (BigInt(e - 30) << 16n) + fraction;
}

/** Each pixel's row: its differences to the row's maximum, their exponentials and the sum S of those. */
function rows(op: QOp, input: QTensor, x: Int8Array, each: (diffs: number[], exps: bigint[], sum: bigint, at: number) => void): void {
  const C = input.channels;
  const r = BigInt(op.expBase!);
  for (let at = 0; at < x.length; at += C) {
    const row = Array.from(x.subarray(at, at + C));
    const top = Math.max(...row);
    const diffs = row.map((q) => top - q);
    const exps = diffs.map((d) => expQ30(d, r));
    each(diffs, exps, exps.reduce((s, e) => s + e, 0n), at);
  }
}

/** out = clamp(z_out + ⌊(2^9·E(d) + S) / (2·S)⌋): the probability in steps of 1/256, rounded half up. */
export function softmax(op: QOp, input: QTensor, output: QTensor, x: Int8Array): Int8Array {
  const y = new Int8Array(x.length);
  rows(op, input, x, (_diffs, exps, sum, at) => {
    exps.forEach((e, c) => {
      y[at + c] = clampOut(output.zeroPoint, (512n * e + sum) / (2n * sum), op.actMin, op.actMax);
    });
  });
  return y;
}

/** out = clamp(z_out + requant(−(d·diffMult + λ·logMult), 1, shift)), λ = log2Q16(S). */
export function logSoftmax(op: QOp, input: QTensor, output: QTensor, x: Int8Array): Int8Array {
  const y = new Int8Array(x.length);
  rows(op, input, x, (diffs, _exps, sum, at) => {
    const lambda = log2Q16(sum);
    diffs.forEach((d, c) => {
      const v = -(BigInt(d) * BigInt(op.diffMult!) + lambda * BigInt(op.logMult!));
      y[at + c] = clampOut(output.zeroPoint, requant(v, 1, op.shift), op.actMin, op.actMax);
    });
  });
  return y;
}
