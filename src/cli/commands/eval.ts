// addernet eval: accuracy of the int8 model (and of its float source) on a labelled set.

import { importOnnx } from "../../onnx/index.js";
import { readModel } from "../../format/reader.js";
import { evaluate, type EvalResult } from "../../eval/accuracy.js";
import { listRuntimes } from "../../runtime/index.js";
import { type Command, layoutOption, usableRuntime, parseCommandArgs, positiveInt, requirePositional } from "../command.js";
import { labelsFromNpy, samplesFromNpy } from "../../io/samples.js";
import { UsageError } from "../errors.js";
import { readFile } from "../../io/files.js";
import { Progress } from "../progress.js";

export const pct = (v: number): string => `${(100 * v).toFixed(2)}%`;

export function formatEval(r: EvalResult, runtime: string): string {
  const lines = [`int8 accuracy (${runtime}): ${pct(r.int8Accuracy)} on ${r.count} samples`];
  if (r.floatAccuracy !== undefined) {
    lines.push(
      `float accuracy (reference): ${pct(r.floatAccuracy)}  (int8 − float: ${(100 * (r.int8Accuracy - r.floatAccuracy)).toFixed(2)} points)`,
      `float/int8 agreement: ${pct(r.agreement!)}; mean |Δ logit| ${r.meanAbsLogitDelta!.toFixed(4)} (mean logit range ${r.meanLogitRange!.toFixed(2)})`,
    );
  }
  return lines.join("\n");
}

export const evalCommand: Command = {
  name: "eval",
  summary: "accuracy of the int8 model vs the float reference on a labelled .npy set",
  help: `Usage: addernet eval <model.addn> --x <samples.npy> --y <labels.npy> [options]

Runs every sample through the int8 model on the chosen runtime and reports its accuracy; with
--onnx, also runs the float model through the float reference and reports float accuracy,
float/int8 agreement and the mean absolute logit difference.

Options:
  --x PATH            float samples (NCHW by default)
  --y PATH            integer labels, 1-D
  --onnx PATH         the float ONNX model the .addn was packed from
  --runtime NAME      ${listRuntimes().join(", ")} (default node-simd)
  --layout nchw|nhwc  layout of the samples (default nchw)
  --limit N           evaluate the first N samples only
  --json              print the figures as JSON
  --quiet             no progress output`,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, {
      x: { type: "string" },
      y: { type: "string" },
      onnx: { type: "string" },
      runtime: { type: "string" },
      layout: { type: "string" },
      limit: { type: "string" },
      json: { type: "boolean" },
      quiet: { type: "boolean" },
    });
    const modelPath = requirePositional(positionals, 0, "the model path");
    if (!values.x || !values.y) throw new UsageError("both --x <samples.npy> and --y <labels.npy> are required");
    const packed = readFile(modelPath, "model");
    const model = readModel(packed);
    const runtime = await usableRuntime(values.runtime);
    const limit = positiveInt(values.limit, "--limit", Number.MAX_SAFE_INTEGER);
    const samples = samplesFromNpy(values.x, model.tensors[model.input]!, layoutOption(values.layout)).slice(0, limit);
    const labels = labelsFromNpy(values.y).slice(0, limit);
    const onWarning = (w: string) => console.error(`warning: ${w}`);
    const graph = values.onnx ? importOnnx(readFile(values.onnx, "ONNX model"), { onWarning }) : undefined;
    const progress = new Progress("evaluating", values.quiet === true || values.json === true);
    const result = await evaluate({ packed, model, samples, labels, runtime, graph, onProgress: (d, t) => progress.update(d, t) });
    console.log(values.json ? JSON.stringify({ runtime: runtime.name, ...result }) : formatEval(result, runtime.name));
    return 0;
  },
};
