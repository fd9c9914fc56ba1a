// The one rounding rule of docs/SPEC.md and the output clamp, in exact 64-bit arithmetic.

/** requant(v, mult, shift) = (v·mult + 2^(shift−1)) >> shift, wrapping modulo 2^64. */
export function requant(v: bigint, mult: number, shift: number): bigint {
  const sum = BigInt.asIntN(64, v * BigInt(mult) + (1n << BigInt(shift - 1)));
  return sum >> BigInt(shift); // BigInt >> is arithmetic: floor division by 2^shift
}

/** clamp(zOut + r, lo, hi), the sum formed in 64 bits. */
export function clampOut(zOut: number, r: bigint, lo: number, hi: number): number {
  const v = BigInt.asIntN(64, BigInt(zOut) + r);
  return v < BigInt(lo) ? lo : v > BigInt(hi) ? hi : Number(v);
}

/** A conv-like op's output value: clamp(zOut + requant(acc + bias, mult, shift), lo, hi). */
export function requantizeOutput(acc: number, bias: number, mult: number, shift: number, zOut: number, lo: number, hi: number): number {
  return clampOut(zOut, requant(BigInt(acc) + BigInt(bias), mult, shift), lo, hi);
}
