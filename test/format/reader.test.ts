// The reader rejects each kind of corruption with the kernel's status, the offending field's
// offset and a message naming the field and the expected and found values.
import { describe, expect, it } from "vitest";
import * as C from "../../src/format/constants.js";
import { ModelFormatError, statusName } from "../../src/format/errors.js";
import { readModel } from "../../src/format/reader.js";
import { cases, edit, good, op } from "./corruptions.js";
import { sampleModel, tensorRecord } from "./helpers.js";

describe("readModel rejects corrupt files", () => {
  it("accepts the uncorrupted file", () => {
    expect(readModel(good)).toStrictEqual(sampleModel());
  });

  for (const c of cases) {
    it(`${c.what}: ${statusName(c.status)} at ${c.offset}`, () => {
      let error: unknown;
      try {
        readModel(c.bytes);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ModelFormatError);
      const e = error as ModelFormatError;
      expect({ status: e.statusName, offset: e.offset }).toEqual({ status: statusName(c.status), offset: c.offset });
      expect(e.status).toBe(c.status);
      expect(e.message).toMatch(c.message);
      expect(e.message.startsWith(`${statusName(c.status)} at byte ${c.offset}: `)).toBe(true);
    });
  }

  it("reports the first rule broken when several are", () => {
    // a bad opcode in op 1 and a zero tensor height: tensors are checked before ops
    const bytes = edit((v, b) => {
      b[op(1)] = 0;
      v.setUint16(tensorRecord(4) + 2, 0, true);
    });
    expect(() => readModel(bytes)).toThrow(/^BAD_TENSOR at byte 114: tensor 4 width/);
    // within an op record the reserved bytes come before the tensor indices
    const both = edit((v, b) => {
      b[op(2) + 23] = 1;
      v.setUint16(op(2) + 2, 99, true);
    });
    expect(() => readModel(both)).toThrow(/^BAD_LAYOUT at byte 263:/);
  });

  it("reads a model from a view into a larger buffer with trailing bytes", () => {
    const big = new Uint8Array(good.length + 64);
    big.set(good, 32);
    expect(readModel(big.subarray(32))).toStrictEqual(sampleModel());
  });

  it("names each status from the constants", () => {
    expect(statusName(C.STATUS_BAD_CRC)).toBe("BAD_CRC");
    expect(statusName(C.STATUS_ARENA_TOO_SMALL)).toBe("ARENA_TOO_SMALL");
    expect(statusName(-99)).toBe("UNKNOWN(-99)");
  });
});
