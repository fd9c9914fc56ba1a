// addernet run: one inference on any runtime.

import { extname } from "node:path";
import { type QModel, tensorBytes } from "../../format/model.js";
import { readModel } from "../../format/reader.js";
import { writeNpy } from "../../io/npy.js";
import { dequantizeOutput, quantizeInput } from "../../quantize/io.js";
import { listRuntimes, runOnce } from "../../runtime/index.js";
import { type Command, flavourOption, layoutOption, usableRuntime, parseCommandArgs, requirePositional } from "../command.js";
import { argmax, samplesFromNpy } from "../data.js";
import { UsageError } from "../errors.js";
import { readFile, writeFileAtomic } from "../files.js";

/** A .npy file holds float samples (quantized on the model's input grid); anything else is raw int8 bytes. */
function readInput(path: string, model: QModel, layout: "nchw" | "nhwc", index: number): Int8Array {
  const t = model.tensors[model.input]!;
  if (extname(path) === ".npy") {
    const samples = samplesFromNpy(path, t, layout);
    const sample = samples[index];
    if (!sample) throw new UsageError(`--index ${index} is out of range: "${path}" holds ${samples.length} samples`);
    return quantizeInput(model, sample);
  }
  const bytes = readFile(path, "input");
  if (bytes.length !== tensorBytes(t)) {
    throw new Error(`input "${path}": expected ${tensorBytes(t)} int8 bytes (${t.height}x${t.width}x${t.channels} NHWC), found ${bytes.length}`);
  }
  return new Int8Array(bytes.buffer, bytes.byteOffset, bytes.length);
}

export const runCommand: Command = {
  name: "run",
  summary: "run a model on one input (.npy floats or raw int8 bytes) on any runtime",
  help: `Usage: addernet run <model.addn> <input.npy|input.bin> [options]

A .npy input holds float samples in the model's layout (NCHW by default, as ONNX/PyTorch; one
sample or a batch with --index); it is quantized on the model's input grid. Any other file is
the raw int8 NHWC input bytes. Prints the int8 output, its dequantized values and the argmax.

Options:
  --runtime NAME      ${listRuntimes().join(", ")} (default node-simd)
  --flavour arena|stream  the kernel that copies the model into its memory (default), or the
                      one that reads it in slices as firmware does from flash (docs/ABI.md)
  --layout nchw|nhwc  layout of a .npy input (default nchw)
  --index N           which sample of a .npy batch (default 0)
  -o, --out PATH      also write the output: .npy → dequantized float32, else raw int8 bytes
  --json              print the output as JSON`,
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
    const index = values.index === undefined ? 0 : Number(values.index);
    if (!Number.isInteger(index) || index < 0) throw new UsageError(`--index must be an integer ≥ 0; found "${values.index}"`);
    const bytes = readFile(modelPath, "model");
    const model = readModel(bytes);
    const input = readInput(inputPath, model, layoutOption(values.layout), index);
    const output = await runOnce(runtime, bytes, input);
    const floats = dequantizeOutput(model, output);
    if (values.out) {
      const t = model.tensors[model.output]!;
      const shape = [1, t.height, t.width, t.channels];
      writeFileAtomic(values.out, extname(values.out) === ".npy" ? writeNpy(shape, floats) : new Uint8Array(output.buffer, output.byteOffset, output.length));
    }
    if (values.json) {
      console.log(JSON.stringify({ runtime: runtime.name, int8: Array.from(output), values: Array.from(floats), argmax: argmax(floats) }));
    } else {
      console.log(`runtime: ${runtime.name} (${runtime.flavour} flavour)`);
      console.log(`int8:    ${Array.from(output).join(" ")}`);
      console.log(`values:  ${Array.from(floats, (v) => v.toFixed(4)).join(" ")}`);
      console.log(`argmax:  ${argmax(floats)}`);
    }
    return 0;
  },
};
