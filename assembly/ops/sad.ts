// ADDER_CONV2D / ADDER_DENSE inner loop: sums of absolute differences of runs of input
// bytes against the filters of one output pixel (or two side by side, sharing each weight
// load), four filters per input load. The window walk is in conv.ts.
import { FILTER_CHUNK, filterAt, addAcc4, addAcc4Lanes, tailMask } from "./scratch";
import { EVEN_BYTES, SAD_LANE_WORDS, sadBytes, sadLaneTotal, unsignedBytes } from "./swar";

/**
 * 16-byte steps a 16-bit lane takes before it is widened: each adds ≤ 2·255, and
 * 64·510 < 2^15, so the lanes stay non-negative as i16 and one i32x4.dot_i16x8_s with ones
 * widens them.
 */
const U16_SAFE_STEPS = 64;

@inline function absDiff(x: v128, w: v128): v128 {
  // |x − w| as u8 (0..255) = max − min
  return i8x16.sub(i8x16.max_s(x, w), i8x16.min_s(x, w));
}

@inline function sadPairs(acc: v128, x: v128, w: v128): v128 {
  return i16x8.add(acc, i16x8.extadd_pairwise_i8x16_u(absDiff(x, w)));
}

@inline function sadPairsMasked(acc: v128, x: v128, w: v128, mask: v128): v128 {
  return i16x8.add(acc, i16x8.extadd_pairwise_i8x16_u(v128.and(absDiff(x, w), mask)));
}

@inline function widen(acc: v128): v128 {
  return i32x4.dot_i16x8_s(acc, i16x8.splat(1));
}

/**
 * ACC[f] += Σ_r Σ_k |x_r[k] − w_f[r·len + k]| for rows r < rows, k < len, filters f < filters:
 * `rows` runs of `len` bytes, the input's `xRowStride` apart; filter f's weights consecutive
 * from `w + f·wStride`. `xStep` is 16 to stream the input, 0 to repeat the same 16 bytes
 * (padding); len ≥ 1. Loads may read up to 15 bytes past a run; the extra lanes are masked.
 */
export function sad_4x16_u16acc(x: usize, xStep: usize, xRowStride: usize, w: usize, wStride: usize, filters: i32,
                                len: i32, rows: i32): void {
  sadBlocks(x, xStep, xRowStride, w, wStride, filters, len, rows, 1, 0);
}

/**
 * sad_4x16_u16acc for two output pixels at once, the second's input `xPixelStride` after the
 * first's, its sums at ACC_PIXEL_2: each weight load serves both (SIMD build only).
 */
export function sad_2x4x16_u16acc(x: usize, xPixelStride: usize, xRowStride: usize, w: usize, wStride: usize, filters: i32,
                                  len: i32, rows: i32): void {
  sadBlocks(x, 16, xRowStride, w, wStride, filters, len, rows, 2, xPixelStride);
}

@inline function sadBlocks(x: usize, xStep: usize, xRowStride: usize, w: usize, wStride: usize, filters: i32,
                           len: i32, rows: i32, pixels: i32, xPixelStride: usize): void {
  // SIMD: blocks of at most U16_SAFE_STEPS steps, widened once each and free of overflow
  // checks: whole rows (usually all: a 3×3 window of up to 112 channels), or pieces of a long
  // row. The scalar sums are i32: one block.
  const piece = ASC_FEATURE_SIMD ? min(len, U16_SAFE_STEPS * 16) : len;
  const group = ASC_FEATURE_SIMD ? U16_SAFE_STEPS / ((piece + 15) >> 4) : rows; // rows per block (1 when len > piece)
  for (let r = 0; r < rows; r += group) {
    const g = min(group, rows - r);
    const xr = x + <usize>r * xRowStride, wr = w + <usize>(r * len);
    for (let k = 0; k < len; k += piece) {
      const xk = xr + (<usize>k * xStep >> 4), n = min(piece, len - k);
      for (let f = 0; f < filters; f += 4) sad4(xk, xStep, xRowStride, wr + <usize>k, wStride, filters, f, n, g, pixels, xPixelStride);
    }
  }
}

/**
 * Filters f0 … f0+3 of sad_4x16_u16acc over `rows` rows of `len` bytes, at most U16_SAFE_STEPS
 * steps in all (past the last filter, repeat it: ACC has room).
 */
