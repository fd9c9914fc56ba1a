// The one rounding rule of docs/SPEC.md, and the output clamp.

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
