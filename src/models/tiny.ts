// The four MLPerf Tiny reference architectures with seeded weights (./factory.ts): the shapes of
// the benchmark's reference models (keyword spotting, person detection, image classification,
// anomaly detection), each as the multiply network of the reference and as an adder network in
// which every conv-like layer — conv, depthwise conv, dense — is an adder layer. What
// `addernet zoo` packs, the runtime conformance suite runs and `npm run bench` measures.
//
// Where a reference layer has a bias and no BatchNorm (a classifier, a shortcut, the
// autoencoder's output), its adder form takes a BatchNorm instead: an adder layer's outputs
// −Σ|x − w| are all ≤ 0 and grow with its fan-in, and the BatchNorm after it is what makes
// them usable, as in the reference AdderNet.

import type { Graph, Shape } from "../graph/ir.js";
import { samePads } from "../graph/shapes.js";
import { calibrationSamples, type LayerSpec, SeededBuilder } from "./factory.js";
import { Rng } from "./random.js";
import type { ZooOptions } from "./zoo.js";

/** A conv-like layer with Keras' padding="same" (output ⌈size / stride⌉, an odd pad at the end). */
function sameLayer(b: SeededBuilder, x: string, spec: Omit<LayerSpec, "padding">): string {
  const kernel: [number, number] = typeof spec.kernel === "number" ? [spec.kernel, spec.kernel] : spec.kernel;
  const stride = spec.stride ?? 1;
  return b.layer(x, { ...spec, padding: samePads(b.shapeOf(x), kernel, [stride, stride]) });
}

/** A depthwise-separable block: depthwise 3×3 + BN + activation, pointwise 1×1 + BN + activation. */
function separable(b: SeededBuilder, x: string, name: string, adder: boolean, outChannels: number, stride: number, activation: "relu" | "relu6"): string {
  const y = sameLayer(b, x, { name: `${name}_dw`, adder, depthwise: true, outChannels: b.shapeOf(x).channels, kernel: 3, stride, activation });
  return b.layer(y, { name: `${name}_pw`, adder, outChannels, kernel: 1, activation });
}

/** Global average pool, the dense classifier (a bias in the reference; a BatchNorm when adder) and a softmax. */
function classifier(b: SeededBuilder, x: string, classes: number, adder: boolean, seed: number): Graph {
  const pooled = b.globalAvgPool(x, { name: "pool" });
  const logits = b.denseLayer(pooled, { name: "fc", adder, outFeatures: classes, batchNorm: adder });
  return b.buildFitted(b.softmax(logits, { name: "softmax" }), seed);
}

/**
 * DS-CNN (small) keyword spotting, 49×10×1 input (49 frames of 10 MFCCs): conv 10×4 stride 2,
 * 64 filters + BN + ReLU; 4 depthwise-separable blocks of 64 channels with ReLU; global average
 * pool; dense 12; softmax.
 */
export function buildDsCnn(seed = 1, { adder = true }: ZooOptions = {}): Graph {
  const b = new SeededBuilder({ height: 49, width: 10, channels: 1 }, new Rng(seed));
  let x = sameLayer(b, b.input(), { name: "conv1", adder, outChannels: 64, kernel: [10, 4], stride: 2, activation: "relu" });
  for (let block = 1; block <= 4; block++) x = separable(b, x, `block${block}`, adder, 64, 1, "relu");
  return classifier(b, x, 12, adder, seed);
}

/** MobileNetV1's 13 depthwise-separable blocks: pointwise channels at width 1.0, and the depthwise stride. */
const MOBILENET_V1_BLOCKS: readonly (readonly [number, number])[] = [
  [64, 1], [128, 2], [128, 1], [256, 2], [256, 1], [512, 2], [512, 1], [512, 1], [512, 1], [512, 1], [512, 1], [1024, 2], [1024, 1],
];
const MOBILENET_WIDTH = 0.25;

export interface MobileNetOptions extends ZooOptions {
  /** 1 (default): grayscale, as the issue and TFLite Micro's person detection; 3: the MLPerf Tiny reference's RGB. */
  inputChannels?: number;
}

/**
 * MobileNetV1 0.25 person detection, 96×96 input: conv 3×3 stride 2, 8 filters + BN + ReLU6; the
 * 13 depthwise-separable blocks at width 0.25 (16 to 256 channels, 48×48 down to 3×3) with
 * ReLU6; global average pool; dense 2; softmax. Padding "same" as in the reference (at stride 2 on an
 * even size, one row and column of zeros at the bottom and right).
 */
