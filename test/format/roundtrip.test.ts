import { describe, expect, it } from "vitest";
import * as C from "../../src/format/constants.js";
import { crc32 } from "../../src/format/crc32.js";
import { describeLayout } from "../../src/format/describe.js";
import { ModelPackError } from "../../src/format/errors.js";
import { readModel } from "../../src/format/reader.js";
import { packModel } from "../../src/format/writer.js";
import { sampleModel } from "./helpers.js";
import { randomModel, resnet20Model } from "./models.js";

describe("crc32", () => {
  it("matches the IEEE check value", () => {
    expect(crc32(new TextEncoder().encode("123456789"))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
    expect(crc32(new TextEncoder().encode("xx123456789yy"), 2, 11)).toBe(0xcbf43926);
  });
});

describe("packModel → readModel", () => {
  it("gives back the same model for randomized models", () => {
    for (let seed = 0; seed < 150; seed++) {
      const model = randomModel(seed, 1 + (seed % 10));
      const bytes = packModel(model);
      expect(readModel(bytes), `seed ${seed}`).toStrictEqual(model);
      // canonical: packing what was read gives the same bytes
      expect(packModel(readModel(bytes))).toEqual(bytes);
    }
  });

  it("writes the canonical layout with aligned, zero-padded sections", () => {
    const model = sampleModel();
    const bytes = packModel(model);
    const view = new DataView(bytes.buffer);
    expect(view.getUint32(C.H_MAGIC, true)).toBe(C.FORMAT_MAGIC);
    expect([...bytes.subarray(0, 4)]).toEqual([0x41, 0x44, 0x44, 0x4e]);
    expect(view.getUint32(C.H_FILE_SIZE, true)).toBe(bytes.length);
    expect(view.getUint32(C.H_CRC32, true)).toBe(crc32(bytes, 16, bytes.length));
    const layout = describeLayout(bytes);
    expect(layout.sections.map((s) => s.offset)).toEqual([0, 48, 48 + 7 * 16, 160 + 240]); // 7 tensors, 6 ops
    expect(bytes.length % 16).toBe(0);
    for (const op of layout.ops) for (const p of op.params) expect(p.offset % 16, `op ${op.index} ${p.name}`).toBe(0);
    // arrays in op order, back to back up to alignment
    const arrays = layout.ops.flatMap((op) => op.params);
    expect(arrays.length).toBe(9);
    for (let k = 1; k < arrays.length; k++) expect(arrays[k].offset).toBe(Math.ceil((arrays[k - 1].offset + arrays[k - 1].size) / 16) * 16);
    expect(arrays[0].offset).toBe(400);
    // every byte not covered by a record field or an array is zero
    const gaps = [[160, 160], ...arrays.map((a, k) => [a.offset + a.size, k + 1 < arrays.length ? arrays[k + 1].offset : bytes.length])];
    for (const [from, to] of gaps) expect(bytes.subarray(from, to).every((b) => b === 0)).toBe(true);
    // the adder conv's weights are stored [n][i][j][c] as given
    expect(new Int8Array(bytes.buffer, arrays[0].offset, arrays[0].size)).toEqual(model.ops[0].weights);
    expect(new DataView(bytes.buffer).getInt32(arrays[1].offset, true)).toBe(model.ops[0].bias![0]);
  });

  it("keeps ADD multipliers inline in the op record", () => {
    const model = sampleModel();
    const bytes = packModel(model);
    const layout = describeLayout(bytes);
    const record = layout.ops[3].record;
    const view = new DataView(bytes.buffer);
    expect(view.getInt32(record + C.O_WEIGHTS, true)).toBe(model.ops[3].mult0);
    expect(view.getInt32(record + C.O_BIAS, true)).toBe(model.ops[3].mult1);
    expect(view.getUint16(record + C.O_INPUT1, true)).toBe(model.ops[3].input1);
    expect(view.getUint16(layout.ops[0].record + C.O_INPUT1, true)).toBe(C.NO_TENSOR);
  });

  it("packs ResNet-20", () => {
    const bytes = packModel(resnet20Model());
    expect(readModel(bytes).ops.length).toBe(32);
  });
});

describe("packModel refuses models it cannot write", () => {
  const cases: [string, (m: ReturnType<typeof sampleModel>) => void, RegExp][] = [
    ["weights of the wrong length", (m) => (m.ops[0].weights = new Int8Array(107)), /op 0 \(adder_conv2d\) weights: expected 108 values, found 107/],
    ["bias of the wrong type", (m) => ((m.ops[2] as { bias: unknown }).bias = new Float32Array(4)), /op 2 \(conv2d\) bias: expected an Int32Array/],
    ["a u16 dimension out of range", (m) => (m.tensors[0].height = 70000), /tensor 0 height: expected an integer in \[0, 65535\] \(u16\), found 70000/],
    ["an i8 clamp out of range", (m) => (m.ops[1].actMax = 128), /op 1 \(max_pool\) actMax: expected an integer in \[-128, 127\]/],
    ["a non-integer multiplier", (m) => (m.ops[3].mult0 = 1.5), /op 3 \(add\) mult0: .*found 1.5/],
    ["a zero scale", (m) => (m.tensors[2].scale = 0), /tensor 2 scale: expected a finite float32 > 0, found 0/],
    ["weights on a pool", (m) => (m.ops[1].weights = new Int8Array(1)), /op 1 \(max_pool\): field weights is not used by max_pool/],
    ["a shape mismatch (reader rule)", (m) => (m.tensors[4].height = 2), /cannot pack model: op 3 \(add\): SHAPE_MISMATCH at byte 112: .*output tensor 4 height: expected 3×3×4, found 2×3×4/],
    ["a shift out of range (reader rule)", (m) => (m.ops[2].shift = 63), /op 2 \(conv2d\): BAD_QUANT .*shift: expected 1…62, found 63/],
    ["an op reading its own output (reader rule)", (m) => (m.ops[2].input0 = 3), /op 2 \(conv2d\): BAD_GRAPH .*tensor 3 is read before any op writes it/],
  ];
  for (const [what, edit, message] of cases) {
    it(what, () => {
      const model = sampleModel();
      edit(model);
      expect(() => packModel(model)).toThrow(ModelPackError);
      expect(() => packModel(model)).toThrow(message);
    });
  }

  it("names the op by its name when it has one", () => {
    const model = sampleModel();
    model.ops[1].name = "pool1";
    model.ops[1].shift = 3;
    expect(() => packModel(model)).toThrow(/op 1 "pool1" \(max_pool\): BAD_QUANT/);
  });
});
