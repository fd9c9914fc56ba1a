// A BatchNorm channel that training switched off (γ ≈ 1e-8, σ² ≈ 1e-15, as in the published adder
// ResNet-20's first layer) outputs a constant: it is quantized as that constant, without a warning,
// and matches the float reference.
import { describe, expect, it } from "vitest";
import { GraphBuilder } from "../../src/graph/builder.js";
import type { ConvNode, DenseNode, Graph } from "../../src/graph/ir.js";
import { calibrationSamples, fitBatchNorms, SeededBuilder } from "../../src/models/factory.js";
import { Rng } from "../../src/models/random.js";
import { importOnnx } from "../../src/onnx/index.js";
import { compileGraph } from "../../src/pipeline.js";
import { constantRequant } from "../../src/quantize/grid.js";
import { quantizeInput } from "../../src/quantize/io.js";
import { quantizeAdderLayer, quantizeMultiplyLayer } from "../../src/quantize/layers.js";
import { runReferenceAll } from "../../src/reference/interpreter.js";
import { requant as requantRule } from "../../src/reference/ops/requant.js";
import { runFloatAll } from "../../src/graph/float_reference.js";
import { batchNormChannelOff } from "../onnx/hostile_models.js";
import { agreement } from "./helpers.js";

const f32 = (...v: number[]) => Float32Array.from(v);
const x = { scale: 0.01, zeroPoint: -128 }; // covers [0, 2.55]
const out = { scale: 10 / 255, zeroPoint: 127 }; // covers [−10, 0]
const off = (count: number, channel: number) => ({
  gamma: Float32Array.from({ length: count }, (_, n) => (n === channel ? 1e-8 : 1)),
  beta: Float32Array.from({ length: count }, (_, n) => (n === channel ? -2 : 0)),
  mean: new Float32Array(count).fill(0.1),
  variance: Float32Array.from({ length: count }, (_, n) => (n === channel ? 1e-15 : 1)),
  epsilon: 1e-5,
});

function denseNode(op: DenseNode["op"], weights: Float32Array, extra: Partial<DenseNode>): DenseNode {
  const b = new GraphBuilder({ height: 1, width: 1, channels: weights.length });
  const y = op === "dense" ? b.dense(b.input(), { weights, outFeatures: 1 }) : b.adderDense(b.input(), { weights, outFeatures: 1 });
  return { ...(b.build(y).nodes[0] as DenseNode), ...extra };
}

/** requant(v, mult, shift) of docs/SPEC.md, as the reference interpreter computes it. */
const requant = (v: number, mult: number, shift: number) => Number(requantRule(BigInt(v), mult, shift));

describe("constant channels (hand-computed, docs/SPEC.md)", () => {
  it("multiply: the weights become 0 and the bias is the constant on the output grid", () => {
    // a ≈ 3.2e-6: |a·w| summed, times 255·s_x, is far below half an output step
    const p = quantizeMultiplyLayer(denseNode("dense", f32(0.5, -1.27), { batchNorm: off(1, 0) }), 2, x, out);
    expect(Array.from(p.weights)).toEqual([0, 0]);
    expect(Array.from(p.bias)).toEqual([-51]); // b ≈ −2 − 3.2e-7: round(−2 / (10/255)) = −51
    expect(p.mult[0]).toBe(2 ** p.shift); // ratio 1
    expect(p.stats).toMatchObject({ constantChannels: [0], warnings: [] });
  });

  it("adder: mult and bias make every accumulator requantize to the constant", () => {
    // the constant is the output for the all-zero input: b − a·Σ|w| ≈ −2 → −51 steps
    const p = quantizeAdderLayer(denseNode("adder_dense", f32(0.5, 1.2), { batchNorm: off(1, 0) }), 2, x, out, { foldClampedWeights: true });
    expect(p.shift).toBe(30); // no other channel: the shift of ratio 1
    expect(p.stats).toMatchObject({ constantChannels: [0], warnings: [] });
    const span = 255 * 2;
    expect(p.mult[0]).toBe(Math.floor((2 ** 30 - 1) / (span + 2)));
    for (let acc = -span; acc <= 0; acc++) expect(requant(acc + p.bias[0]!, p.mult[0]!, 30)).toBe(-51);
  });

  it("constantRequant: checked at both ends, undefined where int32 leaves no pair", () => {
    const pair = constantRequant(100, 255 * 576, 40)!;
    for (const acc of [-255 * 576, -1, 0]) expect(requant(acc + pair.bias, pair.mult, 40)).toBe(100);
    expect(constantRequant(100, 255 * 576, 62)).toBeUndefined(); // the bias would need 2^37
    expect(constantRequant(1, 255 * 576, 10)).toBeUndefined(); // no multiplier ≥ 1 is small enough
  });
});

/** Agreement of the compiled graph with the float reference, and the constant channel's int8 values. */
function checkAgainstFloat(graph: Graph, layer: string, channel: number) {
  const compiled = compileGraph(graph, calibrationSamples(graph.inputShape, 32, 1));
  expect(compiled.report.warnings).toEqual([]);
  expect(compiled.report.layers.find((l) => l.name === layer)!.constantChannels).toEqual([channel]);
  const { model } = compiled;
  const node = graph.nodes.find((n) => n.name === layer) as ConvNode;
  const t = model.tensors.findIndex((tensor) => tensor.name === node.output);
  const tensor = model.tensors[t]!;
  for (const input of calibrationSamples(graph.inputShape, 6, 2)) {
    const q = runReferenceAll(model, quantizeInput(model, input))[t]!;
    const f = runFloatAll(graph, input).get(node.output)!;
    for (let p = channel; p < q.length; p += node.outChannels) {
      expect(Math.abs(tensor.scale * (q[p]! - tensor.zeroPoint) - f[p]!)).toBeLessThanOrEqual(tensor.scale);
    }
  }
  expect(agreement(graph, model, calibrationSamples(graph.inputShape, 16, 3)).steps).toBeLessThan(1);
}

describe("a switched-off BatchNorm channel against the float reference", () => {
  it("the hostile ONNX model: conv1 channel 1", () => {
    checkAgainstFloat(importOnnx(batchNormChannelOff()), "conv1", 1);
  });

  for (const adder of [false, true]) {
    it(`a seeded ${adder ? "adder" : "multiply"} conv with BatchNorm + ReLU, channel 2 switched off`, () => {
      const b = new SeededBuilder({ height: 6, width: 6, channels: 3 }, new Rng(3));
      const y = b.layer(b.input(), { name: "layer", adder, outChannels: 5, kernel: 3, padding: 1, activation: "relu" });
      const graph = b.build(b.globalAvgPool(y));
      fitBatchNorms(graph, calibrationSamples(graph.inputShape, 8, 4));
      const bn = (graph.nodes[0] as ConvNode).batchNorm!;
      bn.gamma[2] = 1e-8;
      bn.variance[2] = 1e-15;
      bn.beta[2] = 0.7; // a positive constant survives the ReLU
      checkAgainstFloat(graph, "layer", 2);
    });
  }
});
