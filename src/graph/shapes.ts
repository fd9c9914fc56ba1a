// Shape inference and structural validation of the float graph. The builder and every consumer
// of a Graph (float reference, quantizer, importer) use these same checks, so a malformed graph
// fails with the same message wherever it is first touched.

import type { ConvNode, DenseNode, Graph, GraphNode, PadNode, PoolNode, Shape, ValueRank } from "./ir.js";
import { hasFilters, isDense, isDepthwise, kindOfGraphOp } from "../ops/table.js";
import { elementwiseProblem } from "./elementwise.js";

export class GraphError extends Error {
  override name = "GraphError";

  /** `detail`: the message without the node it is about (importers prefix their own name for it). */
  constructor(message: string, readonly detail = message) {
    super(message);
  }
}

/** An error about one node: `node "<name>" (<op>): <detail>`. */
const nodeError = (node: GraphNode, detail: string): GraphError => new GraphError(`node "${node.name}" (${node.op}): ${detail}`, detail);

const ACTIVATIONS: ReadonlySet<string> = new Set(["none", "relu", "relu6"]);
const PAD_MODES: ReadonlySet<string> = new Set(["constant", "edge", "reflect", "wrap"]);
/** The format's pad fields are u8 (docs/FORMAT.md). */
const MAX_PAD = 255;

const fmt = (s: Shape): string => `${s.height}x${s.width}x${s.channels}`;

/** A node with filters (weights): a convolution or a dense layer, multiply or adder (src/ops/table.ts). */
export const isFilterNode = (node: GraphNode): node is ConvNode | DenseNode => hasFilters(kindOfGraphOp(node.op));

/** Narrows a node with filters to its dense variant. */
export const isDenseNode = (node: ConvNode | DenseNode): node is DenseNode => isDense(kindOfGraphOp(node.op));

export const shapeSize = (s: Shape): number => s.height * s.width * s.channels;

const VALUE_BY_VALUE: ReadonlySet<GraphNode["op"]> = new Set(["elementwise", "channel_affine", "softmax", "log_softmax"]);

/** Ops whose output value k comes from input value k (softmax: from the channels beside it): they keep a flattened vector's order. */
export const keepsValueOrder = (node: GraphNode): boolean => VALUE_BY_VALUE.has(node.op);

/** Each value's readers in node order; a node that reads a value twice is listed once. */
export function readersOf(nodes: readonly GraphNode[]): Map<string, GraphNode[]> {
  const readers = new Map<string, GraphNode[]>();
  for (const node of nodes) for (const input of new Set(node.inputs)) readers.set(input, [...(readers.get(input) ?? []), node]);
  return readers;
}

export const sameShape = (a: Shape, b: Shape): boolean =>
  a.height === b.height && a.width === b.width && a.channels === b.channels;

/** Output extent of a window op along one axis (the formula of docs/FORMAT.md). */
export function windowOutput(size: number, kernel: number, stride: number, dilation: number, padBefore: number, padAfter: number): number {
  return Math.floor((size + padBefore + padAfter - dilation * (kernel - 1) - 1) / stride) + 1;
}

/**
 * "Same" padding (Keras' padding="same", ONNX's auto_pad SAME_UPPER and SAME_LOWER) as
 * [top, left, bottom, right]: what makes the output ⌈size / stride⌉, split in two, an odd pad
 * at the end (`oddPadAtEnd`, Keras and SAME_UPPER) or at the beginning (SAME_LOWER).
 */
export function samePads(input: Shape, kernel: [number, number], stride: [number, number], dilation: [number, number] = [1, 1], oddPadAtEnd = true): [number, number, number, number] {
  const size = [input.height, input.width];
  const total = [0, 1].map((i) => Math.max(0, (Math.ceil(size[i]! / stride[i]!) - 1) * stride[i]! + (kernel[i]! - 1) * dilation[i]! + 1 - size[i]!));
  const small = total.map((t) => Math.floor(t / 2));
  const begin = oddPadAtEnd ? small : total.map((t, i) => t - small[i]!);
  return [begin[0]!, begin[1]!, total[0]! - begin[0]!, total[1]! - begin[1]!];
}

function checkPositiveInts(node: GraphNode, field: string, values: readonly number[]): void {
  for (const v of values) {
    if (!Number.isInteger(v) || v < 1) {
      throw nodeError(node, `${field} must be positive integers, found [${values.join(", ")}]`);
    }
  }
}

function checkPads(node: GraphNode, pads: readonly number[]): void {
  if (pads.length !== 4 || pads.some((p) => !Number.isInteger(p) || p < 0)) {
    throw nodeError(node, `pads must be 4 non-negative integers [top, left, bottom, right], found [${pads.join(", ")}]`);
  }
}

