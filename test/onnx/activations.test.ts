// The element-wise activations, PRelu, a standalone BatchNormalization and Softmax/LogSoftmax from
// small ONNX graphs: the nodes they become, the float reference against the ONNX definitions
// written out here in NCHW, and the int8 model on both kernel builds within the spec's bounds.
import { beforeAll, describe, expect, it } from "vitest";
import { packModel } from "../../src/format/writer.js";
import { runFloat } from "../../src/graph/float_reference.js";
import type { ChannelAffineNode, Graph } from "../../src/graph/ir.js";
import { calibrationSamples } from "../../src/models/index.js";
import { importOnnx } from "../../src/onnx/index.js";
import { quantize } from "../../src/pipeline.js";
import { dequantizeOutput, quantizeInput } from "../../src/quantize/io.js";
import { runReference } from "../../src/reference/interpreter.js";
import { KERNEL_BUILDS, KernelInstance } from "../../src/runtime/kernel.js";
import { buildModel, floatTensor, type NodeSpec } from "./onnx_builder.js";

/** NCHW [C][H][W] ↔ NHWC [H][W][C]. */
const toNhwc = (x: ArrayLike<number>, C: number, H: number, W: number): Float32Array =>
  Float32Array.from({ length: C * H * W }, (_, k) => x[(k % C) * H * W + Math.floor(k / C)]!);
const toNchw = (x: ArrayLike<number>, C: number, H: number, W: number): Float32Array =>
  Float32Array.from({ length: C * H * W }, (_, k) => x[(k % (H * W)) * C + Math.floor(k / (H * W))]!);

/** Deterministic inputs in about [−3, 3]. */
const wave = (n: number, phase = 0): Float32Array => Float32Array.from({ length: n }, (_, i) => 3 * Math.sin(1.7 * i + phase));

const C = 3, H = 4, W = 5;
const single = (node: Omit<NodeSpec, "inputs" | "outputs"> & { inputs?: string[] }, extra: Partial<Parameters<typeof buildModel>[0]> = {}) =>
  importOnnx(buildModel({ inputDims: [1, C, H, W], outputName: "y", nodes: [{ inputs: ["input"], outputs: ["y"], ...node }], ...extra }));

/** The float reference on an NCHW input, back in NCHW. */
const floatNchw = (graph: Graph, x: Float32Array): Float32Array => toNchw(runFloat(graph, toNhwc(x, C, H, W)), C, H, W);

const kernels: KernelInstance[] = [];
beforeAll(async () => {
  for (const build of KERNEL_BUILDS) kernels.push(await KernelInstance.create(build));
});

/**
 * Quantized on samples, run on some of them on both kernel builds (which give the reference's
 * bytes): the largest |int8 − float| in output steps, the float reference run on the int8 input's
 * values (its outputs are float32: half a step is HALF here).
 */
function int8Error(graph: Graph): number {
  const samples = calibrationSamples(graph.inputShape, 16, 1).map((x) => x.map((v) => 2 * v));
  const model = quantize(graph, samples);
  const blob = packModel(model);
  let worst = 0;
  for (const x of samples.slice(0, 4)) {
    const q = quantizeInput(model, x);
    const expected = runReference(model, q);
    for (const k of kernels) {
      k.load(blob);
      expect(k.run(q)).toEqual(expected);
    }
    const got = dequantizeOutput(model, expected);
    const want = runFloat(graph, Float32Array.from(q, (v) => model.tensors[model.input]!.scale * (v - model.tensors[model.input]!.zeroPoint)));
    want.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - got[i]!) / model.tensors[model.output]!.scale)));
  }
  return worst;
}