export function buildMobileNetV1(seed = 1, { adder = true, inputChannels = 1 }: MobileNetOptions = {}): Graph {
  const b = new SeededBuilder({ height: 96, width: 96, channels: inputChannels }, new Rng(seed));
  let x = sameLayer(b, b.input(), { name: "conv1", adder, outChannels: 32 * MOBILENET_WIDTH, kernel: 3, stride: 2, activation: "relu6" });
  MOBILENET_V1_BLOCKS.forEach(([channels, stride], i) => {
    x = separable(b, x, `block${i + 1}`, adder, channels * MOBILENET_WIDTH, stride, "relu6");
  });
  return classifier(b, x, 2, adder, seed);
}

/**
 * ResNet-8 image classification, 32×32×3 input: conv 3×3, 16 filters + BN + ReLU; three
 * residual stages of 16, 32 and 64 filters (two 3×3 convs with BN, ReLU after the first and
 * after the add), stages 2 and 3 starting at stride 2 with a 1×1 stride-2 shortcut conv (a bias
 * in the reference; a BatchNorm when adder); global average pool; dense 10; softmax.
 */
export function buildResNet8(seed = 1, { adder = true }: ZooOptions = {}): Graph {
  const b = new SeededBuilder({ height: 32, width: 32, channels: 3 }, new Rng(seed));
  let x = sameLayer(b, b.input(), { name: "conv1", adder, outChannels: 16, kernel: 3, activation: "relu" });
  [16, 32, 64].forEach((channels, stage) => {
    const stride = stage === 0 ? 1 : 2;
    const name = `stage${stage + 1}`;
    let y = sameLayer(b, x, { name: `${name}_conv1`, adder, outChannels: channels, kernel: 3, stride, activation: "relu" });
    y = sameLayer(b, y, { name: `${name}_conv2`, adder, outChannels: channels, kernel: 3 });
    const shortcut = stride === 1 ? x : sameLayer(b, x, { name: `${name}_shortcut`, adder, outChannels: channels, kernel: 1, stride, batchNorm: adder });
    x = b.add(shortcut, y, { name: `${name}_add`, activation: "relu" });
  });
  return classifier(b, x, 10, adder, seed);
}

/**
 * FC autoencoder for anomaly detection, 640 inputs (5 frames of 128 log-mel bands, as 1×1×640):
 * dense 128 + BN + ReLU four times, a bottleneck dense 8 + BN + ReLU, dense 128 + BN + ReLU four
 * times, dense 640 (the reconstruction: a bias in the reference; a BatchNorm when adder).
 */
export function buildFcAutoencoder(seed = 1, { adder = true }: ZooOptions = {}): Graph {
  const b = new SeededBuilder({ height: 1, width: 1, channels: 640 }, new Rng(seed));
  let x = b.input();
  [128, 128, 128, 128, 8, 128, 128, 128, 128].forEach((features, i) => {
    x = b.denseLayer(x, { name: `dense${i + 1}`, adder, outFeatures: features, activation: "relu" });
  });
  return b.buildFitted(b.denseLayer(x, { name: "output", adder, outFeatures: 640, batchNorm: adder }), seed);
}

export interface TinyModel {
  /** File-name stem: `addernet zoo` writes <name>-adder.addn and <name>-multiply.addn. */
  name: string;
  title: string;
  inputShape: Shape;
  /** Size of the MLPerf Tiny reference model's int8 parameters as the benchmark lists it (KB = 1000 bytes). */
  referenceBytes: number;
  build(seed?: number, options?: ZooOptions): Graph;
}

export const TINY_MODELS: readonly TinyModel[] = [
  { name: "ds-cnn", title: "DS-CNN keyword spotting", inputShape: { height: 49, width: 10, channels: 1 }, referenceBytes: 53_000, build: buildDsCnn },
  { name: "mobilenet-v1", title: "MobileNetV1 0.25 person detection", inputShape: { height: 96, width: 96, channels: 1 }, referenceBytes: 325_000, build: buildMobileNetV1 },
  { name: "resnet8", title: "ResNet-8 image classification", inputShape: { height: 32, width: 32, channels: 3 }, referenceBytes: 96_000, build: buildResNet8 },
  { name: "fc-ae", title: "FC autoencoder anomaly detection", inputShape: { height: 1, width: 1, channels: 640 }, referenceBytes: 270_000, build: buildFcAutoencoder },
];

/** The seeded images a zoo model is quantized on (`addernet zoo`, `npm run bench`). */
export const tinyCalibration = (input: Shape, count = 16): Float32Array[] => calibrationSamples(input, count, 1000);

/** Seeded inputs apart from the calibration images. */
export const tinyInputs = (input: Shape, count: number): Float32Array[] => calibrationSamples(input, count, 2000);
