#!/usr/bin/env node
// Produces what a firmware image carries: a model, inputs for it, and the kernel sized
// for it, plus the TypeScript reference's outputs.
//
//   node firmware/scripts/make-assets.mjs --model MODEL --flavour arena|stream
//        --build scalar|simd --inputs N --out DIR [--scratch-bytes N] [--kernel PATH] [--model-file PATH]
//
//   DIR/model.addn     MODEL, packed as `addernet pack` does:
//                        digits        models/digits/digits_adder.onnx, calibrated on
//                                      models/digits/calib_x.npy
//                        digits-cnn    models/digits/digits_cnn.onnx, the same net with
//                                      multiply convolutions, calibrated alike
//                        resnet20      the zoo's ResNet-20 (seeded weights) quantized on
//                                      seeded calibration images
//                        resnet20-cnn  the same shapes with multiply convolutions
//                        conv-adder    one 3×3 adder conv, 16→16 channels on 32×32, padding 1
//                        conv-multiply the same layer as an int8 multiply conv
//                        random-N      the conformance suite's random hybrid network N
//                                      (src/models, randomNetwork)
//                        activations-N the conformance suite's network N with LUT, channel-affine
//                                      and softmax ops (src/models, randomActivationNetwork)
//                        NAME-adder    an MLPerf Tiny architecture as `addernet zoo` packs it
//                        NAME-multiply (NAME: ds-cnn, mobilenet-v1, resnet8, fc-ae)
//   DIR/inputs.bin     N int8 inputs, one after another (digits: the first N test images of
//                      models/digits/test_x.npy; otherwise seeded images)
//   DIR/expected.bin   runReference's output for each input, one after another
//   DIR/kernel.wasm    build/addernet[-stream].<build>.wasm resized for this model by
//                      src/modulegen: arena flavour, the model + activations + slack; stream
//                      flavour, the model's header and tables + activations + a scratch for
//                      blocks of filters + slack (the weights stay in flash). --scratch-bytes:
//                      min | default (four filters of the largest op) | layer | a byte count
//                      --kernel PATH: that module as it is
//   --model-file PATH  put this file in model.addn instead (e.g. a corrupted model, to see
//                      the firmware report it); the kernel and inputs are still the --model's,
//                      and expected.bin is empty
//
// Files are rewritten only when their bytes change, so make relinks only what changed.
// Needs `npm run build` (dist/ and build/*.wasm).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
if (!existsSync(join(root, "dist/index.js"))) {
  console.error("make-assets: dist/ not found: run `npm run build` first");
  process.exit(1);
}
const dist = (path) => import(join(root, "dist", path));

const { compileOnnxFile, quantize } = await dist("pipeline.js");
const { samplesFromNpy } = await dist("io/samples.js");
const { packModel } = await dist("format/writer.js");
const { buildResNet20, calibrationSamples, randomActivationNetwork, randomNetwork, Rng, TINY_MODELS, tinyInputs } = await dist("models/index.js");
const { packZooModel } = await dist("zoo.js");
const { readModel } = await dist("format/reader.js");
const { convLayerModel } = await dist("models/op_models.js");
const { buildModelModule } = await dist("modulegen/index.js");
const { quantizeInput } = await dist("quantize/io.js");
const { runReference } = await dist("reference/interpreter.js");

/** A digits net from models/digits, calibrated on calib_x.npy, and the first test images. */
function digitsNet(file, count) {
  const { graph, model } = compileOnnxFile(join(root, "models/digits", file), {
    path: join(root, "models/digits/calib_x.npy"),
    layout: "nchw",
    maxSamples: 256,
  });
  const samples = samplesFromNpy(join(root, "models/digits/test_x.npy"), graph.inputShape, "nchw");
  if (samples.length < count) throw new Error(`models/digits/test_x.npy has ${samples.length} images, ${count} asked`);
  return { qmodel: model, samples: samples.slice(0, count) };
}

/** One 3×3 conv layer, 16→16 channels on 32×32 (ResNet-20's first stage), with seeded inputs. */
function convLayer(kind, count) {
  const qmodel = convLayerModel(new Rng(7), kind, 32, 32, 16, 16);
  return { qmodel, samples: calibrationSamples({ height: 32, width: 32, channels: 16 }, count, 2007) };
}

const MODELS = {
  digits: (count) => digitsNet("digits_adder.onnx", count),
  "digits-cnn": (count) => digitsNet("digits_cnn.onnx", count),
  resnet20: (count) => seeded(buildResNet20(1), count, 2),
  "resnet20-cnn": (count) => seeded(buildResNet20(1, { adder: false }), count, 2),
  "conv-adder": (count) => convLayer("adder_conv2d", count),
  "conv-multiply": (count) => convLayer("conv2d", count),
};