const HALF = 0.5 + 1e-4;
const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
const ONNX_DEFINITIONS: [string, Record<string, { float: number }>, (v: number) => number][] = [
  ["Sigmoid", {}, sigmoid],
  ["Tanh", {}, Math.tanh],
  ["HardSigmoid", { alpha: { float: 0.25 }, beta: { float: 0.4 } }, (v) => Math.max(0, Math.min(1, 0.25 * v + 0.4))],
  ["HardSwish", {}, (v) => v * Math.max(0, Math.min(1, v / 6 + 0.5))],
  ["LeakyRelu", { alpha: { float: 0.2 } }, (v) => (v >= 0 ? v : 0.2 * v)],
  ["Elu", { alpha: { float: 2 } }, (v) => (v >= 0 ? v : 2 * (Math.exp(v) - 1))],
  ["Selu", {}, (v) => 1.0507009873554805 * (v > 0 ? v : 1.6732632423543772 * (Math.exp(v) - 1))],
  ["Softplus", {}, (v) => Math.log(1 + Math.exp(v))],
  ["Softsign", {}, (v) => v / (1 + Math.abs(v))],
  ["Neg", {}, (v) => -v],
  ["Exp", {}, Math.exp],
  ["Abs", {}, Math.abs],
];

describe("element-wise activations", () => {
  it.each(ONNX_DEFINITIONS)("%s: an elementwise node computing the ONNX definition; int8 within half a step", (op, attrs, f) => {
    const graph = single({ op, name: "act", attrs });
    expect(graph.nodes.map((n) => n.op)).toEqual(["elementwise"]);
    const x = wave(C * H * W);
    const got = floatNchw(graph, x);
    x.forEach((v, i) => expect(got[i]).toBeCloseTo(f(v), 5));
    expect(int8Error(graph)).toBeLessThanOrEqual(HALF);
  });

  it("Clip: [0, 6] and [0, ∞) fuse as before, another range is an element-wise clip, no bounds an alias", () => {
    const clip = (lo: number[], hi: number[]) =>
      single({ op: "Clip", name: "clip", inputs: ["input", lo.length ? "lo" : "", hi.length ? "hi" : ""] }, {
        initializers: [...(lo.length ? [floatTensor("lo", [], lo)] : []), ...(hi.length ? [floatTensor("hi", [], hi)] : [])],
      });
    expect(clip([0], [6]).nodes.map((n) => [n.op, n.activation])).toEqual([["max_pool", "relu6"]]);
    const ranged = clip([-0.5], [0.5]);
    expect(ranged.nodes).toMatchObject([{ op: "elementwise", fn: { name: "clip", min: -0.5, max: 0.5 } }]);
    const x = wave(C * H * W);
    floatNchw(ranged, x).forEach((v, i) => expect(v).toBeCloseTo(Math.min(0.5, Math.max(-0.5, x[i]!)), 6));
    expect(int8Error(ranged)).toBeLessThanOrEqual(HALF);
    expect(clip([-1], []).nodes).toMatchObject([{ op: "elementwise", fn: { name: "clip", min: -1 } }]);
    // opset 6 attributes, and no bounds at all
    const legacy = single({ op: "Clip", name: "clip", attrs: { min: { float: -0.5 }, max: { float: 0.5 } } }, { opset: 6 });
    expect(legacy.nodes).toMatchObject([{ op: "elementwise", fn: { name: "clip", min: -0.5, max: 0.5 } }]);
    expect(() => single({ op: "Clip", name: "clip" })).toThrow(/graph output "input" is the graph input/);
  });

  it("a Relu after an element-wise node fuses into its table", () => {
    const graph = importOnnx(buildModel({
      inputDims: [1, C, H, W],
      outputName: "y",
      nodes: [
        { op: "Tanh", name: "tanh", inputs: ["input"], outputs: ["t"] },
        { op: "Relu", name: "relu", inputs: ["t"], outputs: ["y"] },
      ],
    }));
    expect(graph.nodes.map((n) => [n.op, n.activation])).toEqual([["elementwise", "relu"]]);
    const x = wave(C * H * W);
    floatNchw(graph, x).forEach((v, i) => expect(v).toBeCloseTo(Math.max(0, Math.tanh(x[i]!)), 6));
    expect(int8Error(graph)).toBeLessThanOrEqual(HALF);
  });
});

