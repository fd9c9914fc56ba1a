// SOFTMAX and LOG_SOFTMAX (docs/SPEC.md) over each pixel's C channels. With d = max − x (0…255)
// and E(d) = exp(−s_x·d) in Q30, made of the record's r = exp(−s_x) by binary powering
// (E(0) = 2^30, so the row's sum S lies in [2^30, C·2^30] and never wraps):
//   SOFTMAX:     out = clamp(z_out + ⌊(2^9·E(d) + S) / (2·S)⌋)                    (steps of 1/256)
//   LOG_SOFTMAX: out = clamp(z_out + requant(−(d·diffMult + λ·logMult), 1, shift)), λ = log2(S/2^30) in Q16
import { O_WEIGHTS, O_BIAS, O_MULT, EXP_ONE } from "../../src/format/constants";
import { clampOut } from "./requant";

/** (a·b + 2^29) >> 30: a product of Q30 values, rounded half up. */
@inline function mulQ30(a: i64, b: i64): i64 {
  return (a * b + (EXP_ONE >> 1)) >> 30;
}

/** r^d in Q30: for each set bit b of d, lowest first, E ← mulQ30(E, R_b); R_0 = r, R_(b+1) = mulQ30(R_b, R_b). */
function expQ30(d: i32, r: i64): i64 {
  let e: i64 = EXP_ONE;
  for (let factor = r; d != 0; d >>= 1) {
    // a select, not a branch: d's bits are data, and a mispredicted branch per bit cost the
    // SIMD build (where the optimizer kept the branch) 2.5× the scalar build's time
    e = select<i64>(mulQ30(e, factor), e, d & 1);
    factor = mulQ30(factor, factor);
  }
  return e;
}

/** log2(S/2^30) in Q16 for S ≥ 2^30: the integer part from the leading bit, 16 fraction bits by squaring the mantissa. */
function log2Q16(sum: i64): i64 {
  const e = 63 - clz(sum);
  let x = sum >> (e - 30); // in [2^30, 2^31)
  let fraction: i64 = 0;
  for (let i = 0; i < 16; i++) {
    x = (x * x) >> 30;
    const bit = x >> 31; // 1 when x ≥ 2^31 (x < 2^32)
    fraction = (fraction << 1) | bit;
    x >>= bit;
  }
  return ((e - 30) << 16) | fraction;
}

/** The rows of `C` values at `x` to `y` (./pointwise.ts reads the rest of the record). */
export function softmax(op: usize, log: bool, x: usize, y: usize, count: usize, C: usize, zOut: i32, lo: i32, hi: i32, shift: i64): void {
  const r = <i64>load<u32>(op + O_WEIGHTS);
  const diffMult = <i64>load<i32>(op + O_BIAS), logMult = <i64>load<i32>(op + O_MULT);
  for (let row: usize = 0; row < count; row += C) {
    let top: i32 = -128;
    for (let c: usize = 0; c < C; c++) top = max(top, <i32>load<i8>(x + row + c));
    // pass 0 sums the exponentials, pass 1 writes the outputs (log-softmax needs only the sum)
    let sum: i64 = 0, lambda: i64 = 0;
    for (let pass = 0; pass < 2; pass++) {
      for (let c: usize = 0; c < C; c++) {
        const d = top - <i32>load<i8>(x + row + c);
        const e = pass == 0 || !log ? expQ30(d, r) : 0;
        if (pass == 0) {
          sum += e;
          continue;
        }
        const v = log
          ? (-(<i64>d * diffMult + lambda * logMult) + (<i64>1 << (shift - 1))) >> shift
          : (e * 512 + sum) / (sum * 2);
        store<i8>(y + row + c, clampOut(zOut, v, lo, hi));
      }
      if (log && pass == 0) lambda = log2Q16(sum);
    }
  }
}
