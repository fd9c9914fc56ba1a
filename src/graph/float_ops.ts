// The float reference's ops, in float64 arithmetic (values stored as float32): what each node of
// a Graph computes. float_reference.ts runs a whole graph with them (the window sums of conv-like
// layers through the faster float_kernel.ts); the quantized model approximates them.
//
// Adder layers follow the reference AdderNet: Y = −Σ|X − W| over the window, and a padded tap is
// the real value 0, so it contributes |0 − W| (padding is part of the input). Then bias, then
// BatchNorm γ(y − μ)/√(σ² + ε) + β, then the activation. Average pooling excludes padding.

import { channelAffine } from "./affine.js";
import type { Activation, ConvNode, DenseNode, GraphNode, PoolNode, Shape } from "./ir.js";
import { oihwToOhwi } from "./layout.js";
import { isDenseNode, shapeSize } from "./shapes.js";
import { isAdder, isDepthwise, kindOfGraphOp } from "../ops/table.js";

export function applyActivation(v: number, activation: Activation): number {
  if (activation === "relu") return v > 0 ? v : 0;
  if (activation === "relu6") return v > 0 ? (v < 6 ? v : 6) : 0;
  return v;
}

/** Raw window sums (before bias/BatchNorm/activation) of a conv or adder conv (depthwise or not), HWC. */
function convRaw(node: ConvNode, x: Float32Array, xs: Shape, os: Shape): Float64Array {
  const { height: H, width: W, channels: C } = xs;
  const N = node.outChannels;
  const [kh, kw] = node.kernel;
  const [sh, sw] = node.stride;
  const [dh, dw] = node.dilation;
  const [pt, pl] = node.pads;
  // a depthwise filter n reads input channel n alone: Cf = 1 channel from channel n
  const depthwise = isDepthwise(kindOfGraphOp(node.op));
  const Cf = depthwise ? 1 : C;
  const w = oihwToOhwi(node.weights, N, Cf, kh, kw);
  const adder = isAdder(kindOfGraphOp(node.op));
  const out = new Float64Array(shapeSize(os));
  for (let oh = 0; oh < os.height; oh++) {
    for (let ow = 0; ow < os.width; ow++) {
      const outBase = (oh * os.width + ow) * N;
      for (let n = 0; n < N; n++) {
        let acc = 0;
        for (let i = 0; i < kh; i++) {
          const ih = oh * sh + i * dh - pt;
          for (let j = 0; j < kw; j++) {
            const iw = ow * sw + j * dw - pl;
            const inBounds = ih >= 0 && ih < H && iw >= 0 && iw < W;
            const wBase = ((n * kh + i) * kw + j) * Cf;
            const xBase = (ih * W + iw) * C + (depthwise ? n : 0);
            if (adder) {
              // A padded tap is the value 0: it contributes −|0 − w|.
              if (inBounds) for (let c = 0; c < Cf; c++) acc -= Math.abs(x[xBase + c]! - w[wBase + c]!);
              else for (let c = 0; c < Cf; c++) acc -= Math.abs(w[wBase + c]!);
            } else if (inBounds) {
              for (let c = 0; c < Cf; c++) acc += x[xBase + c]! * w[wBase + c]!;
            }
          }
        }
        out[outBase + n] = acc;
      }
    }
  }
  return out;
}

function denseRaw(node: DenseNode, x: Float32Array): Float64Array {
  const K = x.length;
  const out = new Float64Array(node.outFeatures);
  const adder = isAdder(kindOfGraphOp(node.op));
  for (let n = 0; n < node.outFeatures; n++) {
    let acc = 0;
    const base = n * K;
    if (adder) for (let k = 0; k < K; k++) acc -= Math.abs(x[k]! - node.weights[base + k]!);
    else for (let k = 0; k < K; k++) acc += x[k]! * node.weights[base + k]!;
    out[n] = acc;
  }
  return out;
}

