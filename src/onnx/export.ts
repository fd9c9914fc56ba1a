// Float Graph -> ONNX ModelProto bytes: the inverse of importOnnx, so seeded models (src/models)
// can be fed to everything that reads ONNX (the CLI, the importer's round-trip tests).
//
// NHWC back to NCHW: conv weights are already OIHW; a dense layer fed by a flatten of a map with
// H·W > 1 gets its columns permuted back to ONNX's (c, h, w) order; a dense layer reading a map
// directly gets a Flatten in front. BatchNorm and the activation become nodes of their own.
import type { onnx as schema } from "onnx-proto";
import type { Activation, BatchNorm, ChannelAffineNode, ConvNode, DenseNode, ElementwiseNode, Graph, GraphNode, Shape } from "../graph/ir.js";
import { permuteDenseColumns } from "../graph/layout.js";
import { graphOutputRank, inferShapes, isDenseNode, isFilterNode, keepsValueOrder } from "../graph/shapes.js";
import { layoutDims } from "../io/layout.js";
import { isAdder, isDepthwise, kindOfGraphOp } from "../ops/table.js";
import { ADDER_DOMAIN, ADDER_OPSET_VERSION } from "./domain.js";
import { encodeModel, onnx } from "./proto.js";

const FLOAT = onnx.TensorProto.DataType.FLOAT;
const INT64 = onnx.TensorProto.DataType.INT64;
const ATTR = onnx.AttributeProto.AttributeType;

type Attribute = schema.IAttributeProto;
const ints = (name: string, values: number[]): Attribute => ({ name, type: ATTR.INTS, ints: values });
const int = (name: string, value: number): Attribute => ({ name, type: ATTR.INT, i: value });
const float = (name: string, value: number): Attribute => ({ name, type: ATTR.FLOAT, f: value });

/** ONNX nodes and initializers being written, and which values are rank 2 ([1, F]) in ONNX. */
class Writer {
  readonly nodes: schema.INodeProto[] = [];
  readonly initializers: schema.ITensorProto[] = [];
  /** Rank-2 values: a flatten's output -> the map it flattened; a dense output -> undefined. */
  readonly vectors = new Map<string, Shape | undefined>();

  constructor(readonly shapes: Map<string, Shape>) {}

  tensor(name: string, dims: number[], values: ArrayLike<number>): string {
    this.initializers.push({ name, dims, dataType: FLOAT, floatData: Array.from(values) });
    return name;
  }

  int64Tensor(name: string, values: number[]): string {
    this.initializers.push({ name, dims: [values.length], dataType: INT64, int64Data: values });
    return name;
  }

  /** A Reshape of `x` to the ONNX dims `dims` (an int64 shape initializer beside it). */
  reshape(name: string, x: string, dims: number[], output: string): string {
    return this.node("Reshape", name, [x, this.int64Tensor(`${name}.shape`, dims)], output);
  }

  node(opType: string, name: string, inputs: string[], output: string, attribute: Attribute[] = [], domain = ""): string {
    this.nodes.push({ opType, name, domain, input: inputs, output: [output], attribute });
    return output;
  }
}

function batchNorm(w: Writer, name: string, x: string, bn: BatchNorm, output: string): string {
  const p = (key: keyof Omit<BatchNorm, "epsilon">) => w.tensor(`${name}.${key}`, [bn[key].length], bn[key]);
  return w.node("BatchNormalization", `${name}_bn`, [x, p("gamma"), p("beta"), p("mean"), p("variance")], output, [float("epsilon", bn.epsilon)]);
}

function activation(w: Writer, name: string, x: string, act: Activation, output: string): string {
  if (act === "relu") return w.node("Relu", `${name}_relu`, [x], output);
  const bounds = [w.tensor(`${name}.min`, [], [0]), w.tensor(`${name}.max`, [], [6])];
  return w.node("Clip", `${name}_relu6`, [x, ...bounds], output);
}

/** The node itself, then its BatchNorm and its activation, the last of them writing `node.output`. */
function exportNode(w: Writer, node: GraphNode): void {
  const steps: ((x: string, output: string) => string)[] = [];
  const bn = isFilterNode(node) ? node.batchNorm : undefined;
  if (bn) steps.push((x, out) => batchNorm(w, node.name, x, bn, out));
  if (node.activation !== "none") steps.push((x, out) => activation(w, node.name, x, node.activation, out));
  let value = exportCore(w, node, steps.length === 0 ? node.output : `${node.name}.core`);
  steps.forEach((step, i) => {
    value = step(value, i === steps.length - 1 ? node.output : `${node.name}.step${i}`);
  });
  if (isFilterNode(node) && isDenseNode(node)) w.vectors.set(node.output, undefined);
  if (node.op === "flatten" && !node.shape) w.vectors.set(node.output, w.shapes.get(node.inputs[0]!)!);
  if ((node.op === "add" || node.op === "concat") && node.inputs.some((x) => w.vectors.has(x))) w.vectors.set(node.output, undefined);
  // an element-wise op keeps a vector's rank and element order
  if (keepsValueOrder(node) && w.vectors.has(node.inputs[0]!)) w.vectors.set(node.output, w.vectors.get(node.inputs[0]!));
}

