// Pad, Concat and AveragePool with count_include_pad = 1 in small hand-built ONNX graphs: each
// form the importer reads, against ONNX's semantics computed here in NCHW; zero pads folding
// into the convolution or max pool after them.
import { describe, expect, it } from "vitest";
import type { ConvNode, PadNode } from "../../src/graph/ir.js";
import { runFloat } from "../../src/graph/float_reference.js";
import { importOnnx } from "../../src/onnx/index.js";
import { exportOnnx } from "../../src/onnx/export.js";
import { calibrationSamples, Rng, SeededBuilder } from "../../src/models/index.js";
import { buildModel, floatTensor, int64Tensor, type NodeSpec } from "./onnx_builder.js";

const ramp = (n: number, scale = 0.1, offset = 0): number[] => Array.from({ length: n }, (_, i) => ((i * 7) % 11) * scale - offset);

/** NCHW [C][H][W] ↔ NHWC [H][W][C]. */
function toNhwc(x: ArrayLike<number>, c: number, h: number, w: number): Float32Array {
  const out = new Float32Array(c * h * w);
  for (let ci = 0; ci < c; ci++) for (let hi = 0; hi < h; hi++) for (let wi = 0; wi < w; wi++) out[(hi * w + wi) * c + ci] = x[(ci * h + hi) * w + wi]!;
  return out;
}

/** numpy.pad on H and W of an NCHW map, by bouncing (reflect), clamping (edge) or modulo (wrap). */
function padNchw(x: number[], [c, h, w]: number[], [top, left, bottom, right]: number[], mode: string, value = 0): { y: number[]; dims: number[] } {
  const source = (i: number, n: number): number => {
    if (i >= 0 && i < n) return i;
    if (mode === "constant") return -1;
    if (mode === "edge") return Math.min(n - 1, Math.max(0, i));
    if (mode === "wrap") return ((i % n) + n) % n;
    if (n === 1) return 0;
    while (i < 0 || i >= n) i = i < 0 ? -i : 2 * (n - 1) - i;
    return i;
  };
  const [oh, ow] = [h! + top! + bottom!, w! + left! + right!];
  const y: number[] = [];
  for (let ci = 0; ci < c!; ci++) {
    for (let r = 0; r < oh; r++) {
      for (let q = 0; q < ow; q++) {
        const [i, j] = [source(r - top!, h!), source(q - left!, w!)];
        y.push(i < 0 || j < 0 ? value : x[(ci * h! + i) * w! + j]!);
      }
    }
  }
  return { y, dims: [c!, oh, ow] };
}

const DIMS = [2, 3, 4]; // C, H, W
const X = ramp(24, 0.3, 1);

function importPad(nodes: NodeSpec[], initializers = [int64Tensor("pads", [8], [0, 0, 2, 1, 0, 0, 3, 5])], opset?: number) {
  const bytes = buildModel({ inputDims: [1, ...DIMS], outputName: "y", nodes, initializers, ...(opset ? {} : {}) });
  return importOnnx(bytes);
}

