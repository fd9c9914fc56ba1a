// Float-vs-int8 agreement figures shared by the quantization tests.
import { runFloat } from "../../src/graph/float_reference.js";
import type { Graph } from "../../src/graph/ir.js";
import type { QModel } from "../../src/format/model.js";
import { runReference } from "../../src/reference/interpreter.js";
import { dequantizeOutput, quantizeInput } from "../../src/quantize/io.js";

export interface Agreement {
  /** Fraction of inputs whose arg-max agrees. */
  top1: number;
  /** Mean |float − dequantized int8| over all outputs. */
  meanAbsDelta: number;
  maxAbsDelta: number;
  /** Mean over inputs of the float output's range (max − min). */
  meanRange: number;
  /** meanAbsDelta / meanRange. */
  relative: number;
  /** meanAbsDelta in output grid steps. */
  steps: number;
}

const argmax = (v: ArrayLike<number>): number => {
  let best = 0;
  for (let k = 1; k < v.length; k++) if (v[k]! > v[best]!) best = k;
  return best;
};

export function agreement(graph: Graph, model: QModel, inputs: readonly Float32Array[]): Agreement {
  let agree = 0;
  let sumAbs = 0;
  let maxAbs = 0;
  let count = 0;
  let sumRange = 0;
  for (const x of inputs) {
    const expected = runFloat(graph, x);
    const got = dequantizeOutput(model, runReference(model, quantizeInput(model, x)));
    if (argmax(expected) === argmax(got)) agree++;
    let lo = Infinity;
    let hi = -Infinity;
    expected.forEach((v, k) => {
      const d = Math.abs(v - got[k]!);
      sumAbs += d;
      maxAbs = Math.max(maxAbs, d);
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    });
    count += expected.length;
    sumRange += hi - lo;
  }
  const meanAbsDelta = sumAbs / count;
  const meanRange = sumRange / inputs.length;
  const scale = model.tensors[model.output]!.scale;
  return { top1: agree / inputs.length, meanAbsDelta, maxAbsDelta: maxAbs, meanRange, relative: meanAbsDelta / meanRange, steps: meanAbsDelta / scale };
}

export const describeAgreement = (a: Agreement): string =>
  `top-1 ${(100 * a.top1).toFixed(1)}%, mean |Δ| ${a.meanAbsDelta.toFixed(4)} (${a.steps.toFixed(2)} steps, ${(100 * a.relative).toFixed(2)}% of range ${a.meanRange.toFixed(3)}), max |Δ| ${a.maxAbsDelta.toFixed(4)}`;
