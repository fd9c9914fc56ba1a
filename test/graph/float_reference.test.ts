import { describe, expect, it } from "vitest";
import { GraphBuilder } from "../../src/graph/builder.js";
import { runFloat, runFloatAll } from "../../src/graph/float_reference.js";

const f32 = (...v: number[]) => Float32Array.from(v);

describe("float reference", () => {
  it("adder conv: padding is the value 0 and contributes |0 − w|", () => {
    // One pixel, 3x3 kernel, pad 1: only the centre tap sees the input; the other 8 see 0.
    const w = f32(1, -2, 3, -4, 10, 5, -6, 7, -8);
    const b = new GraphBuilder({ height: 1, width: 1, channels: 1 });
    const y = b.adderConv2d(b.input(), { weights: w, outChannels: 1, kernel: 3, padding: 1 });
    const out = runFloat(b.build(y), f32(2.5));
    const border = 1 + 2 + 3 + 4 + 5 + 6 + 7 + 8;
    expect(out[0]).toBeCloseTo(-(border + Math.abs(2.5 - 10)), 5);
  });

  it("adder conv on two channels, OIHW weights, HWC input, stride 2, asymmetric pads", () => {
    // input 2x3x2 (HWC), kernel 2x2, stride 2, pads [top 0, left 1, bottom 0, right 0] → output 1x2
    const x = f32(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
    const at = (h: number, w: number, c: number) => (w < 0 ? 0 : x[(h * 3 + w) * 2 + c]!);
    const W = Float32Array.from({ length: 2 * 2 * 4 }, (_, k) => (k % 5) - 2); // [o=2][c=2][2][2]
    const b = new GraphBuilder({ height: 2, width: 3, channels: 2 });
    const y = b.adderConv2d(b.input(), { weights: W, outChannels: 2, kernel: 2, stride: 2, padding: [0, 1, 0, 0] });
    const out = runFloat(b.build(y), x);
    for (let ow = 0; ow < 2; ow++) {
      for (let o = 0; o < 2; o++) {
        let acc = 0;
        for (let c = 0; c < 2; c++) for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) acc -= Math.abs(at(i, ow * 2 + j - 1, c) - W[((o * 2 + c) * 2 + i) * 2 + j]!);
        expect(out[ow * 2 + o]).toBeCloseTo(acc, 5);
      }
    }
  });

  it("multiply conv skips padding; BatchNorm with negative γ, bias and ReLU6 apply in order", () => {
    const b = new GraphBuilder({ height: 1, width: 1, channels: 1 });
    const bn = { gamma: f32(-2, 1), beta: f32(0.5, 10), mean: f32(1, 0), variance: f32(3, 0), epsilon: 1 };
    const y = b.conv2d(b.input(), { weights: f32(9, 9, 9, 9, 3, 9, 9, 9, 9, 0, 0, 0, 0, 1, 0, 0, 0, 0), outChannels: 2, kernel: 3, padding: 1, bias: f32(1, 0), batchNorm: bn, activation: "relu6" });
    const out = runFloat(b.build(y), f32(2));
    // channel 0: (2·3 + 1 − 1)·(−2/2) + 0.5 = −5.5 → relu6 0; channel 1: 2/1 + 10 = 12 → 6
    expect(Array.from(out)).toEqual([0, 6]);
    const b2 = new GraphBuilder({ height: 1, width: 1, channels: 1 });
    const y2 = b2.conv2d(b2.input(), { weights: f32(9, 9, 9, 9, 3, 9, 9, 9, 9), outChannels: 1, kernel: 3, padding: 1, bias: f32(1), batchNorm: { ...bn, gamma: f32(-2), beta: f32(0.5), mean: f32(1), variance: f32(3) } });
    expect(runFloat(b2.build(y2), f32(2))[0]).toBeCloseTo(-5.5, 6);
  });

  it("average pooling excludes padding; max pooling ignores it", () => {
    const b = new GraphBuilder({ height: 2, width: 2, channels: 1 });
    const a = b.avgPool(b.input(), { kernel: 2, stride: 1, padding: [1, 1, 0, 0] });
    const m = b.maxPool(b.input(), { kernel: 2, stride: 1, padding: [1, 1, 0, 0] });
    const g = b.globalAvgPool(b.input());
    const values = runFloatAll(b.build(g), f32(-1, -3, -5, -7));
    expect(Array.from(values.get(a)!)).toEqual([-1, -2, -3, -4]);
    expect(Array.from(values.get(m)!)).toEqual([-1, -1, -1, -1]);
    expect(Array.from(values.get(g)!)).toEqual([-4]);
  });

  it("dense reads its input in NHWC order; add and flatten", () => {
    const b = new GraphBuilder({ height: 1, width: 2, channels: 2 });
    const s = b.add(b.input(), b.input(), { activation: "relu" });
    const d = b.dense(b.flatten(s), { weights: f32(1, 0, 0, 0, 0, 0, 0, 1), outFeatures: 2 });
    const ad = b.adderDense(s, { weights: f32(0, 0, 0, 0), outFeatures: 1 });
    const values = runFloatAll(b.build(d), f32(1, -2, 3, 4));
    expect(Array.from(values.get(s)!)).toEqual([2, 0, 6, 8]);
    expect(Array.from(values.get(d)!)).toEqual([2, 8]);
    expect(Array.from(values.get(ad)!)).toEqual([-16]);
    expect(() => runFloat(b.build(d), f32(1))).toThrow(/expected 4 values \(HWC\), found 1/);
  });
});
