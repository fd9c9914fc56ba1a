// A fluent builder for float graphs. Every method checks its node at once (shape inference,
// weight lengths) so a mistake is reported at the line that made it, naming the node.
//
//   const b = new GraphBuilder({ height: 8, width: 8, channels: 1 });
//   let x = b.input();
//   x = b.conv2d(x, { weights, outChannels: 16, kernel: 3, padding: 1, batchNorm, activation: "relu" });
//   x = b.globalAvgPool(x);
//   const graph = b.build(b.dense(x, { weights: fc, outFeatures: 10 }));

import type { Activation, BatchNorm, ConvNode, DenseNode, Graph, GraphNode, PoolNode, Shape } from "./ir.js";
import { GraphError, nodeOutputShape } from "./shapes.js";

type Pair = number | [number, number];
/** One value for all four sides, [vertical, horizontal], or [top, left, bottom, right]. */
export type Padding = number | [number, number] | [number, number, number, number];

interface NodeOptions {
  /** Node name (also the name of its output value); defaults to `<op>_<index>`. */
  name?: string;
  activation?: Activation;
}

export interface ConvOptions extends NodeOptions {
  /** [outChannels][inChannels][kh][kw] (OIHW). */
  weights: Float32Array;
  outChannels: number;
  kernel: Pair;
  stride?: Pair;
  dilation?: Pair;
  padding?: Padding;
  bias?: Float32Array;
  batchNorm?: BatchNorm;
}

/** A depthwise convolution's options: weights [C][1][kh][kw], one filter per input channel. */
export type DepthwiseOptions = Omit<ConvOptions, "outChannels">;

export interface DenseOptions extends NodeOptions {
  /** [outFeatures][inFeatures], inputs in NHWC order. */
  weights: Float32Array;
  outFeatures: number;
  bias?: Float32Array;
  batchNorm?: BatchNorm;
}

export interface PoolOptions extends NodeOptions {
  kernel: Pair;
  /** Defaults to the kernel size. */
  stride?: Pair;
  padding?: Padding;
}

const pair = (v: Pair): [number, number] => (typeof v === "number" ? [v, v] : [v[0], v[1]]);

function pads(p: Padding | undefined): [number, number, number, number] {
  if (p === undefined) return [0, 0, 0, 0];
  if (typeof p === "number") return [p, p, p, p];
  if (p.length === 2) return [p[0], p[1], p[0], p[1]];
  return [p[0], p[1], p[2], p[3]];
}

export class GraphBuilder {
  readonly inputName: string;
  private readonly nodes: GraphNode[] = [];
  private readonly shapes = new Map<string, Shape>();

  constructor(readonly inputShape: Shape, options: { inputName?: string } = {}) {
    this.inputName = options.inputName ?? "input";
    this.shapes.set(this.inputName, { ...inputShape });
  }

  /** The graph input's value name. */
  input(): string {
    return this.inputName;
  }

  /** Shape of a value made so far. */
  shapeOf(value: string): Shape {
    const shape = this.shapes.get(value);
    if (!shape) throw new GraphError(`value "${value}" is not defined in this builder`);
    return { ...shape };
  }

  conv2d(x: string, o: ConvOptions): string {
    return this.addConv("conv2d", x, o);
  }

  adderConv2d(x: string, o: ConvOptions): string {
    return this.addConv("adder_conv2d", x, o);
  }

  /** One filter per channel of `x` (weights [C][1][kh][kw]): outChannels is x's channel count. */
  depthwiseConv2d(x: string, o: DepthwiseOptions): string {
    return this.addConv("depthwise_conv2d", x, { ...o, outChannels: this.shapeOf(x).channels });
  }

  adderDepthwiseConv2d(x: string, o: DepthwiseOptions): string {
    return this.addConv("adder_depthwise_conv2d", x, { ...o, outChannels: this.shapeOf(x).channels });
  }

  dense(x: string, o: DenseOptions): string {
    return this.addDense("dense", x, o);
  }

  adderDense(x: string, o: DenseOptions): string {
    return this.addDense("adder_dense", x, o);
  }

  maxPool(x: string, o: PoolOptions): string {
    return this.addPool("max_pool", x, o);
  }

  avgPool(x: string, o: PoolOptions): string {
    return this.addPool("avg_pool", x, o);
  }

  globalAvgPool(x: string, o: NodeOptions = {}): string {
    return this.push({ op: "global_avg_pool", ...this.base("global_avg_pool", [x], o) });
  }

  flatten(x: string, o: NodeOptions = {}): string {
    return this.push({ op: "flatten", ...this.base("flatten", [x], o) });
  }

  /** Element-wise sum of two values of the same shape (a residual connection). */
  add(a: string, b: string, o: NodeOptions = {}): string {
    return this.push({ op: "add", ...this.base("add", [a, b], o) });
  }

  /** The graph ending at `output`; the builder can keep going afterwards. */
  build(output: string): Graph {
    this.shapeOf(output);
    if (output === this.inputName) throw new GraphError("the graph output must be produced by a node, not be the graph input");
    return { inputName: this.inputName, inputShape: { ...this.inputShape }, nodes: [...this.nodes], outputName: output };
  }

  private base(op: GraphNode["op"], inputs: string[], o: NodeOptions) {
    const name = o.name ?? `${op}_${this.nodes.length}`;
    return { name, inputs, output: name, activation: o.activation ?? "none" };
  }

  private addConv(op: ConvNode["op"], x: string, o: ConvOptions): string {
    const node: ConvNode = {
      op,
      ...this.base(op, [x], o),
      weights: o.weights,
      outChannels: o.outChannels,
      kernel: pair(o.kernel),
      stride: pair(o.stride ?? 1),
      dilation: pair(o.dilation ?? 1),
      pads: pads(o.padding),
    };
    if (o.bias) node.bias = o.bias;
    if (o.batchNorm) node.batchNorm = o.batchNorm;
    return this.push(node);
  }

  private addDense(op: DenseNode["op"], x: string, o: DenseOptions): string {
    const node: DenseNode = { op, ...this.base(op, [x], o), weights: o.weights, outFeatures: o.outFeatures };
    if (o.bias) node.bias = o.bias;
    if (o.batchNorm) node.batchNorm = o.batchNorm;
    return this.push(node);
  }

  private addPool(op: PoolNode["op"], x: string, o: PoolOptions): string {
    const kernel = pair(o.kernel);
    return this.push({ op, ...this.base(op, [x], o), kernel, stride: pair(o.stride ?? kernel), pads: pads(o.padding) });
  }

  private push(node: GraphNode): string {
    if (this.shapes.has(node.output)) throw new GraphError(`node "${node.name}" (${node.op}): value name "${node.output}" is already used`);
    const inputShapes = node.inputs.map((name) => {
      const shape = this.shapes.get(name);
      if (!shape) throw new GraphError(`node "${node.name}" (${node.op}): input "${name}" is not defined in this builder`);
      return shape;
    });
    this.shapes.set(node.output, nodeOutputShape(node, inputShapes));
    this.nodes.push(node);
    return node.output;
  }
}
