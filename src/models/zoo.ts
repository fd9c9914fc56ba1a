// Seeded models: fixtures for tests, benchmarks and the conformance suite. Weights are random,
// BatchNorms are fitted to the layers' actual statistics (see fitBatchNorms), so activations are
// non-degenerate and every int8 tensor uses its range.

import type { Activation, ElementwiseFunction, Graph, Shape } from "../graph/ir.js";
import { windowOutput } from "../graph/shapes.js";
import { SeededBuilder } from "./factory.js";
import { Rng } from "./random.js";

const finish = (b: SeededBuilder, output: string, seed: number): Graph => b.buildFitted(output, seed);

/** Options of the zoo's fixed architectures. */
export interface ZooOptions {
  /**
   * Adder layers (default true): in ResNet-20 and the digits net where the reference AdderNet has
   * them (the first conv and the classifier stay multiply layers), in the MLPerf Tiny
   * architectures (./tiny.ts) every conv-like layer. false gives the same shapes with ordinary
   * multiply layers: the CNN an adder net is measured against.
   */
  adder?: boolean;
}

/**
 * A hybrid net on 8×8×1 (digit-sized) input: ordinary conv 1→16 3×3 + BN + ReLU, adder 3×3
 * 16→16 + BN + ReLU, adder 3×3 16→32 stride 2 + BN + ReLU, global average pool, dense 32→10.
 */
export function buildDigitsNet(seed = 1, { adder = true }: ZooOptions = {}): Graph {
  const b = new SeededBuilder({ height: 8, width: 8, channels: 1 }, new Rng(seed));
  let x = b.layer(b.input(), { name: "conv1", outChannels: 16, kernel: 3, padding: 1, activation: "relu" });
  x = b.layer(x, { name: "adder2", adder, outChannels: 16, kernel: 3, padding: 1, activation: "relu" });
  x = b.layer(x, { name: "adder3", adder, outChannels: 32, kernel: 3, stride: 2, padding: 1, activation: "relu" });
  x = b.globalAvgPool(x, { name: "pool" });
  return finish(b, b.denseLayer(x, { name: "fc", outFeatures: 10, batchNorm: false }), seed);
}

/**
 * The CIFAR ResNet-20 of the AdderNet paper, 32×32×3 input: ordinary conv 3→16 + BN + ReLU;
 * three stages of 16, 32, 64 channels with 3 basic blocks each (two 3×3 adder convs with BN,
 * ReLU after the first and after the residual add); stages 2 and 3 start with stride 2 and a 1×1
 * adder + BN shortcut; global average pool; dense 64→10 + BN.
 */
export function buildResNet20(seed = 1, { adder = true }: ZooOptions = {}): Graph {
  const b = new SeededBuilder({ height: 32, width: 32, channels: 3 }, new Rng(seed));
  let x = b.layer(b.input(), { name: "conv1", outChannels: 16, kernel: 3, padding: 1, activation: "relu" });
  let inChannels = 16;
  [16, 32, 64].forEach((channels, stage) => {
    for (let block = 0; block < 3; block++) {
      const stride = stage > 0 && block === 0 ? 2 : 1;
      const name = `s${stage + 1}b${block + 1}`;
      let y = b.layer(x, { name: `${name}_adder1`, adder, outChannels: channels, kernel: 3, stride, padding: 1, activation: "relu" });
      y = b.layer(y, { name: `${name}_adder2`, adder, outChannels: channels, kernel: 3, padding: 1 });
      const shortcut = stride !== 1 || inChannels !== channels
        ? b.layer(x, { name: `${name}_down`, adder, outChannels: channels, kernel: 1, stride })
        : x;
      x = b.add(y, shortcut, { name: `${name}_add`, activation: "relu" });
      inChannels = channels;
    }
  });
  x = b.globalAvgPool(x, { name: "pool" });
  return finish(b, b.denseLayer(x, { name: "fc", outFeatures: 10 }), seed);
}

/**
 * A SqueezeNet-style net of fire modules on 32×32×3, the concat-heavy model of the arena figures
 * (docs/FORMAT.md): conv 3→16 3×3 stride 2 + BN + ReLU; fire(8 → 32 + 32) twice at 16×16; max
 * pool 2; fire(16 → 64 + 64) twice at 8×8; global average pool, dense 128→10. A fire module
 * squeezes with a 1×1 conv + BN + ReLU, expands with a 1×1 and a 3×3 conv (adder layers in the
 * adder variant) + BN + ReLU side by side, and concatenates the two.
 */
