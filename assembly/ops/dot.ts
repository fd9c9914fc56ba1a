// CONV2D / DENSE (int8 multiply) inner loop: dot products of runs of input bytes (minus the
// zero point) with the filters of one output pixel (or two side by side, sharing each weight
// load), four filters per input load. The window walk is in conv.ts.
import { FILTER_CHUNK, filterAt, addAcc4, addAcc4Lanes, tailMask } from "./scratch";
import { byteAt, dotBytes4 } from "./swar";

/** acc + xl·wl + xh·wh, pairwise (i16 lanes: the input minus its zero point, the weights). */
@inline function dotPairs(acc: v128, xl: v128, xh: v128, wl: v128, wh: v128): v128 {
  return i32x4.add(acc, i32x4.add(i32x4.dot_i16x8_s(xl, wl), i32x4.dot_i16x8_s(xh, wh)));
}

/**
 * ACC[f] += Σ_r Σ_k (x_r[k] − zx)·w_f[r·len + k] for rows r < rows, k < len, filters f < filters:
 * `rows` runs of `len` bytes, the input's `xRowStride` apart; filter f's weights consecutive
 * from `w + f·wStride`. Loads may read up to 15 bytes past a run; the extra lanes are masked.
 */
export function dot_4x16_i32acc(x: usize, xRowStride: usize, w: usize, wStride: usize, filters: i32,
                                len: i32, rows: i32, zx: i32): void {
  for (let f = 0; f < filters; f += 4) dot4(x, xRowStride, w, wStride, filters, f, len, rows, zx, 1, 0);
}

/**
 * dot_4x16_i32acc for two output pixels at once, the second's input `xPixelStride` after the
 * first's, its sums at ACC_PIXEL_2: each weight load and widening serves both (SIMD build only).
 */
export function dot_2x4x16_i32acc(x: usize, xPixelStride: usize, xRowStride: usize, w: usize, wStride: usize,
                                  filters: i32, len: i32, rows: i32, zx: i32): void {
  for (let f = 0; f < filters; f += 4) dot4(x, xRowStride, w, wStride, filters, f, len, rows, zx, 2, xPixelStride);
}

/** Filters f0 … f0+3 of dot_4x16_i32acc (past the last filter, repeat it: ACC has room). */
@inline function dot4(x: usize, xRowStride: usize, w: usize, wStride: usize, filters: i32, f0: i32,
                      len: i32, rows: i32, zx: i32, pixels: i32, xPixelStride: usize): void {
  let w0 = filterAt(w, wStride, filters, f0), w1 = filterAt(w, wStride, filters, f0 + 1);
  let w2 = filterAt(w, wStride, filters, f0 + 2), w3 = filterAt(w, wStride, filters, f0 + 3);
  if (ASC_FEATURE_SIMD) {
    let s0 = i32x4.splat(0), s1 = s0, s2 = s0, s3 = s0;
    let t0 = s0, t1 = s0, t2 = s0, t3 = s0; // the second pixel's
    const z = i16x8.splat(<i16>zx);
    const full = len & ~15, tail = len & 15;
    const mask = tailMask(tail == 0 ? 1 : tail); // used only when tail != 0
    const maskLo = i16x8.extend_low_i8x16_s(mask), maskHi = i16x8.extend_high_i8x16_s(mask);
    for (let r = 0; r < rows; r++) {
      let xp = x;
      for (let k = 0; k < len; k += 16) {
        // x − zx lies in −255..255: widen to i16 first
        let xv = v128.load(xp);
        let xl = i16x8.sub(i16x8.extend_low_i8x16_s(xv), z), xh = i16x8.sub(i16x8.extend_high_i8x16_s(xv), z);
        xv = v128.load(xp + xPixelStride); // the second pixel's (pixels == 2)
        let yl = i16x8.sub(i16x8.extend_low_i8x16_s(xv), z), yh = i16x8.sub(i16x8.extend_high_i8x16_s(xv), z);
        if (k == full) {
          xl = v128.and(xl, maskLo); xh = v128.and(xh, maskHi);
          yl = v128.and(yl, maskLo); yh = v128.and(yh, maskHi);
        }
        if (pixels == 2) {
          // each filter's weights, loaded and widened once, against both pixels' inputs
          let wv = v128.load(w0), wl = i16x8.extend_low_i8x16_s(wv), wh = i16x8.extend_high_i8x16_s(wv);
          s0 = dotPairs(s0, xl, xh, wl, wh); t0 = dotPairs(t0, yl, yh, wl, wh);
          wv = v128.load(w1); wl = i16x8.extend_low_i8x16_s(wv); wh = i16x8.extend_high_i8x16_s(wv);
          s1 = dotPairs(s1, xl, xh, wl, wh); t1 = dotPairs(t1, yl, yh, wl, wh);
          wv = v128.load(w2); wl = i16x8.extend_low_i8x16_s(wv); wh = i16x8.extend_high_i8x16_s(wv);
          s2 = dotPairs(s2, xl, xh, wl, wh); t2 = dotPairs(t2, yl, yh, wl, wh);
          wv = v128.load(w3); wl = i16x8.extend_low_i8x16_s(wv); wh = i16x8.extend_high_i8x16_s(wv);
          s3 = dotPairs(s3, xl, xh, wl, wh); t3 = dotPairs(t3, yl, yh, wl, wh);
        } else {
          let wv = v128.load(w0);
          s0 = dotPairs(s0, xl, xh, i16x8.extend_low_i8x16_s(wv), i16x8.extend_high_i8x16_s(wv));
          wv = v128.load(w1);
          s1 = dotPairs(s1, xl, xh, i16x8.extend_low_i8x16_s(wv), i16x8.extend_high_i8x16_s(wv));
          wv = v128.load(w2);
          s2 = dotPairs(s2, xl, xh, i16x8.extend_low_i8x16_s(wv), i16x8.extend_high_i8x16_s(wv));
          wv = v128.load(w3);
          s3 = dotPairs(s3, xl, xh, i16x8.extend_low_i8x16_s(wv), i16x8.extend_high_i8x16_s(wv));
        }
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
    if (pixels == 2) addAcc4Lanes(f0 + FILTER_CHUNK, t0, t1, t2, t3);
  } else {
    // four bytes per i32 load (./swar.ts), then the last len % 4 bytes one by one
    const words = len & ~3;
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (let r = 0; r < rows; r++) {
      let k = 0;
      for (; k < words; k += 4) {
        const xv = load<u32>(x + <usize>k);
        const x0 = byteAt(xv, 0) - zx, x1 = byteAt(xv, 1) - zx, x2 = byteAt(xv, 2) - zx, x3 = byteAt(xv, 3) - zx;
        s0 += dotBytes4(x0, x1, x2, x3, load<u32>(w0 + k));
        s1 += dotBytes4(x0, x1, x2, x3, load<u32>(w1 + k));
        s2 += dotBytes4(x0, x1, x2, x3, load<u32>(w2 + k));
        s3 += dotBytes4(x0, x1, x2, x3, load<u32>(w3 + k));
      }
      for (; k < len; k++) {
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
