// Quantizing depthwise layers: filter by filter exactly as an ordinary conv's (checked bit for bit
// against the conv that computes the same function), packed [i][j][c], and close to float in a
// MobileNet-style network.
import { describe, expect, it } from "vitest";
import type { QModel } from "../../src/format/model.js";
import { packModel } from "../../src/format/writer.js";
import { GraphBuilder } from "../../src/graph/builder.js";
import type { BatchNorm, Graph } from "../../src/graph/ir.js";
import { calibrationSamples, fitBatchNorms, Rng, SeededBuilder } from "../../src/models/index.js";
import { compileGraph, quantize } from "../../src/pipeline.js";
import type { Range } from "../../src/quantize/calibrate.js";
import { formatQuantizationReport } from "../../src/quantize/quantize.js";
import { runReference } from "../../src/reference/interpreter.js";
import { KERNEL_BUILDS, KernelInstance } from "../../src/runtime/kernel.js";
import { randomInt8 } from "../../src/models/op_models.js";
import { agreement, describeAgreement } from "./helpers.js";

const SHAPE = { height: 6, width: 7, channels: 5 };
const C = SHAPE.channels;
const GEOMETRY = { kernel: 3, padding: [1, 0, 2, 1] as [number, number, number, number], stride: [1, 2] as [number, number] };
const RANGES = new Map<string, Range>([["input", { min: -1.5, max: 2 }], ["layer", { min: -3, max: 4 }]]);

function batchNorm(rng: Rng, n: number): BatchNorm {
  return {
    gamma: Float32Array.from({ length: n }, (_, k) => (k % 2 ? -1 : 1) * rng.uniform(0.5, 1.5)),
    beta: rng.uniforms(n, -0.5, 0.5), mean: rng.uniforms(n, -1, 1), variance: rng.uniforms(n, 0.5, 2), epsilon: 1e-5,
  };
}

/** One layer named "layer" over SHAPE; `make` adds it. */
function oneLayer(make: (b: GraphBuilder, x: string) => string): Graph {
  const b = new GraphBuilder(SHAPE);
  return b.build(make(b, b.input()));
}

/** Both models give the same bytes on the reference and on both kernel builds, for random inputs. */
async function expectSameBytes(a: QModel, b: QModel): Promise<void> {
  const rng = new Rng(3);
  const kernels = await Promise.all(KERNEL_BUILDS.map((build) => KernelInstance.create(build)));
  for (let trial = 0; trial < 4; trial++) {
    const input = randomInt8(rng, SHAPE.height * SHAPE.width * C, 0.2);
    const expected = runReference(b, input);
    expect(runReference(a, input)).toEqual(expected);
    for (const k of kernels) {
      k.load(packModel(a));
      expect(k.run(input), k.build).toEqual(expected);
    }
  }
}

describe("depthwise layers quantize filter by filter, like the conv computing the same function", () => {
  it("multiply: a depthwise conv is the conv with block-diagonal weights, byte for byte", async () => {
    const rng = new Rng(1);
    const weights = rng.normals(C * 9, 0.4);
    const bn = batchNorm(rng, C);
    const dense = new Float32Array(C * C * 9); // [n][c][i][j], zero off the diagonal c = n
    for (let n = 0; n < C; n++) dense.set(weights.subarray(n * 9, (n + 1) * 9), (n * C + n) * 9);
    const depthwise = quantize(oneLayer((b, x) => b.depthwiseConv2d(x, { name: "layer", weights, batchNorm: bn, ...GEOMETRY })), RANGES);
    const conv = quantize(oneLayer((b, x) => b.conv2d(x, { name: "layer", weights: dense, outChannels: C, batchNorm: bn, ...GEOMETRY })), RANGES);
    const [dw, cv] = [depthwise.ops[0]!, conv.ops[0]!];
    expect([dw.bias, dw.mult, dw.shift]).toEqual([cv.bias, cv.mult, cv.shift]);
    // packed [i][j][c]: tap t of channel c is the conv's weight of filter c, tap t, channel c
    for (let c = 0; c < C; c++) for (let t = 0; t < 9; t++) expect(dw.weights![t * C + c]).toBe(cv.weights![(c * 9 + t) * C + c]);
    await expectSameBytes(depthwise, conv);
  });

  it("adder: over one channel, the adder depthwise conv is the 1 → 1 adder conv, byte for byte", async () => {
    const rng = new Rng(2);
    const weights = rng.normals(9, 0.7, 0.3); // some outside the input range: clamped and folded
    const bn = batchNorm(rng, 1);
    const ranges = new Map(RANGES);
    ranges.set("input", { min: 0, max: 1.2 });
    const shape = { ...SHAPE, channels: 1 };
    const one = (make: (b: GraphBuilder, x: string) => string) => {
      const b = new GraphBuilder(shape);
      return quantize(b.build(make(b, b.input())), ranges);
    };
    const depthwise = one((b, x) => b.adderDepthwiseConv2d(x, { name: "layer", weights, batchNorm: bn, ...GEOMETRY }));
    const conv = one((b, x) => b.adderConv2d(x, { name: "layer", weights, outChannels: 1, batchNorm: bn, ...GEOMETRY }));
    expect(depthwise.ops[0]!.weights!.filter((w) => w === -128 || w === 127).length).toBeGreaterThan(0);
    const { kind: _k, name: _n, ...dw } = depthwise.ops[0]!;
    const { kind: _k2, name: _n2, ...cv } = conv.ops[0]!;
    expect(dw).toEqual(cv);
  });
});

describe("a MobileNet-style network with depthwise and adder depthwise layers", () => {
  it("int8 agrees with float", () => {
    const b = new SeededBuilder({ height: 12, width: 12, channels: 3 }, new Rng(5));
    let x = b.layer(b.input(), { name: "conv1", outChannels: 16, kernel: 3, padding: 1, activation: "relu" });
    x = b.layer(x, { name: "dw1", depthwise: true, adder: true, outChannels: 16, kernel: 3, padding: 1, activation: "relu" });
    x = b.layer(x, { name: "pw1", adder: true, outChannels: 24, kernel: 1, activation: "relu" });
    x = b.layer(x, { name: "dw2", depthwise: true, outChannels: 24, kernel: 3, stride: 2, padding: 1, activation: "relu6" });
    x = b.layer(x, { name: "pw2", outChannels: 32, kernel: 1, activation: "relu" });
    const graph = b.build(b.denseLayer(b.globalAvgPool(x, { name: "pool" }), { name: "fc", outFeatures: 10, batchNorm: false }));
    fitBatchNorms(graph, calibrationSamples(graph.inputShape, 32, 6));
    const { model, report } = compileGraph(graph, calibrationSamples(graph.inputShape, 32, 7));
    expect(model.ops.map((op) => op.kind)).toContain("adder_depthwise_conv2d");
    const a = agreement(graph, model, calibrationSamples(graph.inputShape, 32, 8));
    console.log(`MobileNet-style net\n${formatQuantizationReport(report)}\n  ${describeAgreement(a)}`);
    expect(a.top1).toBeGreaterThanOrEqual(0.9);
    expect(a.relative).toBeLessThan(0.03);
  });
});
