// The one rounding rule of docs/SPEC.md, and the output clamp, in scalar and SIMD form.

/** requant(v, mult, shift) = (v·mult + 2^(shift−1)) >> shift, in 64 bits (wrapping). */
@inline export function requant(v: i64, mult: i32, shift: i32): i64 {
  return (v * <i64>mult + (<i64>1 << <i64>(shift - 1))) >> <i64>shift;
}

/** clamp(zOut + r, lo, hi) as an int8 value. */
@inline export function clampOut(zOut: i32, r: i64, lo: i32, hi: i32): i32 {
  let v = <i64>zOut + r;
  if (v < <i64>lo) v = <i64>lo;
  if (v > <i64>hi) v = <i64>hi;
  return <i32>v;
}

/** A conv-like op's output value: clamp(zOut + requant(acc + bias, mult, shift)). */
@inline export function requantizeOutput(acc: i32, bias: i32, mult: i32, shift: i32, zOut: i32, lo: i32, hi: i32): i32 {
  return clampOut(zOut, requant(<i64>acc + <i64>bias, mult, shift), lo, hi);
}

// ---- SIMD: the same arithmetic on i64x2 lanes --------------------------------------

/**
 * The clamp bounds [lo − zOut, hi − zOut] of rounded values before zOut is added (zOut + r
 * cannot wrap: |r| < 2^63 after a shift ≥ 1), as i64x2 splats.
 */
@inline export function clampLow(lo: i32, zOut: i32): v128 { return i64x2.splat(<i64>(lo - zOut)); }
@inline export function clampHigh(hi: i32, zOut: i32): v128 { return i64x2.splat(<i64>(hi - zOut)); }

/** (p + 2^(shift−1)) >> shift on two i64 lanes (p = v·mult already formed), clamped to [lo, hi]. */
@inline export function roundShiftClamp2(p: v128, round: v128, shift: i32, lo: v128, hi: v128): v128 {
  let r = i64x2.shr_s(i64x2.add(p, round), shift);
  r = v128.bitselect(lo, r, i64x2.lt_s(r, lo));
  return v128.bitselect(hi, r, i64x2.gt_s(r, hi));
}

/** Two i64x2 of values within int8 range after adding zOut → their low 32 bits as i32x4, plus zOut. */
@inline export function joinLanes(low: v128, high: v128, zOut: v128): v128 {
  return i32x4.add(v128.shuffle<i32>(low, high, 0, 2, 4, 6), zOut);
}

/**
 * Four outputs of a conv-like op at once (SIMD build), when every acc + bias fits in 32 bits
 * (then v·mult is one 32×32→64 multiply): stores clamp(zOut + requant(acc + bias, mult,
 * shift), lo, hi) for the four lanes at `y` and returns true; returns false, storing nothing,
 * otherwise (the caller then takes the scalar rule).
 */
@inline export function requantizeOutput4(y: usize, acc: v128, bias: v128, mult: v128, shift: i32, zOut: i32, lo: i32, hi: i32): bool {
  const v = i32x4.add(acc, bias);
  // signed overflow of acc + bias: both operands' signs differ from the sum's
  if (i32x4.bitmask(v128.and(v128.xor(v, acc), v128.xor(v, bias))) != 0) return false;
  const round = i64x2.splat(<i64>1 << <i64>(shift - 1));
  const loV = clampLow(lo, zOut), hiV = clampHigh(hi, zOut);
  const low = roundShiftClamp2(i64x2.extmul_low_i32x4_s(v, mult), round, shift, loV, hiV);
  const high = roundShiftClamp2(i64x2.extmul_high_i32x4_s(v, mult), round, shift, loV, hiV);
  const q = joinLanes(low, high, i32x4.splat(zOut));
  const q16 = i16x8.narrow_i32x4_s(q, q);
  store<i32>(y, i32x4.extract_lane(i8x16.narrow_i16x8_s(q16, q16), 0));
  return true;
}