@inline function sad4(x: usize, xStep: usize, xRowStride: usize, w: usize, wStride: usize, filters: i32, f0: i32,
                      len: i32, rows: i32, pixels: i32, xPixelStride: usize): void {
  let w0 = filterAt(w, wStride, filters, f0), w1 = filterAt(w, wStride, filters, f0 + 1);
  let w2 = filterAt(w, wStride, filters, f0 + 2), w3 = filterAt(w, wStride, filters, f0 + 3);
  if (ASC_FEATURE_SIMD) {
    // u16 accumulators: few enough steps that they cannot overflow
    let a0 = i16x8.splat(0), a1 = a0, a2 = a0, a3 = a0;
    let b0 = a0, b1 = a0, b2 = a0, b3 = a0; // the second pixel's
    const tail = len & 15;
    for (let r = 0; r < rows; r++) {
      let xp = x;
      for (let i = len >> 4; i > 0; i--) {
        const xv = v128.load(xp);
        if (pixels == 2) {
          // each filter's weights, loaded once, against both pixels' inputs
          const xv2 = v128.load(xp + xPixelStride);
          let wv = v128.load(w0); a0 = sadPairs(a0, xv, wv); b0 = sadPairs(b0, xv2, wv);
          wv = v128.load(w1); a1 = sadPairs(a1, xv, wv); b1 = sadPairs(b1, xv2, wv);
          wv = v128.load(w2); a2 = sadPairs(a2, xv, wv); b2 = sadPairs(b2, xv2, wv);
          wv = v128.load(w3); a3 = sadPairs(a3, xv, wv); b3 = sadPairs(b3, xv2, wv);
        } else {
          a0 = sadPairs(a0, xv, v128.load(w0)); a1 = sadPairs(a1, xv, v128.load(w1));
          a2 = sadPairs(a2, xv, v128.load(w2)); a3 = sadPairs(a3, xv, v128.load(w3));
        }
        xp += xStep; w0 += 16; w1 += 16; w2 += 16; w3 += 16;
      }
      if (tail != 0) {
        const mask = tailMask(tail);
        const xv = v128.load(xp);
        if (pixels == 2) {
          const xv2 = v128.load(xp + xPixelStride);
          let wv = v128.load(w0); a0 = sadPairsMasked(a0, xv, wv, mask); b0 = sadPairsMasked(b0, xv2, wv, mask);
          wv = v128.load(w1); a1 = sadPairsMasked(a1, xv, wv, mask); b1 = sadPairsMasked(b1, xv2, wv, mask);
          wv = v128.load(w2); a2 = sadPairsMasked(a2, xv, wv, mask); b2 = sadPairsMasked(b2, xv2, wv, mask);
          wv = v128.load(w3); a3 = sadPairsMasked(a3, xv, wv, mask); b3 = sadPairsMasked(b3, xv2, wv, mask);
        } else {
          a0 = sadPairsMasked(a0, xv, v128.load(w0), mask); a1 = sadPairsMasked(a1, xv, v128.load(w1), mask);
          a2 = sadPairsMasked(a2, xv, v128.load(w2), mask); a3 = sadPairsMasked(a3, xv, v128.load(w3), mask);
        }
        w0 += tail; w1 += tail; w2 += tail; w3 += tail;
      }
      x += xRowStride;
    }
    addAcc4Lanes(f0, widen(a0), widen(a1), widen(a2), widen(a3));
    if (pixels == 2) addAcc4Lanes(f0 + FILTER_CHUNK, widen(b0), widen(b1), widen(b2), widen(b3));
  } else {
    // four bytes per i32 load (./swar.ts) into pairs of 16-bit lanes, widened into the i32 sums
    // every SAD_LANE_WORDS words (across rows: a 3×3 window of up to 56 channels takes one
    // widening); the last len % 4 bytes of each row one by one
    const xs = <i32>(xStep >> 4); // 1: stream, 0: repeat (padding: the 16 zero-point bytes)
    const words = len & ~3;
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    let e0: u32 = 0, e1: u32 = 0, e2: u32 = 0, e3: u32 = 0; // even bytes' sums
    let o0: u32 = 0, o1: u32 = 0, o2: u32 = 0, o3: u32 = 0; // odd bytes' sums (./swar.ts)
    let room = SAD_LANE_WORDS; // words the lanes can still take
    for (let r = 0; r < rows; r++) {
      let k = 0;
      while (k < words) {
        const end = min(words, k + (room << 2));
        room -= (end - k) >> 2;
        for (; k < end; k += 4) {
          const xv = load<u32>(x + <usize>(k * xs)), xa = unsignedBytes(xv);
          let d = sadBytes(xv, xa, load<u32>(w0 + k)); e0 += d & EVEN_BYTES; o0 += d >>> 8;
          d = sadBytes(xv, xa, load<u32>(w1 + k)); e1 += d & EVEN_BYTES; o1 += d >>> 8;
          d = sadBytes(xv, xa, load<u32>(w2 + k)); e2 += d & EVEN_BYTES; o2 += d >>> 8;
          d = sadBytes(xv, xa, load<u32>(w3 + k)); e3 += d & EVEN_BYTES; o3 += d >>> 8;
        }
        if (room == 0) {
          s0 += sadLaneTotal(e0, o0); s1 += sadLaneTotal(e1, o1); s2 += sadLaneTotal(e2, o2); s3 += sadLaneTotal(e3, o3);
          e0 = 0; e1 = 0; e2 = 0; e3 = 0; o0 = 0; o1 = 0; o2 = 0; o3 = 0;
          room = SAD_LANE_WORDS;
        }
      }
      for (; k < len; k++) {
        const xv = <i32>load<i8>(x + <usize>(k * xs));
        s0 += abs(xv - <i32>load<i8>(w0 + k));
        s1 += abs(xv - <i32>load<i8>(w1 + k));
        s2 += abs(xv - <i32>load<i8>(w2 + k));
        s3 += abs(xv - <i32>load<i8>(w3 + k));
      }
      x += xRowStride;
      w0 += len; w1 += len; w2 += len; w3 += len;
    }
    s0 += sadLaneTotal(e0, o0); s1 += sadLaneTotal(e1, o1); s2 += sadLaneTotal(e2, o2); s3 += sadLaneTotal(e3, o3);
    addAcc4(f0, s0, s1, s2, s3);
  }
}