export function buildFireNet(seed = 1, { adder = true }: ZooOptions = {}): Graph {
  const b = new SeededBuilder({ height: 32, width: 32, channels: 3 }, new Rng(seed));
  const fire = (x: string, name: string, squeeze: number, expand: number): string => {
    const s = b.layer(x, { name: `${name}_squeeze`, outChannels: squeeze, kernel: 1, activation: "relu" });
    const e1 = b.layer(s, { name: `${name}_expand1x1`, adder, outChannels: expand, kernel: 1, activation: "relu" });
    const e3 = b.layer(s, { name: `${name}_expand3x3`, adder, outChannels: expand, kernel: 3, padding: 1, activation: "relu" });
    return b.concat([e1, e3], { name: `${name}_concat` });
  };
  let x = b.layer(b.input(), { name: "conv1", outChannels: 16, kernel: 3, stride: 2, padding: 1, activation: "relu" });
  x = fire(x, "fire2", 8, 32);
  x = fire(x, "fire3", 8, 32);
  x = b.maxPool(x, { name: "pool3", kernel: 2 });
  x = fire(x, "fire4", 16, 64);
  x = fire(x, "fire5", 16, 64);
  x = b.globalAvgPool(x, { name: "pool" });
  return finish(b, b.denseLayer(x, { name: "fc", outFeatures: 10, batchNorm: false }), seed);
}

const ACTIVATIONS: readonly Activation[] = ["relu", "relu6", "none"];

/**
 * A depthwise k×k conv (adder or multiply) over the channels of `x`, then often a 1×1 conv mixing
 * them. The depthwise layer takes a bias: this close to the head, a BatchNorm fitted to one of its
 * nearly constant channels (random weights) multiplies every rounding before it by ten or more.
 */
function depthwiseBlock(b: SeededBuilder, rng: Rng, x: string): string {
  const shape = b.shapeOf(x);
  const kernel = rng.pick([3, 3, 5]);
  const dilation = rng.chance(0.2) ? 2 : 1;
  const pad = (dilation * (kernel - 1)) / 2;
  const padding: [number, number, number, number] = rng.chance(0.7) ? [pad, pad, pad, pad] : [rng.int(0, pad), rng.int(0, pad), rng.int(0, pad), rng.int(0, pad)];
  const span = dilation * (kernel - 1) + 1;
  // over one channel it would be an ordinary 1 → 1 conv
  if (shape.channels < 2 || shape.height + padding[0] + padding[2] < span || shape.width + padding[1] + padding[3] < span) return x;
  const y = b.layer(x, {
    depthwise: true, adder: rng.chance(0.5), outChannels: shape.channels, kernel, stride: rng.int(1, 2), dilation, padding,
    activation: rng.pick(ACTIVATIONS), batchNorm: false,
  });
  return rng.chance(0.6) ? b.layer(y, { adder: rng.chance(0.5), outChannels: rng.pick([3, 8, 16, 17, 33]), kernel: 1, activation: rng.pick(ACTIVATIONS) }) : y;
}

/**
 * Branches of `x` side by side (Inception style): a 1×1 conv, a 3×3 conv, often a 3×3 max pool
 * (stride 1, "same" padding), sometimes a 3×3 depthwise conv, now and then `x` itself,
 * concatenated; some branches are adder layers, some end in ReLU.
 */
function concatBlock(b: SeededBuilder, rng: Rng, x: string): string {
  const branches = [
    b.layer(x, { adder: rng.chance(0.5), outChannels: rng.pick([3, 5, 8, 16, 17]), kernel: 1, activation: rng.pick(ACTIVATIONS) }),
    b.layer(x, { adder: rng.chance(0.5), outChannels: rng.pick([3, 7, 8, 17]), kernel: 3, padding: 1, activation: rng.pick(ACTIVATIONS) }),
  ];
  if (rng.chance(0.6)) branches.push(b.maxPool(x, { kernel: 3, stride: 1, padding: 1 }));
  const channels = b.shapeOf(x).channels;
  if (channels > 1 && rng.chance(0.5)) {
    branches.push(b.layer(x, { depthwise: true, adder: rng.chance(0.5), outChannels: channels, kernel: 3, padding: 1, activation: rng.pick(ACTIVATIONS), batchNorm: false }));
  }
  if (rng.chance(0.3)) branches.push(x);
  return b.concat(rng.chance(0.5) ? branches : branches.reverse(), { activation: rng.chance(0.2) ? "relu" : "none" });
}

