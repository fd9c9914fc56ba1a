// Quantization of conv-like layers: docs/SPEC.md, "How the host fills qw, bias and mult".
//
// Adder layers put their weights ON THE INPUT'S GRID (same s, z) so the kernel's inner loop is
// an integer SAD. A weight outside the grid's range [x_lo, x_hi] is clamped to the end w_c;
// every input lies inside the range, so |x − w| = |x − w_c| + |w − w_c| exactly and the
// remainder Σ|w − w_c|/s_x is a per-channel constant folded into the bias.
// Multiply layers take BatchNorm into the float weights, then symmetric per-channel int8.
// A channel whose output stays within half an output step over every input on the grid (a
// BatchNorm channel that training switched off: γ ≈ 0, σ² ≈ 0) is quantized as the constant it
// outputs for the all-zero input, instead of as a vanishing multiplier and an enormous bias.

import { channelAffine } from "../graph/affine.js";
import { oihwToOhwi } from "../graph/layout.js";
import type { ConvNode, DenseNode } from "../graph/ir.js";
import { isDenseNode } from "../graph/shapes.js";
import { chooseShift, clampInt8, constantRequant, type Grid, multiplier, roundHalfAway, saturateInt32 } from "./grid.js";

export interface ConvLikeParams {
  /** [n][i][j][c] (dense: [n][k]). */
  weights: Int8Array;
  bias: Int32Array;
  mult: Int32Array;
  shift: number;
  /** Adder layers: per-channel clamped remainder r_n = Σ|w − w_c|/s_x (input grid steps). */
  remainders: Float64Array;
  stats: LayerStats;
}

/** What quantizing one conv-like layer did (the quantization report's row). */
export interface LayerStats {
  name: string;
  op: ConvNode["op"] | DenseNode["op"];
  shift: number;
  weights: number;
  /** Adder layers: weights outside the input grid's range, clamped to its end. */
  clampedWeights: number;
  clampedFraction: number;
  /** Σ over channels of the clamped remainder r_n, in input grid steps, folded into the biases. */
  foldedRemainder: number;
  /** The same remainder when folding is off: dropped, i.e. an error of the layer. */
  droppedRemainder: number;
  /** Largest single-channel remainder r_n (input grid steps). */
  maxChannelRemainder: number;
  /** Biases or multipliers that had to saturate to int32. */
  saturated: number;
  /** Channels quantized as a constant (their output varies less than half an output step). */
  constantChannels: number[];
  warnings: string[];
}

export interface ConvLikeOptions {
  /** Fold the clamped remainder into the bias (default true). False drops it (ablation only). */
  foldClampedWeights: boolean;
}

/** Weights in [n][i][j][c] order for conv nodes, [n][k] for dense, and their channel count. */
function packedFloatWeights(node: ConvNode | DenseNode, inChannels: number): { w: Float64Array; channels: number } {
  if (isDenseNode(node)) return { w: Float64Array.from(node.weights), channels: node.outFeatures };
  const [kh, kw] = node.kernel;
  return { w: oihwToOhwi(node.weights, node.outChannels, inChannels, kh, kw), channels: node.outChannels };
}

function emptyStats(node: ConvNode | DenseNode, weights: number): LayerStats {
  return {
    name: node.name, op: node.op, shift: 0, weights, clampedWeights: 0, clampedFraction: 0,
    foldedRemainder: 0, droppedRemainder: 0, maxChannelRemainder: 0, saturated: 0, constantChannels: [], warnings: [],
  };
}

/** Multipliers and shift from per-channel ratios (float scale of acc in output steps). */
function requantization(ratios: Float64Array, stats: LayerStats): { mult: Int32Array; shift: number } {
  const maxRatio = ratios.reduce((m, r) => Math.max(m, Math.abs(r)), 0);
  // Only constant channels (ratio 0): the shift of ratio 1 leaves them room (constantRequant).
  const { shift, saturated } = chooseShift(maxRatio > 0 ? maxRatio : 1);
  if (saturated) {
    stats.warnings.push(`${stats.name}: multiplier ratio ${maxRatio.toExponential(3)} needs a shift below 1; multipliers saturate`);
  }
  const mult = new Int32Array(ratios.length);
  ratios.forEach((r, n) => {
    mult[n] = multiplier(r, shift);
    if (Math.abs(r * 2 ** shift) >= 2 ** 31) stats.saturated++;
  });
  stats.shift = shift;
  return { mult, shift };
}

/**
 * Whether a channel is constant on the output grid: its output a·y + b, y its raw sum, varies by
 * less than half an output step over every input on the input grid, i.e. |a|·s_x·255·Σ t_k < s_o/2
 * where each term t_k varies by at most 255 input steps times |w_k| (multiply) or 1 (adder).
 */
const isConstantChannel = (aTimesSumT: number, x: Grid, out: Grid): boolean => Math.abs(aTimesSumT) * x.scale * 255 < out.scale / 2;

/** A constant in output steps, clamped to what the output grid holds. */
const constantSteps = (value: number, out: Grid): number => Math.min(127 - out.zeroPoint, Math.max(-128 - out.zeroPoint, roundHalfAway(value / out.scale)));

