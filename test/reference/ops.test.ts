// The reference ops against small cases computed by hand from docs/SPEC.md.
import { describe, expect, it } from "vitest";
import { UNIT_GEOMETRY } from "../../src/format/layout.js";
import type { Geometry, OpKind, QModel, QOp, QTensor } from "../../src/format/model.js";
import { runOp, runReference, runReferenceAll } from "../../src/reference/interpreter.js";
import { clampOut, requant } from "../../src/reference/ops/requant.js";
import { floorDiv, roundedMean } from "../../src/reference/ops/pool.js";
import { packModel } from "../../src/format/writer.js";
import { readModel } from "../../src/format/reader.js";
import { randomInput, randomModel, resnet20Model } from "../format/models.js";

const tensor = (height: number, width: number, channels: number, zeroPoint: number, scale = 0.5): QTensor => ({ height, width, channels, zeroPoint, scale, offset: 0 });

/** A one-op model (input tensor 0, output tensor 1, or 2 for add) with disjoint offsets; packed and read back so it is valid. */
function oneOp(kind: OpKind, tensors: QTensor[], fields: Partial<QOp> & { geometry?: Partial<Geometry> }): QModel {
  let end = 0;
  for (const t of tensors) {
    t.offset = end;
    end += Math.ceil((t.height * t.width * t.channels) / 16) * 16;
  }
  const { geometry, ...rest } = fields;
  const op: QOp = { kind, input0: 0, output: tensors.length - 1, ...UNIT_GEOMETRY, ...geometry, actMin: -128, actMax: 127, shift: 0, ...rest };
  const model: QModel = { tensors, ops: [op], input: 0, output: tensors.length - 1, activationBytes: end };
  return readModel(packModel(model)); // the format accepts it
}

const same3x3 = { kernelH: 3, kernelW: 3, padTop: 1, padLeft: 1, padBottom: 1, padRight: 1 };

describe("requant: rounding half up, negative multipliers, 64-bit wrap", () => {
  it("rounds exact .5 ties towards +∞ for positive and negative values", () => {
    expect(requant(5n, 1, 1)).toBe(3n); // 2.5 → 3
    expect(requant(-5n, 1, 1)).toBe(-2n); // −2.5 → −2
    expect(requant(3n, -1, 1)).toBe(-1n); // −1.5 → −1 (negative multiplier)
    expect(requant(-3n, -1, 1)).toBe(2n); // 1.5 → 2
    expect(requant(7n, 3, 2)).toBe(5n); // 5.25 → 5
    expect(requant(-7n, 3, 2)).toBe(-5n); // −5.25 → −5
    expect(requant(-6n, 1, 2)).toBe(-1n); // −1.5 → −1
    expect(requant(-10n, 1, 2)).toBe(-2n); // −2.5 → −2
    expect(requant(-11n, 1, 2)).toBe(-3n); // −2.75 → −3
  });

  it("wraps the product and the rounding sum modulo 2^64", () => {
    expect(requant(1n << 62n, 4, 1)).toBe(0n); // 2^64 wraps to 0, then (0 + 1) >> 1
    // (2^62 − 1)·2 + 2^61 = 2^63 + 2^61 − 2 wraps to −2^63 + 2^61 − 2; >> 62 floors −1.5 − ε to −2
    expect(requant((1n << 62n) - 1n, 2, 62)).toBe(-2n);
  });

  it("clamps z_out + r in 64 bits", () => {
    expect(clampOut(100, 1n << 40n, -128, 127)).toBe(127);
    expect(clampOut(-100, -(1n << 40n), -128, 127)).toBe(-128);
    expect(clampOut(5, 3n, 0, 6)).toBe(6);
    expect(clampOut(5, -3n, 0, 6)).toBe(2);
  });

  it("rounds means half up, also for negative sums", () => {
    expect(floorDiv(-7, 2)).toBe(-4);
    expect(floorDiv(7, 2)).toBe(3);
    expect(floorDiv(-8, 2)).toBe(-4);
    expect(roundedMean(-5, 2)).toBe(-2); // −2.5 → −2
    expect(roundedMean(-7, 2)).toBe(-3); // −3.5 → −3
    expect(roundedMean(3, 2)).toBe(2); // 1.5 → 2
    expect(roundedMean(-4, 3)).toBe(-1); // −1.33 → −1
    expect(roundedMean(-5, 3)).toBe(-2); // −1.67 → −2
  });
});

