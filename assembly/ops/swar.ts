// Four int8 values packed in one i32 ("SIMD within a register"): the scalar build's inner
// loops read four bytes per load, which is what 32-bit cores without SIMD128 (Cortex-M) do
// best. Every function here gives exactly the sums the byte-by-byte loops give.

/** Sign bit of each byte. */
const HIGH_BITS: u32 = 0x80808080;
/** Even bytes: the low byte of each 16-bit lane. */
export const EVEN_BYTES: u32 = 0x00ff00ff;

/**
 * Words the two accumulators of sadLaneTotal take before they are widened: each word adds ≤ 255
 * to each 16-bit lane of the even sum (n·255 < 2^16 for n ≤ 257) and ≤ 255·(1 + 2^8 + 2^16) to
 * the odd sum (below 2^32 for n ≤ 256).
 */
export const SAD_LANE_WORDS = 128;

/** Four int8 values → four bytes in unsigned order (x + 128), where |a − b| is unchanged. */
@inline export function unsignedBytes(x: u32): u32 {
  return x ^ HIGH_BITS;
}

/**
 * |x − w| of the four int8 byte pairs of `x` and `w`, one per byte; `a` is unsignedBytes(x),
 * passed in so a caller comparing one input word with several filters flips it once.
 */
@inline export function sadBytes(x: u32, a: u32, w: u32): u32 {
  const nb = w ^ 0x7f7f7f7f; // ~b, where b = w ^ HIGH_BITS is w in unsigned order
  // per-byte floor((a + ~b) / 2) = floor((a − b + 255) / 2): its top bit is set where a > b
  const g = (a & nb) + (((a ^ nb) & 0xfefefefe) >>> 1);
  const top = g & HIGH_BITS;
  // m = 0xff where a > b, else 0; with m' = m ^ 0x80 per byte (0x7f or 0x80, no borrow across
  // bytes), (b ^ m) − (a ^ m) = (w ^ m') − (x ^ m'): a − b where a > b, b − a elsewhere, ≥ 0 in
  // every byte, so no borrow crosses a byte
  const flipAbove = HIGH_BITS - (top >>> 7);
  return (w ^ flipAbove) - (x ^ flipAbove);
}

/**
 * The sum of the bytes of many sadBytes words d, kept in two accumulators that cost one
 * operation each per word: even = Σ d & 0x00ff00ff (bytes 0 and 2 in 16-bit lanes) and
 * odd = Σ d >>> 8 (= byte 1 + byte 2·2^8 + byte 3·2^16: byte 2 again, which even knows).
 */
@inline export function sadLaneTotal(even: u32, odd: u32): i32 {
  const byte2 = even >>> 16;
  const odd13 = odd - (byte2 << 8); // byte 1 + byte 3·2^16
  return <i32>((even & 0xffff) + byte2 + (odd13 & 0xffff) + (odd13 >>> 16));
}

/** Byte `k` (0 = lowest address) of a little-endian word, sign-extended. */
@inline export function byteAt(word: u32, k: i32): i32 {
  return (<i32>word << (24 - 8 * k)) >> 24;
}

/** Σ_k xk·wk over the four bytes of `w` (int8), the inputs xk already minus their zero point. */
@inline export function dotBytes4(x0: i32, x1: i32, x2: i32, x3: i32, w: u32): i32 {
  return x0 * byteAt(w, 0) + x1 * byteAt(w, 1) + x2 * byteAt(w, 2) + x3 * byteAt(w, 3);
}