describe("PRelu", () => {
  const prelu = (dims: number[], slopes: number[], opset = 13) =>
    single({ op: "PRelu", name: "prelu", inputs: ["input", "slope"] }, { initializers: [floatTensor("slope", dims, slopes)], opset });
  const slopes = [0.1, -0.3, 0.6];
  const expected = (x: Float32Array) => Float32Array.from(x, (v, i) => (v >= 0 ? v : slopes[Math.floor(i / (H * W))]! * v));

  it("one slope is a leaky ReLU (a LUT); one per channel a channel_affine node, [C, 1, 1] or, before opset 7, [C]", () => {
    expect(prelu([1], [0.25]).nodes).toMatchObject([{ op: "elementwise", fn: { name: "leaky_relu", alpha: 0.25 } }]);
    expect(prelu([1, 1, 1], [0.25]).nodes).toMatchObject([{ op: "elementwise", fn: { name: "leaky_relu" } }]);
    const x = wave(C * H * W);
    for (const graph of [prelu([C, 1, 1], slopes), prelu([1, C, 1, 1], slopes), prelu([C], slopes, 6)]) {
      const node = graph.nodes[0] as ChannelAffineNode;
      expect(node.op).toBe("channel_affine");
      expect(Array.from(node.scale)).toEqual([1, 1, 1]);
      expect(Array.from(node.negativeScale)).toEqual(Array.from(Float32Array.from(slopes)));
      floatNchw(graph, x).forEach((v, i) => expect(v).toBeCloseTo(expected(x)[i]!, 6));
      expect(int8Error(graph)).toBeLessThanOrEqual(HALF + 2 ** -10);
    }
  });

  it("after a Flatten of a map, takes the slopes to the vector's NHWC order", () => {
    const F = C * H * W;
    const perValue = Array.from({ length: F }, (_, i) => 0.01 * i - 0.3);
    const graph = importOnnx(buildModel({
      inputDims: [1, C, H, W],
      outputName: "y",
      nodes: [
        { op: "Flatten", name: "flat", inputs: ["input"], outputs: ["f"] },
        { op: "PRelu", name: "prelu", inputs: ["f", "slope"], outputs: ["y"] },
      ],
      initializers: [floatTensor("slope", [F], perValue)],
    }));
    const x = wave(F);
    // ONNX: value i of the flattened vector (c, h, w order) times slope i; the graph's vector is NHWC
    const got = toNchw(runFloat(graph, toNhwc(x, C, H, W)), C, H, W);
    x.forEach((v, i) => expect(got[i]).toBeCloseTo(v >= 0 ? v : Math.fround(perValue[i]!) * v, 6));
  });
});

describe("BatchNormalization", () => {
  const params = [floatTensor("s", [C], [1.5, -0.5, 2]), floatTensor("b", [C], [0.1, 0.2, -0.3]), floatTensor("m", [C], [0.5, -1, 0]), floatTensor("v", [C], [4, 0.25, 1])];
  const bn = (v: number, c: number) => ([1.5, -0.5, 2][c]! * (v - [0.5, -1, 0][c]!)) / Math.sqrt([4, 0.25, 1][c]! + 1e-5) + [0.1, 0.2, -0.3][c]!;

  it("where it cannot fold (after an Add, after a Conv with a Relu) is a channel_affine node: y = γ(x − μ)/√(σ² + ε) + β", () => {
    const afterAdd = importOnnx(buildModel({
      inputDims: [1, C, H, W],
      outputName: "y",
      nodes: [
        { op: "Add", name: "add", inputs: ["input", "input"], outputs: ["sum"] },
        { op: "BatchNormalization", name: "bn", inputs: ["sum", "s", "b", "m", "v"], outputs: ["y"] },
      ],
      initializers: params,
    }));
    expect(afterAdd.nodes.map((n) => n.op)).toEqual(["add", "channel_affine"]);
    const x = wave(C * H * W);
    floatNchw(afterAdd, x).forEach((v, i) => expect(v).toBeCloseTo(bn(2 * x[i]!, Math.floor(i / (H * W))), 5));
    expect(int8Error(afterAdd)).toBeLessThanOrEqual(HALF + 2 ** -10 + 1); // the add's rounding, then the affine's

    const afterRelu = importOnnx(buildModel({
      inputDims: [1, C, H, W],
      outputName: "y",
      nodes: [
        { op: "Conv", name: "conv", inputs: ["input", "w"], outputs: ["c"], attrs: { kernel_shape: [1, 1] } },
        { op: "Relu", name: "relu", inputs: ["c"], outputs: ["r"] },
        { op: "BatchNormalization", name: "bn", inputs: ["r", "s", "b", "m", "v"], outputs: ["y"] },
      ],
      initializers: [floatTensor("w", [C, C, 1, 1], [1, 0, 0, 0, 1, 0, 0, 0, 1]), ...params],
    }));
    expect(afterRelu.nodes.map((n) => [n.op, n.activation])).toEqual([["conv2d", "relu"], ["channel_affine", "none"]]);
    floatNchw(afterRelu, x).forEach((v, i) => expect(v).toBeCloseTo(bn(Math.max(0, x[i]!), Math.floor(i / (H * W))), 5));
  });

  it("on the graph input (an eval-mode BatchNorm2d on its own) is a channel_affine node", () => {
    const graph = single({ op: "BatchNormalization", name: "bn", inputs: ["input", "s", "b", "m", "v"] }, { initializers: params });
    expect(graph.nodes.map((n) => n.op)).toEqual(["channel_affine"]);
    const x = wave(C * H * W);
    floatNchw(graph, x).forEach((v, i) => expect(v).toBeCloseTo(bn(x[i]!, Math.floor(i / (H * W))), 5));
    expect(int8Error(graph)).toBeLessThanOrEqual(HALF + 2 ** -10);
  });
});