describe("ADDER_CONV2D", () => {
  it("makes padded taps contribute |z_x − w|", () => {
    // input 2×2×1, z_x = 3: [[5, −1], [0, 7]]; one 3×3 filter 1…9; pad 1; mult 2, shift 1: requant is the identity
    const model = oneOp("adder_conv2d", [tensor(2, 2, 1, 3), tensor(2, 2, 1, 0)], {
      geometry: same3x3,
      shift: 1,
      weights: Int8Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9),
      bias: Int32Array.of(20),
      mult: Int32Array.of(2),
    });
    // (0,0): top row padded |3−1|+|3−2|+|3−3| = 3; middle |3−4| + |5−5| + |−1−6| = 8;
    //        bottom |3−7| + |0−8| + |7−9| = 14 → acc −25 → −25 + 20 = −5 (skipping padding would give 3)
    // (0,1): 3 + (|5−4| + |−1−5| + |3−6|) + (|0−7| + |7−8| + |3−9|) = 3 + 10 + 14 = 27 → −7
    // (1,0): (|3−1| + |5−2| + |−1−3|) + (|3−4| + |0−5| + |7−6|) + 15 = 9 + 7 + 15 = 31 → −11
    // (1,1): (|5−1| + |−1−2| + |3−3|) + (|0−4| + |7−5| + |3−6|) + 15 = 7 + 9 + 15 = 31 → −11
    expect([...runReference(model, Int8Array.of(5, -1, 0, 7))]).toEqual([-5, -7, -11, -11]);
  });

  it("sums over channels, applies stride, negative multipliers and the clamp", () => {
    // input 1×3×2, z = 0: pixels (1,2) (3,4) (5,6); kernel 1×1, stride 2 → output pixels 0 and 2; shift 1, z_out 10, act_max 15
    // filter 0, w (0,0), bias 0, mult −3: acc −3 → (9+1)>>1 = 5 → 15;  acc −11 → (33+1)>>1 = 17 → 27 → 15
    // filter 1, w (4,4), bias 1, mult 1:  acc −5 → −4 → (−4+1)>>1 = −2 → 8;  acc −3 → −2 → (−2+1)>>1 = −1 → 9
    const model = oneOp("adder_conv2d", [tensor(1, 3, 2, 0), tensor(1, 2, 2, 10)], {
      geometry: { strideW: 2 },
      shift: 1,
      actMax: 15,
      weights: Int8Array.of(0, 0, 4, 4),
      bias: Int32Array.of(0, 1),
      mult: Int32Array.of(-3, 1),
    });
    expect([...runReference(model, Int8Array.of(1, 2, 3, 4, 5, 6))]).toEqual([15, 8, 15, 9]);
  });
});

describe("DEPTHWISE_CONV2D and ADDER_DEPTHWISE_CONV2D", () => {
  // input 2×2×2, z_x = 3: channel 0 [[5, −1], [0, 7]] (as above), channel 1 all 4; 3×3 pad 1;
  // weights [i][j][c]: channel 0's taps 1…9, channel 1's all 4; mult 2, shift 1: the identity
  const input = Int8Array.of(5, 4, -1, 4, 0, 4, 7, 4);
  const weights = Int8Array.from({ length: 18 }, (_, k) => (k % 2 === 0 ? k / 2 + 1 : 4));
  const model = (kind: OpKind, bias: Int32Array) =>
    oneOp(kind, [tensor(2, 2, 2, 3), tensor(2, 2, 2, 0)], { geometry: same3x3, shift: 1, weights, bias, mult: Int32Array.of(2, 2) });

  it("adder: each channel against its own filter, padded taps |z_x − w|", () => {
    // channel 0 as the ADDER_CONV2D case above (bias 20): −5, −7, −11, −11
    // channel 1: 4 taps in bounds |4 − 4| = 0, 5 padded |3 − 4| = 1 → −5 at every pixel
    expect([...runReference(model("adder_depthwise_conv2d", Int32Array.of(20, 0)), input)]).toEqual([-5, -5, -7, -5, -11, -5, -11, -5]);
  });

  it("multiply: each channel against its own filter, padded taps nothing", () => {
    // channel 0, x − z_x = [[2, −4], [−3, 4]]: (0,0) 2·5 − 4·6 − 3·8 + 4·9 = −2; (0,1) 2·4 − 4·5 − 3·7 + 4·8 = −1;
    //   (1,0) 2·2 − 4·3 − 3·5 + 4·6 = 1; (1,1) 2·1 − 4·2 − 3·4 + 4·5 = 2
    // channel 1, x − z_x = 1: four taps in bounds, 1·4 each → 16 at every pixel
    expect([...runReference(model("depthwise_conv2d", Int32Array.of(0, 0)), input)]).toEqual([-2, 16, -1, 16, 1, 16, 2, 16]);
  });
});

