// ADD (residual): both inputs rescaled onto the output grid (docs/SPEC.md):
//   out = clamp(z_out + (((qa − z_a)·mult0 + (qb − z_b)·mult1 + 2^(shift−1)) >> shift), lo, hi)
// The products need 64 bits; the SIMD path takes 16 values at a time in i64x2 lanes, the
// scalar loop does the rest (and everything in the scalar build).
import {
  O_INPUT0, O_INPUT1, O_OUTPUT, O_ACT_MIN, O_ACT_MAX, O_SHIFT, O_WEIGHTS, O_BIAS,
} from "../../src/format/constants";
import { opTensor, tensorZeroPoint, tensorData, tensorSize } from "../engine/state";
import { clampOut, clampLow, clampHigh, roundShiftClamp2, joinLanes } from "./requant";

/** Four lanes (i32x4 of qa − z_a and qb − z_b) → i32x4 of outputs. */
@inline function rescale4(da: v128, db: v128, ma: v128, mb: v128, round: v128, shift: i32, lo: v128, hi: v128, zOut: v128): v128 {
  const low = roundShiftClamp2(i64x2.add(i64x2.extmul_low_i32x4_s(da, ma), i64x2.extmul_low_i32x4_s(db, mb)), round, shift, lo, hi);
  const high = roundShiftClamp2(i64x2.add(i64x2.extmul_high_i32x4_s(da, ma), i64x2.extmul_high_i32x4_s(db, mb)), round, shift, lo, hi);
  return joinLanes(low, high, zOut);
}

export function add(op: usize): void {
  const ta = opTensor(op, O_INPUT0);
  const tb = opTensor(op, O_INPUT1);
  const tout = opTensor(op, O_OUTPUT);
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
    const lov = clampLow(lo, zOut), hiv = clampHigh(hi, zOut);
    for (; k + 16 <= count; k += 16) {
      const va = v128.load(a + k), vb = v128.load(b + k);
      // q − z fits in i16 (−255..255)
      const al = i16x8.sub(i16x8.extend_low_i8x16_s(va), zav), ah = i16x8.sub(i16x8.extend_high_i8x16_s(va), zav);
      const bl = i16x8.sub(i16x8.extend_low_i8x16_s(vb), zbv), bh = i16x8.sub(i16x8.extend_high_i8x16_s(vb), zbv);
      const r0 = rescale4(i32x4.extend_low_i16x8_s(al), i32x4.extend_low_i16x8_s(bl), ma, mb, roundv, shift, lov, hiv, zov);
      const r1 = rescale4(i32x4.extend_high_i16x8_s(al), i32x4.extend_high_i16x8_s(bl), ma, mb, roundv, shift, lov, hiv, zov);
      const r2 = rescale4(i32x4.extend_low_i16x8_s(ah), i32x4.extend_low_i16x8_s(bh), ma, mb, roundv, shift, lov, hiv, zov);
      const r3 = rescale4(i32x4.extend_high_i16x8_s(ah), i32x4.extend_high_i16x8_s(bh), ma, mb, roundv, shift, lov, hiv, zov);
      const lo16 = i16x8.narrow_i32x4_s(r0, r1);
      const hi16 = i16x8.narrow_i32x4_s(r2, r3);
      v128.store(y + k, i8x16.narrow_i16x8_s(lo16, hi16));
    }
  }
  for (; k < count; k++) {
    const v = <i64>(<i32>load<i8>(a + k) - za) * <i64>multA + <i64>(<i32>load<i8>(b + k) - zb) * <i64>multB;
    store<i8>(y + k, clampOut(zOut, (v + round) >> <i64>shift, lo, hi));
  }
}
