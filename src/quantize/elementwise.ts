// Quantization of the element-wise and per-row ops (docs/SPEC.md, LUT, CHANNEL_AFFINE, SOFTMAX,
// LOG_SOFTMAX): their tables, multipliers and biases from the float node and its grids.
import { EXP_ONE } from "../format/constants.js";
import { elementwiseFunction } from "../graph/elementwise.js";
import { applyActivation } from "../graph/float_ops.js";
import type { ChannelAffineNode, ElementwiseNode } from "../graph/ir.js";
import type { Range } from "./calibrate.js";
import { chooseShift, type Grid, multiplier, quantizeValue, saturateInt32 } from "./grid.js";

/** The node's function (activation included) at the 256 points of the input grid, q = −128…127. */
function onGrid(node: ElementwiseNode, x: Grid): Float64Array {
  const f = elementwiseFunction(node.fn);
  const values = Float64Array.from({ length: 256 }, (_, i) => applyActivation(f(x.scale * (i - 128 - x.zeroPoint)), node.activation));
  const bad = values.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) {
    throw new Error(`node "${node.name}" (${node.fn.name}): the value ${values[bad]} at input ${x.scale * (bad - 128 - x.zeroPoint)} (int8 ${bad - 128}) cannot be quantized`);
  }
  return values;
}

/**
 * The range the LUT's output takes: the function's image of the input grid. No int8 input can
 * give a value outside it, so nothing clips; calibration would only see part of it.
 */
export function lutRange(node: ElementwiseNode, x: Grid): Range {
  const values = onGrid(node, x);
  return { min: Math.min(...values), max: Math.max(...values) };
}

/** table[q + 128] = the output grid's nearest value to f(s_x·(q − z_x)): exact to half an output step. */
export function lutTable(node: ElementwiseNode, x: Grid, out: Grid): Int8Array {
  return Int8Array.from(onGrid(node, x), (y) => quantizeValue(y, out));
}

export interface ChannelAffineParams {
  multNegative: Int32Array;
  bias: Int32Array;
  mult: Int32Array;
  shift: number;
  warnings: string[];
}

/**
 * y = a·x + b on channel c (a = negativeScale below 0, scale above) in output steps is
 * (a·s_x/s_o)·v + b/s_o with v = q − z_x: mult = round(a·s_x/s_o·2^shift), bias = round(b/s_o·2^shift),
 * one shift for the op, the largest that keeps every multiplier and bias within int32.
 */
export function quantizeChannelAffine(node: ChannelAffineNode, x: Grid, out: Grid): ChannelAffineParams {
  const C = node.scale.length;
  const ratio = (a: number) => (a * x.scale) / out.scale;
  let largest = 0;
  for (let c = 0; c < C; c++) {
    largest = Math.max(largest, Math.abs(ratio(node.scale[c]!)), Math.abs(ratio(node.negativeScale[c]!)), Math.abs(node.bias[c]! / out.scale));
  }
  const { shift, saturated } = chooseShift(largest);
  const warnings = saturated ? [`${node.name}: a multiplier or bias of ${largest.toExponential(3)} output steps needs a shift below 1; they saturate int32`] : [];
  return {
    multNegative: Int32Array.from(node.negativeScale, (a) => multiplier(ratio(a), shift)),
    bias: Int32Array.from(node.bias, (b) => saturateInt32((b / out.scale) * 2 ** shift)),
    mult: Int32Array.from(node.scale, (a) => multiplier(ratio(a), shift)),
    shift,
    warnings,
  };
}

/** r = exp(−s_x) in Q30, the base of the softmax ops' exponentials. */
export const softmaxExpBase = (x: Grid): number => Math.min(EXP_ONE, Math.round(EXP_ONE * Math.exp(-x.scale)));

/**
 * LOG_SOFTMAX's multipliers: y = −s_x·d − ln2·log2(S/2^30) in output steps, with log2 in Q16:
 * diffMult = round(s_x/s_o·2^shift), logMult = round(ln2/s_o·2^(shift − 16)).
 */
export function logSoftmaxParams(x: Grid, out: Grid): { diffMult: number; logMult: number; shift: number } {
  const diffRatio = x.scale / out.scale;
  const logRatio = Math.LN2 / out.scale / 2 ** 16;
  const { shift } = chooseShift(Math.max(diffRatio, logRatio));
  return { diffMult: multiplier(diffRatio, shift), logMult: multiplier(logRatio, shift), shift };
}