function biasInt32(value: number, stats: LayerStats, channel: number): number {
  const q = saturateInt32(value);
  if (q !== roundHalfAway(value)) {
    stats.saturated++;
    stats.warnings.push(`${stats.name}: channel ${channel} bias ${value.toExponential(3)} saturates int32`);
  }
  return q;
}

export function quantizeAdderLayer(node: ConvNode | DenseNode, inChannels: number, x: Grid, out: Grid, options: ConvLikeOptions): ConvLikeParams {
  const { w, channels } = packedFloatWeights(node, inChannels);
  const perChannel = w.length / channels;
  const { a, b } = channelAffine(node);
  const xLo = x.scale * (-128 - x.zeroPoint);
  const xHi = x.scale * (127 - x.zeroPoint);
  const stats = emptyStats(node, w.length);
  const weights = new Int8Array(w.length);
  const bias = new Int32Array(channels);
  const ratios = new Float64Array(channels);
  const remainders = new Float64Array(channels);
  /** Constant channels -> their output in output steps. */
  const constants = new Map<number, number>();
  for (let n = 0; n < channels; n++) {
    let remainder = 0;
    for (let k = n * perChannel; k < (n + 1) * perChannel; k++) {
      const v = w[k]!;
      if (v < xLo) {
        weights[k] = -128;
        remainder += (xLo - v) / x.scale;
        stats.clampedWeights++;
      } else if (v > xHi) {
        weights[k] = 127;
        remainder += (v - xHi) / x.scale;
        stats.clampedWeights++;
      } else {
        weights[k] = clampInt8(roundHalfAway(v / x.scale) + x.zeroPoint);
      }
    }
    remainders[n] = remainder;
    stats.maxChannelRemainder = Math.max(stats.maxChannelRemainder, remainder);
    if (options.foldClampedWeights) stats.foldedRemainder += remainder;
    else {
      stats.droppedRemainder += remainder;
      remainder = 0;
    }
    // Constant: the output for the all-zero input, a·(−Σ|w|) + b; its multiplier and bias are made
    // once the layer's shift is known (below), its ratio left out of the shift's choice.
    if (isConstantChannel(a[n]! * perChannel, x, out)) {
      let sumAbs = 0;
      for (let k = n * perChannel; k < (n + 1) * perChannel; k++) sumAbs += Math.abs(w[k]!);
      constants.set(n, constantSteps(b[n]! - a[n]! * sumAbs, out));
      continue;
    }
    // a·Y + b = a·s_x·(acc − r) + b  →  mult ≈ a·s_x/s_o, bias = round(−r + b/(a·s_x)).
    ratios[n] = (a[n]! * x.scale) / out.scale;
    bias[n] = biasInt32(-remainder + b[n]! / (a[n]! * x.scale), stats, n);
  }
  stats.clampedFraction = stats.clampedWeights / w.length;
  const { mult, shift } = requantization(ratios, stats);
  for (const [n, steps] of constants) {
    // acc lies in [−255·K, 0]; the pair makes every such acc requantize to `steps`.
    const pair = constantRequant(steps, 255 * perChannel, shift);
    if (pair) {
      mult[n] = pair.mult;
      bias[n] = pair.bias;
      stats.constantChannels.push(n);
    } else {
      stats.warnings.push(`${node.name}: channel ${n} is constant (${steps} output steps) but shift ${shift} leaves no int32 multiplier and bias for it; it outputs 0`);
    }
  }
  return { weights, bias, mult, shift, remainders, stats };
}

export function quantizeMultiplyLayer(node: ConvNode | DenseNode, inChannels: number, x: Grid, out: Grid): ConvLikeParams {
  const { w, channels } = packedFloatWeights(node, inChannels);
  const perChannel = w.length / channels;
  const { a, b } = channelAffine(node);
  const stats = emptyStats(node, w.length);
  const weights = new Int8Array(w.length);
  const bias = new Int32Array(channels);
  const ratios = new Float64Array(channels);
  for (let n = 0; n < channels; n++) {
    const start = n * perChannel;
    let maxAbs = 0;
    let sumAbs = 0;
    for (let k = start; k < start + perChannel; k++) {
      w[k] = a[n]! * w[k]!; // BatchNorm folded into the float weights
      maxAbs = Math.max(maxAbs, Math.abs(w[k]!));
      sumAbs += Math.abs(w[k]!);
    }
    // A constant channel's weights contribute nothing: it outputs b, its value for the all-zero input.
    if (isConstantChannel(sumAbs, x, out)) {
      w.fill(0, start, start + perChannel);
      maxAbs = 0;
      stats.constantChannels.push(n);
    }
    // An all-zero channel outputs its bias alone: quantize that at the output's resolution.
    const sw = maxAbs > 0 ? maxAbs / 127 : out.scale / x.scale;
    for (let k = start; k < start + perChannel; k++) weights[k] = clampInt8(roundHalfAway(w[k]! / sw));
    bias[n] = biasInt32(b[n]! / (x.scale * sw), stats, n);
    ratios[n] = (x.scale * sw) / out.scale;
  }
  const { mult, shift } = requantization(ratios, stats);
  return { weights, bias, mult, shift, remainders: new Float64Array(channels), stats };
}
