// Arithmetic per inference, per op: what `inspect` prints and what the benchmarks divide by.
//
// A "tap" is one weight meeting one input value: a multiply-accumulate in a multiply layer, an
// |x − w| and its accumulation in an adder layer. Throughput figures (G ops/s) count taps, as
// the yardsticks in the brief do (M·N·K for an M-pixel, N-filter, K-deep layer).

import { isConvLike, isDenseLike, isPool } from "../format/layout.js";
import { type QModel, type QOp, tensorBytes } from "../format/model.js";

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
  if (isConvLike(op.kind)) {
    const depth = isDenseLike(op.kind) ? tensorBytes(input) : op.kernelH * op.kernelW * input.channels;
    const taps = outputs * depth;
    const adder = op.kind === "adder_conv2d" || op.kind === "adder_dense";
    // Adder: a subtraction and an accumulation per tap. Multiply: a MAC per tap. Both end in
    // one requantization multiply per output value.
    return adder
      ? { taps, multiplications: outputs, additions: 2 * taps }
      : { taps, multiplications: taps + outputs, additions: taps };
  }
  if (isPool(op.kind)) return { taps: 0, multiplications: 0, additions: outputs * op.kernelH * op.kernelW };
  if (op.kind === "global_avg_pool") return { taps: 0, multiplications: 0, additions: input.height * input.width * input.channels };
  if (op.kind === "add") return { taps: 0, multiplications: 2 * outputs, additions: 2 * outputs };
  return { taps: 0, multiplications: 0, additions: 0 };
}

export function countModel(model: QModel): OpCount & { adderTaps: number; multiplyTaps: number } {
  const total = { taps: 0, multiplications: 0, additions: 0, adderTaps: 0, multiplyTaps: 0 };
  for (const op of model.ops) {
    const c = countOp(model, op);
    total.taps += c.taps;
    total.multiplications += c.multiplications;
    total.additions += c.additions;
    if (op.kind === "adder_conv2d" || op.kind === "adder_dense") total.adderTaps += c.taps;
    else total.multiplyTaps += c.taps;
  }
  return total;
}