/**
 * A pad (constant 0 or another value, edge, reflect or wrap; 0–3 rows and columns a side) in
 * front of an unpadded conv or adder conv, or of a 2×2 average pool, which then counts the added
 * pixels.
 */
function padBlock(b: SeededBuilder, rng: Rng, x: string): string {
  const side = (): number => rng.int(0, 3);
  const mode = rng.pick(["constant", "constant", "edge", "reflect", "wrap"] as const);
  const padded = b.pad(x, { padding: [side(), side(), side(), side()], mode, value: rng.chance(0.5) ? 0 : rng.uniform(-1, 1) });
  if (rng.chance(0.3)) return b.avgPool(padded, { kernel: 2, stride: rng.int(1, 2) });
  const { height, width } = b.shapeOf(padded);
  const kernel = Math.min(3, height, width);
  return b.layer(padded, { adder: rng.chance(0.5), outChannels: rng.pick([3, 8, 17]), kernel, activation: rng.pick(ACTIVATIONS) });
}

/**
 * A random small hybrid network (input ≤ 16×16) for the conformance suite: conv and adder conv
 * with kernels 1/3/5, strides 1/2, pads 0–2 (often asymmetric), occasional dilation 2, odd
 * channel counts; max and avg pools; residual adds; in odd seeds a depthwise or adder depthwise
 * conv (MobileNet style, often followed by a 1×1 conv); in seeds 4k + 2 branches concatenated, in
 * seeds 4k a pad before a conv or an average pool; global pool or flatten (or neither) before a
 * dense or adder dense head; ReLU, ReLU6 or no activation; negative γ throughout.
 */
export function randomNetwork(seed: number): Graph {
  const rng = new Rng(seed);
  const input: Shape = { height: rng.int(5, 16), width: rng.int(5, 16), channels: rng.int(1, 4) };
  const b = new SeededBuilder(input, rng);
  let x = b.input();
  const layers = rng.int(2, 5);
  // Every network has at least one adder conv; the kinds otherwise rotate with the seed.
  const kinds = ["conv", "adder", "pool", "residual"] as const;
  for (let l = 0; l < layers; l++) {
    const kind = l === 0 ? "adder" : l === 1 ? kinds[seed % kinds.length]! : rng.pick(kinds);
    const shape = b.shapeOf(x);
    if (kind === "pool") {
      const kernel = rng.int(2, 3);
      const stride = rng.int(1, 2);
      const padding: [number, number, number, number] = [rng.int(0, 1), rng.int(0, 1), rng.int(0, 1), rng.int(0, 1)];
      if (windowOutput(Math.min(shape.height, shape.width), kernel, stride, 1, 0, 0) < 1) continue;
      const options = { kernel, stride, padding, activation: rng.chance(0.3) ? rng.pick(ACTIVATIONS) : ("none" as Activation) };
      x = rng.chance(0.5) ? b.maxPool(x, options) : b.avgPool(x, options);
    } else if (kind === "residual") {
      // A shape-preserving branch (stride 1, "same" padding) added back to its input.
      const adder = rng.chance(0.6);
      const kernel = rng.pick([1, 3]);
      let y = b.layer(x, { adder, outChannels: shape.channels, kernel, padding: (kernel - 1) / 2, activation: rng.pick(ACTIVATIONS), negativeGamma: 0.4 });
      if (rng.chance(0.5)) y = b.layer(y, { adder: !adder, outChannels: shape.channels, kernel: 3, padding: 1, activation: "none" });
      x = b.add(x, y, { activation: rng.pick(ACTIVATIONS) });
    } else {
      const kernel = rng.pick([1, 3, 5]);
      const dilation = kernel === 3 && rng.chance(0.15) ? 2 : 1;
      const maxPad = Math.min(2, kernel - 1 || 1);
      const padding: [number, number, number, number] = [rng.int(0, maxPad), rng.int(0, maxPad), rng.int(0, maxPad), rng.int(0, maxPad)];
      const stride = rng.int(1, 2);
      const span = dilation * (kernel - 1) + 1;
      if (shape.height + padding[0] + padding[2] < span || shape.width + padding[1] + padding[3] < span) continue;
      x = b.layer(x, {
        adder: kind === "adder",
        outChannels: rng.pick([1, 3, 5, 7, 8, 11, 16, 17, 33]), // 17 and 33 leave SIMD tails
        kernel,
        stride,
        dilation,
        padding,
        activation: rng.pick(ACTIVATIONS),
        batchNorm: kind === "adder" || rng.chance(0.7),
        // One network in four has a layer with γ all negative.
        negativeGamma: rng.chance(0.25) ? 1 : 0.3,
      });
    }
  }
  // drawn after the layers above, which stay what they are without them
  if (seed % 2 === 1) x = depthwiseBlock(b, rng, x);
  if (seed % 4 === 2) x = concatBlock(b, rng, x);
  if (seed % 4 === 0) x = padBlock(b, rng, x);
  const s = b.shapeOf(x);
  const head = seed % 3; // global pool, flatten or neither: each in every run of three seeds
  if (head === 0) x = b.globalAvgPool(x, { activation: rng.chance(0.2) ? "relu" : "none" });
  else if (head === 1 || s.height * s.width * s.channels > 1024) x = b.flatten(x);
  const adderHead = rng.chance(0.4);
  const out = b.denseLayer(x, { adder: adderHead, outFeatures: rng.int(2, 10), batchNorm: adderHead || rng.chance(0.5), activation: rng.chance(0.2) ? "relu6" : "none" });
  return finish(b, out, seed);
}

