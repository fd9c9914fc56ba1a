// The float reference: runs a Graph on HWC inputs. It defines what the quantized model
// approximates, feeds calibration and gives `addernet eval --onnx` its float figures. Each node
// computes what float_ops.ts defines; conv-like layers (window sums, then bias, BatchNorm and
// activation) run in WebAssembly SIMD (assembly/float/reference.ts, loaded by float_kernel.ts),
// whose memory holds every layer's weights and affine map, laid out once per FloatRunner: it runs
// the graph as it was when made.
import type { ConvNode, DenseNode, Graph, GraphNode, Shape } from "./ir.js";
import { FloatKernel, pad16 } from "./float_kernel.js";
import { channelAffine } from "./affine.js";
import { runNode } from "./float_ops.js";
import { oihwToOhwi } from "./layout.js";
import { isAdder, isDepthwise, kindOfGraphOp } from "../ops/table.js";
import { GraphError, inferShapes, isDenseNode, isFilterNode, shapeSize } from "./shapes.js";

/** Where one conv-like layer lives in the kernel's memory, and its sizes. */
interface Layer {
  node: ConvNode | DenseNode;
  input: Shape;
  output: Shape;
  /** Byte offsets of the weights (N rows of K16 floats, [n][i][j][c] then zeros), of their row sums (f64) and of the affine map and clamp (a[N], b[N], lo, hi: f64). */
  weights: number;
  weightSums: number;
  finish: number;
  /** Output pixels, filters, window size rounded up to 16. */
  P: number;
  N: number;
  K16: number;
}


export class FloatRunner {
  private readonly kernel = new FloatKernel();
  private readonly layers = new Map<GraphNode, Layer>();
  /** Byte offsets of the layer input, the window rows, the float64 sums and the output (each sized for the largest layer). */
  private readonly inputAt: number;
  private readonly rowsAt: number;
  private readonly sumsAt: number;
  private readonly outputAt: number;

  constructor(
    readonly graph: Graph,
    readonly shapes: Map<string, Shape> = inferShapes(graph),
  ) {
    let inputFloats = 0;
    let rowFloats = 0;
    let sumCount = 0;
    for (const node of graph.nodes) {
      // depthwise layers are not a product of rows and filters: float_ops.ts runs them
      if (!isFilterNode(node) || isDepthwise(kindOfGraphOp(node.op))) continue;
      const input = shapes.get(node.inputs[0]!)!;
      const output = shapes.get(node.output)!;
      const dense = isDenseNode(node);
      const N = dense ? node.outFeatures : node.outChannels;
      const K = dense ? shapeSize(input) : node.kernel[0] * node.kernel[1] * input.channels;
      const K16 = pad16(K);
      const P = dense ? 1 : output.height * output.width;
      const weights = this.kernel.alloc(N * K16 * 4);
      const rows = this.kernel.f32(weights, N * K16);
      const ohwi = dense ? node.weights : oihwToOhwi(node.weights, N, input.channels, node.kernel[0], node.kernel[1]);
      for (let n = 0; n < N; n++) rows.set(ohwi.subarray(n * K, (n + 1) * K), n * K16);
      const weightSums = this.kernel.alloc(N * 8);
      const sums = this.kernel.f64(weightSums, N);
      for (let n = 0; n < N; n++) sums[n] = this.kernel.f32(weights + n * K16 * 4, K).reduce((acc, v) => acc + v, 0);
      const finish = this.kernel.alloc((2 * N + 2) * 8);
      const { a, b } = channelAffine(node);
      this.kernel.f64(finish, 2 * N + 2).set([...a, ...b, 0, node.activation === "relu6" ? 6 : Infinity]);
      this.layers.set(node, { node, input, output, weights, weightSums, finish, P, N, K16 });
      inputFloats = Math.max(inputFloats, shapeSize(input));
      rowFloats = Math.max(rowFloats, P * K16);
      sumCount = Math.max(sumCount, P * N);
    }
    this.inputAt = this.kernel.alloc(inputFloats * 4);
    this.rowsAt = this.kernel.alloc(rowFloats * 4);
    this.sumsAt = this.kernel.alloc(sumCount * 8);
    this.outputAt = this.kernel.alloc(sumCount * 4);
  }

  /** Every value of the graph (the input included) for one HWC input. */
  runAll(input: Float32Array): Map<string, Float32Array> {
    const { graph, shapes } = this;
    const expected = shapeSize(graph.inputShape);
    if (input.length !== expected) {
      throw new GraphError(`graph input "${graph.inputName}": expected ${expected} values (HWC), found ${input.length}`);
    }
    const values = new Map<string, Float32Array>([[graph.inputName, input]]);
    for (const node of graph.nodes) {
      const inputs = node.inputs.map((name) => values.get(name)!);
      const layer = this.layers.get(node);
      const output = layer
        ? this.convLike(layer, inputs[0]!)
        : runNode(node, inputs, node.inputs.map((name) => shapes.get(name)!), shapes.get(node.output)!);
      values.set(node.output, output);
    }
    return values;
  }

  /** The graph output for one HWC input. */
  run(input: Float32Array): Float32Array {
    return this.runAll(input).get(this.graph.outputName)!;
  }

  /** The layer's output: window sums, then bias, BatchNorm and activation (finishConvLike). */
  private convLike(layer: Layer, x: Float32Array): Float32Array {
    const { kernel } = this;
    const { node, input: s, output: o, P, N, K16 } = layer;
    if (isDenseNode(node)) {
      const row = kernel.f32(this.rowsAt, K16);
      row.set(x);
      row.fill(0, x.length);
    } else {
      kernel.f32(this.inputAt, x.length).set(x);
      const [kh, kw] = node.kernel;
      kernel.exports.im2col(
        this.inputAt, s.height, s.width, s.channels, kh, kw, node.stride[0], node.stride[1], node.dilation[0], node.dilation[1],
        node.pads[0], node.pads[1], o.height, o.width, K16, this.rowsAt,
      );
    }
    const adder = isAdder(kindOfGraphOp(node.op));
    kernel.exports[adder ? "sad" : "dot"](this.rowsAt, layer.weights, layer.weightSums, this.sumsAt, P, N, K16);
    kernel.exports.finish(this.sumsAt, layer.finish, P, N, node.activation === "none" ? 0 : 1, this.outputAt);
    return kernel.f32(this.outputAt, P * N).slice();
  }
}

/** Every value of the graph (the input included) for one HWC input. For many inputs, one FloatRunner. */
export function runFloatAll(graph: Graph, input: Float32Array): Map<string, Float32Array> {
  return new FloatRunner(graph).runAll(input);
}

/** The graph output for one HWC input. */
export function runFloat(graph: Graph, input: Float32Array): Float32Array {
  return new FloatRunner(graph).run(input);
}
