// ADDER_CONV2D / ADDER_DENSE inner loop: sums of absolute differences of one run
// of bytes against four filters at once. The window walk is in conv_common.ts.
import { addAcc4, addAcc4Lanes, tailMask } from "./segment";

/** Iterations of 16 bytes a u16 lane can take: each adds ≤ 2·255, and 128·510 < 2^16. */
const U16_SAFE_ITERATIONS = 128;

@inline function sadPairs(acc: v128, x: v128, w: v128): v128 {
  // |x − w| as u8 (0..255) = max − min, then pairs widened to u16 and accumulated
  const d = i8x16.sub(i8x16.max_s(x, w), i8x16.min_s(x, w));
  return i16x8.add(acc, i16x8.extadd_pairwise_i8x16_u(d));
}

@inline function sadPairsMasked(x: v128, w: v128, mask: v128): v128 {
  const d = v128.and(i8x16.sub(i8x16.max_s(x, w), i8x16.min_s(x, w)), mask);
  return i32x4.extadd_pairwise_i16x8_u(i16x8.extadd_pairwise_i8x16_u(d));
}

/**
 * ACC4[f] += Σ_k |x[k] − w_f[k]| for k < len, f = 0..3.
 * `xStep` is 16 to stream the input, 0 to repeat the same 16 bytes (padding).
 * Loads may read up to 15 bytes past a run; the extra lanes are masked.
 */
export function sad_4x16_u16acc(x: usize, xStep: usize, w0: usize, w1: usize, w2: usize, w3: usize, len: i32): void {
  if (ASC_FEATURE_SIMD) {
    let s0 = i32x4.splat(0), s1 = s0, s2 = s0, s3 = s0;
    const full = len & ~15;
    let k = 0;
    while (k < full) {
      // accumulate in u16 lanes, widen to i32 before they can overflow
      let a0 = i16x8.splat(0), a1 = a0, a2 = a0, a3 = a0;
      const chunkEnd = min(full, k + U16_SAFE_ITERATIONS * 16);
      for (; k < chunkEnd; k += 16) {
        const xv = v128.load(x);
        a0 = sadPairs(a0, xv, v128.load(w0));
        a1 = sadPairs(a1, xv, v128.load(w1));
        a2 = sadPairs(a2, xv, v128.load(w2));
        a3 = sadPairs(a3, xv, v128.load(w3));
        x += xStep; w0 += 16; w1 += 16; w2 += 16; w3 += 16;
      }
      s0 = i32x4.add(s0, i32x4.extadd_pairwise_i16x8_u(a0));
      s1 = i32x4.add(s1, i32x4.extadd_pairwise_i16x8_u(a1));
      s2 = i32x4.add(s2, i32x4.extadd_pairwise_i16x8_u(a2));
      s3 = i32x4.add(s3, i32x4.extadd_pairwise_i16x8_u(a3));
    }
    if (k < len) {
      const mask = tailMask(len - k);
      const xv = v128.load(x);
      s0 = i32x4.add(s0, sadPairsMasked(xv, v128.load(w0), mask));
      s1 = i32x4.add(s1, sadPairsMasked(xv, v128.load(w1), mask));
      s2 = i32x4.add(s2, sadPairsMasked(xv, v128.load(w2), mask));
      s3 = i32x4.add(s3, sadPairsMasked(xv, v128.load(w3), mask));
    }
    addAcc4Lanes(s0, s1, s2, s3);
  } else {
    const xs = xStep >> 4; // 1: stream, 0: repeat
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (let k = 0; k < len; k++) {
      const xv = <i32>load<i8>(x);
      s0 += abs(xv - <i32>load<i8>(w0 + k));
      s1 += abs(xv - <i32>load<i8>(w1 + k));
      s2 += abs(xv - <i32>load<i8>(w2 + k));
      s3 += abs(xv - <i32>load<i8>(w3 + k));
      x += xs;
    }
    addAcc4(s0, s1, s2, s3);
  }
}