describe("Softmax and LogSoftmax", () => {
  const softmaxOf = (row: number[], log: boolean) => {
    const top = Math.max(...row);
    const sum = row.reduce((s, v) => s + Math.exp(v - top), 0);
    return row.map((v) => (log ? v - top - Math.log(sum) : Math.exp(v - top) / sum));
  };

  it.each([["Softmax", false], ["LogSoftmax", true]] as const)("%s over each pixel's channels (opset 13, axis 1)", (op, log) => {
    const graph = single({ op, name: "sm", attrs: { axis: 1 } });
    expect(graph.nodes.map((n) => n.op)).toEqual([log ? "log_softmax" : "softmax"]);
    const x = wave(C * H * W);
    const got = floatNchw(graph, x);
    for (let p = 0; p < H * W; p++) {
      const row = Array.from({ length: C }, (_, c) => x[c * H * W + p]!);
      softmaxOf(row, log).forEach((v, c) => expect(got[c * H * W + p]).toBeCloseTo(v, 6));
    }
    expect(int8Error(graph)).toBeLessThanOrEqual(log ? HALF + 2 ** -10 : 1);
  });

  it.each([["Softmax", false], ["LogSoftmax", true]] as const)("%s of a [1, F] vector, opset 6 and 13, after Gemm: the classifier head", (op, log) => {
    for (const [opset, attrs] of [[6, { axis: 1 }], [13, {}], [13, { axis: -1 }]] as const) {
      const graph = importOnnx(buildModel({
        inputDims: [1, 6],
        outputName: "y",
        opset,
        nodes: [
          { op: "Gemm", name: "fc", inputs: ["input", "w"], outputs: ["z"], attrs: { transB: 1 } },
          { op, name: "sm", inputs: ["z"], outputs: ["y"], attrs },
        ],
        initializers: [floatTensor("w", [10, 6], wave(60, 1).map((v) => v / 10))],
      }));
      expect(graph.nodes.map((n) => n.op)).toEqual(["dense", log ? "log_softmax" : "softmax"]);
      const x = wave(6, 2);
      const z = Array.from({ length: 10 }, (_, o) => x.reduce((s, v, k) => s + v * Math.fround(wave(60, 1)[o * 6 + k]! / 10), 0));
      const got = runFloat(graph, x);
      softmaxOf(z, log).forEach((v, c) => expect(got[c]).toBeCloseTo(v, 5));
      expect(int8Error(graph)).toBeLessThan(3); // the dense layer's rounding carried through
    }
  });
});
