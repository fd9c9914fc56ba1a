// The float graph: what model builders and the ONNX importer produce, what the float reference
// runs and what the quantizer turns into a QModel. Tensors are NHWC with batch 1 throughout;
// weights keep the PyTorch/ONNX layout [out][in][kh][kw] (OIHW) so imported models need no
// reordering until the packer.

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

export interface SimpleNode extends NodeBase {
  op: "global_avg_pool" | "add";
}

/**
 * The same values under another shape, in the same (NHWC) order: a vector 1×1×(H·W·C) (a
 * flatten), or with `shape`, that shape, which has as many elements.
 */
export interface FlattenNode extends NodeBase {
  op: "flatten";
  shape?: Shape;
}

export type GraphNode = ConvNode | DenseNode | PoolNode | SimpleNode | FlattenNode;

/**
 * How the source model (ONNX, batch first) shapes a value of shape H×W×C, in NCHW notation:
 * 4 is [1, C, H, W]; 3 is a 1-D map [1, C, L] with L = H·W (the importer makes H = 1); 2 is
 * a vector [1, C·H·W], the values in (c, h, w) order (the order of ONNX's Flatten).
 */
export type ValueRank = 2 | 3 | 4;

export interface Graph {
  inputName: string;
  inputShape: Shape;
  /** Nodes in execution (topological) order. */
  nodes: GraphNode[];
  outputName: string;
  /** The output's rank in the source model; absent: 2 after a dense layer or a flatten, else 4 (graphOutputRank). */
  outputRank?: ValueRank;
}