describe("CONV2D and DENSE", () => {
  it("makes padded taps contribute nothing", () => {
    // input 1×1×2, z_x = 1, x = (3, −1); 3×3 pad 1 over one pixel: only the centre tap (5, 7) is in bounds
    // acc = (3−1)·5 + (−1−1)·7 = −4; mult 2 shift 1 is the identity; z_out 0
    const weights = new Int8Array(18).fill(1);
    weights[8] = 5;
    weights[9] = 7;
    const model = oneOp("conv2d", [tensor(1, 1, 2, 1), tensor(1, 1, 1, 0)], { geometry: same3x3, shift: 1, weights, bias: Int32Array.of(0), mult: Int32Array.of(2) });
    expect([...runReference(model, Int8Array.of(3, -1))]).toEqual([-4]);
  });

  it("dense: negative multiplier, half-up ties, clamp", () => {
    // x = (10, −4), z_x = 2 → (8, −6); z_out = 4
    // n0: w (3, −5), bias 1: 24 + 30 + 1 = 55, mult −1, shift 2: (−55 + 2) >> 2 = −14 (−13.75) → −10
    // n1: w (1, 1), bias 0: 2, mult 1: (2 + 2) >> 2 = 1 (0.5 → 1) → 5
    // n2: w (−1, 0), bias 2: −6, mult 1: (−6 + 2) >> 2 = −1 (−1.5 → −1) → 3
    // n3: w (127, 127): 254, mult 2^20: huge → clamp to 100
    const model = oneOp("dense", [tensor(1, 1, 2, 2), tensor(1, 1, 4, 4)], {
      shift: 2,
      actMax: 100,
      weights: Int8Array.of(3, -5, 1, 1, -1, 0, 127, 127),
      bias: Int32Array.of(1, 0, 2, 0),
      mult: Int32Array.of(-1, 1, 1, 1 << 20),
    });
    expect([...runReference(model, Int8Array.of(10, -4))]).toEqual([-10, 5, 3, 100]);
  });

  it("adder dense reads the input in NHWC order", () => {
    // input 1×2×2 z = 0: (1, 2, 3, 4); weights (0, 0, 0, 10): acc = −(1 + 2 + 3 + 6) = −12; identity requant
    const model = oneOp("adder_dense", [tensor(1, 2, 2, 0), tensor(1, 1, 1, 0)], { shift: 1, weights: Int8Array.of(0, 0, 0, 10), bias: Int32Array.of(0), mult: Int32Array.of(2) });
    expect([...runReference(model, Int8Array.of(1, 2, 3, 4))]).toEqual([-12]);
  });
});

