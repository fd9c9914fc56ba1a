import { describe, expect, it } from "vitest";
import { activationClamp, chooseShift, gridFromRange, multiplier, quantizeValue } from "../../src/quantize/grid.js";
import { calibrate } from "../../src/quantize/calibrate.js";
import { GraphBuilder } from "../../src/graph/builder.js";

describe("grids (SPEC.md: Choosing grids, Activations)", () => {
  it("s = (hi − lo)/255, z = clamp(round(−128 − lo/s)); 0 lies on the grid", () => {
    const g = gridFromRange({ min: -1, max: 3 });
    expect(g.scale).toBeCloseTo(4 / 255, 12);
    expect(g.zeroPoint).toBe(Math.round(-128 + 255 / 4)); // −64
    expect(gridFromRange({ min: 0, max: 5 }).zeroPoint).toBe(-128);
    expect(gridFromRange({ min: -5, max: 0 }).zeroPoint).toBe(127);
    expect(gridFromRange({ min: 0, max: 0 }).scale).toBeCloseTo(1 / 255, 12);
  });

  it("input quantization rounds half away from zero and saturates", () => {
    const g = { scale: 0.5, zeroPoint: 3 };
    expect(quantizeValue(0.25, g)).toBe(4); // 0.5 → 1
    expect(quantizeValue(-0.25, g)).toBe(2); // −0.5 → −1
    expect(quantizeValue(1000, g)).toBe(127);
    expect(quantizeValue(-1000, g)).toBe(-128);
  });

  it("activation clamps", () => {
    const g = { scale: 0.05, zeroPoint: -20 };
    expect(activationClamp("none", g)).toEqual({ actMin: -128, actMax: 127 });
    expect(activationClamp("relu", g)).toEqual({ actMin: -20, actMax: 127 });
    expect(activationClamp("relu6", g)).toEqual({ actMin: -20, actMax: 100 });
    expect(activationClamp("relu6", { scale: 0.01, zeroPoint: -128 })).toEqual({ actMin: -128, actMax: 127 });
  });

  it("the shift is the largest ≤ 62 with max|ratio|·2^shift < 2^31", () => {
    for (const ratio of [1e-9, 3.7e-5, 0.0123, 0.5, 0.99, 1, 1.5, 1000]) {
      const { shift } = chooseShift(ratio);
      expect(ratio * 2 ** shift).toBeLessThan(2 ** 31);
      if (shift < 62) expect(ratio * 2 ** (shift + 1)).toBeGreaterThanOrEqual(2 ** 31);
    }
    expect(chooseShift(0.5).shift).toBe(31);
    expect(chooseShift(1e-12).shift).toBe(62);
    expect(chooseShift(2 ** 31)).toEqual({ shift: 1, saturated: true });
    expect(multiplier(-0.75, 31)).toBe(-1610612736);
    expect(multiplier(0.9999999999, 31)).toBe(2147483647);
  });
});

describe("calibration", () => {
  const b = new GraphBuilder({ height: 1, width: 4, channels: 1 });
  const y = b.maxPool(b.input(), { kernel: 1, activation: "relu" });
  const graph = b.build(y);
  const samples = [Float32Array.from([1, 2, 3, 4]), Float32Array.from([-1, 0.5, 8, 2])];

  it("min/max ranges are widened to contain 0", () => {
    const r = calibrate(graph, samples);
    expect(r.get("input")).toEqual({ min: -1, max: 8 });
    expect(r.get(y)).toEqual({ min: 0, max: 8 });
    const positive = calibrate(graph, [Float32Array.from([1, 2, 3, 4])]);
    expect(positive.get("input")).toEqual({ min: 0, max: 4 });
  });

  it("percentile ranges drop outliers and report progress", () => {
    const many = Array.from({ length: 25 }, (_, k) => Float32Array.from([k, k + 0.25, k + 0.5, k === 24 ? 1000 : k + 0.75]));
    const progress: number[] = [];
    const r = calibrate(graph, many, { method: { percentile: 99 }, onProgress: (done) => progress.push(done) });
    expect(r.get("input")!.max).toBeLessThan(30);
    expect(calibrate(graph, many).get("input")!.max).toBe(1000);
    expect(progress).toEqual(Array.from({ length: 25 }, (_, k) => k + 1));
  });
});
