// Grids and fixed-point multipliers, as docs/SPEC.md ("Choosing grids", "Activations",
// "The one rounding rule") defines them.

import type { Activation } from "../graph/ir.js";
import { SHIFT_MAX, SHIFT_MIN } from "../format/constants.js";
import { requant } from "../reference/ops/requant.js";
import type { Range } from "./calibrate.js";

export interface Grid {
  scale: number;
  zeroPoint: number;
}

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const TWO_POW_31 = 2147483648;

/** Rounds half away from zero (Math.round on the magnitude). */
export const roundHalfAway = (v: number): number => (v < 0 ? -Math.round(-v) : Math.round(v));

export const clampInt8 = (v: number): number => (v < -128 ? -128 : v > 127 ? 127 : v);

/** Rounds and saturates to int32. */
export const saturateInt32 = (v: number): number => {
  const r = roundHalfAway(v);
  return r < INT32_MIN ? INT32_MIN : r > INT32_MAX ? INT32_MAX : r;
};

/** s = (hi − lo)/255, z = clamp(round(−128 − lo/s)); a range of width 0 gets the grid of [0, 1]. */
export function gridFromRange(range: Range): Grid {
  const lo = Math.min(range.min, 0);
  let hi = Math.max(range.max, 0);
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) throw new Error(`range [${range.min}, ${range.max}] is not finite`);
  if (hi - lo <= 0) hi = lo + 1;
  const scale = (hi - lo) / 255;
  return { scale, zeroPoint: clampInt8(roundHalfAway(-128 - lo / scale)) };
}

/** q = clamp(round(x/s) + z, −128, 127), rounding half away from zero. */
export const quantizeValue = (x: number, g: Grid): number => clampInt8(roundHalfAway(x / g.scale) + g.zeroPoint);

/** The output clamp that implements an activation on the grid (SPEC.md "Activations"). */
export function activationClamp(activation: Activation, g: Grid): { actMin: number; actMax: number } {
  if (activation === "none") return { actMin: -128, actMax: 127 };
  const actMin = Math.max(-128, g.zeroPoint);
  if (activation === "relu") return { actMin, actMax: 127 };
  return { actMin, actMax: Math.max(actMin, Math.min(127, g.zeroPoint + roundHalfAway(6 / g.scale))) };
}

/**
 * The per-layer shift: the largest value ≤ 62 with max|ratio|·2^shift < 2^31. A ratio too large
 * for shift 1 gets shift 1 (its multipliers saturate; `saturated` says so).
 */
export function chooseShift(maxAbsRatio: number): { shift: number; saturated: boolean } {
  if (!(maxAbsRatio > 0)) return { shift: SHIFT_MAX, saturated: false };
  let shift = Math.min(SHIFT_MAX, Math.floor(31 - Math.log2(maxAbsRatio)) + 1);
  while (shift >= SHIFT_MIN && maxAbsRatio * 2 ** shift >= TWO_POW_31) shift--;
  if (shift < SHIFT_MIN) return { shift: SHIFT_MIN, saturated: true };
  return { shift, saturated: false };
}

/** mult = round(ratio·2^shift), saturated to int32. */
export const multiplier = (ratio: number, shift: number): number => saturateInt32(ratio * 2 ** shift);

/**
 * A multiplier and bias that make requant(acc + bias, mult, shift) equal `steps` for every acc in
 * [−span, 0]: a constant output from an accumulator that cannot be zeroed (adder layers). The
 * accumulator's whole span moves the product by less than one step around `steps`·2^shift.
 * Undefined when the shift leaves no such int32 pair.
 */
export function constantRequant(steps: number, span: number, shift: number): { mult: number; bias: number } | undefined {
  const scale = 2 ** shift;
  const mult = Math.min(INT32_MAX, Math.floor((scale - 1) / (span + 2)));
  if (mult < 1) return undefined;
  const bias = roundHalfAway((steps * scale) / mult + span / 2);
  if (bias < INT32_MIN || bias > INT32_MAX) return undefined;
  // Exact check at both ends (requant is monotone in acc for mult > 0).
  const ends = [requant(BigInt(bias - span), mult, shift), requant(BigInt(bias), mult, shift)];
  return ends.every((r) => r === BigInt(steps)) ? { mult, bias } : undefined;
}
