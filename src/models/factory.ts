// Seeded layers on top of GraphBuilder, and the BatchNorm fitting that makes random weights give
// non-degenerate activations: each BatchNorm's mean/variance are set from the statistics of its
// layer's actual output on a few inputs, so every layer's output spans its range.

import { GraphBuilder, type Padding } from "../graph/builder.js";
import { convLikeRaw, finishConvLike, runNode } from "../graph/float_ops.js";
import type { Activation, BatchNorm, Graph, Shape } from "../graph/ir.js";
import { inferShapes, isFilterNode } from "../graph/shapes.js";
import { Rng } from "./random.js";

export interface LayerSpec {
  /** Ignored by a depthwise layer (one filter per input channel). */
  outChannels: number;
  /** Square, or [height, width]. */
  kernel: number | [number, number];
  /** One filter per input channel, each over its own channel. */
  depthwise?: boolean;
  stride?: number;
  dilation?: number;
  padding?: Padding;
  adder?: boolean;
  activation?: Activation;
  /** Default true. Without BatchNorm the layer gets a random bias. */
  batchNorm?: boolean;
  /** Probability that a BatchNorm γ is negative (default 0.25). */
  negativeGamma?: number;
  name?: string;
}

export interface DenseSpec {
  outFeatures: number;
  adder?: boolean;
  activation?: Activation;
  batchNorm?: boolean;
  negativeGamma?: number;
  name?: string;
}

/** Number of seeded inputs a seeded model's BatchNorm statistics are fitted on. */
const FIT_SAMPLES = 32;

/** Random-weight layers; BatchNorm statistics are placeholders until fitBatchNorms. */
export class SeededBuilder extends GraphBuilder {
  constructor(inputShape: Shape, readonly rng: Rng) {
    super(inputShape);
  }

  /** The graph ending at `output`, its BatchNorms fitted on seeded inputs (fitBatchNorms). */
  buildFitted(output: string, seed: number): Graph {
    const graph = this.build(output);
    fitBatchNorms(graph, calibrationSamples(graph.inputShape, FIT_SAMPLES, seed ^ 0x5eed));
    return graph;
  }

  /** γ random in ±[0.5, 1.5] (negative with the given probability), β in [−0.5, 0.5]. */
  batchNorm(count: number, negativeGamma = 0.25): BatchNorm {
    const gamma = Float32Array.from({ length: count }, () => (this.rng.chance(negativeGamma) ? -1 : 1) * this.rng.uniform(0.5, 1.5));
    return { gamma, beta: this.rng.uniforms(count, -0.5, 0.5), mean: new Float32Array(count), variance: new Float32Array(count).fill(1), epsilon: 1e-5 };
  }

  /**
   * Multiply weights ~ N(0, 1/fan_in); adder weights ~ N(0.3, 0.7²): some lie below an input
   * grid's range after ReLU and some above it, so clamping and folding are exercised.
   */
  private weights(count: number, fanIn: number, adder: boolean): Float32Array {
    return adder ? this.rng.normals(count, 0.7, 0.3) : this.rng.normals(count, 1 / Math.sqrt(fanIn));
  }

  layer(x: string, spec: LayerSpec): string {
    const inC = this.shapeOf(x).channels;
    const depthwise = spec.depthwise ?? false;
    const n = depthwise ? inC : spec.outChannels;
    const [kh, kw] = typeof spec.kernel === "number" ? [spec.kernel, spec.kernel] : spec.kernel;
    const fanIn = (depthwise ? 1 : inC) * kh * kw;
    const options = {
      weights: this.weights(n * fanIn, fanIn, spec.adder ?? false),
      outChannels: n,
      kernel: spec.kernel,
      stride: spec.stride ?? 1,
      dilation: spec.dilation ?? 1,
      padding: spec.padding ?? 0,
      activation: spec.activation ?? "none",
      ...(spec.name ? { name: spec.name } : {}),
      ...(spec.batchNorm ?? true ? { batchNorm: this.batchNorm(n, spec.negativeGamma) } : { bias: this.rng.uniforms(n, -0.5, 0.5) }),
    };
    if (depthwise) return spec.adder ? this.adderDepthwiseConv2d(x, options) : this.depthwiseConv2d(x, options);
    return spec.adder ? this.adderConv2d(x, options) : this.conv2d(x, options);
  }

