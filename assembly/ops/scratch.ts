// The conv-like ops' scratch: the accumulators of the filters of one output pixel, the buffer
// border windows are gathered into, the run of zero-point bytes padded taps read; and what the
// inner loops share about them: the filter pointers of a block of four, the masks for runs
// whose length is not a multiple of 16.

/**
 * Most output channels of one pixel accumulated per pass (a multiple of 4). The scalar build,
 * the one small cores run, keeps its static memory small.
 */
export const FILTER_CHUNK: i32 = ASC_FEATURE_SIMD ? 256 : 64;
/** Output pixels computed together: two interior pixels side by side in the SIMD build. */
export const ACC_PIXELS: i32 = ASC_FEATURE_SIMD ? 2 : 1;

/**
 * FILTER_CHUNK i32 sums, one per filter of the block being computed (see conv.ts), for
 * each of the output pixels computed together: the second pixel's at ACC_PIXEL_2.
 */
export const ACC: usize = memory.data(ACC_PIXELS * FILTER_CHUNK * 4, 16);
export const ACC_PIXEL_2: usize = ACC + <usize>FILTER_CHUNK * 4;

/**
 * 16 bytes 0xFF then 16 bytes 0: the 16 bytes at TAIL_MASK + 16 − r select the
 * first r lanes of a vector (1 ≤ r ≤ 15).
 */
export const TAIL_MASK: usize = memory.data<u8>([
  255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
], 16);

/** 16 bytes holding the input zero point: the "input" a padded adder tap reads. */
export const ZERO_POINT_RUN: usize = memory.data(16, 16);

/**
 * Largest window (kernel_h·kernel_w·C bytes) gathered into WINDOW for border pixels, so they
 * take one call like interior pixels; larger windows take the row-by-row path. The scalar
 * build, the one small cores run, keeps its static memory small.
 */
export const WINDOW_BYTES: i32 = ASC_FEATURE_SIMD ? 2048 : 640;
/** One window of input taps, padded taps holding the zero point (+ 16 bytes of SIMD read slack). */
export const WINDOW: usize = memory.data(WINDOW_BYTES + 16, 16);

/** Zero the sums of the first `filters` filters (of one or two pixels). */
export function clearAcc(filters: i32, pixels: i32): void {
  memory.fill(ACC, 0, <usize>filters << 2);
  if (pixels == 2) memory.fill(ACC_PIXEL_2, 0, <usize>filters << 2);
}

/** Weights of filter `f` of `filters` filters `stride` apart from `w`; past the last, repeat it. */
@inline export function filterAt(w: usize, stride: usize, filters: i32, f: i32): usize {
  return w + <usize>min(f, filters - 1) * stride;
}

/** ACC[at + f] += s_f, f = 0..3 (scalar build). */
@inline export function addAcc4(at: i32, s0: i32, s1: i32, s2: i32, s3: i32): void {
  const p = ACC + (<usize>at << 2);
  store<i32>(p, load<i32>(p) + s0);
  store<i32>(p + 4, load<i32>(p + 4) + s1);
  store<i32>(p + 8, load<i32>(p + 8) + s2);
  store<i32>(p + 12, load<i32>(p + 12) + s3);
}

/** ACC[at + f] += horizontal sum of s_f, f = 0..3 (four i32x4). */
@inline export function addAcc4Lanes(at: i32, s0: v128, s1: v128, s2: v128, s3: v128): void {
  const t01 = i32x4.add(v128.shuffle<i32>(s0, s1, 0, 2, 4, 6), v128.shuffle<i32>(s0, s1, 1, 3, 5, 7));
  const t23 = i32x4.add(v128.shuffle<i32>(s2, s3, 0, 2, 4, 6), v128.shuffle<i32>(s2, s3, 1, 3, 5, 7));
  const r = i32x4.add(v128.shuffle<i32>(t01, t23, 0, 2, 4, 6), v128.shuffle<i32>(t01, t23, 1, 3, 5, 7));
  const p = ACC + (<usize>at << 2);
  v128.store(p, i32x4.add(v128.load(p), r));
}

/** Lane mask for the last `r` (1..15) bytes of a run. */
@inline export function tailMask(r: i32): v128 {
  return v128.load(TAIL_MASK + 16 - <usize>r);
}