function windowShape(node: ConvNode | PoolNode, input: Shape, channels: number, dilation: readonly [number, number]): Shape {
  const [kh, kw] = node.kernel;
  const [sh, sw] = node.stride;
  const [pt, pl, pb, pr] = node.pads;
  const height = windowOutput(input.height, kh, sh, dilation[0], pt, pb);
  const width = windowOutput(input.width, kw, sw, dilation[1], pl, pr);
  if (height < 1 || width < 1) {
    throw nodeError(
      node,
      `a ${kh}x${kw} window (stride ${sh}x${sw}, pads [${node.pads.join(", ")}]) ` +
        `does not fit the ${fmt(input)} input (output would be ${height}x${width})`,
    );
  }
  return { height, width, channels };
}

/** `array` (if given) holds `expected` finite values. */
function checkLength(node: GraphNode, field: string, array: ArrayLike<number> | undefined, expected: number, layout: string): void {
  if (array === undefined) return;
  if (array.length !== expected) {
    throw nodeError(node, `${field} has ${array.length} values, expected ${expected} (${layout})`);
  }
  for (let i = 0; i < array.length; i++) {
    if (!Number.isFinite(array[i])) throw nodeError(node, `${field}[${i}] is ${array[i]}; only finite values can be quantized`);
  }
}

function checkChannelParams(node: ConvNode | DenseNode, outputs: number): void {
  checkLength(node, "bias", node.bias, outputs, "one per output");
  const bn = node.batchNorm;
  if (bn) {
    for (const key of ["gamma", "beta", "mean", "variance"] as const) {
      checkLength(node, `batchNorm.${key}`, bn[key], outputs, "one per output");
    }
    if (!(bn.epsilon >= 0)) throw nodeError(node, `batchNorm.epsilon must be >= 0, found ${bn.epsilon}`);
    const negative = Array.from(bn.variance).findIndex((v) => !(v + bn.epsilon > 0));
    if (negative >= 0) throw nodeError(node, `batchNorm.variance[${negative}] + epsilon is ${bn.variance[negative]! + bn.epsilon}; it must be > 0`);
  }
}

/** The output shape of one node given its inputs' shapes; throws a GraphError naming the node. */
export function nodeOutputShape(node: GraphNode, inputs: Shape[]): Shape {
  if (node.op === "concat") {
    if (inputs.length < 2) throw nodeError(node, `expected 2 or more inputs, found ${inputs.length}`);
  } else {
    const expectedInputs = node.op === "add" ? 2 : 1;
    if (inputs.length !== expectedInputs) throw nodeError(node, `expected ${expectedInputs} input(s), found ${inputs.length}`);
  }
  if (!ACTIVATIONS.has(node.activation)) {
    throw nodeError(node, `activation must be none, relu or relu6, found "${String(node.activation)}"`);
  }
  const x = inputs[0]!;
  switch (node.op) {
    case "conv2d":
    case "adder_conv2d":
    case "depthwise_conv2d":
    case "adder_depthwise_conv2d": {
      checkPositiveInts(node, "kernel", node.kernel);
      checkPositiveInts(node, "stride", node.stride);
      checkPositiveInts(node, "dilation", node.dilation);
      checkPositiveInts(node, "outChannels", [node.outChannels]);
      checkPads(node, node.pads);
      const [kh, kw] = node.kernel;
      // a depthwise filter reads one input channel: its own
      const depthwise = isDepthwise(kindOfGraphOp(node.op));
      if (depthwise && node.outChannels !== x.channels) {
        throw nodeError(node, `a depthwise convolution has one filter per input channel: outChannels must be ${x.channels}, found ${node.outChannels}`);
      }
      const inC = depthwise ? 1 : x.channels;
      checkLength(node, "weights", node.weights, node.outChannels * inC * kh * kw,
        `[out ${node.outChannels}][in ${inC}][kh ${kh}][kw ${kw}]`);
      checkChannelParams(node, node.outChannels);
      return windowShape(node, x, node.outChannels, node.dilation);
    }
    case "dense":
    case "adder_dense": {
      checkPositiveInts(node, "outFeatures", [node.outFeatures]);
      const k = shapeSize(x);
      checkLength(node, "weights", node.weights, node.outFeatures * k, `[out ${node.outFeatures}][in ${k} = ${fmt(x)} in NHWC order]`);
      checkChannelParams(node, node.outFeatures);
      return { height: 1, width: 1, channels: node.outFeatures };
    }
    case "max_pool":
    case "avg_pool": {
      checkPositiveInts(node, "kernel", node.kernel);
      checkPositiveInts(node, "stride", node.stride);
      checkPads(node, node.pads);
      const [pt, pl, pb, pr] = node.pads;
      const [kh, kw] = node.kernel;
      if (pt >= kh || pb >= kh || pl >= kw || pr >= kw) {
        throw nodeError(node, `each pad must be smaller than the kernel (${kh}x${kw}), found [${node.pads.join(", ")}]`);
      }
      return windowShape(node, x, x.channels, [1, 1]);
    }
    case "global_avg_pool":
      return { height: 1, width: 1, channels: x.channels };
    case "flatten": {
      // RESHAPE copies bytes and applies no output clamp (docs/SPEC.md).
      if (node.activation !== "none") throw nodeError(node, `a flatten applies no activation (found "${node.activation}")`);
      if (!node.shape) return { height: 1, width: 1, channels: shapeSize(x) };
      const s = node.shape;
      checkPositiveInts(node, "shape", [s.height, s.width, s.channels]);
      if (shapeSize(s) !== shapeSize(x)) throw nodeError(node, `shape ${fmt(s)} does not hold the ${shapeSize(x)} values of its input (${fmt(x)})`);
      return { ...s };
    }
    case "add": {
      const y = inputs[1]!;
      if (!sameShape(x, y)) {
        throw nodeError(node, `inputs "${node.inputs[0]}" (${fmt(x)}) and "${node.inputs[1]}" (${fmt(y)}) have different shapes`);
      }
      return { ...x };
    }
    case "elementwise": {
      const problem = elementwiseProblem(node.fn);
      if (problem) throw nodeError(node, problem);
      return { ...x };
    }
    case "channel_affine":
      for (const key of ["scale", "negativeScale", "bias"] as const) {
        if (node[key] === undefined) throw nodeError(node, `${key} is missing (one value per channel)`);
        checkLength(node, key, node[key], x.channels, "one per channel");
      }
      return { ...x };
    case "softmax":
    case "log_softmax":
      return { ...x };
    case "pad":
      return padShape(node, x);
    case "concat": {
      const other = inputs.findIndex((s) => s.height !== x.height || s.width !== x.width);
      if (other >= 0) {
        throw nodeError(node, `inputs are concatenated along channels, so their heights and widths must agree: "${node.inputs[0]}" is ${fmt(x)}, "${node.inputs[other]}" is ${fmt(inputs[other]!)}`);
      }
      const channels = inputs.reduce((sum, s) => sum + s.channels, 0);
      if (channels > 0xffff) throw nodeError(node, `${channels} output channels; at most 65535 fit the format`);
      return { height: x.height, width: x.width, channels };
    }
    default: {
      const unknown: never = node;
      throw new GraphError(`unknown op "${(unknown as GraphNode).op}"`);
    }
  }
}