describe("pools", () => {
  it("max pool ignores padded taps", () => {
    // all values below the zero point 10: padding counted as z or as 0 would win
    const t = tensor(2, 2, 1, 10);
    const model = oneOp("max_pool", [t, { ...t }], { geometry: same3x3 });
    expect([...runReference(model, Int8Array.of(-5, -7, -6, -8))]).toEqual([-5, -5, -5, -5]);
  });

  it("avg pool averages in-bounds taps only and rounds half up with negative sums", () => {
    // 2×2×1 [−4, −2; −3, −1], 3×3 pad 1: every window holds all four taps: S = −10, n = 4 → −2.5 → −2
    const t = tensor(2, 2, 1, 0);
    const model = oneOp("avg_pool", [t, { ...t }], { geometry: same3x3 });
    expect([...runReference(model, Int8Array.of(-4, -2, -3, -1))]).toEqual([-2, -2, -2, -2]);
    // 1×2 kernel, stride 1 over 1×3×1 [−3, −2, −5]: (−3, −2) → −2.5 → −2; (−2, −5) → −3.5 → −3
    const u = tensor(1, 3, 1, 0);
    const row = oneOp("avg_pool", [u, { ...u, width: 2 }], { geometry: { kernelW: 2 } });
    expect([...runReference(row, Int8Array.of(-3, -2, -5))]).toEqual([-2, -3]);
    // pad left 1 with a 1×2 kernel, stride 2: windows (pad, −3) → −3 (n = 1), (−2, −5) → −3
    const padded = oneOp("avg_pool", [tensor(1, 3, 1, 0), tensor(1, 2, 1, 0)], { geometry: { kernelW: 2, strideW: 2, padLeft: 1 } });
    expect([...runReference(padded, Int8Array.of(-3, -2, -5))]).toEqual([-3, -3]);
  });

  it("global avg pool per channel, with the clamp", () => {
    // 1×2×2: channel 0 (−3, −2) → −2.5 → −2; channel 1 (1, 2) → 1.5 → 2, clamped to act_max 1
    const model = oneOp("global_avg_pool", [tensor(1, 2, 2, -1), tensor(1, 1, 2, -1)], { actMax: 1 });
    expect([...runReference(model, Int8Array.of(-3, 1, -2, 2))]).toEqual([-2, 1]);
  });
});

describe("ADD", () => {
  it("rescales both inputs, rounds half up and saturates", () => {
    // z_a = 1, z_b = −2, mult0 = 3, mult1 = −2, shift 1, z_out = 5
    // input1 must come from an op for the format, so the op is run on its own
    const tensors = [tensor(1, 1, 5, 1), tensor(1, 1, 5, -2), tensor(1, 1, 5, 5)];
    const op: QOp = { kind: "add", input0: 0, input1: 1, output: 2, ...UNIT_GEOMETRY, actMin: -128, actMax: 127, shift: 1, mult0: 3, mult1: -2 };
    const model: QModel = { tensors, ops: [op], input: 0, output: 2, activationBytes: 48 };
    const a = Int8Array.of(11, 127, -128, 2, 0);
    const b = Int8Array.of(8, -128, 127, -2, -2);
    // v = 30 − 20 = 10 → 5 → 10;  v = 378 + 252 = 630 → 315 → 127 (saturated);  v = −387 − 258 = −645 → −322 → −128;
    // v = 3 → 1.5 → 2 → 7;  v = −3 → −1.5 → −1 → 4
    expect([...runOp(model, model.ops[0], a, b)]).toEqual([10, 127, -128, 7, 4]);
  });
});

describe("interpreter", () => {
  it("copies bytes through RESHAPE and returns every tensor", () => {
    const model = oneOp("reshape", [tensor(1, 2, 2, 3), tensor(4, 1, 1, 3)], {});
    const all = runReferenceAll(model, Int8Array.of(1, -2, 3, -4));
    expect(all.map((t) => [...t])).toEqual([
      [1, -2, 3, -4],
      [1, -2, 3, -4],
    ]);
  });

  it("checks the input length", () => {
    const model = oneOp("reshape", [tensor(1, 2, 2, 3), tensor(4, 1, 1, 3)], {});
    expect(() => runReference(model, new Int8Array(5))).toThrow("model input: expected 1×2×2 = 4 int8 values, found 5");
  });

  it("gives the same bytes for a model and its packed-and-read copy", () => {
    for (let seed = 0; seed < 40; seed++) {
      const model = randomModel(seed, 8);
      const input = randomInput(model, seed);
      expect(runReference(readModel(packModel(model)), input)).toEqual(runReference(model, input));
    }
  });

  it("runs ResNet-20 (CIFAR shapes)", () => {
    const model = resnet20Model();
    const all = runReferenceAll(model, randomInput(model, 1));
    expect(all[model.output].length).toBe(10);
    // the output is not constant across inputs
    expect(runReference(model, randomInput(model, 2))).not.toEqual(all[model.output]);
  });
});