function exportCore(w: Writer, node: GraphNode, output: string): string {
  const input = node.inputs[0]!;
  switch (node.op) {
    case "conv2d":
    case "adder_conv2d":
    case "depthwise_conv2d":
    case "adder_depthwise_conv2d":
      return exportConv(w, node, w.shapes.get(input)!, output);
    case "dense":
    case "adder_dense":
      return exportDense(w, node, output);
    case "max_pool":
    case "avg_pool": {
      const attrs = [ints("kernel_shape", node.kernel), ints("strides", node.stride), ints("pads", node.pads)];
      return w.node(node.op === "max_pool" ? "MaxPool" : "AveragePool", node.name, [input], output, attrs);
    }
    case "global_avg_pool":
      return w.node("GlobalAveragePool", node.name, [input], output);
    case "flatten":
      // A reshape node keeps the NHWC bytes; exported as ONNX's Reshape, which keeps the NCHW order, it is exact
      // when both orders agree (the importer makes no other).
      if (node.shape) return w.reshape(node.name, input, layoutDims(node.shape, 4, "nchw"), output);
      return w.node("Flatten", node.name, [input], output, [int("axis", 1)]);
    case "add":
      return w.node("Add", node.name, [input, node.inputs[1]!], output);
    case "elementwise":
      return exportElementwise(w, node, output);
    case "channel_affine":
      return exportChannelAffine(w, node, output);
    case "softmax":
    case "log_softmax":
      return w.node(node.op === "softmax" ? "Softmax" : "LogSoftmax", node.name, [input], output, [int("axis", 1)]);
    case "pad": {
      // opset 13: pads [N, C, H, W begins, then ends] and the constant as inputs
      const [top, left, bottom, right] = node.pads;
      const pads = w.int64Tensor(`${node.name}.pads`, [0, 0, top, left, 0, 0, bottom, right]);
      const value = w.tensor(`${node.name}.value`, [], [node.value]);
      return w.node("Pad", node.name, [input, pads, value], output, [{ name: "mode", type: ATTR.STRING, s: new TextEncoder().encode(node.mode) }]);
    }
    case "concat": {
      // ONNX concatenates values of one rank: 1×1 maps next to vectors become vectors too
      const vectors = node.inputs.some((x) => w.vectors.has(x));
      const inputs = node.inputs.map((x, i) => (vectors && !w.vectors.has(x) ? w.node("Flatten", `${node.name}_flatten${i}`, [x], `${node.name}.flat${i}`, [int("axis", 1)]) : x));
      return w.node("Concat", node.name, inputs, output, [int("axis", 1)]);
    }
  }
}

/** ONNX op types of the element-wise functions, and the opset that has each. */
const ELEMENTWISE_ONNX: Readonly<Record<ElementwiseNode["fn"]["name"], [string, number]>> = {
  sigmoid: ["Sigmoid", 13], tanh: ["Tanh", 13], hard_sigmoid: ["HardSigmoid", 13], hard_swish: ["HardSwish", 14],
  leaky_relu: ["LeakyRelu", 13], clip: ["Clip", 13], elu: ["Elu", 13], selu: ["Selu", 13], softplus: ["Softplus", 13],
  softsign: ["Softsign", 13], neg: ["Neg", 13], exp: ["Exp", 13], abs: ["Abs", 13],
};

function exportElementwise(w: Writer, node: ElementwiseNode, output: string): string {
  const { fn } = node;
  const [opType] = ELEMENTWISE_ONNX[fn.name];
  if (fn.name === "clip") {
    // opset 13: the bounds are optional inputs
    const bound = (key: "min" | "max") => (fn[key] === undefined || !Number.isFinite(fn[key]) ? "" : w.tensor(`${node.name}.${key}`, [], [fn[key]!]));
    return w.node(opType, node.name, [node.inputs[0]!, bound("min"), bound("max")], output);
  }
  const attrs = (["alpha", "beta", "gamma"] as const).filter((key) => fn[key] !== undefined).map((key) => float(key, fn[key]!));
  return w.node(opType, node.name, [node.inputs[0]!], output, attrs);
}

