import { describe, expect, it } from "vitest";
import { readModel } from "../../src/format/reader.js";
import { runFloat } from "../../src/graph/float_reference.js";
import type { Graph } from "../../src/graph/ir.js";
import { inferShapes, isFilterNode } from "../../src/graph/shapes.js";
import { buildMobileNetV1, TINY_MODELS, tinyCalibration } from "../../src/models/index.js";
import { compileGraph } from "../../src/pipeline.js";
import { dequantizeOutput, quantizeInput } from "../../src/quantize/io.js";
import { runReference } from "../../src/reference/interpreter.js";
import { isAdder, kindOfGraphOp } from "../../src/ops/table.js";

/** Weights of each reference architecture, counted from its description (kernel × in × out per layer). */
const REFERENCE_WEIGHTS: Record<string, number> = {
  "ds-cnn": 10 * 4 * 64 + 4 * (3 * 3 * 64 + 64 * 64) + 64 * 12,
  // conv 3×3 1→8; 13 × (depthwise 3×3, pointwise in→out); dense 256→2
  "mobilenet-v1": 3 * 3 * 8 + [[8, 16], [16, 32], [32, 32], [32, 64], [64, 64], [64, 128], [128, 128], [128, 128], [128, 128], [128, 128], [128, 128], [128, 256], [256, 256]]
    .reduce((sum, [i, o]) => sum + 9 * i! + i! * o!, 0) + 256 * 2,
  // conv 3→16; stage 1: two 16→16; stages 2, 3: in→out, out→out and the 1×1 shortcut; dense 64→10
  resnet8: 27 * 16 + 2 * 9 * 16 * 16 + (9 * 16 * 32 + 9 * 32 * 32 + 16 * 32) + (9 * 32 * 64 + 9 * 64 * 64 + 32 * 64) + 64 * 10,
  "fc-ae": 640 * 128 + 3 * 128 * 128 + 128 * 8 + 8 * 128 + 3 * 128 * 128 + 128 * 640,
};

/** Shapes (H×W×C) of named values on the way through each model. */
const SHAPES: Record<string, Record<string, string>> = {
  "ds-cnn": { input: "49x10x1", conv1: "25x5x64", block4_pw: "25x5x64", fc: "1x1x12" },
  "mobilenet-v1": { input: "96x96x1", conv1: "48x48x8", block1_pw: "48x48x16", block2_pw: "24x24x32", block4_pw: "12x12x64", block6_pw: "6x6x128", block12_pw: "3x3x256", block13_pw: "3x3x256", fc: "1x1x2" },
  resnet8: { input: "32x32x3", stage1_add: "32x32x16", stage2_add: "16x16x32", stage3_add: "8x8x64", fc: "1x1x10" },
  "fc-ae": { input: "1x1x640", dense5: "1x1x8", output: "1x1x640" },
};

const weightCount = (g: Graph) => g.nodes.reduce((sum, n) => sum + (isFilterNode(n) ? n.weights.length : 0), 0);
const graphs = new Map(TINY_MODELS.flatMap((m) => [true, false].map((adder) => [`${m.name}/${adder ? "adder" : "multiply"}`, m.build(1, { adder })] as const)));

