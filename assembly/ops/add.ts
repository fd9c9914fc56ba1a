// ADD (residual): both inputs rescaled onto the output grid (docs/SPEC.md):
//   out = clamp(z_out + (((qa − z_a)·mult0 + (qb − z_b)·mult1 + 2^(shift−1)) >> shift), lo, hi)
// The products need 64 bits; the SIMD path takes 16 values at a time in i64x2 lanes, the
// scalar loop does the rest (and everything in the scalar build).
import {
  O_INPUT0, O_INPUT1, O_OUTPUT, O_ACT_MIN, O_ACT_MAX, O_SHIFT, O_WEIGHTS, O_BIAS,
} from "../../src/format/constants";
import { tensorRecord, tensorZeroPoint, tensorData, tensorSize } from "../engine/state";
import { clampOut } from "./requant";

/** Two i64x2 halves of requantized, clamped lanes (clamped to [lo, hi] − z_out). */
@inline function rescaleHalf(v: v128, round: v128, shift: i32, lo: v128, hi: v128): v128 {
  let r = i64x2.shr_s(i64x2.add(v, round), shift);
  r = v128.bitselect(lo, r, i64x2.lt_s(r, lo));
  return v128.bitselect(hi, r, i64x2.gt_s(r, hi));
}

/** Four lanes (i32x4 of qa − z_a and qb − z_b) → i32x4 of clamped results minus z_out. */
@inline function rescale4(da: v128, db: v128, ma: v128, mb: v128, round: v128, shift: i32, lo: v128, hi: v128): v128 {
  const low = rescaleHalf(i64x2.add(i64x2.extmul_low_i32x4_s(da, ma), i64x2.extmul_low_i32x4_s(db, mb)), round, shift, lo, hi);
  const high = rescaleHalf(i64x2.add(i64x2.extmul_high_i32x4_s(da, ma), i64x2.extmul_high_i32x4_s(db, mb)), round, shift, lo, hi);
  return v128.shuffle<i32>(low, high, 0, 2, 4, 6); // the low 32 bits of each i64 (within int8 range)
}

export function add(op: usize): void {
  const ta = tensorRecord(<i32>load<u16>(op + O_INPUT0));
  const tb = tensorRecord(<i32>load<u16>(op + O_INPUT1));
  const tout = tensorRecord(<i32>load<u16>(op + O_OUTPUT));
  // ADD keeps its two multipliers inline, in the weights and bias fields
  const multA = load<i32>(op + O_WEIGHTS), multB = load<i32>(op + O_BIAS);
  const shift = <i32>load<u8>(op + O_SHIFT);
  const round = <i64>1 << <i64>(shift - 1);
  const za = tensorZeroPoint(ta), zb = tensorZeroPoint(tb), zOut = tensorZeroPoint(tout);
  const lo = <i32>load<i8>(op + O_ACT_MIN), hi = <i32>load<i8>(op + O_ACT_MAX);
  const a = tensorData(ta), b = tensorData(tb), y = tensorData(tout);
  const count = <usize>tensorSize(tout);
  let k: usize = 0;
  if (ASC_FEATURE_SIMD) {
    const ma = i32x4.splat(multA), mb = i32x4.splat(multB);
    const zav = i16x8.splat(<i16>za), zbv = i16x8.splat(<i16>zb), zov = i32x4.splat(zOut);
    const roundv = i64x2.splat(round);
    const lov = i64x2.splat(<i64>(lo - zOut)), hiv = i64x2.splat(<i64>(hi - zOut));
    for (; k + 16 <= count; k += 16) {
      const va = v128.load(a + k), vb = v128.load(b + k);
      // q − z fits in i16 (−255..255)
      const al = i16x8.sub(i16x8.extend_low_i8x16_s(va), zav), ah = i16x8.sub(i16x8.extend_high_i8x16_s(va), zav);
      const bl = i16x8.sub(i16x8.extend_low_i8x16_s(vb), zbv), bh = i16x8.sub(i16x8.extend_high_i8x16_s(vb), zbv);
      const r0 = rescale4(i32x4.extend_low_i16x8_s(al), i32x4.extend_low_i16x8_s(bl), ma, mb, roundv, shift, lov, hiv);
      const r1 = rescale4(i32x4.extend_high_i16x8_s(al), i32x4.extend_high_i16x8_s(bl), ma, mb, roundv, shift, lov, hiv);
      const r2 = rescale4(i32x4.extend_low_i16x8_s(ah), i32x4.extend_low_i16x8_s(bh), ma, mb, roundv, shift, lov, hiv);
      const r3 = rescale4(i32x4.extend_high_i16x8_s(ah), i32x4.extend_high_i16x8_s(bh), ma, mb, roundv, shift, lov, hiv);
      const lo16 = i16x8.narrow_i32x4_s(i32x4.add(r0, zov), i32x4.add(r1, zov));
      const hi16 = i16x8.narrow_i32x4_s(i32x4.add(r2, zov), i32x4.add(r3, zov));
      v128.store(y + k, i8x16.narrow_i16x8_s(lo16, hi16));
    }
  }
  for (; k < count; k++) {
    const v = <i64>(<i32>load<i8>(a + k) - za) * <i64>multA + <i64>(<i32>load<i8>(b + k) - zb) * <i64>multB;
    store<i8>(y + k, clampOut(zOut, (v + round) >> <i64>shift, lo, hi));
  }
}