describe("ONNX Pad", () => {
  it.each(["constant", "edge", "reflect", "wrap"])("mode %s, pads as a constant input (opset ≥ 11): numpy.pad's values", (mode) => {
    const graph = importPad(
      [{ op: "Pad", name: "p", inputs: ["input", "pads", ...(mode === "constant" ? ["v"] : [])], outputs: ["y"], attrs: { mode } }],
      [int64Tensor("pads", [8], [0, 0, 2, 1, 0, 0, 3, 5]), floatTensor("v", [], [0.75])],
    );
    expect(graph.nodes).toHaveLength(1);
    expect(graph.nodes[0]).toMatchObject({ op: "pad", pads: [2, 1, 3, 5], mode, value: mode === "constant" ? 0.75 : 0 });
    const { y, dims } = padNchw(X, DIMS, [2, 1, 3, 5], mode, 0.75);
    expect(Array.from(runFloat(graph, toNhwc(X, 2, 3, 4)))).toEqual(Array.from(toNhwc(y, dims[0]!, dims[1]!, dims[2]!)));
  });

  it("reads the attribute form (opset < 11) and the axes input (opset 18)", () => {
    const old = importPad([{ op: "Pad", name: "p", inputs: ["input"], outputs: ["y"], attrs: { mode: "reflect", pads: [0, 0, 1, 3, 0, 0, 2, 0] } }], []);
    expect(old.nodes[0]).toMatchObject({ op: "pad", pads: [1, 3, 2, 0], mode: "reflect" });
    const value = importPad([{ op: "Pad", name: "p", inputs: ["input"], outputs: ["y"], attrs: { pads: [0, 0, 1, 0, 0, 0, 0, 0], value: { float: -2 } } }], []);
    expect(value.nodes[0]).toMatchObject({ op: "pad", pads: [1, 0, 0, 0], mode: "constant", value: -2 });
    const axes = importPad([{ op: "Pad", name: "p", inputs: ["input", "pads", "", "axes"], outputs: ["y"], attrs: { mode: "edge" } }], [int64Tensor("pads", [4], [1, 2, 3, 4]), int64Tensor("axes", [2], [-1, 2])]);
    // axes [W, H]: W begins 1, H begins 2, W ends 3, H ends 4
    expect(axes.nodes[0]).toMatchObject({ op: "pad", pads: [2, 1, 4, 3], mode: "edge" });
  });

  it("folds a zero pad into the Conv or AdderConv reading it; the float output is the padded convolution's", () => {
    for (const [op, domain] of [["Conv", ""], ["AdderConv", "com.addernet"]] as const) {
      const weights = floatTensor("w", [3, 2, 3, 3], ramp(54, 0.05, 0.2));
      const padded = importPad(
        [
          { op: "Pad", name: "p", inputs: ["input", "pads"], outputs: ["padded"] },
          { op, domain, name: "c", inputs: ["padded", "w"], outputs: ["y"], attrs: { kernel_shape: [3, 3], pads: [1, 0, 0, 1] } },
        ],
        [int64Tensor("pads", [8], [0, 0, 2, 1, 0, 0, 0, 1]), weights],
      );
      expect(padded.nodes.map((n) => n.op)).toEqual([op === "Conv" ? "conv2d" : "adder_conv2d"]);
      expect((padded.nodes[0] as ConvNode).pads).toEqual([3, 1, 0, 2]);
      const direct = importPad([{ op, domain, name: "c", inputs: ["input", "w"], outputs: ["y"], attrs: { kernel_shape: [3, 3], pads: [3, 1, 0, 2] } }], [weights]);
      const x = toNhwc(X, 2, 3, 4);
      expect(runFloat(padded, x)).toEqual(runFloat(direct, x));
    }
  });

  it("folds a zero pad into a max pool after a ReLU, not without one, nor into an average pool", () => {
    const pool = (relu: boolean, opType = "MaxPool") =>
      importPad([
        ...(relu ? [{ op: "Relu", name: "r", inputs: ["c"], outputs: ["rc"] }] : []),
        { op: "Pad", name: "p", inputs: [relu ? "rc" : "c", "pads"], outputs: ["padded"] },
        { op: opType, name: "pool", inputs: ["padded"], outputs: ["y"], attrs: { kernel_shape: [2, 2] } },
      ].reduce<NodeSpec[]>((nodes, n) => [...nodes, n], [{ op: "Conv", name: "conv", inputs: ["input", "w"], outputs: ["c"], attrs: { kernel_shape: [1, 1] } }]),
      [int64Tensor("pads", [8], [0, 0, 1, 0, 0, 0, 0, 1]), floatTensor("w", [2, 2, 1, 1], [1, -1, 0.5, 2])]);
    expect(pool(true).nodes.map((n) => n.op)).toEqual(["conv2d", "max_pool"]);
    expect(pool(true).nodes[1]).toMatchObject({ pads: [1, 0, 0, 1] });
    expect(pool(false).nodes.map((n) => n.op)).toEqual(["conv2d", "pad", "max_pool"]);
    expect(pool(true, "AveragePool").nodes.map((n) => n.op)).toEqual(["conv2d", "pad", "avg_pool"]);
  });
});

