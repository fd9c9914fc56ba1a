import { describe, expect, it } from "vitest";
import { GraphBuilder } from "../../src/graph/builder.js";
import type { DenseNode } from "../../src/graph/ir.js";
import { quantizeAdderLayer, quantizeMultiplyLayer } from "../../src/quantize/layers.js";
import { quantizeGraph } from "../../src/quantize/quantize.js";
import { requant } from "../../src/reference/ops/requant.js";

const f32 = (...v: number[]) => Float32Array.from(v);
const x = { scale: 0.01, zeroPoint: -128 }; // covers [0, 2.55]
const out = { scale: 10 / 255, zeroPoint: 127 }; // covers [−10, 0]

function denseNode(op: DenseNode["op"], weights: Float32Array, extra: Partial<DenseNode> = {}): DenseNode {
  const b = new GraphBuilder({ height: 1, width: 1, channels: weights.length });
  const y = op === "dense" ? b.dense(b.input(), { weights, outFeatures: 1 }) : b.adderDense(b.input(), { weights, outFeatures: 1 });
  return { ...(b.build(y).nodes[0] as DenseNode), ...extra };
}

describe("conv-like parameters follow SPEC.md exactly (hand-computed)", () => {
  it("adder: weights on the input grid, clamped remainder folded into the bias, one shift", () => {
    // 0.5 → q −78; −0.3 < 0 clamps to q −128 (remainder 30 steps); 3.0 > 2.55 clamps to 127 (45 steps)
    const p = quantizeAdderLayer(denseNode("adder_dense", f32(0.5, -0.3, 3.0)), 3, x, out, { foldClampedWeights: true });
    expect(Array.from(p.weights)).toEqual([-78, -128, 127]);
    expect(p.remainders[0]).toBeCloseTo(75, 4); // float32 weights
    expect(Array.from(p.bias)).toEqual([-75]);
    // ratio a·s_x/s_o = 0.255: the largest shift with 0.255·2^shift < 2^31 is 32
    expect(p.shift).toBe(32);
    expect(Array.from(p.mult)).toEqual([Math.round(0.255 * 2 ** 32)]);
    expect(p.stats).toMatchObject({ clampedWeights: 2, droppedRemainder: 0 });
    expect(p.stats.foldedRemainder).toBeCloseTo(75, 4);
    const dropped = quantizeAdderLayer(denseNode("adder_dense", f32(0.5, -0.3, 3.0)), 3, x, out, { foldClampedWeights: false });
    expect(Array.from(dropped.bias)).toEqual([0]);
    expect(dropped.stats.droppedRemainder).toBeCloseTo(75, 4);
  });

  it("adder with a negative BatchNorm scale: negative multiplier, bias = round(−r + b/(a·s_x))", () => {
    const bn = { gamma: f32(-0.5), beta: f32(1), mean: f32(-2), variance: f32(0.25), epsilon: 0 }; // a = −1, b = 1 − 2 = −1
    const p = quantizeAdderLayer(denseNode("adder_dense", f32(0.5, -0.3, 3.0), { batchNorm: bn }), 3, x, out, { foldClampedWeights: true });
    expect(Array.from(p.bias)).toEqual([Math.round(-75 + -1 / (-1 * 0.01))]); // 25
    expect(p.mult[0]).toBe(-Math.round(0.255 * 2 ** 32));
  });

  it("a channel with BatchNorm scale 0 is a constant channel: it outputs β for every input", () => {
    const bn = { gamma: f32(0), beta: f32(-1), mean: f32(0), variance: f32(1), epsilon: 0 };
    const p = quantizeAdderLayer(denseNode("adder_dense", f32(0.5), { batchNorm: bn }), 1, x, out, { foldClampedWeights: true });
    expect(p.stats).toMatchObject({ constantChannels: [0], warnings: [] });
    // −1 / (10/255) = −25.5 → −26 steps; acc lies in [−255, 0]
    const output = (acc: number) => Number(requant(BigInt(acc + p.bias[0]!), p.mult[0]!, p.shift));
    expect([output(-255), output(-128), output(0)]).toEqual([-26, -26, -26]);
  });

  it("multiply: BatchNorm folded into the weights, symmetric per-channel int8, int32 bias", () => {
    const bn = { gamma: f32(-1), beta: f32(0.3), mean: f32(0.1), variance: f32(0.25), epsilon: 0 }; // a = −2
    const p = quantizeMultiplyLayer(denseNode("dense", f32(0.5, -1.27), { bias: f32(0.2), batchNorm: bn }), 2, x, out);
    // folded weights [−1, 2.54]: s_w = 0.02; b = −2·(0.2 − 0.1) + 0.3 = 0.1 → bias = round(0.1/(0.01·0.02)) = 500
    expect(Array.from(p.weights)).toEqual([-50, 127]);
    expect(Array.from(p.bias)).toEqual([500]);
    const ratio = (0.01 * 0.02) / (10 / 255);
    expect(p.mult[0]! / 2 ** p.shift).toBeCloseTo(ratio, 9);
    expect(p.mult[0]! * 2).toBeGreaterThanOrEqual(2 ** 31); // the largest shift: one more would overflow
  });

  it("pools and reshapes take their input's grid; add multipliers carry s_a/s_o and s_b/s_o", () => {
    const b = new GraphBuilder({ height: 2, width: 2, channels: 1 });
    const p = b.maxPool(b.input(), { kernel: 2, stride: 1, padding: [0, 0, 1, 1], activation: "relu" });
    const f = b.flatten(b.input());
    const s = b.add(f, b.flatten(p, { name: "p_flat" }), { name: "sum" });
    const ranges = new Map([
      ["input", { min: -1, max: 1.55 }],
      [p, { min: 0, max: 100 }], // ignored: pools keep the input grid
      [s, { min: -2, max: 3.1 }],
    ]);
    const { model } = quantizeGraph(b.build(s), ranges);
    const [input, pool, flat, , sum] = model.tensors;
    expect([pool!.scale, pool!.zeroPoint, flat!.scale, flat!.zeroPoint]).toEqual([input!.scale, input!.zeroPoint, input!.scale, input!.zeroPoint]);
    expect(model.ops[0]).toMatchObject({ kind: "max_pool", actMin: input!.zeroPoint, actMax: 127, kernelH: 2, strideH: 1, padBottom: 1 });
    const add = model.ops[3]!;
    expect(add.kind).toBe("add");
    expect(add.mult0! / 2 ** add.shift).toBeCloseTo(input!.scale / sum!.scale, 9);
    expect(add.mult1).toBe(add.mult0);
    expect(() => quantizeGraph(b.build(s), new Map([["input", { min: 0, max: 1 }]]))).toThrow(/no calibrated range for value "sum"/);
  });
});
