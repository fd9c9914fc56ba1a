// Arithmetic per inference, per op: what `inspect` prints and what the benchmarks divide by.
//
// A "tap" is one weight meeting one input value: a multiply-accumulate in a multiply layer, an
// |x − w| and its accumulation in an adder layer. Throughput figures (G ops/s) count taps, as
// the yardsticks in the brief do (M·N·K for an M-pixel, N-filter, K-deep layer).

import { TRAIT_INPUT_LIST, TRAIT_POOL, TRAIT_REQUANTIZES, TRAIT_ROW, TRAIT_TABLE, TRAIT_TO_1X1, TRAIT_TWO_INPUTS } from "../format/constants.js";
import { type QModel, type QOp, tensorBytes } from "../format/model.js";
import { filterBytes, has, hasFilters, isAdder } from "../ops/table.js";

export interface OpCount {
  /** Weight-input meetings (conv-like ops); 0 for the others. */
  taps: number;
  multiplications: number;
  additions: number;
}

export function countOp(model: QModel, op: QOp): OpCount {
  const input = model.tensors[op.input0]!;
  const output = model.tensors[op.output]!;
  const outputs = tensorBytes(output);
  if (hasFilters(op.kind)) {
    const taps = outputs * filterBytes(op, input);
    // Adder: a subtraction and an accumulation per tap. Multiply: a MAC per tap. Both end in
    // one requantization multiply per output value.
    return isAdder(op.kind)
      ? { taps, multiplications: outputs, additions: 2 * taps }
      : { taps, multiplications: taps + outputs, additions: taps };
  }
  if (has(op.kind, TRAIT_POOL)) return { taps: 0, multiplications: 0, additions: outputs * op.kernelH * op.kernelW };
  if (has(op.kind, TRAIT_TO_1X1)) return { taps: 0, multiplications: 0, additions: tensorBytes(input) }; // global pooling
  if (has(op.kind, TRAIT_TWO_INPUTS)) return { taps: 0, multiplications: 2 * outputs, additions: 2 * outputs };
  // a channel affine: a multiply and an add per value; a LUT: a load per value, no arithmetic
  if (has(op.kind, TRAIT_TABLE)) return has(op.kind, TRAIT_REQUANTIZES) ? { taps: 0, multiplications: outputs, additions: outputs } : { taps: 0, multiplications: 0, additions: 0 };
  if (has(op.kind, TRAIT_ROW)) {
    // at most: an exponential is 15 products (8 bits, 7 squarings); softmax makes each twice and
    // divides once, log-softmax makes each once, multiplies twice and squares 16 times a row
    const rows = outputs / output.channels;
    return has(op.kind, TRAIT_REQUANTIZES)
      ? { taps: 0, multiplications: 17 * outputs + 16 * rows, additions: 3 * outputs }
      : { taps: 0, multiplications: 31 * outputs, additions: 2 * outputs };
  }
  // a concat rescales each value of an input not on its grid (a multiply and a rounding add);
  // copies and pads compute nothing
  if (has(op.kind, TRAIT_INPUT_LIST)) {
    const rescaled = op.inputs!.reduce((sum, t, i) => (op.mults![i] === 2 ** op.shift && model.tensors[t]!.zeroPoint === output.zeroPoint ? sum : sum + tensorBytes(model.tensors[t]!)), 0);
    return { taps: 0, multiplications: rescaled, additions: rescaled };
  }
  return { taps: 0, multiplications: 0, additions: 0 };
}

export function countModel(model: QModel): OpCount & { adderTaps: number; multiplyTaps: number } {
  const total = { taps: 0, multiplications: 0, additions: 0, adderTaps: 0, multiplyTaps: 0 };
  for (const op of model.ops) {
    const c = countOp(model, op);
    total.taps += c.taps;
    total.multiplications += c.multiplications;
    total.additions += c.additions;
    if (isAdder(op.kind)) total.adderTaps += c.taps;
    else total.multiplyTaps += c.taps;
  }
  return total;
}
