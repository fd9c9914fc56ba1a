import { describe, expect, it } from "vitest";
import { GraphBuilder } from "../../src/graph/builder.js";
import type { ConvNode, Graph } from "../../src/graph/ir.js";
import { inferShapes } from "../../src/graph/shapes.js";

const zeros = (n: number) => new Float32Array(n);

describe("GraphBuilder shape inference", () => {
  it("infers window, pool, flatten, dense and add shapes", () => {
    const b = new GraphBuilder({ height: 9, width: 7, channels: 3 });
    const x = b.input();
    // 3x3, stride 2, asymmetric pads [top 1, left 0, bottom 2, right 1]: ⌊(9+3−3)/2⌋+1 = 5, ⌊(7+1−3)/2⌋+1 = 3
    const c = b.adderConv2d(x, { weights: zeros(5 * 3 * 9), outChannels: 5, kernel: 3, stride: 2, padding: [1, 0, 2, 1] });
    expect(b.shapeOf(c)).toEqual({ height: 5, width: 3, channels: 5 });
    // dilation 2 enlarges a 3x3 window to 5x5
    const d = b.conv2d(c, { weights: zeros(4 * 5 * 9), outChannels: 4, kernel: 3, dilation: 2, padding: 2 });
    expect(b.shapeOf(d)).toEqual({ height: 5, width: 3, channels: 4 });
    const p = b.maxPool(d, { kernel: 2, stride: 1, padding: [0, 0, 1, 1] });
    expect(b.shapeOf(p)).toEqual({ height: 5, width: 3, channels: 4 });
    const s = b.add(p, d, { activation: "relu" });
    const a = b.avgPool(s, { kernel: [3, 1] });
    expect(b.shapeOf(a)).toEqual({ height: 1, width: 3, channels: 4 });
    const f = b.flatten(a);
    expect(b.shapeOf(f)).toEqual({ height: 1, width: 1, channels: 12 });
    const g = b.globalAvgPool(s);
    expect(b.shapeOf(g)).toEqual({ height: 1, width: 1, channels: 4 });
    const y = b.adderDense(f, { weights: zeros(2 * 12), outFeatures: 2 });
    const graph = b.build(y);
    expect(graph.nodes.map((n) => n.op)).toEqual(["adder_conv2d", "conv2d", "max_pool", "add", "avg_pool", "flatten", "global_avg_pool", "adder_dense"]);
    expect(graph.nodes[0]).toMatchObject({ pads: [1, 0, 2, 1], stride: [2, 2], dilation: [1, 1], kernel: [3, 3] });
    const shapes = inferShapes(graph);
    expect(shapes.get(y)).toEqual({ height: 1, width: 1, channels: 2 });
    expect(shapes.get("input")).toEqual({ height: 9, width: 7, channels: 3 });
  });

  it("depthwise convs: one filter per input channel, weights [C][1][kh][kw]", () => {
    const b = new GraphBuilder({ height: 9, width: 7, channels: 3 });
    const d = b.adderDepthwiseConv2d(b.input(), { weights: zeros(3 * 9), kernel: 3, stride: 2, padding: [1, 0, 2, 1] });
    expect(b.shapeOf(d)).toEqual({ height: 5, width: 3, channels: 3 });
    expect(() => b.depthwiseConv2d(d, { name: "dw", weights: zeros(3 * 3 * 9), kernel: 3 })).toThrow(
      'node "dw" (depthwise_conv2d): weights has 81 values, expected 27 ([out 3][in 1][kh 3][kw 3])',
    );
    const graph = b.build(d);
    (graph.nodes[0] as ConvNode).outChannels = 4;
    expect(() => inferShapes(graph)).toThrow("a depthwise convolution has one filter per input channel: outChannels must be 3, found 4");
  });

  it("dense accepts an unflattened input (NHWC order)", () => {
    const b = new GraphBuilder({ height: 2, width: 3, channels: 4 });
    const y = b.dense(b.input(), { weights: zeros(5 * 24), outFeatures: 5 });
    expect(b.shapeOf(y)).toEqual({ height: 1, width: 1, channels: 5 });
  });
});

describe("GraphBuilder errors name the node and the expected vs found values", () => {
  const b = () => new GraphBuilder({ height: 8, width: 8, channels: 3 });

  it("wrong conv weight length", () => {
    expect(() => b().conv2d("input", { name: "stem", weights: zeros(10), outChannels: 4, kernel: 3 })).toThrow(
      /node "stem" \(conv2d\): weights has 10 values, expected 108 \(\[out 4\]\[in 3\]\[kh 3\]\[kw 3\]\)/,
    );
  });

  it("wrong dense weight length and BatchNorm length", () => {
    expect(() => b().adderDense("input", { name: "fc", weights: zeros(3), outFeatures: 2 })).toThrow(/node "fc" \(adder_dense\): weights has 3 values, expected 384/);
    const bn = { gamma: zeros(3), beta: zeros(4), mean: zeros(4), variance: zeros(4), epsilon: 1e-5 };
    expect(() => b().dense("input", { name: "fc", weights: zeros(4 * 192), outFeatures: 4, batchNorm: bn })).toThrow(/batchNorm.gamma has 3 values, expected 4/);
  });

  it("adding mismatched shapes", () => {
    const g = b();
    const c = g.conv2d("input", { name: "c", weights: zeros(4 * 3), outChannels: 4, kernel: 1 });
    expect(() => g.add(c, "input", { name: "sum" })).toThrow(/node "sum" \(add\): inputs "c" \(8x8x4\) and "input" \(8x8x3\) have different shapes/);
  });

  it("windows that do not fit, pool pads not smaller than the kernel, bad strides", () => {
    expect(() => b().adderConv2d("input", { name: "big", weights: zeros(27 * 81 / 9), outChannels: 1, kernel: 9 })).toThrow(/node "big".*does not fit the 8x8x3 input/);
    expect(() => b().maxPool("input", { name: "mp", kernel: 2, padding: 2 })).toThrow(/node "mp" \(max_pool\): each pad must be smaller than the kernel/);
    expect(() => b().avgPool("input", { name: "ap", kernel: 2, stride: 0 })).toThrow(/node "ap" \(avg_pool\): stride must be positive integers/);
  });

  it("unknown inputs, reused names, graph input as output", () => {
    const g = b();
    expect(() => g.flatten("nope", { name: "f" })).toThrow(/node "f" \(flatten\): input "nope" is not defined/);
    g.flatten("input", { name: "f" });
    expect(() => g.flatten("input", { name: "f" })).toThrow(/value name "f" is already used/);
    expect(() => g.build("input")).toThrow(/must be produced by a node/);
  });

  it("inferShapes rejects a graph with a forward reference or a missing output", () => {
    const g = b();
    const f = g.flatten("input", { name: "f" });
    const graph: Graph = g.build(f);
    expect(() => inferShapes({ ...graph, outputName: "missing" })).toThrow(/graph output "missing" is not produced/);
    const forward: Graph = { ...graph, nodes: [{ ...graph.nodes[0]!, inputs: ["later"] }] };
    expect(() => inferShapes(forward)).toThrow(/node "f" \(flatten\): input "later" is not the graph input or the output of an earlier node/);
  });
});
