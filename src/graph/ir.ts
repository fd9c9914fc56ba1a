// The float graph: what model builders and the ONNX importer produce, what the float reference
// runs and what the quantizer turns into a QModel. Tensors are NHWC with batch 1 throughout;
// weights keep the PyTorch/ONNX layout [out][in][kh][kw] (OIHW) so imported models need no
// reordering until the packer.
import type { PadMode, ValueRank } from "../format/model.js";

export type Activation = "none" | "relu" | "relu6";

export interface Shape {
  height: number;
  width: number;
  channels: number;
}

/** BatchNorm parameters applied to a layer's output, per output channel. */
export interface BatchNorm {
  gamma: Float32Array;
  beta: Float32Array;
  mean: Float32Array;
  variance: Float32Array;
  epsilon: number;
}

interface NodeBase {
  /** Unique node name (ONNX node name or builder-made). */
  name: string;
  /** Names of the input values (a value is the output of a node or the graph input). */
  inputs: string[];
  /** Name of the output value. */
  output: string;
  activation: Activation;
}

export interface ConvNode extends NodeBase {
  /** The depthwise ops have one filter per input channel (outChannels = inC), each over its channel alone. */
  op: "conv2d" | "adder_conv2d" | "depthwise_conv2d" | "adder_depthwise_conv2d";
  /** [outC][inC][kh][kw]; depthwise: [C][1][kh][kw] (ONNX's layout for group = C) */
  weights: Float32Array;
  outChannels: number;
  kernel: [number, number];
  stride: [number, number];
  dilation: [number, number];
  /** [top, left, bottom, right] */
  pads: [number, number, number, number];
  bias?: Float32Array;
  batchNorm?: BatchNorm;
}

export interface DenseNode extends NodeBase {
  op: "dense" | "adder_dense";
  /** [out][in], `in` in NHWC order of the (flattened) input. */
  weights: Float32Array;
  outFeatures: number;
  bias?: Float32Array;
  batchNorm?: BatchNorm;
}

export interface PoolNode extends NodeBase {
  op: "max_pool" | "avg_pool";
  kernel: [number, number];
  stride: [number, number];
  pads: [number, number, number, number];
}

/** What the added rows and columns of a pad hold: ONNX Pad's modes (docs/SPEC.md, PAD). */
export type { PadMode };

/** Rows and columns added around the input (ONNX Pad on H and W). */
export interface PadNode extends NodeBase {
  op: "pad";
  /** [top, left, bottom, right], each ≥ 0 */
  pads: [number, number, number, number];
  mode: PadMode;
  /** The value of the added pixels in constant mode (0 otherwise). */
  value: number;
}

/**
 * softmax, log_softmax: over each pixel's channels (the last axis in NHWC); concat: two or more
 * inputs of the same height and width, side by side along channels.
 */
export interface SimpleNode extends NodeBase {
  op: "global_avg_pool" | "add" | "softmax" | "log_softmax" | "concat";
}

/**
 * The same values under another shape, in the same (NHWC) order: a vector 1×1×(H·W·C) (a
 * flatten), or with `shape`, that shape, which has as many elements.
 */
export interface FlattenNode extends NodeBase {
  op: "flatten";
  shape?: Shape;
}

/** The element-wise functions of one value an `elementwise` node applies (src/graph/elementwise.ts). */
export type ElementwiseName =
  | "sigmoid" | "tanh" | "hard_sigmoid" | "hard_swish" | "leaky_relu" | "clip" | "elu" | "selu"
  | "softplus" | "softsign" | "neg" | "exp" | "abs";

/** A function and its parameters, named as the ONNX op's attributes (alpha, beta, gamma, min, max). */
export interface ElementwiseFunction {
  name: ElementwiseName;
  alpha?: number;
  beta?: number;
  gamma?: number;
  min?: number;
  max?: number;
}

/** y = f(x) for every value (then the activation). */
export interface ElementwiseNode extends NodeBase {
  op: "elementwise";
  fn: ElementwiseFunction;
}

/**
 * y = (x < 0 ? negativeScale[c] : scale[c])·x + bias[c] on channel c: a standalone BatchNorm
 * (negativeScale = scale) or a PReLU with per-channel slopes (scale 1, bias 0).
 */
export interface ChannelAffineNode extends NodeBase {
  op: "channel_affine";
  scale: Float32Array;
  negativeScale: Float32Array;
  bias: Float32Array;
}

export type GraphNode = ConvNode | DenseNode | PoolNode | PadNode | SimpleNode | FlattenNode | ElementwiseNode | ChannelAffineNode;

/** How the source model shapes a value (src/format/model.ts, which records the output's). */
export type { ValueRank };

export interface Graph {
  inputName: string;
  inputShape: Shape;
  /** Nodes in execution (topological) order. */
  nodes: GraphNode[];
  outputName: string;
  /** The output's rank in the source model; absent: 2 after a dense layer or a flatten, else 4 (graphOutputRank). */
  outputRank?: ValueRank;
}