describe("MLPerf Tiny architectures", () => {
  it.each(TINY_MODELS.map((m) => m.name))("%s has the reference's layers and shapes in both variants", (name) => {
    const adder = graphs.get(`${name}/adder`)!;
    const multiply = graphs.get(`${name}/multiply`)!;
    for (const g of [adder, multiply]) {
      expect(weightCount(g)).toBe(REFERENCE_WEIGHTS[name]);
      const shapes = inferShapes(g);
      const fmt = (v: string) => { const s = shapes.get(v)!; return `${s.height}x${s.width}x${s.channels}`; };
      for (const [value, shape] of Object.entries(SHAPES[name]!)) expect(fmt(value), `${name}: ${value}`).toBe(shape);
      // the classifiers end in a softmax over the dense layer's logits, as the references do
      if (name === "fc-ae") expect(g.outputName).toBe("output");
      else expect(g.nodes.slice(-2).map((n) => [n.op, n.output])).toEqual([[g === adder ? "adder_dense" : "dense", "fc"], ["softmax", g.outputName]]);
      expect(g.inputShape).toEqual(TINY_MODELS.find((m) => m.name === name)!.inputShape);
    }
    // every conv-like layer an adder layer in one, none in the other, with the same geometry
    const filters = (g: Graph) => g.nodes.filter(isFilterNode);
    expect(filters(adder).every((n) => isAdder(kindOfGraphOp(n.op)))).toBe(true);
    expect(filters(multiply).some((n) => isAdder(kindOfGraphOp(n.op)))).toBe(false);
    expect(filters(adder).map((n) => [n.name, n.weights.length])).toEqual(filters(multiply).map((n) => [n.name, n.weights.length]));
  });

  it("MobileNetV1 takes the MLPerf reference's RGB input on request: 144 weights more in its first conv", () => {
    const rgb = buildMobileNetV1(1, { inputChannels: 3 });
    expect(rgb.inputShape).toEqual({ height: 96, width: 96, channels: 3 });
    expect(weightCount(rgb)).toBe(REFERENCE_WEIGHTS["mobilenet-v1"]! + 3 * 3 * 2 * 8);
  });

  it("the models depend on the seed and only on it", () => {
    expect(TINY_MODELS[0]!.build(1)).toEqual(TINY_MODELS[0]!.build(1));
    expect(TINY_MODELS[0]!.build(2)).not.toEqual(TINY_MODELS[0]!.build(1));
  });

  it.each([...graphs.keys()])("%s quantizes, packs and reads back; int8 follows float", (key) => {
    const graph = graphs.get(key)!;
    const calibration = tinyCalibration(graph.inputShape);
    const { model, bytes } = compileGraph(graph, calibration);
    const read = readModel(bytes);
    const float: number[] = [];
    const int8: number[] = [];
    for (const x of calibration.slice(0, 8)) {
      const q = quantizeInput(read, x);
      const out = runReference(read, q);
      expect(out).toEqual(runReference(model, q));
      int8.push(...dequantizeOutput(read, out));
      float.push(...runFloat(graph, x));
    }
    const r = correlation(float, int8);
    console.log(`${key}: ${bytes.length} bytes; int8 against float outputs on 8 calibration images: r = ${r.toFixed(4)}`);
    const bound = MIN_CORRELATION[key];
    if (bound !== undefined) expect(r).toBeGreaterThan(bound);
    else expect(new Set(int8).size, "the int8 output depends on the input").toBeGreaterThan(2);
  });
});

/**
 * Least correlation of int8 with float outputs. These are random weights with BatchNorms fitted
 * to make every channel unit-variance, so deep plain stacks amplify rounding: the adder
 * MobileNet has none, because rounding its activations to their int8 grids alone, in float with
 * float weights, already leaves its output uncorrelated with float (r ≈ 0); no arithmetic can
 * follow a network that chaotic. Trained networks are not (the digits AdderNet loses 0.22 points).
 */
const MIN_CORRELATION: Record<string, number> = {
  "ds-cnn/adder": 0.7, "ds-cnn/multiply": 0.99, "mobilenet-v1/multiply": 0.85,
  "resnet8/adder": 0.99, "resnet8/multiply": 0.99, "fc-ae/adder": 0.99, "fc-ae/multiply": 0.99,
};

function correlation(a: readonly number[], b: readonly number[]): number {
  const mean = (v: readonly number[]) => v.reduce((s, x) => s + x, 0) / v.length;
  const [ma, mb] = [mean(a), mean(b)];
  let ab = 0, aa = 0, bb = 0;
  a.forEach((x, i) => {
    ab += (x - ma) * (b[i]! - mb);
    aa += (x - ma) ** 2;
    bb += (b[i]! - mb) ** 2;
  });
  return ab / Math.sqrt(aa * bb);
}
