// addernet pack: ONNX + calibration data → .addn model file.

import { basename, extname } from "node:path";
import { importOnnx } from "../../onnx/index.js";
import { packModel } from "../../format/writer.js";
import { buildModelModule } from "../../modulegen/index.js";
import { formatQuantizationReport, quantizeGraph, type QuantizeResult } from "../../quantize/index.js";
import type { CalibrationMethod } from "../../quantize/index.js";
import type { Graph } from "../../graph/ir.js";
import { type Command, flavourOption, layoutOption, oneOf, parseCommandArgs, positiveInt, requirePositional } from "../command.js";
import type { ScratchChoice } from "../../plan/stream.js";
import { samplesFromNpy, type ImageLayout } from "../data.js";
import { UsageError } from "../errors.js";
import { listNpyFiles, readFile, writeFileAtomic } from "../files.js";
import { Progress } from "../progress.js";

export interface PackSettings {
  calibration: string;
  layout: ImageLayout;
  maxSamples: number;
  method: CalibrationMethod;
  fold: boolean;
  quiet: boolean;
}

/** Import, calibrate and quantize: shared by `pack` and `demo`. */
export function importAndQuantize(onnxPath: string, settings: PackSettings): { graph: Graph; result: QuantizeResult } {
  const graph = importOnnx(readFile(onnxPath, "ONNX model"));
  const samples = listNpyFiles(settings.calibration)
    .flatMap((file) => samplesFromNpy(file, graph.inputShape, settings.layout))
    .slice(0, settings.maxSamples);
  const progress = new Progress(`calibrating on ${samples.length} samples`, settings.quiet);
  const result = quantizeGraph(graph, samples, {
    method: settings.method,
    foldClampedWeights: settings.fold,
    onProgress: (done, total) => progress.update(done, total),
  });
  return { graph, result };
}

/** --scratch: min, default, layer or a byte count. */
function scratchOption(value: string | undefined): ScratchChoice {
  if (value === undefined || value === "min" || value === "default" || value === "layer") return value ?? "default";
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`--scratch must be min, default, layer or a byte count; found "${value}"`);
  return n;
}

export function parseMethod(percentile: string | undefined): CalibrationMethod {
  if (percentile === undefined) return "minmax";
  const p = Number(percentile);
  if (!(p > 50 && p <= 100)) throw new UsageError(`--percentile must be in (50, 100]; found "${percentile}"`);
  return { percentile: p };
}

export const packCommand: Command = {
  name: "pack",
  summary: "quantize an ONNX model with calibration data and write a .addn file",
  help: `Usage: addernet pack <model.onnx> --calib <file.npy|folder> [options]

Imports the ONNX model (standard ops plus com.addernet AdderConv/AdderGemm, see docs/ONNX.md),
calibrates activation ranges on the samples, quantizes to int8 (adder weights on their input's
grid, clamped remainders folded into the bias) and writes the packed model.

Options:
  --calib PATH        .npy file or folder of .npy files with representative inputs (required)
  -o, --out PATH      output file (default: <model>.addn beside the current directory)
  --layout nchw|nhwc  layout of the calibration arrays (default nchw, as ONNX/PyTorch)
  --max-samples N     use at most N samples (default 256)
  --percentile P      clip ranges at the P-th percentile instead of min/max (e.g. 99.99)
  --no-fold           drop, instead of folding, the remainder of clamped adder weights (ablation)
  --module simd|scalar  also write <out>.<build>.wasm: a kernel module sized for this model
                      (arena exactly what it needs, fewest pages, initial = maximum)
  --flavour arena|stream  with --module: the kernel that copies the model into its memory
                      (default), or the one that reads it from outside (flash), written as
                      <out>.stream.<build>.wasm (docs/ABI.md)
  --scratch min|default|layer|BYTES  with --flavour stream: room for one block of filters'
                      parameters: one filter, four (default), whole layers, or a byte count
  --embed             with --module (arena flavour): put the model in the module as a data
                      segment (one file)
  --report            print the per-layer quantization report
  --quiet             no progress output`,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, {
      calib: { type: "string" },
      out: { type: "string", short: "o" },
      layout: { type: "string" },
      "max-samples": { type: "string" },
      percentile: { type: "string" },
      "no-fold": { type: "boolean" },
      module: { type: "string" },
      flavour: { type: "string" },
      scratch: { type: "string" },
      embed: { type: "boolean" },
      report: { type: "boolean" },
      quiet: { type: "boolean" },
    });
    const onnxPath = requirePositional(positionals, 0, "the ONNX model path");
    if (values.calib === undefined) throw new UsageError("missing --calib <file.npy|folder>");
    const out = values.out ?? `${basename(onnxPath, extname(onnxPath))}.addn`;
    const moduleBuild = values.module === undefined ? undefined : oneOf(values.module, ["simd", "scalar"] as const, "--module", "simd");
    if (values.embed && !moduleBuild) throw new UsageError("--embed needs --module simd|scalar");
    const flavour = flavourOption(values.flavour);
    if ((values.flavour !== undefined || values.scratch !== undefined) && !moduleBuild) throw new UsageError("--flavour and --scratch need --module simd|scalar");
    if (values.embed && flavour === "stream") throw new UsageError("--embed puts the model in linear memory: it needs the arena flavour, not --flavour stream");
    if (values.scratch !== undefined && flavour !== "stream") throw new UsageError("--scratch needs --flavour stream");
    const scratch = scratchOption(values.scratch);
    const { result } = importAndQuantize(onnxPath, {
      calibration: values.calib,
      layout: layoutOption(values.layout),
      maxSamples: positiveInt(values["max-samples"], "--max-samples", 256),
      method: parseMethod(values.percentile),
      fold: !values["no-fold"],
      quiet: values.quiet === true,
    });
    const bytes = packModel(result.model);
    // Build everything before writing anything, so a failure leaves no file behind.
    const module = moduleBuild ? buildModelModule(bytes, { build: moduleBuild, flavour, scratch, embed: values.embed === true }) : undefined;
    const modulePath = `${out.replace(/\.addn$/, "")}.${flavour === "stream" ? "stream." : ""}${moduleBuild}.wasm`;
    writeFileAtomic(out, bytes);
    if (module) {
      writeFileAtomic(modulePath, module);
      console.log(`wrote ${modulePath}: ${module.length} bytes${values.embed ? " (model embedded)" : ""}`);
    }
    if (values.report) console.log(formatQuantizationReport(result.report));
    for (const w of result.report.warnings) console.error(`warning: ${w}`);
    const m = result.model;
    console.log(`wrote ${out}: ${bytes.length} bytes, ${m.ops.length} ops, ${m.tensors.length} tensors, activations ${m.activationBytes} bytes`);
    return 0;
  },
};
