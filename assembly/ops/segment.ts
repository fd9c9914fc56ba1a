// What the conv-like inner loops share: the accumulator of the current filter
// block and the masks for runs whose length is not a multiple of 16.

/** Four i32 sums, one per filter of the block being computed (see conv_common.ts). */
export const ACC4: usize = memory.data(16, 16);

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

export function clearAcc4(): void {
  store<u64>(ACC4, 0);
  store<u64>(ACC4 + 8, 0);
}

@inline export function addAcc4(s0: i32, s1: i32, s2: i32, s3: i32): void {
  store<i32>(ACC4, load<i32>(ACC4) + s0);
  store<i32>(ACC4 + 4, load<i32>(ACC4 + 4) + s1);
  store<i32>(ACC4 + 8, load<i32>(ACC4 + 8) + s2);
  store<i32>(ACC4 + 12, load<i32>(ACC4 + 12) + s3);
}

/** Add [Σs0, Σs1, Σs2, Σs3] (horizontal sums of four i32x4) to ACC4. */
@inline export function addAcc4Lanes(s0: v128, s1: v128, s2: v128, s3: v128): void {
  const t01 = i32x4.add(v128.shuffle<i32>(s0, s1, 0, 2, 4, 6), v128.shuffle<i32>(s0, s1, 1, 3, 5, 7));
  const t23 = i32x4.add(v128.shuffle<i32>(s2, s3, 0, 2, 4, 6), v128.shuffle<i32>(s2, s3, 1, 3, 5, 7));
  const r = i32x4.add(v128.shuffle<i32>(t01, t23, 0, 2, 4, 6), v128.shuffle<i32>(t01, t23, 1, 3, 5, 7));
  v128.store(ACC4, i32x4.add(v128.load(ACC4), r));
}

/** Lane mask for the last `r` (1..15) bytes of a run. */
@inline export function tailMask(r: i32): v128 {
  return v128.load(TAIL_MASK + 16 - <usize>r);
}
