// addernet run: inferences on any runtime, one per sample of the input.

import { extname } from "node:path";
import { type QModel, tensorBytes } from "../../format/model.js";
import { readModel } from "../../format/reader.js";
import type { ImageLayout } from "../../io/layout.js";
import { writeNpy } from "../../io/npy.js";
import { dequantizeOutput, outputDims, outputInLayout, quantizeInput } from "../../quantize/io.js";
import { listRuntimes } from "../../runtime/index.js";
import { outcomeToOutput } from "../../runtime/tools.js";
import { type Command, flavourOption, layoutOption, usableRuntime, parseCommandArgs, requirePositional } from "../command.js";
import { argmax } from "../../eval/accuracy.js";
import { samplesFromNpy } from "../../io/samples.js";
import { UsageError } from "../errors.js";
import { readFile, writeFileAtomic } from "../../io/files.js";

/**
 * The int8 inputs: a .npy file holds float samples (each quantized on the model's input grid),
 * all of them or the one at `index`; anything else is one raw int8 NHWC input.
 */
function readInputs(path: string, model: QModel, layout: ImageLayout, index: number | undefined): Int8Array[] {
  const t = model.tensors[model.input]!;
  if (extname(path) === ".npy") {
    const samples = samplesFromNpy(path, t, layout);
    if (index === undefined) return samples.map((x) => quantizeInput(model, x));
    const sample = samples[index];
    if (!sample) throw new UsageError(`--index ${index} is out of range: "${path}" holds ${samples.length} samples`);
    return [quantizeInput(model, sample)];
  }
  const bytes = readFile(path, "input");
  if (bytes.length !== tensorBytes(t)) {
    throw new Error(`input "${path}": expected ${tensorBytes(t)} int8 bytes (${t.height}x${t.width}x${t.channels} NHWC), found ${bytes.length}`);
  }
  return [new Int8Array(bytes.buffer, bytes.byteOffset, bytes.length)];
}

/** Every sample's outputs, concatenated: the dequantized values in `layout` (a .npy of [N, …]) or the raw int8 NHWC bytes. */
function outputFile(path: string, model: QModel, layout: ImageLayout, outputs: { int8: Int8Array; values: Float32Array }[]): Uint8Array {
  if (extname(path) !== ".npy") {
    const bytes = new Uint8Array(outputs.reduce((n, o) => n + o.int8.length, 0));
    outputs.forEach((o, i) => bytes.set(new Uint8Array(o.int8.buffer, o.int8.byteOffset, o.int8.length), i * o.int8.length));
    return bytes;
  }
  const values = new Float32Array(outputs.reduce((n, o) => n + o.values.length, 0));
  outputs.forEach((o, i) => values.set(o.values, i * o.values.length));
  return writeNpy([outputs.length, ...outputDims(model, layout).slice(1)], values);
}

export const runCommand: Command = {
  name: "run",
  summary: "run a model on each sample of an input (.npy floats or raw int8 bytes) on any runtime",
  help: `Usage: addernet run <model.addn> <input.npy|input.bin> [options]

A .npy input holds float samples in the model's layout (NCHW by default, as ONNX/PyTorch: one
sample, or a batch along the first axis); each is quantized on the model's input grid and run
on its own (a model exported with a batch of N runs one sample at a time). Any other file is
the raw int8 NHWC input bytes of one sample. Prints, per sample, the int8 output (the kernel's
NHWC bytes), its dequantized values in the model's layout (ONNX's order: [1, C, H, W], or the
order of its Flatten for a vector) and their argmax.

Options:
  --runtime NAME      ${listRuntimes().join(", ")} (default node-simd)
  --flavour arena|stream  the kernel that copies the model into its memory (default), or the
                      one that reads it in slices as firmware does from flash (docs/ABI.md)
  --layout nchw|nhwc  layout of a .npy input and of the values output (default nchw)
  --index N           run only sample N of a .npy batch
  -o, --out PATH      also write the outputs of every sample: .npy → dequantized float32 of
                      shape [N, …] in --layout (e.g. [N, C, H, W] as ONNX), else raw int8 bytes
                      (NHWC, one sample after the other)
  --json              print one JSON object per sample (one per line)`,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, {
      runtime: { type: "string" },
      flavour: { type: "string" },
      layout: { type: "string" },
      index: { type: "string" },
      out: { type: "string", short: "o" },
      json: { type: "boolean" },
    });
    const modelPath = requirePositional(positionals, 0, "the model path");
    const inputPath = requirePositional(positionals, 1, "the input path");
    const runtime = await usableRuntime(values.runtime, flavourOption(values.flavour));
    const index = values.index === undefined ? undefined : Number(values.index);
    if (index !== undefined && (!Number.isInteger(index) || index < 0)) throw new UsageError(`--index must be an integer ≥ 0; found "${values.index}"`);
    const layout = layoutOption(values.layout);
    const bytes = readFile(modelPath, "model");
    const model = readModel(bytes);
    const inputs = readInputs(inputPath, model, layout, index);
    const outcomes = await runtime.runMany(inputs.map((input) => ({ model: bytes, input })));
    const outputs = outcomes.map((outcome) => {
      const int8 = outcomeToOutput(outcome);
      return { int8, values: outputInLayout(model, dequantizeOutput(model, int8), layout) };
    });
    if (values.out) writeFileAtomic(values.out, outputFile(values.out, model, layout, outputs));
    const dims = outputDims(model, layout);
    const first = index ?? 0;
    outputs.forEach(({ int8, values: floats }, i) => {
      if (values.json) {
        console.log(JSON.stringify({ runtime: runtime.name, sample: first + i, dims, int8: Array.from(int8), values: Array.from(floats), argmax: argmax(floats) }));
        return;
      }
      if (i === 0) console.log(`runtime: ${runtime.name} (${runtime.flavour} flavour); output [${dims.join(", ")}] (${layout.toUpperCase()})`);
      if (outputs.length > 1) console.log(`sample ${first + i}:`);
      console.log(`int8:    ${Array.from(int8).join(" ")}`);
      console.log(`values:  ${Array.from(floats, (v) => v.toFixed(4)).join(" ")}`);
      console.log(`argmax:  ${argmax(floats)}`);
    });
    return 0;
  },
};