function pool(node: PoolNode, x: Float32Array, xs: Shape, os: Shape): Float32Array {
  const { height: H, width: W, channels: C } = xs;
  const [kh, kw] = node.kernel;
  const [sh, sw] = node.stride;
  const [pt, pl] = node.pads;
  const isMax = node.op === "max_pool";
  const out = new Float32Array(shapeSize(os));
  for (let oh = 0; oh < os.height; oh++) {
    for (let ow = 0; ow < os.width; ow++) {
      for (let c = 0; c < C; c++) {
        let acc = isMax ? -Infinity : 0;
        let count = 0;
        for (let i = 0; i < kh; i++) {
          const ih = oh * sh + i - pt;
          if (ih < 0 || ih >= H) continue;
          for (let j = 0; j < kw; j++) {
            const iw = ow * sw + j - pl;
            if (iw < 0 || iw >= W) continue;
            const v = x[(ih * W + iw) * C + c]!;
            acc = isMax ? Math.max(acc, v) : acc + v;
            count++;
          }
        }
        out[(oh * os.width + ow) * C + c] = applyActivation(isMax ? acc : acc / count, node.activation);
      }
    }
  }
  return out;
}

function globalAvgPool(x: Float32Array, xs: Shape, activation: Activation): Float32Array {
  const C = xs.channels;
  const pixels = xs.height * xs.width;
  const out = new Float32Array(C);
  for (let c = 0; c < C; c++) {
    let acc = 0;
    for (let p = 0; p < pixels; p++) acc += x[p * C + c]!;
    out[c] = applyActivation(acc / pixels, activation);
  }
  return out;
}

/**
 * Raw output of a conv-like node before its affine map and activation (y = ±Σ…), HWC. Exposed
 * so model builders can measure a layer's pre-BatchNorm statistics.
 */
export function convLikeRaw(node: ConvNode | DenseNode, x: Float32Array, xs: Shape, os: Shape): Float64Array {
  return isDenseNode(node) ? denseRaw(node, x) : convRaw(node, x, xs, os);
}

/** Applies a conv-like node's bias, BatchNorm and activation to its raw output (HWC). */
export function finishConvLike(node: ConvNode | DenseNode, raw: Float64Array): Float32Array {
  const { a, b } = channelAffine(node);
  const N = a.length;
  const out = new Float32Array(raw.length);
  for (let p = 0; p < raw.length; p += N) {
    for (let n = 0; n < N; n++) out[p + n] = applyActivation(a[n]! * raw[p + n]! + b[n]!, node.activation);
  }
  return out;
}

/** Applies `activation` to every value of `values` (which it returns). */
function activateInPlace(values: Float32Array, activation: Activation): Float32Array {
  if (activation !== "none") for (let k = 0; k < values.length; k++) values[k] = applyActivation(values[k]!, activation);
  return values;
}

/** Runs one node on its input values (shapes as given by inferShapes). */
export function runNode(node: GraphNode, inputs: Float32Array[], inputShapes: Shape[], outShape: Shape): Float32Array {
  const x = inputs[0]!;
  switch (node.op) {
    case "conv2d":
    case "adder_conv2d":
    case "depthwise_conv2d":
    case "adder_depthwise_conv2d":
    case "dense":
    case "adder_dense":
      return finishConvLike(node, convLikeRaw(node, x, inputShapes[0]!, outShape));
    case "max_pool":
    case "avg_pool":
      return pool(node, x, inputShapes[0]!, outShape);
    case "global_avg_pool":
      return globalAvgPool(x, inputShapes[0]!, node.activation);
    case "flatten":
      return x.slice();
    case "add": {
      const y = inputs[1]!;
      const sum = new Float32Array(x.length);
      for (let k = 0; k < x.length; k++) sum[k] = x[k]! + y[k]!;
      return activateInPlace(sum, node.activation);
    }
  }
}
