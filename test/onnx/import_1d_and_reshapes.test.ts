// Rank-3 inputs (Conv1d, AdderConv and pools on [N, C, L]), a fixed batch N > 1, the reshape
// family (Flatten, Reshape, Squeeze, Unsqueeze, Transpose) keeping ONNX's element order, and
// ReduceMean as a pool: each against the ONNX definition computed here in NCHW.
import { describe, expect, it } from "vitest";
import * as C from "../../src/format/constants.js";
import { runFloat } from "../../src/graph/float_reference.js";
import type { ConvNode, FlattenNode, PoolNode } from "../../src/graph/ir.js";
import { fromNhwc, toNhwc } from "../../src/io/layout.js";
import { Model } from "../../src/model.js";
import { importOnnx } from "../../src/onnx/index.js";
import { transposeConstant } from "../../src/onnx/ops/transpose.js";
import { compileGraph } from "../../src/pipeline.js";
import { buildModel, floatTensor, int64Tensor, type ModelSpec } from "./onnx_builder.js";

/** Deterministic values in [−1, 1). */
const ramp = (n: number, seed = 1): number[] => Array.from({ length: n }, (_, i) => (((i * 37 + seed * 11) % 41) - 20) / 20);

function importError(spec: ModelSpec): string {
  try {
    importOnnx(buildModel(spec));
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("the import was expected to fail");
}

/** The graph's output for an NCHW sample, in NCHW order. */
function runNchw(graph: ReturnType<typeof importOnnx>, x: number[], shape: { channels: number; height: number; width: number }, out: { channels: number; height: number; width: number }): Float32Array {
  return fromNhwc(runFloat(graph, toNhwc(x, shape, "nchw")), out, "nchw");
}

/** 1-D convolution (multiply or adder) of x [C][L] with w [M][C][k] in NCL, zero padding, then pads, stride, dilation. */
function conv1d(x: number[], C: number, L: number, w: number[], M: number, k: number, o: { pad: number; stride: number; dilation: number; adder?: boolean; bias?: number[] }): number[] {
  const oL = Math.floor((L + 2 * o.pad - o.dilation * (k - 1) - 1) / o.stride) + 1;
  const out: number[] = [];
  for (let m = 0; m < M; m++) {
    for (let ol = 0; ol < oL; ol++) {
      let acc = o.bias?.[m] ?? 0;
      for (let c = 0; c < C; c++) {
        for (let j = 0; j < k; j++) {
          const l = ol * o.stride + j * o.dilation - o.pad;
          const v = l >= 0 && l < L ? x[c * L + l]! : 0;
          const wv = Math.fround(w[(m * C + c) * k + j]!);
          acc += o.adder ? -Math.abs(v - wv) : v * wv;
        }
      }
      out.push(acc);
    }
  }
  return out;
}

function expectClose(got: ArrayLike<number>, expected: number[], tolerance = 1e-5): void {
  expect(got.length).toBe(expected.length);
  expected.forEach((v, i) => expect(Math.abs(got[i]! - v), `value ${i}: ${got[i]} vs ${v}`).toBeLessThan(tolerance));
}

describe("rank-3 inputs and a fixed batch", () => {
  it("runs Conv1d, AdderConv and MaxPool1d on [N, C, L] as 1×k windows; a batch of 3 imports as one sample, with a warning", () => {
    const [C, L, M1, M2] = [2, 9, 4, 3];
    const [w1, b1, w2] = [ramp(M1 * C * 3, 2), ramp(M1, 3), ramp(M2 * M1 * 2, 4)];
    const warnings: string[] = [];
    const graph = importOnnx(
      buildModel({
        inputDims: [3, C, L],
        outputName: "y",
        nodes: [
          { op: "Conv", name: "conv", inputs: ["input", "w1", "b1"], outputs: ["c"], attrs: { kernel_shape: [3], pads: [1, 1], strides: [2], dilations: [1] } },
          { op: "AdderConv", domain: "com.addernet", name: "adder", inputs: ["c", "w2"], outputs: ["a"], attrs: { kernel_shape: [2], dilations: [2] } },
          { op: "MaxPool", name: "pool", inputs: ["a"], outputs: ["y"], attrs: { kernel_shape: [2], strides: [1] } },
        ],
        initializers: [floatTensor("w1", [M1, C, 3], w1), floatTensor("b1", [M1], b1), floatTensor("w2", [M2, M1, 2], w2)],
      }),
      { onWarning: (w) => warnings.push(w) },
    );
    expect(warnings).toEqual(['graph input "input" has a fixed batch of 3: imported as a model of one sample (run it on each sample)']);
    expect(graph.inputShape).toEqual({ height: 1, width: L, channels: C });
    expect(graph.outputRank).toBe(3);
    const [conv, adder, pool] = graph.nodes as [ConvNode, ConvNode, PoolNode];
    expect(conv).toMatchObject({ op: "conv2d", kernel: [1, 3], stride: [1, 2], pads: [0, 1, 0, 1], dilation: [1, 1] });
    expect(adder).toMatchObject({ op: "adder_conv2d", kernel: [1, 2], dilation: [1, 2] });
    expect(pool).toMatchObject({ op: "max_pool", kernel: [1, 2], stride: [1, 1] });

    const x = ramp(C * L, 5);
    const c = conv1d(x, C, L, w1, M1, 3, { pad: 1, stride: 2, dilation: 1, bias: b1.map(Math.fround) }); // [4][5]
    const a = conv1d(c, M1, 5, w2, M2, 2, { pad: 0, stride: 1, dilation: 2, adder: true }); // [3][3]
    const y = Array.from({ length: M2 * 2 }, (_, i) => Math.max(a[Math.floor(i / 2) * 3 + (i % 2)]!, a[Math.floor(i / 2) * 3 + (i % 2) + 1]!));
    expectClose(runNchw(graph, x, graph.inputShape, { channels: M2, height: 1, width: 2 }), y);
  });

  it("Unsqueeze, the pool PyTorch's AvgPool1d exports, and Squeeze: an alias when the NHWC bytes stay as they are, a copy when the shape changes", () => {
    const spec = (axis: number, kernel: number[]): ModelSpec => ({
      inputDims: [1, 3, 6],
      outputName: "y",
      nodes: [
        { op: "Unsqueeze", name: "u", inputs: ["input", "axes"], outputs: ["u"] },
        { op: "AveragePool", name: "pool", inputs: ["u"], outputs: ["p"], attrs: { kernel_shape: kernel, strides: kernel } },
        { op: "Squeeze", name: "s", inputs: ["p", "axes"], outputs: ["y"] },
      ],
      initializers: [int64Tensor("axes", [1], [axis])],
    });
    const x = ramp(18, 6);
    const expected = Array.from({ length: 9 }, (_, i) => (x[2 * i]! + x[2 * i + 1]!) / 2);
    // [1, 3, 1, 6]: the same 1×6×3 bytes, no node.
    const h = importOnnx(buildModel(spec(2, [1, 2])));
    expect(h.nodes.map((n) => n.op)).toEqual(["avg_pool"]);
    expect(h.outputRank).toBe(3);
    expectClose(runNchw(h, x, h.inputShape, { channels: 3, height: 1, width: 3 }), expected);
    // [1, 3, 6, 1] (as PyTorch exports AvgPool1d): the same bytes as a 6×1×3 map, a copy each way.
    const w = importOnnx(buildModel(spec(3, [2, 1])));
    expect(w.nodes.map((n) => [n.op, (n as FlattenNode).shape])).toEqual([
      ["flatten", { height: 6, width: 1, channels: 3 }],
      ["avg_pool", undefined],
      ["flatten", { height: 1, width: 3, channels: 3 }],
    ]);
    expectClose(runNchw(w, x, w.inputShape, { channels: 3, height: 1, width: 3 }), expected);
  });

  it("refuses what would mix the samples of a batch or move values across channels", () => {
    const gemm = { op: "Gemm", name: "fc", inputs: ["f", "w"], outputs: ["y"], attrs: { transB: 1 } };
    const flattenSpec = (axis: number, batch: number): ModelSpec => ({
      inputDims: [batch, 2, 3, 2],
      outputName: "y",
      nodes: [{ op: "Flatten", name: "flat", inputs: ["input"], outputs: ["f"], attrs: { axis } }, gemm],
      initializers: [floatTensor("w", [4, 12], ramp(48))],
    });
    expect(importOnnx(buildModel(flattenSpec(0, 1))).nodes.map((n) => n.op)).toEqual(["flatten", "dense"]);
    expect(importError(flattenSpec(0, 2))).toBe('Flatten (node "flat"): axis = 0 flattens the batch of 2 samples into one; only axis = 1 keeps them apart');
    const reshapeSpec = (shape: number[]): ModelSpec => ({
      inputDims: [2, 2, 3, 2],
      outputName: "y",
      nodes: [{ op: "Reshape", name: "r", inputs: ["input", "shape"], outputs: ["f"] }, gemm],
      initializers: [int64Tensor("shape", [shape.length], shape), floatTensor("w", [4, 12], ramp(48))],
    });
    expect(importOnnx(buildModel(reshapeSpec([2, -1]))).nodes.map((n) => n.op)).toEqual(["flatten", "dense"]);
    expect(importOnnx(buildModel(reshapeSpec([0, 12]))).nodes.map((n) => n.op)).toEqual(["flatten", "dense"]);
    expect(importError(reshapeSpec([-1, 6]))).toBe('Reshape (node "r"): reshape of [2, 2, 3, 2] to [4, 6] mixes samples of the batch; only reshapes of each sample ([2, …]) are supported');
    const squeeze = importError({
      inputDims: [1, 2, 3, 1],
      outputName: "y",
      nodes: [{ op: "Squeeze", name: "s", inputs: ["input"], outputs: ["y"] }],
    });
    expect(squeeze).toBe('Squeeze (node "s"): Squeeze without axes would remove the batch axis; give the axes to squeeze');
    const transpose = importError({
      inputDims: [1, 2, 3, 4],
      outputName: "y",
      nodes: [{ op: "Transpose", name: "t", inputs: ["input"], outputs: ["y"], attrs: { perm: [0, 1, 3, 2] } }],
    });
    expect(transpose).toBe(
      'Transpose (node "t"): perm [0, 1, 3, 2] of [1, 2, 3, 4] reorders the values of a computed tensor; supported: Transpose of a constant (e.g. a weight before MatMul), or one that only moves axes of size 1',
    );
  });
});

describe("Transpose and ReduceMean", () => {
  it("folds a Transpose of a constant: MatMul(x, Transpose(W)) is a Linear without bias", () => {
    const [K, N] = [5, 3];
    const w = ramp(N * K, 7); // [N][K], as PyTorch keeps a Linear's weight
    const graph = importOnnx(
      buildModel({
        inputDims: [4, K],
        outputName: "y",
        nodes: [
          { op: "Transpose", name: "t", inputs: ["w"], outputs: ["wt"], attrs: { perm: [1, 0] } },
          { op: "MatMul", name: "mm", inputs: ["input", "wt"], outputs: ["y"] },
        ],
        initializers: [floatTensor("w", [N, K], w)],
      }),
    );
    expect(graph.nodes.map((n) => n.op)).toEqual(["dense"]);
    expect(graph.outputRank).toBe(2);
    const x = ramp(K, 8);
    expectClose(runFloat(graph, Float32Array.from(x)), Array.from({ length: N }, (_, n) => x.reduce((s, v, k) => s + v * Math.fround(w[n * K + k]!), 0)));
  });

  it("transposes a constant of any rank: output axis k is input axis perm[k]", () => {
    const dims = [2, 3, 4];
    const values = Float64Array.from({ length: 24 }, (_, i) => i);
    const t = transposeConstant({ dims, values, dataType: "FLOAT" }, [2, 0, 1]);
    expect(t.dims).toEqual([4, 2, 3]);
    for (let a = 0; a < 4; a++) for (let b = 0; b < 2; b++) for (let c = 0; c < 3; c++) expect(t.values[(a * 2 + b) * 3 + c]).toBe(values[(b * 3 + c) * 4 + a]);
  });

  it("ReduceMean over spatial axes is an average pool over the whole axis (both: a global pool); other axes are refused", () => {
    const spec = (axes: number[], keepdims: number): ModelSpec => ({
      inputDims: [1, 2, 3, 4],
      outputName: "y",
      nodes: [{ op: "ReduceMean", name: "mean", inputs: ["input"], outputs: ["y"], attrs: { axes, keepdims } }],
    });
    const x = ramp(24, 9);
    const at = (c: number, h: number, w: number) => x[(c * 3 + h) * 4 + w]!;
    const overH = importOnnx(buildModel(spec([2], 0)));
    expect([overH.nodes[0]!.op, (overH.nodes[0] as PoolNode).kernel, overH.outputRank]).toEqual(["avg_pool", [3, 1], 3]);
    const meanH = Array.from({ length: 8 }, (_, i) => (at(i >> 2, 0, i % 4) + at(i >> 2, 1, i % 4) + at(i >> 2, 2, i % 4)) / 3);
    expectClose(runNchw(overH, x, overH.inputShape, { channels: 2, height: 1, width: 4 }), meanH);
    const both = importOnnx(buildModel(spec([-1, -2], 0)));
    expect([both.nodes[0]!.op, both.outputRank]).toEqual(["global_avg_pool", 2]);
    expect(importOnnx(buildModel(spec([3], 1))).nodes[0]).toMatchObject({ op: "avg_pool", kernel: [1, 4] });
    expect(importError(spec([3], 0))).toBe('ReduceMean (node "mean"): averaging axes [3] without keepdims leaves [1, 2, 3], which is not laid out as the pooled map; use keepdims = 1');
    expect(importError(spec([1], 1))).toBe('ReduceMean (node "mean"): axes [1] of [1, 2, 3, 4]: only the spatial axes [2, 3] can be averaged (an average pool)');
  });
});

describe("the output in ONNX's order", () => {
  const [Cin, H, W, M] = [2, 2, 3, 3];
  const w = ramp(M * Cin, 10);
  const conv = { op: "Conv", name: "conv", inputs: ["input", "w"], outputs: ["c"], attrs: { kernel_shape: [1, 1] } };
  /** Relu(Conv 1×1(x)) flattened in NCHW order. */
  const expected = (x: number[]) =>
    Array.from({ length: M * H * W }, (_, i) => {
      const [m, p] = [Math.floor(i / (H * W)), i % (H * W)];
      return Math.max(0, Array.from({ length: Cin }, (_, c) => x[c * H * W + p]! * Math.fround(w[m * Cin + c]!)).reduce((a, b) => a + b));
    });

  for (const order of ["Relu, Flatten", "Flatten, Relu"]) {
    it(`a graph ending in ${order}: the map is the output, flagged flattened, and comes back in ONNX's order`, async () => {
      const tail = order === "Relu, Flatten"
        ? [{ op: "Relu", name: "relu", inputs: ["c"], outputs: ["r"] }, { op: "Flatten", name: "flat", inputs: ["r"], outputs: ["y"] }]
        : [{ op: "Flatten", name: "flat", inputs: ["c"], outputs: ["f"] }, { op: "Relu", name: "relu", inputs: ["f"], outputs: ["y"] }];
      const graph = importOnnx(buildModel({ inputDims: [2, Cin, H, W], outputName: "y", nodes: [conv, ...tail], initializers: [floatTensor("w", [M, Cin, 1, 1], w)] }));
      expect(graph.nodes.map((n) => [n.op, n.activation, n.output])).toEqual([["conv2d", "relu", "y"]]);
      expect(graph.outputRank).toBe(2);
      const samples = [ramp(Cin * H * W, 11), ramp(Cin * H * W, 12)];
      for (const x of samples) expectClose(runNchw(graph, x, graph.inputShape, { channels: M, height: H, width: W }), expected(x));

      const compiled = compileGraph(graph, samples.map((x) => toNhwc(x, graph.inputShape, "nchw")));
      expect(compiled.model.flags).toBe(C.FLAG_OUTPUT_FLATTENED);
      const model = await Model.load(compiled.bytes);
      expect(model.outputDims()).toEqual([1, M * H * W]);
      expect(model.outputDims("nhwc")).toEqual([1, M * H * W]);
      for (const x of samples) {
        const want = expected(x);
        const range = Math.max(...want) - Math.min(...want);
        expectClose(model.runFloat(Float32Array.from(x)), want, 0.02 * range);
        // "nhwc": input and output in NHWC order
        const nhwc = model.runFloat(toNhwc(x, graph.inputShape, "nchw"), { layout: "nhwc" });
        expectClose(fromNhwc(nhwc, { channels: M, height: H, width: W }, "nchw"), want, 0.02 * range);
      }
    });
  }

  it("a Flatten of the graph input is a copy of it, flagged flattened; a map output keeps [1, C, H, W]", async () => {
    const graph = importOnnx(buildModel({ inputDims: [1, 2, 3, 4], outputName: "y", nodes: [{ op: "Flatten", name: "flat", inputs: ["input"], outputs: ["y"] }] }));
    expect(graph.nodes).toMatchObject([{ op: "flatten", shape: { height: 3, width: 4, channels: 2 } }]);
    const x = ramp(24, 13);
    expectClose(runNchw(graph, x, graph.inputShape, graph.inputShape), x, 1e-7);
    const map = importOnnx(buildModel({ inputDims: [1, Cin, H, W], outputName: "c", nodes: [conv], initializers: [floatTensor("w", [M, Cin, 1, 1], w)] }));
    const model = await Model.load(compileGraph(map, [toNhwc(ramp(12, 14), map.inputShape, "nchw")]).bytes);
    expect([model.info.flags, model.outputDims(), model.outputDims("nhwc")]).toEqual([undefined, [1, M, H, W], [1, H, W, M]]);
  });

  it("an output flattened from a map but not by the last node: a copy at the end gives it the map's shape again, flagged flattened", () => {
    const graph = importOnnx(
      buildModel({
        inputDims: [1, 2, 3, 2],
        outputName: "y",
        nodes: [
          { op: "Flatten", name: "f1", inputs: ["input"], outputs: ["a"] },
          { op: "Relu", name: "relu", inputs: ["input"], outputs: ["r"] },
          { op: "Flatten", name: "f2", inputs: ["r"], outputs: ["b"] },
          { op: "Add", name: "sum", inputs: ["a", "b"], outputs: ["y"] },
        ],
      }),
    );
    expect(graph.nodes.map((n) => [n.op, n.output, (n as FlattenNode).shape])).toEqual([
      ["flatten", "a", undefined],
      ["max_pool", "r", undefined],
      ["flatten", "b", undefined],
      ["add", "y.nhwc", undefined],
      ["flatten", "y", { height: 3, width: 2, channels: 2 }],
    ]);
    expect([graph.outputName, graph.outputRank]).toEqual(["y", 2]);
    const x = ramp(12, 19);
    expectClose(runNchw(graph, x, graph.inputShape, { channels: 2, height: 3, width: 2 }), x.map((v) => v + Math.max(v, 0)));
  });

  it("adds of vectors flattened from maps of one order keep it for the Gemm after them; of two orders, they are refused", () => {
    const spec = (second: "reshape" | "conv"): ModelSpec => ({
      inputDims: [1, 2, 3, 2],
      outputName: "y",
      nodes: [
        { op: "Flatten", name: "f1", inputs: ["input"], outputs: ["a"] },
        // [1, 2, 6, 1]: the same NHWC bytes as the input (a copy); or a 1×1 conv to [1, 4, 3, 1]: 12 values in another order
        second === "reshape"
          ? { op: "Reshape", name: "r", inputs: ["input", "shape"], outputs: ["b0"] }
          : { op: "Conv", name: "r", inputs: ["input", "k"], outputs: ["b0"], attrs: { kernel_shape: [1, 1], strides: [1, 2] } },
        { op: "Flatten", name: "f2", inputs: ["b0"], outputs: ["b"] },
        { op: "Add", name: "sum", inputs: ["a", "b"], outputs: ["s"] },
        { op: "Gemm", name: "fc", inputs: ["s", "w"], outputs: ["y"], attrs: { transB: 1 } },
      ],
      initializers: [int64Tensor("shape", [4], [1, 2, 6, 1]), floatTensor("k", [4, 2, 1, 1], ramp(8)), floatTensor("w", [2, 12], ramp(24, 15))],
    });
    const graph = importOnnx(buildModel(spec("reshape")));
    expect(graph.nodes.map((n) => n.op)).toEqual(["flatten", "flatten", "flatten", "add", "dense"]);
    const x = ramp(12, 16);
    const weights = ramp(24, 15).map(Math.fround);
    expectClose(runFloat(graph, toNhwc(x, graph.inputShape, "nchw")), [0, 1].map((n) => x.reduce((s, v, k) => s + 2 * v * weights[n * 12 + k]!, 0)));
    expect(importError(spec("conv"))).toBe('Add (node "sum"): inputs "a" and "b" are flattened from maps of different channels or sizes, so their values are in different orders');
  });
});

describe("grouped convolutions", () => {
  it("imports a grouped Conv as a convolution over every channel, zero outside each output's group; refuses it for AdderConv", () => {
    const [C, M, G, L] = [4, 6, 2, 7];
    const w = ramp(M * (C / G) * 3, 17);
    const spec = (op: string, domain = ""): ModelSpec => ({
      inputDims: [1, C, L],
      outputName: "y",
      nodes: [{ op, domain, name: "g", inputs: ["input", "w"], outputs: ["y"], attrs: { kernel_shape: [3], group: G } }],
      initializers: [floatTensor("w", [M, C / G, 3], w)],
    });
    const graph = importOnnx(buildModel(spec("Conv")));
    expect((graph.nodes[0] as ConvNode).weights.length).toBe(M * C * 3);
    const x = ramp(C * L, 18);
    // Output m reads the C/G input channels of its group.
    const expected = Array.from({ length: M }, (_, m) => {
      const first = Math.floor(m / (M / G)) * (C / G);
      const inGroup = x.slice(first * L, (first + C / G) * L);
      return conv1d(inGroup, C / G, L, w.slice(m * (C / G) * 3, (m + 1) * (C / G) * 3), 1, 3, { pad: 0, stride: 1, dilation: 1 });
    }).flat();
    expectClose(runNchw(graph, x, graph.inputShape, { channels: M, height: 1, width: L - 2 }), expected);
    expect(importError(spec("AdderConv", "com.addernet"))).toBe(
      'AdderConv (node "g"): group = 2 is not supported for AdderConv: only 1 (a convolution) or the input\'s channel count 4 with as many outputs (a depthwise convolution)',
    );
  });
});
