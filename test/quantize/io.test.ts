import { describe, expect, it } from "vitest";
import { GraphBuilder } from "../../src/graph/builder.js";
import { dequantizeOutput, quantizeInput } from "../../src/quantize/io.js";
import { quantize } from "../../src/pipeline.js";

describe("quantizeInput / dequantizeOutput", () => {
  const b = new GraphBuilder({ height: 1, width: 2, channels: 2 });
  const y = b.globalAvgPool(b.input());
  // input grid of [−8, 55.75]: s = 0.25 (exact in binary), z = −96
  const model = quantize(b.build(y), new Map([["input", { min: -8, max: 55.75 }]]));

  it("quantizes on the input grid, rounding half away from zero, saturating", () => {
    expect(model.tensors[model.input]).toMatchObject({ zeroPoint: -96, scale: 0.25 });
    expect(Array.from(quantizeInput(model, Float32Array.from([0.125, -0.125, 100, -100])))).toEqual([-95, -97, 127, -128]);
    expect(() => quantizeInput(model, new Float32Array(3))).toThrow(/expected 4 values \(1x2x2 HWC\), found 3/);
    expect(() => quantizeInput(model, Float32Array.from([0, NaN, 0, 0]))).toThrow(/value 1 is NaN/);
  });

  it("dequantizes with x = s·(q − z)", () => {
    const out = dequantizeOutput(model, Int8Array.from([-96, 127]));
    expect(Array.from(out)).toEqual([0, 55.75]);
    expect(() => dequantizeOutput(model, new Int8Array(1))).toThrow(/expected 2 bytes/);
  });
});
