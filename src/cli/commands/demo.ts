// addernet demo: the whole pipeline on the bundled digits model — ONNX import, calibration,
// int8 quantization, packing, accuracy against the float model, latency.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { evaluate } from "../../eval/accuracy.js";
import { countModel } from "../../inspect/op_counts.js";
import { getRuntime } from "../../runtime/index.js";
import { type Command, parseCommandArgs } from "../command.js";
import { labelsFromNpy, samplesFromNpy } from "../../io/samples.js";
import { writeFileAtomic } from "../../io/files.js";
import { formatEval, pct } from "./eval.js";
import { table } from "../../inspect/report.js";
import { compileWithProgress } from "./pack.js";
import { formatLatencies, measureLatencies } from "../../eval/latency.js";
import { DIGITS_DIR } from "../../models/digits.js";

export const demoCommand: Command = {
  name: "demo",
  summary: "import, quantize, pack and evaluate the bundled digits AdderNet",
  help: `Usage: addernet demo [--out-dir DIR] [--quiet]

Runs the pipeline on models/digits (a hybrid AdderNet trained on scikit-learn's 8x8 digits by
examples/pytorch/train_digits.py): imports digits_adder.onnx, calibrates on calib_x.npy,
quantizes to int8, packs it, evaluates float vs int8 accuracy on the test split with the SIMD
build, and times it on Node's SIMD and scalar builds. The plain CNN of the same architecture
is evaluated alongside for comparison.

Options:
  --out-dir DIR   keep the packed models there (default: a temporary folder, removed)
  --quiet         no progress output`,
  async run(argv) {
    const { values } = parseCommandArgs(argv, { "out-dir": { type: "string" }, quiet: { type: "boolean" } });
    const quiet = values.quiet === true;
    const outDir = values["out-dir"] ?? mkdtempSync(join(tmpdir(), "addernet-demo-"));
    try {
      const settings = { path: join(DIGITS_DIR, "calib_x.npy"), layout: "nchw" as const, maxSamples: 256, method: "minmax" as const, fold: true, quiet };
      const testY = labelsFromNpy(join(DIGITS_DIR, "test_y.npy"));
      const summary: string[][] = [["model", "float", "int8 (node-simd)", "node-simd ms", "node-scalar ms", "file bytes"]];
      for (const [name, title] of [["digits_adder", "AdderNet (adder 3x3 layers)"], ["digits_cnn", "plain CNN, same architecture"]]) {
        const onnxPath = join(DIGITS_DIR, `${name}.onnx`);
        console.log(`\n== ${name}.onnx: ${title}`);
        const result = compileWithProgress(onnxPath, settings);
        const { graph, bytes: packed } = result;
        const outPath = join(outDir, `${name}.addn`);
        writeFileAtomic(outPath, packed);
        const counts = countModel(result.model);
        console.log(
          `packed ${outPath}: ${packed.length} bytes; per inference ${counts.adderTaps} adder taps, ${counts.multiplyTaps} multiply taps ` +
            `(${counts.multiplications} multiplications, ${counts.additions} additions)`,
        );
        const samples = samplesFromNpy(join(DIGITS_DIR, "test_x.npy"), graph.inputShape, "nchw");
        const runtime = getRuntime("node-simd");
        const evaluation = await evaluate({ packed, model: result.model, samples, labels: testY, runtime, graph });
        console.log(formatEval(evaluation, runtime.name));
        const latencies = await measureLatencies(packed, [runtime, getRuntime("node-scalar")], { count: 200 });
        console.log(formatLatencies(latencies));
        summary.push([
          title,
          pct(evaluation.floatAccuracy!),
          pct(evaluation.int8Accuracy),
          latencies[0]!.meanMs!.toFixed(3),
          latencies[1]!.meanMs!.toFixed(3),
          String(packed.length),
        ]);
      }
      console.log(`\n== summary: ${testY.length} test images of scikit-learn's 8x8 digits\n${table(summary)}`);
      return 0;
    } finally {
      if (!values["out-dir"]) rmSync(outDir, { recursive: true, force: true });
    }
  },
};