/** A seeded graph quantized on seeded calibration images, and `count` seeded inputs. */
function seeded(graph, count, seed) {
  const qmodel = quantize(graph, calibrationSamples(graph.inputShape, 8, 1000 + seed));
  return { qmodel, samples: calibrationSamples(graph.inputShape, count, 2000 + seed) };
}

/** A zoo model (NAME-adder, NAME-multiply) as `addernet zoo` packs it, and seeded inputs. */
function zooModel(name) {
  const match = /^(.+)-(adder|multiply)$/.exec(name ?? "");
  const model = match && TINY_MODELS.find((m) => m.name === match[1]);
  if (!model) return undefined;
  return (count) => ({ qmodel: readModel(packZooModel(model, match[2]).bytes), samples: tinyInputs(model.inputShape, count) });
}

/** digits, resnet20, …, random-N or activations-N (seeded as in the conformance suite), or a zoo model. */
function modelMaker(name) {
  const random = /^random-([1-9][0-9]*)$/.exec(name ?? "");
  if (random) return (count) => seeded(randomNetwork(Number(random[1])), count, 10 + Number(random[1]));
  const activations = /^activations-([1-9][0-9]*)$/.exec(name ?? "");
  if (activations) return (count) => seeded(randomActivationNetwork(Number(activations[1])), count, 60 + Number(activations[1]) - 1);
  return MODELS[name] ?? zooModel(name);
}

function writeIfChanged(path, bytes) {
  if (existsSync(path) && Buffer.from(readFileSync(path)).equals(Buffer.from(bytes))) return;
  writeFileSync(path, bytes);
}

function concat(arrays) {
  return Buffer.concat(arrays.map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength)));
}

function kernelFor(model, flavour, build, scratch, kernelPath) {
  if (kernelPath) return readFileSync(resolve(kernelPath));
  return buildModelModule(model, flavour === "stream" ? { build, flavour, scratch } : { build, flavour });
}

function main() {
  const { values } = parseArgs({
    options: {
      model: { type: "string" },
      flavour: { type: "string", default: "arena" },
      build: { type: "string", default: "scalar" },
      inputs: { type: "string", default: "4" },
      out: { type: "string" },
      kernel: { type: "string" },
      "scratch-bytes": { type: "string", default: "default" },
      "model-file": { type: "string" },
    },
  });
  const make = modelMaker(values.model);
  if (!make) {
    const zoo = TINY_MODELS.map((m) => `${m.name}-adder|multiply`).join(", ");
    throw new Error(`--model must be one of ${Object.keys(MODELS).join(", ")}, random-N, activations-N or ${zoo}, found ${values.model}`);
  }
  if (!["arena", "stream"].includes(values.flavour)) throw new Error(`--flavour must be arena or stream, found ${values.flavour}`);
  if (!["scalar", "simd"].includes(values.build)) throw new Error(`--build must be scalar or simd, found ${values.build}`);
  const count = Number(values.inputs);
  if (!Number.isInteger(count) || count < 1) throw new Error(`--inputs must be a positive integer, found ${values.inputs}`);
  if (!values.out) throw new Error("--out DIR is required");
  const scratchArg = values["scratch-bytes"];
  const scratch = ["min", "default", "layer"].includes(scratchArg) ? scratchArg : Number(scratchArg);
  if (typeof scratch === "number" && !Number.isInteger(scratch)) {
    throw new Error(`--scratch-bytes must be min, default, layer or a byte count, found ${scratchArg}`);
  }

  const { qmodel, samples } = make(count);
  const model = packModel(qmodel);
  const inputs = samples.map((s) => quantizeInput(qmodel, s));
  const kernel = kernelFor(model, values.flavour, values.build, scratch, values.kernel);
  const modelFile = values["model-file"] ? new Uint8Array(readFileSync(resolve(values["model-file"]))) : undefined;
  const expected = modelFile ? [] : inputs.map((x) => runReference(qmodel, x));
  const out = resolve(values.out);
  mkdirSync(out, { recursive: true });
  writeIfChanged(join(out, "model.addn"), modelFile ?? model);
  writeIfChanged(join(out, "inputs.bin"), concat(inputs));
  writeIfChanged(join(out, "expected.bin"), concat(expected));
  writeIfChanged(join(out, "kernel.wasm"), kernel);
  console.log(`${out}: model ${(modelFile ?? model).length} B${modelFile ? ` (${values["model-file"]})` : ""}, ${count} inputs of ${inputs[0].length} B, kernel ${kernel.length} B (${values.flavour}, ${values.build})`);
}

try {
  main();
} catch (e) {
  console.error(`make-assets: ${e instanceof Error ? e.message : e}`);
  process.exit(1);
}
