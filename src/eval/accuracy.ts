// Accuracy of a packed int8 model on a labelled set, on any runtime, next to the float graph it
// was quantized from: the figures `addernet eval` and the demo print.

import type { Graph } from "../graph/ir.js";
import { floatOutputs } from "./float_outputs.js";
import type { QModel } from "../format/model.js";
import { dequantizeOutput, outputInLayout, quantizeInput } from "../quantize/io.js";
import type { Runtime } from "../runtime/index.js";
import { outcomeToOutput } from "../runtime/tools.js";

export interface EvalOptions {
  /** The packed file and its decoded form. */
  packed: Uint8Array;
  model: QModel;
  /** NHWC float samples and their labels. */
  samples: readonly Float32Array[];
  labels: ArrayLike<number>;
  runtime: Runtime;
  /** The float graph the model came from, for float accuracy and the logit comparison. */
  graph?: Graph;
  onProgress?: (done: number, total: number) => void;
}

export interface EvalResult {
  count: number;
  int8Accuracy: number;
  floatAccuracy?: number;
  /** Fraction of samples where float and int8 predict the same class. */
  agreement?: number;
  /** Mean over samples and classes of |float logit − dequantized int8 logit|. */
  meanAbsLogitDelta?: number;
  /** Mean over samples of (max − min) float logit, to judge meanAbsLogitDelta against. */
  meanLogitRange?: number;
}

/** Index of the largest value (the first one on ties). */
export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}

const BATCH = 64;

export async function evaluate(options: EvalOptions): Promise<EvalResult> {
  const { samples, labels, model, graph } = options;
  if (samples.length !== labels.length) {
    throw new Error(`evaluate: ${samples.length} samples but ${labels.length} labels`);
  }
  let int8Correct = 0;
  let floatCorrect = 0;
  let agree = 0;
  let deltaSum = 0;
  let rangeSum = 0;
  const floats = graph && floatOutputs(graph);
  try {
    for (let start = 0; start < samples.length; start += BATCH) {
      const batch = samples.slice(start, start + BATCH);
      // The float model (on a worker thread where it can) and the int8 model at the same time.
      const [floatOutputsOfBatch, outcomes] = await Promise.all([
        floats?.run(batch),
        options.runtime.runMany(batch.map((x) => ({ model: options.packed, input: quantizeInput(model, x) }))),
      ]);
      outcomes.forEach((outcome, i) => {
        const label = labels[start + i]!;
        // Both outputs in the model's own order, which the labels index (ONNX's Flatten of a map).
        const q = outputInLayout(model, dequantizeOutput(model, outcomeToOutput(outcome)));
        const qClass = argmax(q);
        if (qClass === label) int8Correct++;
        const floatOutput = floatOutputsOfBatch?.[i];
        if (!floatOutput) return;
        const f = outputInLayout(model, floatOutput);
        const fClass = argmax(f);
        if (fClass === label) floatCorrect++;
        if (fClass === qClass) agree++;
        let delta = 0;
        for (let k = 0; k < f.length; k++) delta += Math.abs(f[k]! - q[k]!);
        deltaSum += delta / f.length;
        rangeSum += Math.max(...f) - Math.min(...f);
      });
      options.onProgress?.(Math.min(start + BATCH, samples.length), samples.length);
    }
  } finally {
    await floats?.close();
  }
  const n = samples.length;
  const result: EvalResult = { count: n, int8Accuracy: int8Correct / n };
  if (graph) {
    Object.assign(result, {
      floatAccuracy: floatCorrect / n,
      agreement: agree / n,
      meanAbsLogitDelta: deltaSum / n,
      meanLogitRange: rangeSum / n,
    });
  }
  return result;
}
