// Small hand-built models: attributes, folding, fusion and the NCHW -> NHWC weight permutation.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { ConvNode, DenseNode, PoolNode } from "../../src/graph/ir.js";
import { runFloat } from "../../src/graph/float_reference.js";
import { npyToFloat32, readNpy } from "../../src/io/npy.js";
import { importOnnx } from "../../src/onnx/index.js";
import { buildModel, floatTensor, int64Tensor } from "./onnx_builder.js";

/** Deterministic test values. */
const ramp = (n: number, scale = 0.1, offset = 0): number[] => Array.from({ length: n }, (_, i) => ((i * 7) % 11) * scale - offset);

/** NCHW [C][H][W] -> NHWC [H][W][C]. */
function toNhwc(x: number[], c: number, h: number, w: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let ci = 0; ci < c; ci++) for (let hi = 0; hi < h; hi++) for (let wi = 0; wi < w; wi++) out[(hi * w + wi) * c + ci] = x[(ci * h + hi) * w + wi];
  return out;
}

describe("ONNX import of standard and adder ops", () => {
  it("permutes Gemm columns after flattening a feature map with H·W > 1", () => {
    const [C, H, W, N] = [2, 2, 3, 4];
    const K = C * H * W;
    const weights = ramp(N * K, 0.05, 0.2);
    const bias = [0.5, -1, 2, 0];
    const bytes = buildModel({
      inputDims: [1, C, H, W],
      outputName: "y",
      nodes: [
        { op: "Flatten", name: "flat", inputs: ["input"], outputs: ["f"], attrs: { axis: 1 } },
        { op: "Gemm", name: "fc", inputs: ["f", "W", "B"], outputs: ["y"], attrs: { transB: 1, alpha: { float: 0.5 }, beta: { float: 2 } } },
      ],
      initializers: [floatTensor("W", [N, K], weights), floatTensor("B", [N], bias, false)],
    });
    const graph = importOnnx(bytes);
    expect(graph.nodes.map((n) => n.op)).toEqual(["flatten", "dense"]);
    const x = ramp(K, 0.3, 1);
    // ONNX semantics in NCHW: y = 0.5 * W x + 2 * B
    const expected = Array.from({ length: N }, (_, o) => 0.5 * x.reduce((s, v, k) => s + v * weights[o * K + k], 0) + 2 * bias[o]);
    const got = runFloat(graph, toNhwc(x, C, H, W));
    expected.forEach((v, i) => expect(got[i]).toBeCloseTo(v, 5));
  });

  it("folds MatMul + Add into a dense node, fuses Clip [0, 6] as ReLU6, flattens through Reshape [1, -1]", () => {
    const [C, H, W, N] = [3, 2, 2, 5];
    const K = C * H * W;
    const b = ramp(K * N, 0.1, 0.5); // MatMul B is [K][N]
    const bias = ramp(N, 1, 2);
    const graph = importOnnx(
      buildModel({
        inputDims: [1, C, H, W],
        outputName: "y",
        nodes: [
          { op: "Constant", name: "shape_const", inputs: [], outputs: ["shape"], attrs: { value: { tensor: int64Tensor("", [2], [1, -1]) } } },
          { op: "Reshape", name: "reshape", inputs: ["input", "shape"], outputs: ["flat"] },
          { op: "Identity", name: "id", inputs: ["flat"], outputs: ["flat2"] },
          { op: "MatMul", name: "mm", inputs: ["flat2", "B"], outputs: ["mm_out"] },
          { op: "Add", name: "bias_add", inputs: ["bias", "mm_out"], outputs: ["pre"] },
          { op: "Clip", name: "relu6", inputs: ["pre", "zero", "six"], outputs: ["y"] },
        ],
        initializers: [floatTensor("B", [K, N], b), floatTensor("bias", [N], bias), floatTensor("zero", [], [0]), floatTensor("six", [], [6])],
      }),
    );
    expect(graph.nodes.map((n) => [n.op, n.activation])).toEqual([
      ["flatten", "none"],
      ["dense", "relu6"],
    ]);
    expect(graph.outputName).toBe("y");
    const dense = graph.nodes[1] as DenseNode;
    expect(Array.from(dense.bias!)).toEqual(Array.from(Float32Array.from(bias)));
    const x = ramp(K, 0.4, 1.5);
    const expected = Array.from({ length: N }, (_, o) => {
      const v = x.reduce((s, xv, k) => s + xv * Math.fround(b[k * N + o]), 0) + Math.fround(bias[o]);
      return Math.min(6, Math.max(0, v));
    });
    const got = runFloat(graph, toNhwc(x, C, H, W));
    expected.forEach((v, i) => expect(got[i]).toBeCloseTo(v, 5));
  });

  it("imports Conv/AdderConv attributes, folds BatchNormalization, fuses Relu and keeps pools", () => {
    const bn = (p: string, c: number) => [
      floatTensor(`${p}_s`, [c], ramp(c, 0.5, 1)),
      floatTensor(`${p}_b`, [c], ramp(c, 0.1)),
      floatTensor(`${p}_m`, [c], ramp(c, 0.2)),
      floatTensor(`${p}_v`, [c], ramp(c, 0.3, -0.5)),
    ];
    const bnInputs = (p: string, x: string) => [x, `${p}_s`, `${p}_b`, `${p}_m`, `${p}_v`];
    const bytes = buildModel({
      inputDims: [1, 3, 9, 7],
      outputName: "logits",
      nodes: [
        { op: "Conv", name: "conv", inputs: ["input", "w1", "b1"], outputs: ["c1"], attrs: { kernel_shape: [3, 3], strides: [2, 1], pads: [1, 0, 1, 2] } },
        { op: "BatchNormalization", name: "bn1", inputs: bnInputs("bn1", "c1"), outputs: ["n1"], attrs: { epsilon: { float: 1e-3 } } },
        { op: "Relu", name: "relu1", inputs: ["n1"], outputs: ["r1"] },
        { op: "MaxPool", name: "max", inputs: ["r1"], outputs: ["p1"], attrs: { kernel_shape: [2, 2], strides: [2, 2] } },
        { op: "AdderConv", domain: "com.addernet", name: "adder", inputs: ["p1", "w2"], outputs: ["a2"], attrs: { kernel_shape: [3, 3], pads: [1, 1, 1, 1], strides: [1, 1], dilations: [1, 1], group: 1 } },
        { op: "BatchNormalization", name: "bn2", inputs: bnInputs("bn2", "a2"), outputs: ["n2"] },
        { op: "AveragePool", name: "avg", inputs: ["n2"], outputs: ["p2"], attrs: { kernel_shape: [2, 2], pads: [0, 0, 1, 1], count_include_pad: 0 } },
        { op: "GlobalAveragePool", name: "gap", inputs: ["p2"], outputs: ["g"] },
        { op: "Flatten", name: "flat", inputs: ["g"], outputs: ["f"] },
        { op: "AdderGemm", domain: "com.addernet", name: "adder_fc", inputs: ["f", "w3"], outputs: ["logits"], attrs: { transB: 1 } },
      ],
      initializers: [
        floatTensor("w1", [4, 3, 3, 3], ramp(108, 0.1, 0.5)),
        floatTensor("b1", [4], [1, 2, 3, 4]),
        ...bn("bn1", 4),
        floatTensor("w2", [6, 4, 3, 3], ramp(216, 0.2, 1)),
        ...bn("bn2", 6),
        floatTensor("w3", [3, 6], ramp(18)),
      ],
    });
    const graph = importOnnx(bytes);
    expect(graph.inputShape).toEqual({ height: 9, width: 7, channels: 3 });
    expect(graph.nodes.map((n) => [n.op, n.name, n.activation])).toEqual([
      ["conv2d", "conv", "relu"],
      ["max_pool", "max", "none"],
      ["adder_conv2d", "adder", "none"],
      ["avg_pool", "avg", "none"],
      ["global_avg_pool", "gap", "none"],
      ["adder_dense", "adder_fc", "none"],
    ]);
    const [conv, max, adder, avg] = graph.nodes as [ConvNode, PoolNode, ConvNode, PoolNode];
    expect(conv).toMatchObject({ kernel: [3, 3], stride: [2, 1], pads: [1, 0, 1, 2], dilation: [1, 1], outChannels: 4, output: "r1" });
    expect(Array.from(conv.bias!)).toEqual([1, 2, 3, 4]);
    expect(conv.batchNorm!.epsilon).toBeCloseTo(1e-3, 8);
    expect(Array.from(conv.batchNorm!.gamma)).toEqual(Array.from(Float32Array.from(ramp(4, 0.5, 1))));
    expect(adder.batchNorm!.epsilon).toBeCloseTo(1e-5, 10);
    expect(adder.inputs).toEqual(["p1"]);
    expect(max).toMatchObject({ kernel: [2, 2], stride: [2, 2], pads: [0, 0, 0, 0] });
    expect(avg).toMatchObject({ kernel: [2, 2], stride: [1, 1], pads: [0, 0, 1, 1] });
    const fc = graph.nodes[5] as DenseNode;
    expect(fc.outFeatures).toBe(3);
    expect(Array.from(fc.weights)).toEqual(Array.from(Float32Array.from(ramp(18))));
    expect(runFloat(graph, new Float32Array(9 * 7 * 3).fill(0.25)).length).toBe(3);
  });

  it("imports PyTorch-style depthwise Conv and AdderConv (group = C, weights [C, 1, kH, kW]) with ONNX's grouped semantics", () => {
    const [C, H, W] = [3, 7, 6];
    /** ONNX Conv (AdderConv) with group = C = M, NCHW, zero padding part of the input: [C][OH][OW] and its OH, OW. */
    const groupConv = (x: number[], h: number, w: number, weights: number[], s: [number, number], pads: number[], d: number, adder: boolean) => {
      const OH = Math.floor((h + pads[0]! + pads[2]! - 2 * d - 1) / s[0]) + 1, OW = Math.floor((w + pads[1]! + pads[3]! - 2 * d - 1) / s[1]) + 1;
      const y: number[] = [];
      for (let c = 0; c < C; c++) for (let oh = 0; oh < OH; oh++) for (let ow = 0; ow < OW; ow++) {
        let acc = 0;
        for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) {
          const ih = oh * s[0] + i * d - pads[0]!, iw = ow * s[1] + j * d - pads[1]!;
          const v = ih >= 0 && ih < h && iw >= 0 && iw < w ? x[(c * h + ih) * w + iw]! : 0;
          const wv = Math.fround(weights[(c * 3 + i) * 3 + j]!);
          acc += adder ? -Math.abs(v - wv) : v * wv;
        }
        y.push(acc);
      }
      return { y, OH, OW };
    };
    const w1 = ramp(C * 9, 0.1, 0.5), b1 = [0.5, -0.25, 1], w2 = ramp(C * 9, 0.2, 0.6);
    const graph = importOnnx(
      buildModel({
        inputDims: [1, C, H, W],
        outputName: "y",
        nodes: [
          { op: "Conv", name: "dw", inputs: ["input", "w1", "b1"], outputs: ["c1"], attrs: { group: C, kernel_shape: [3, 3], strides: [2, 1], pads: [1, 1, 1, 0], dilations: [1, 1] } },
          { op: "Relu", name: "relu", inputs: ["c1"], outputs: ["r1"] },
          { op: "AdderConv", domain: "com.addernet", name: "adw", inputs: ["r1", "w2"], outputs: ["y"], attrs: { group: C, kernel_shape: [3, 3], pads: [2, 2, 2, 2], dilations: [2, 2] } },
        ],
        initializers: [floatTensor("w1", [C, 1, 3, 3], w1), floatTensor("b1", [C], b1), floatTensor("w2", [C, 1, 3, 3], w2)],
      }),
    );
    expect(graph.nodes.map((n) => [n.op, n.activation])).toEqual([["depthwise_conv2d", "relu"], ["adder_depthwise_conv2d", "none"]]);
    expect(graph.nodes[1]).toMatchObject({ outChannels: C, kernel: [3, 3], dilation: [2, 2], pads: [2, 2, 2, 2] });
    const x = ramp(C * H * W, 0.3, 1.2);
    const first = groupConv(x, H, W, w1, [2, 1], [1, 1, 1, 0], 1, false);
    const relu = first.y.map((v, k) => Math.max(0, v + Math.fround(b1[Math.floor(k / (first.OH * first.OW))]!)));
    const second = groupConv(relu, first.OH, first.OW, w2, [1, 1], [2, 2, 2, 2], 2, true);
    const got = runFloat(graph, toNhwc(x, C, H, W));
    const expected = toNhwc(second.y, C, second.OH, second.OW);
    expect(got.length).toBe(expected.length);
    expected.forEach((v, i) => expect(got[i]).toBeCloseTo(v, 4));
  });

  it("turns AdderGemm weights [K][N] (transB = 0) into [N][K] and resolves auto_pad SAME_UPPER", () => {
    const bytes = buildModel({
      inputDims: [1, 2, 5, 5],
      outputName: "y",
      nodes: [
        { op: "Conv", name: "same", inputs: ["input", "w"], outputs: ["c"], attrs: { auto_pad: "SAME_UPPER", strides: [2, 2] } },
        { op: "GlobalAveragePool", name: "gap", inputs: ["c"], outputs: ["g"] },
        { op: "Flatten", name: "flat", inputs: ["g"], outputs: ["f"] },
        { op: "AdderGemm", domain: "com.addernet", name: "fc", inputs: ["f", "k"], outputs: ["y"] },
      ],
      initializers: [floatTensor("w", [2, 2, 2, 2], ramp(16)), floatTensor("k", [2, 3], [1, 2, 3, 4, 5, 6])],
    });
    const graph = importOnnx(bytes);
    // 5x5, stride 2, kernel 2: output 3x3, total padding 1, SAME_UPPER puts it at the end.
    expect((graph.nodes[0] as ConvNode).pads).toEqual([0, 0, 1, 1]);
    expect(Array.from((graph.nodes[2] as DenseNode).weights)).toEqual([1, 4, 2, 5, 3, 6]);
  });

  it("imports a PyTorch export with AdderGemm after a flatten of an 8x8 map and BatchNorm1d, matching PyTorch", () => {
    // test/onnx/fixtures/adder_flatten_dense.* written by examples/pytorch/make_onnx_fixture.py
    const fixture = (suffix: string) => readFileSync(new URL(`fixtures/adder_flatten_dense${suffix}`, import.meta.url));
    const graph = importOnnx(fixture(".onnx"));
    expect(graph.nodes.map((n) => [n.op, n.activation, "batchNorm" in n && n.batchNorm !== undefined])).toEqual([
      ["adder_conv2d", "relu", true],
      ["flatten", "none", false],
      ["adder_dense", "none", true],
    ]);
    const x = readNpy(fixture("_x.npy"));
    expect(x.shape).toEqual([1, 1, 8, 8]); // one channel: NCHW and NHWC bytes are the same
    const expected = npyToFloat32(readNpy(fixture("_y.npy")));
    const got = runFloat(graph, npyToFloat32(x));
    const scale = Math.max(...Array.from(expected, Math.abs));
    expected.forEach((v, i) => expect(Math.abs(got[i] - v) / scale).toBeLessThan(1e-5));
  });
});
