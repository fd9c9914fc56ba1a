// The reader's messages for the fields of the LUT, CHANNEL_AFFINE and softmax ops (their statuses
// and offsets against the kernel's are in test/ops/table.test.ts): each names the op, the field,
// what it expected and what it found; and each op's parameters survive packing and reading.
import { describe, expect, it } from "vitest";
import * as C from "../../src/format/constants.js";
import type { OpKind } from "../../src/format/model.js";
import { readModel } from "../../src/format/reader.js";
import { packModel } from "../../src/format/writer.js";
import { randomOpModel } from "../../src/models/op_models.js";
import { Rng } from "../../src/models/random.js";
import { opRecord, patch } from "./helpers.js";

/** A packed one-op model of `kind` and its op record's offset (the op comes last). */
function packed(kind: OpKind) {
  const model = randomOpModel(new Rng(11), kind);
  const bytes = packModel(model);
  return { model, bytes, at: opRecord(bytes, model.ops.length - 1) };
}

describe("the table and row ops' fields", () => {
  it.each(["lut", "channel_affine", "softmax", "log_softmax"] as const)("%s: its parameters survive packing and reading", (kind) => {
    const { model, bytes } = packed(kind);
    expect(readModel(bytes).ops.at(-1)).toEqual(model.ops.at(-1));
  });

  it("names the field, the expected and the found value", () => {
    const lut = packed("lut");
    expect(() => readModel(patch(lut.bytes, (v) => v.setUint32(lut.at + C.O_WEIGHTS, 0xfffffff0, true)))).toThrow(
      /^PARAM_OUT_OF_RANGE at byte \d+: op 0 \(lut\) table: 256 bytes at params offset 4294967280: expected a multiple of 16 with the array inside params_size \d+$/,
    );
    expect(() => readModel(patch(lut.bytes, (v) => v.setUint32(lut.at + C.O_BIAS, 16, true)))).toThrow(/op 0 \(lut\) bias\/mult1 slot at record byte 28: expected 0, found 16/);
    const affine = packed("channel_affine");
    expect(() => readModel(patch(affine.bytes, (v) => v.setUint32(affine.at + C.O_MULT, v.getUint32(affine.at + C.O_MULT, true) + 4, true)))).toThrow(
      /op 0 \(channel_affine\) mult: \d+ bytes at params offset \d+: expected a multiple of 16/,
    );
    const softmax = packed("softmax");
    expect(() => readModel(patch(softmax.bytes, (v) => v.setUint32(softmax.at + C.O_WEIGHTS, C.EXP_ONE + 1, true)))).toThrow(
      /^BAD_QUANT at byte \d+: op 0 \(softmax\) expBase: expected 0…1073741824, found 1073741825$/,
    );
    expect(() => readModel(patch(softmax.bytes, (v) => v.setUint32(softmax.at + C.O_MULT, 1, true)))).toThrow(/op 0 \(softmax\) mult slot at record byte 32: expected 0, found 1/);
    const log = packed("log_softmax");
    expect(() => readModel(patch(log.bytes, (v) => v.setUint8(log.at + C.O_SHIFT, 0)))).toThrow(/op 0 \(log_softmax\) shift: expected 1…62, found 0/);
  });
});
