// Quantization of conv-like layers: docs/SPEC.md, "How the host fills qw, bias and mult".
//
// Adder layers put their weights ON THE INPUT'S GRID (same s, z) so the kernel's inner loop is
// an integer SAD. A weight outside the grid's range [x_lo, x_hi] is clamped to the end w_c;
// every input lies inside the range, so |x − w| = |x − w_c| + |w − w_c| exactly and the
// remainder Σ|w − w_c|/s_x is a per-channel constant folded into the bias.
// Multiply layers take BatchNorm into the float weights, then symmetric per-channel int8.

import { channelAffine } from "../graph/affine.js";
import { oihwToOhwi } from "../graph/layout.js";
import type { ConvNode, DenseNode } from "../graph/ir.js";
import { isDenseNode } from "../graph/shapes.js";
import { chooseShift, clampInt8, type Grid, multiplier, roundHalfAway, saturateInt32 } from "./grid.js";

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
    foldedRemainder: 0, droppedRemainder: 0, maxChannelRemainder: 0, saturated: 0, warnings: [],
  };
}

/** Multipliers and shift from per-channel ratios (float scale of acc in output steps). */
function requantization(ratios: Float64Array, stats: LayerStats): { mult: Int32Array; shift: number } {
  const maxRatio = ratios.reduce((m, r) => Math.max(m, Math.abs(r)), 0);
  const { shift, saturated } = chooseShift(maxRatio);
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
    // a·Y + b = a·s_x·(acc − r) + b  →  mult ≈ a·s_x/s_o, bias = round(−r + b/(a·s_x)).
    if (a[n] === 0) {
      stats.warnings.push(`${node.name}: channel ${n} has BatchNorm scale 0; its constant output ${b[n]} is lost`);
      continue;
    }
    ratios[n] = (a[n]! * x.scale) / out.scale;
    bias[n] = biasInt32(-remainder + b[n]! / (a[n]! * x.scale), stats, n);
  }
  stats.clampedFraction = stats.clampedWeights / w.length;
  const { mult, shift } = requantization(ratios, stats);
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
    for (let k = start; k < start + perChannel; k++) {
      w[k] = a[n]! * w[k]!; // BatchNorm folded into the float weights
      maxAbs = Math.max(maxAbs, Math.abs(w[k]!));
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