describe("ONNX AveragePool with count_include_pad = 1", () => {
  it("becomes a zero pad and an unpadded pool: the padded zeros count in the mean", () => {
    const graph = importPad([{ op: "AveragePool", name: "avg", inputs: ["input"], outputs: ["y"], attrs: { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 0], count_include_pad: 1 } }], []);
    expect(graph.nodes.map((n) => [n.op, n.name])).toEqual([["pad", "avg_pad"], ["avg_pool", "avg"]]);
    expect((graph.nodes[0] as PadNode).pads).toEqual([1, 1, 1, 0]);
    // ONNX: the mean of all 9 taps, padded ones as 0
    const { y: padded, dims } = padNchw(X, DIMS, [1, 1, 1, 0], "constant");
    const [, ph, pw] = dims as [number, number, number];
    const [oh, ow] = [Math.floor((ph - 3) / 2) + 1, Math.floor((pw - 3) / 2) + 1];
    const want: number[] = [];
    for (let c = 0; c < 2; c++) {
      for (let i = 0; i < oh; i++) {
        for (let j = 0; j < ow; j++) {
          let sum = 0;
          for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) sum += padded[(c * ph + 2 * i + a) * pw + 2 * j + b]!;
          want.push(sum / 9);
        }
      }
    }
    const got = runFloat(graph, toNhwc(X, 2, 3, 4));
    toNhwc(want, 2, oh, ow).forEach((v, k) => expect(got[k]).toBeCloseTo(v, 6));
  });
});

describe("ONNX Concat", () => {
  it("joins maps along channels, and vectors along features; one input is an alias", () => {
    const maps = importPad(
      [
        { op: "Conv", name: "a", inputs: ["input", "wa"], outputs: ["ya"], attrs: { kernel_shape: [1, 1] } },
        { op: "Concat", name: "cat", inputs: ["ya", "input", "ya"], outputs: ["y"], attrs: { axis: -3 } },
      ],
      [floatTensor("wa", [3, 2, 1, 1], ramp(6, 0.2, 0.5))],
    );
    expect(maps.nodes.map((n) => n.op)).toEqual(["conv2d", "concat"]);
    expect(maps.nodes[1]!.inputs).toEqual(["ya", "input", "ya"]);
    const x = toNhwc(X, 2, 3, 4);
    const y = runFloat(maps, x);
    const conv = runFloat({ ...maps, nodes: maps.nodes.slice(0, 1), outputName: "ya" }, x);
    for (let p = 0; p < 12; p++) expect(Array.from(y.slice(p * 8, p * 8 + 8))).toEqual([...conv.slice(p * 3, p * 3 + 3), ...x.slice(p * 2, p * 2 + 2), ...conv.slice(p * 3, p * 3 + 3)]);

    const vectors = importPad([
      { op: "GlobalAveragePool", name: "g", inputs: ["input"], outputs: ["g"] },
      { op: "Flatten", name: "f", inputs: ["g"], outputs: ["v"], attrs: { axis: 1 } },
      { op: "Concat", name: "one", inputs: ["v"], outputs: ["same"], attrs: { axis: 1 } },
      { op: "Concat", name: "cat", inputs: ["same", "v"], outputs: ["y"], attrs: { axis: -1 } },
    ], []);
    // the flatten of a 1×1 map is another name of the map
    expect(vectors.nodes.map((n) => n.op)).toEqual(["global_avg_pool", "concat"]);
    expect(vectors.nodes[1]!.inputs).toEqual(["g", "g"]);
  });

  it("round-trips pads and concats through ONNX export", () => {
    const b = new SeededBuilder({ height: 5, width: 6, channels: 2 }, new Rng(2));
    const x = b.input();
    const p = b.pad(x, { padding: [1, 0, 2, 1], mode: "reflect" });
    const c = b.layer(p, { adder: true, outChannels: 3, kernel: 3, activation: "relu" });
    const q = b.pad(c, { padding: 1, value: 0.25 });
    const d = b.layer(q, { outChannels: 4, kernel: 3 });
    const graph = b.build(b.concat([d, b.layer(d, { outChannels: 2, kernel: 1 })]));
    const back = importOnnx(exportOnnx(graph));
    expect(back.nodes.map((n) => n.op)).toEqual(graph.nodes.map((n) => n.op));
    for (const sample of calibrationSamples(graph.inputShape, 2, 4)) expect(runFloat(back, sample)).toEqual(runFloat(graph, sample));
  });
});