/** One of each element-wise function, with parameters where it has any (float32 values, as ONNX stores them). */
export const ELEMENTWISE_SAMPLES: readonly ElementwiseFunction[] = [
  { name: "sigmoid" }, { name: "tanh" }, { name: "hard_sigmoid" }, { name: "hard_swish" }, { name: "leaky_relu", alpha: 0.125 },
  { name: "clip", min: -1, max: 1.5 }, { name: "elu", alpha: 0.75 }, { name: "selu" }, { name: "softplus" }, { name: "softsign" },
  { name: "neg" }, { name: "exp" }, { name: "abs" },
];

/**
 * A random small network around the element-wise and per-row ops: element-wise functions (LUT
 * ops) on the input and after layers, a standalone BatchNorm and a PReLU with a slope per channel
 * (channel affines), a softmax over each pixel's channels, a pool, a dense head and a softmax or
 * log-softmax; conv and adder layers between them. The functions rotate with the seed, so 13
 * seeds use them all.
 */
export function randomActivationNetwork(seed: number): Graph {
  const rng = new Rng(seed);
  const b = new SeededBuilder({ height: rng.int(4, 10), width: rng.int(4, 10), channels: rng.int(1, 3) }, rng);
  let next = seed;
  const fn = (): ElementwiseFunction => ELEMENTWISE_SAMPLES[next++ % ELEMENTWISE_SAMPLES.length]!;
  const perChannel = (count: number, lo: number, hi: number, negative = 0) =>
    Float32Array.from({ length: count }, () => (rng.chance(negative) ? -1 : 1) * rng.uniform(lo, hi));
  let x = b.input();
  if (rng.chance(0.5)) x = b.elementwise(x, fn());
  x = b.layer(x, { adder: rng.chance(0.5), outChannels: rng.pick([3, 8, 17]), kernel: 3, padding: 1 });
  x = b.elementwise(x, fn(), { activation: rng.chance(0.2) ? "relu" : "none" });
  let channels = b.shapeOf(x).channels;
  x = b.channelAffine(x, { scale: perChannel(channels, 0.5, 1.5, 0.25), bias: perChannel(channels, -0.5, 0.5) });
  x = b.layer(x, { adder: rng.chance(0.5), outChannels: rng.pick([4, 5, 16]), kernel: rng.pick([1, 3]), padding: 1, stride: rng.int(1, 2) });
  channels = b.shapeOf(x).channels;
  x = b.channelAffine(x, { scale: new Float32Array(channels).fill(1), negativeScale: perChannel(channels, -0.5, 0.5), bias: new Float32Array(channels) });
  if (rng.chance(0.3)) x = b.softmax(x);
  x = rng.chance(0.5) ? b.globalAvgPool(x) : b.flatten(x);
  x = b.denseLayer(x, { adder: rng.chance(0.3), outFeatures: rng.int(2, 12), batchNorm: rng.chance(0.5) });
  if (rng.chance(0.3)) x = b.elementwise(x, fn());
  return finish(b, rng.chance(0.5) ? b.softmax(x) : b.logSoftmax(x), seed);
}