function padShape(node: PadNode, x: Shape): Shape {
  checkPads(node, node.pads);
  const big = node.pads.findIndex((p) => p > MAX_PAD);
  if (big >= 0) throw nodeError(node, `pads [${node.pads.join(", ")}]: at most ${MAX_PAD} rows or columns on a side fit the format`);
  if (!PAD_MODES.has(node.mode)) throw nodeError(node, `mode must be constant, edge, reflect or wrap, found "${String(node.mode)}"`);
  if (!Number.isFinite(node.value)) throw nodeError(node, `the pad value is ${node.value}; only finite values can be quantized`);
  // PAD copies bytes and applies no output clamp (docs/SPEC.md)
  if (node.activation !== "none") throw nodeError(node, `a pad applies no activation (found "${node.activation}")`);
  const [pt, pl, pb, pr] = node.pads;
  const height = x.height + pt + pb;
  const width = x.width + pl + pr;
  if (height > 0xffff || width > 0xffff) throw nodeError(node, `the padded ${height}x${width} map exceeds the format's 65535 rows or columns`);
  return { height, width, channels: x.channels };
}

/**
 * Validates the graph (every input defined before use, no value written twice, the output
 * produced) and returns the shape of every value, the graph input included.
 */
export function inferShapes(graph: Graph): Map<string, Shape> {
  const shapes = new Map<string, Shape>();
  const s = graph.inputShape;
  if (![s.height, s.width, s.channels].every((v) => Number.isInteger(v) && v >= 1)) {
    throw new GraphError(`graph input "${graph.inputName}": shape must be positive integers, found ${fmt(s)}`);
  }
  shapes.set(graph.inputName, { ...s });
  const names = new Set<string>();
  for (const node of graph.nodes) {
    if (names.has(node.name)) throw new GraphError(`node name "${node.name}" is used twice`);
    names.add(node.name);
    const inputShapes = node.inputs.map((name) => {
      const shape = shapes.get(name);
      if (!shape) throw nodeError(node, `input "${name}" is not the graph input or the output of an earlier node`);
      return shape;
    });
    if (shapes.has(node.output)) throw nodeError(node, `output value "${node.output}" is already defined`);
    shapes.set(node.output, nodeOutputShape(node, inputShapes));
  }
  if (!shapes.has(graph.outputName) || graph.outputName === graph.inputName) {
    throw new GraphError(`graph output "${graph.outputName}" is not produced by any node`);
  }
  return shapes;
}

/** The output's rank in the source model (Graph.outputRank); absent, 2 after a dense layer or a flatten, else 4. */
export function graphOutputRank(graph: Graph): ValueRank {
  if (graph.outputRank) return graph.outputRank;
  const producer = graph.nodes.find((node) => node.output === graph.outputName);
  const vector = producer !== undefined && ((producer.op === "flatten" && !producer.shape) || (isFilterNode(producer) && isDenseNode(producer)));
  return vector ? 2 : 4;
}