  denseLayer(x: string, spec: DenseSpec): string {
    const s = this.shapeOf(x);
    const k = s.height * s.width * s.channels;
    const options = {
      weights: this.weights(spec.outFeatures * k, k, spec.adder ?? false),
      outFeatures: spec.outFeatures,
      activation: spec.activation ?? "none",
      ...(spec.name ? { name: spec.name } : {}),
      ...(spec.batchNorm ?? true ? { batchNorm: this.batchNorm(spec.outFeatures, spec.negativeGamma) } : { bias: this.rng.uniforms(spec.outFeatures, -0.5, 0.5) }),
    };
    return spec.adder ? this.adderDense(x, options) : this.dense(x, options);
  }
}

/**
 * Sets every BatchNorm's mean and variance to the per-channel statistics of its layer's raw
 * output (bias included) over the given inputs, layer by layer in execution order (each layer
 * sees its predecessors already normalised). Mutates the graph's BatchNorm arrays.
 */
export function fitBatchNorms(graph: Graph, inputs: readonly Float32Array[]): void {
  const shapes = inferShapes(graph);
  const lastUse = new Map<string, number>();
  graph.nodes.forEach((node, step) => node.inputs.forEach((v) => lastUse.set(v, step)));
  const values = inputs.map((x) => new Map<string, Float32Array>([[graph.inputName, x]]));
  graph.nodes.forEach((node, step) => {
    const inShapes = node.inputs.map((v) => shapes.get(v)!);
    const outShape = shapes.get(node.output)!;
    if (isFilterNode(node)) {
      const raws = values.map((v) => convLikeRaw(node, v.get(node.inputs[0]!)!, inShapes[0]!, outShape));
      if (node.batchNorm) setBatchNormStatistics(node.batchNorm, raws, node.bias);
      raws.forEach((raw, k) => values[k]!.set(node.output, finishConvLike(node, raw)));
    } else {
      for (const v of values) v.set(node.output, runNode(node, node.inputs.map((name) => v.get(name)!), inShapes, outShape));
    }
    // Drop values no later node reads (ResNet-20 on 32 inputs would otherwise hold ~80 MB).
    for (const name of node.inputs) if (lastUse.get(name) === step) for (const v of values) v.delete(name);
  });
}

/** Per-channel mean and variance of raw outputs (bias added) over every pixel of every input. */
function setBatchNormStatistics(bn: BatchNorm, raws: Float64Array[], bias: Float32Array | undefined): void {
  const channels = bn.mean.length;
  const sum = new Float64Array(channels);
  const sumSq = new Float64Array(channels);
  let count = 0;
  for (const raw of raws) {
    for (let p = 0; p < raw.length; p++) {
      const c = p % channels;
      const y = raw[p]! + (bias ? bias[c]! : 0);
      sum[c] += y;
      sumSq[c] += y * y;
    }
    count += raw.length / channels;
  }
  for (let c = 0; c < channels; c++) {
    const mean = sum[c]! / count;
    bn.mean[c] = mean;
    // A constant channel (e.g. one fed only by padding) keeps variance 1.
    const variance = sumSq[c]! / count - mean * mean;
    bn.variance[c] = variance > 1e-6 * (1 + mean * mean) ? variance : 1;
  }
}

/**
 * `count` seeded HWC inputs that look like images rather than white noise: per channel a random
 * level, a random gradient and a random low-frequency wave, plus N(0, 0.3²) noise (values mostly
 * within ±3). Whole-image differences survive global pooling, so a classifier's outputs depend
 * on the input and not only on noise.
 */
export function calibrationSamples(shape: Shape, count: number, seed: number): Float32Array[] {
  const rng = new Rng(seed);
  const { height: H, width: W, channels: C } = shape;
  return Array.from({ length: count }, () => {
    const x = new Float32Array(H * W * C);
    for (let c = 0; c < C; c++) {
      const level = rng.normal();
      const [gy, gx] = [rng.normal() / H, rng.normal() / W];
      const [fy, fx, phase, amplitude] = [rng.uniform(0, 3) / H, rng.uniform(0, 3) / W, rng.uniform(0, 2 * Math.PI), rng.uniform(0, 1)];
      for (let h = 0; h < H; h++) {
        for (let w = 0; w < W; w++) {
          const wave = amplitude * Math.sin(2 * Math.PI * (fy * h + fx * w) + phase);
          x[(h * W + w) * C + c] = level + gy * (h - H / 2) + gx * (w - W / 2) + wave + 0.3 * rng.normal();
        }
      }
    }
    return x;
  });
}