/** A BatchNorm (scale = negativeScale) or a PReLU (scale 1, bias 0); other channel affines have no ONNX op. */
function exportChannelAffine(w: Writer, node: ChannelAffineNode, output: string): string {
  const input = node.inputs[0]!;
  const C = node.scale.length;
  // a vector flattened from a map holds its channels in NHWC order; ONNX's is (c, h, w)
  const flattened = w.vectors.get(input);
  const onnxOrder = (values: Float32Array): Float32Array => (flattened && flattened.height * flattened.width > 1 ? permuteDenseColumns(values, 1, flattened, "nchw") : values);
  const same = (a: Float32Array, b: Float32Array | number) => a.every((v, c) => v === (typeof b === "number" ? b : b[c]));
  if (same(node.scale, node.negativeScale)) {
    const bn = { gamma: onnxOrder(node.scale), beta: onnxOrder(node.bias), mean: new Float32Array(C), variance: new Float32Array(C).fill(1), epsilon: 0 };
    return batchNorm(w, node.name, input, bn, output);
  }
  if (!same(node.scale, 1) || !same(node.bias, 0)) {
    throw new Error(`exportOnnx: node "${node.name}" (channel_affine) is neither a BatchNorm nor a PReLU`);
  }
  const slopeDims = w.vectors.has(input) ? [C] : [C, 1, 1];
  return w.node("PRelu", node.name, [input, w.tensor(`${node.name}.slope`, slopeDims, onnxOrder(node.negativeScale))], output);
}

function exportConv(w: Writer, node: ConvNode, x: Shape, output: string): string {
  const [kh, kw] = node.kernel;
  // a depthwise layer is a Conv (AdderConv) with group = C: weights [C, 1, kH, kW]
  const depthwise = isDepthwise(kindOfGraphOp(node.op));
  const inputs = [node.inputs[0]!, w.tensor(`${node.name}.weight`, [node.outChannels, depthwise ? 1 : x.channels, kh, kw], node.weights)];
  if (node.bias) inputs.push(w.tensor(`${node.name}.bias`, [node.outChannels], node.bias));
  const attrs = [ints("kernel_shape", node.kernel), ints("strides", node.stride), ints("dilations", node.dilation), ints("pads", node.pads)];
  if (depthwise) attrs.push(int("group", x.channels));
  const adder = isAdder(kindOfGraphOp(node.op));
  return w.node(adder ? "AdderConv" : "Conv", node.name, inputs, output, attrs, adder ? ADDER_DOMAIN : "");
}

function exportDense(w: Writer, node: DenseNode, output: string): string {
  let x = node.inputs[0]!;
  const xs = w.shapes.get(x)!;
  const k = xs.height * xs.width * xs.channels;
  // A map (rank 4 in ONNX) needs a Flatten in front; a flattened map needs its columns reordered.
  const flattenedFrom = w.vectors.has(x) ? w.vectors.get(x) : xs;
  if (!w.vectors.has(x)) x = w.node("Flatten", `${node.name}_flatten`, [x], `${node.name}.flat`, [int("axis", 1)]);
  const weights = flattenedFrom && flattenedFrom.height * flattenedFrom.width > 1 ? permuteDenseColumns(node.weights, node.outFeatures, flattenedFrom, "nchw") : node.weights;
  const inputs = [x, w.tensor(`${node.name}.weight`, [node.outFeatures, k], weights)];
  if (node.bias) inputs.push(w.tensor(`${node.name}.bias`, [node.outFeatures], node.bias));
  const adder = isAdder(kindOfGraphOp(node.op));
  return w.node(adder ? "AdderGemm" : "Gemm", node.name, inputs, output, [int("transB", 1)], adder ? ADDER_DOMAIN : "");
}

/** Opset 13, or the newest one an element-wise function needs (HardSwish: 14). */
const opsetOf = (graph: Graph): number =>
  Math.max(13, ...graph.nodes.map((n) => (n.op === "elementwise" ? ELEMENTWISE_ONNX[n.fn.name][1] : 13)));

/** The ONNX ModelProto bytes of `graph` (opset 13 or 14, plus com.addernet 1 for adder layers). */
export function exportOnnx(graph: Graph): Uint8Array {
  const w = new Writer(inferShapes(graph));
  for (const node of graph.nodes) exportNode(w, node);
  const { height, width, channels } = graph.inputShape;
  const out = w.shapes.get(graph.outputName)!;
  // The output in its source rank: a map flattened at the end (rank 2) gets a Flatten, a 1-D map (rank 3) a Reshape.
  const rank = graphOutputRank(graph);
  let outputName = graph.outputName;
  if (rank === 2 && !w.vectors.has(outputName)) {
    outputName = w.node("Flatten", "output_flatten", [outputName], `${outputName}.flat`, [int("axis", 1)]);
  } else if (rank === 3) {
    outputName = w.reshape("output_reshape", outputName, layoutDims(out, 3, "nchw"), `${outputName}.1d`);
  }
  const outputDims = layoutDims(out, rank, "nchw");
  const valueInfo = (name: string, dims: number[]): schema.IValueInfoProto => ({
    name,
    type: { tensorType: { elemType: FLOAT, shape: { dim: dims.map((d) => ({ dimValue: d })) } } },
  });
  return encodeModel({
    irVersion: 7,
    producerName: "addernet-wasm",
    opsetImport: [{ domain: "", version: opsetOf(graph) }, { domain: ADDER_DOMAIN, version: ADDER_OPSET_VERSION }],
    graph: {
      name: "addernet",
      node: w.nodes,
      initializer: w.initializers,
      input: [valueInfo(graph.inputName, [1, channels, height, width])],
      output: [valueInfo(outputName, outputDims)],
    },
  });
}
