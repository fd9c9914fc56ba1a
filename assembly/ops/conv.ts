// CONV2D / DENSE (int8 multiply) inner loop: dot products of runs of input bytes (minus the
// zero point) with the filters of one output pixel, four filters per input load. The window
// walk is in conv_common.ts.
import { filterAt, addAcc4, addAcc4Lanes, tailMask } from "./segment";

@inline function dotPairs(acc: v128, xl: v128, xh: v128, w: v128): v128 {
  const lo = i32x4.dot_i16x8_s(xl, i16x8.extend_low_i8x16_s(w));
  const hi = i32x4.dot_i16x8_s(xh, i16x8.extend_high_i8x16_s(w));
  return i32x4.add(acc, i32x4.add(lo, hi));
}

/**
 * ACC[f] += Σ_r Σ_k (x_r[k] − zx)·w_f[r·len + k] for rows r < rows, k < len, filters f < filters:
 * `rows` runs of `len` bytes, the input's `xRowStride` apart; filter f's weights consecutive
 * from `w + f·wStride`. Loads may read up to 15 bytes past a run; the extra lanes are masked.
 */
export function dot_4x16_i32acc(x: usize, xRowStride: usize, w: usize, wStride: usize, filters: i32,
                                len: i32, rows: i32, zx: i32): void {
  for (let f = 0; f < filters; f += 4) dot4(x, xRowStride, w, wStride, filters, f, len, rows, zx);
}

/** Filters f0 … f0+3 of dot_4x16_i32acc (past the last filter, repeat it: ACC has room). */
@inline function dot4(x: usize, xRowStride: usize, w: usize, wStride: usize, filters: i32, f0: i32,
                      len: i32, rows: i32, zx: i32): void {
  let w0 = filterAt(w, wStride, filters, f0), w1 = filterAt(w, wStride, filters, f0 + 1);
  let w2 = filterAt(w, wStride, filters, f0 + 2), w3 = filterAt(w, wStride, filters, f0 + 3);
  if (ASC_FEATURE_SIMD) {
    let s0 = i32x4.splat(0), s1 = s0, s2 = s0, s3 = s0;
    const z = i16x8.splat(<i16>zx);
    const full = len & ~15, tail = len & 15;
    const mask = tailMask(tail == 0 ? 1 : tail); // used only when tail != 0
    const maskLo = i16x8.extend_low_i8x16_s(mask), maskHi = i16x8.extend_high_i8x16_s(mask);
    for (let r = 0; r < rows; r++) {
      let xp = x;
      for (let k = 0; k < len; k += 16) {
        const xv = v128.load(xp);
        // x − zx lies in −255..255: widen to i16 first
        let xl = i16x8.sub(i16x8.extend_low_i8x16_s(xv), z);
        let xh = i16x8.sub(i16x8.extend_high_i8x16_s(xv), z);
        if (k == full) {
          xl = v128.and(xl, maskLo);
          xh = v128.and(xh, maskHi);
        }
        s0 = dotPairs(s0, xl, xh, v128.load(w0));
        s1 = dotPairs(s1, xl, xh, v128.load(w1));
        s2 = dotPairs(s2, xl, xh, v128.load(w2));
        s3 = dotPairs(s3, xl, xh, v128.load(w3));
        xp += 16; w0 += 16; w1 += 16; w2 += 16; w3 += 16;
      }
      if (tail != 0) {
        // the weights of the next row follow this row's len bytes
        const back = <usize>(16 - tail);
        w0 -= back; w1 -= back; w2 -= back; w3 -= back;
      }
      x += xRowStride;
    }
    addAcc4Lanes(f0, s0, s1, s2, s3);
  } else {
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (let r = 0; r < rows; r++) {
      for (let k = 0; k < len; k++) {
        const xv = <i32>load<i8>(x + <usize>k) - zx;
        s0 += xv * <i32>load<i8>(w0 + k);
        s1 += xv * <i32>load<i8>(w1 + k);
        s2 += xv * <i32>load<i8>(w2 + k);
        s3 += xv * <i32>load<i8>(w3 + k);
      }
      x += xRowStride;
      w0 += len; w1 += len; w2 += len; w3 += len;
    }
    addAcc4(f0, s0, s1, s2, s3);
  }
}
