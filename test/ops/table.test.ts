// Every op through the op table, against both sides: the traits constants say what their comments
// say; each op packs, reads, loads and runs to the reference's bytes on both kernel builds and
// flavours; and each trait's rule refuses the same record fields with the same status and
// offset in the host reader and in the kernel's loader.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as C from "../../src/format/constants.js";
import { ModelFormatError } from "../../src/format/errors.js";
import type { OpKind } from "../../src/format/model.js";
import { readModel } from "../../src/format/reader.js";
import { packModel } from "../../src/format/writer.js";
import { Rng } from "../../src/models/random.js";
import { randomInt8, randomOpModel } from "../../src/models/op_models.js";
import { has, hasFilters, kindOfGraphOp, kindOfOpcode, OP_KINDS, OPS, usedParamFields } from "../../src/ops/table.js";
import { runReference } from "../../src/reference/interpreter.js";
import { compileKernel, KERNEL_BUILDS, KERNEL_FLAVOURS, KernelInstance } from "../../src/runtime/kernel.js";
import { fixCrc } from "../../src/fuzz/mutate.js";

const TRAIT_NAMES = Object.entries(C).filter(([name]) => name.startsWith("TRAIT_")) as [string, number][];

describe("the op table", () => {
  it("covers every opcode and every graph op, one kind each", () => {
    // codes are unique, the last is OP_LAST, and a code no op has is unknown like any other
    const codes = OP_KINDS.map((k) => OPS[k].opcode);
    expect(new Set(codes).size).toBe(codes.length);
    expect(Math.max(...codes)).toBe(C.OP_LAST);
    for (let code = 0; code <= C.OP_LAST; code++) expect(kindOfOpcode(code) !== undefined, `opcode ${code}`).toBe(codes.includes(code));
    for (const kind of OP_KINDS) {
      expect(kindOfOpcode(OPS[kind].opcode)).toBe(kind);
      expect(kindOfGraphOp(OPS[kind].graphOp)).toBe(kind);
    }
    expect(kindOfOpcode(C.OP_LAST + 1)).toBeUndefined();
  });

  it("each OP_<NAME>_TRAITS constant is the OR of the TRAIT_ bits its comment names, and the table uses it", () => {
    const source = readFileSync(new URL("../../src/format/constants.ts", import.meta.url), "utf8");
    for (const kind of OP_KINDS) {
      const name = `OP_${kind.toUpperCase()}_TRAITS`;
      const m = new RegExp(`/\\*\\* ([A-Z0-9_ |]+) \\*/\\nexport const ${name} = (\\d+);`).exec(source);
      expect(m, `${name} with a comment naming its bits`).not.toBeNull();
      const bits = m![1]!.split("|").map((b) => b.trim()).reduce((or, b) => or | C[`TRAIT_${b}` as keyof typeof C] as number, 0);
      expect(Number(m![2]), name).toBe(bits);
      expect(OPS[kind].traits, kind).toBe(bits);
      expect(bits & ~TRAIT_NAMES.reduce((or, [, v]) => or | v, 0), `${name}: unknown bits`).toBe(0);
    }
  });
});

/** The reader's verdict on a blob: status and offset (OK: 0, -1). */
function readerVerdict(blob: Uint8Array): [number, number] {
  try {
    readModel(blob);
    return [C.STATUS_OK, -1];
  } catch (e) {
    if (!(e instanceof ModelFormatError)) throw e;
    return [e.status, e.offset];
  }
}

/** Record edits a trait forbids, with the field they are reported at: (blob, op record offset) → edit. */
type Rule = { name: string; applies: (kind: OpKind) => boolean; edit: (v: DataView, op: number, blob: Uint8Array) => number };
/** The file offset of entry `i` of the last op's input list. */
const entryAt = (v: DataView, op: number, i: number): number => v.getUint32(C.H_PARAMS_OFFSET, true) + v.getUint32(op + C.O_INPUT_LIST, true) + i * C.INPUT_ENTRY_SIZE;
const RULES: Rule[] = [
  ...([["weights/mult0", C.O_WEIGHTS], ["bias/mult1", C.O_BIAS], ["mult", C.O_MULT], ["field 36", C.O_RESERVED2]] as const).map(([slot, field]): Rule => ({
    name: `an unused ${slot} slot`,
    applies: (k) => !usedParamFields(k).includes(field),
    edit: (v, op) => (v.setUint32(op + field, 16, true), op + field),
  })),
  { name: "a table past the params", applies: (k) => has(k, C.TRAIT_TABLE), edit: (v, op) => (v.setUint32(op + C.O_WEIGHTS, 0xfffffff0, true), op + C.O_WEIGHTS) },
  { name: "a channel table's misaligned mult", applies: (k) => has(k, C.TRAIT_TABLE | C.TRAIT_REQUANTIZES), edit: (v, op) => (v.setUint32(op + C.O_MULT, v.getUint32(op + C.O_MULT, true) + 4, true), op + C.O_MULT) },
  { name: "a row op's r above 1", applies: (k) => has(k, C.TRAIT_ROW), edit: (v, op) => (v.setUint32(op + C.O_WEIGHTS, C.EXP_ONE + 1, true), op + C.O_WEIGHTS) },
  {
    name: "a filtered op's output stride not above its channels",
    applies: (k) => hasFilters(k),
    edit: (v, op) => {
      const t = C.HEADER_SIZE + C.TENSOR_RECORD_SIZE * v.getUint16(op + C.O_OUTPUT, true);
      v.setUint32(op + C.O_OUT_STRIDE, v.getUint16(t + C.T_CHANNELS, true), true);
      return op + C.O_OUT_STRIDE;
    },
  },
  { name: "a pad's mode past the last", applies: (k) => has(k, C.TRAIT_PADS), edit: (v, op) => (v.setUint32(op + C.O_PAD_MODE, C.PAD_MODE_LAST + 1, true), op + C.O_PAD_MODE) },
  { name: "a pad's fill value outside int8", applies: (k) => has(k, C.TRAIT_PADS), edit: (v, op) => (v.setInt32(op + C.O_PAD_VALUE, 128, true), op + C.O_PAD_VALUE) },
  { name: "an input list of one", applies: (k) => has(k, C.TRAIT_INPUT_LIST), edit: (v, op) => (v.setUint32(op + C.O_INPUT_COUNT, 1, true), op + C.O_INPUT_COUNT) },
  { name: "an input list past the params", applies: (k) => has(k, C.TRAIT_INPUT_LIST), edit: (v, op) => (v.setUint32(op + C.O_INPUT_LIST, 0xfffffff0, true), op + C.O_INPUT_LIST) },
  { name: "an input list not starting with input0", applies: (k) => has(k, C.TRAIT_INPUT_LIST), edit: (v, op) => (v.setUint16(op + C.O_INPUT0, v.getUint16(op + C.O_OUTPUT, true) - 1, true), entryAt(v, op, 0) + C.IE_TENSOR) },
  { name: "an input list entry's reserved field", applies: (k) => has(k, C.TRAIT_INPUT_LIST), edit: (v, op) => (v.setUint16(entryAt(v, op, 1) + C.IE_RESERVED, 1, true), entryAt(v, op, 1) + C.IE_RESERVED) },
  { name: "an input list entry read before written", applies: (k) => has(k, C.TRAIT_INPUT_LIST), edit: (v, op) => (v.setUint16(entryAt(v, op, 1) + C.IE_TENSOR, v.getUint16(op + C.O_OUTPUT, true), true), entryAt(v, op, 1) + C.IE_TENSOR) },
  { name: "a one-input op's input1", applies: (k) => !has(k, C.TRAIT_TWO_INPUTS), edit: (v, op) => (v.setUint16(op + C.O_INPUT1, 0, true), op + C.O_INPUT1) },
  { name: "a filtered op's weights past the params", applies: (k) => hasFilters(k), edit: (v, op) => (v.setUint32(op + C.O_WEIGHTS, 0xfffffff0, true), op + C.O_WEIGHTS) },
  { name: "a two-input op's input1 out of range", applies: (k) => has(k, C.TRAIT_TWO_INPUTS), edit: (v, op) => (v.setUint16(op + C.O_INPUT1, v.getUint16(C.H_TENSOR_COUNT, true), true), op + C.O_INPUT1) },
  { name: "a window's stride 0", applies: (k) => has(k, C.TRAIT_WINDOW), edit: (v, op) => (v.setUint8(op + C.O_STRIDE_H, 0), op + C.O_STRIDE_H) },
  { name: "a windowless op's kernel", applies: (k) => !has(k, C.TRAIT_WINDOW), edit: (v, op) => (v.setUint8(op + C.O_KERNEL_H, 2), op + C.O_KERNEL_H) },
  { name: "a windowless op's pad", applies: (k) => !has(k, C.TRAIT_WINDOW) && !has(k, C.TRAIT_PADS), edit: (v, op) => (v.setUint8(op + C.O_PAD_LEFT, 1), op + C.O_PAD_LEFT) },
  { name: "a pool's dilation", applies: (k) => has(k, C.TRAIT_POOL), edit: (v, op) => (v.setUint8(op + C.O_DILATION_W, 2), op + C.O_DILATION_W) },
  { name: "a requantizing op's shift 0", applies: (k) => has(k, C.TRAIT_REQUANTIZES), edit: (v, op) => (v.setUint8(op + C.O_SHIFT, 0), op + C.O_SHIFT) },
  { name: "a shift on an op that does not requantize", applies: (k) => !has(k, C.TRAIT_REQUANTIZES), edit: (v, op) => (v.setUint8(op + C.O_SHIFT, 1), op + C.O_SHIFT) },
  {
    name: "a depthwise op's output channels other than its input's",
    applies: (k) => has(k, C.TRAIT_DEPTHWISE),
    edit: (v, op) => {
      const t = C.HEADER_SIZE + C.TENSOR_RECORD_SIZE * v.getUint16(op + C.O_OUTPUT, true) + C.T_CHANNELS;
      v.setUint16(t, v.getUint16(t, true) + 1, true);
      v.setUint32(C.H_ACTIVATION_BYTES, v.getUint32(C.H_ACTIVATION_BYTES, true) + 65536, true); // room for the wider tensor
      return t;
    },
  },
  {
    name: "another zero point on an op that keeps its grid",
    applies: (k) => has(k, C.TRAIT_KEEPS_GRID),
    edit: (v, op) => {
      const t = C.HEADER_SIZE + C.TENSOR_RECORD_SIZE * v.getUint16(op + C.O_OUTPUT, true) + C.T_ZERO_POINT;
      v.setInt8(t, v.getInt8(t) === 127 ? 126 : v.getInt8(t) + 1);
      return t;
    },
  },
];

describe.each(KERNEL_BUILDS.flatMap((b) => KERNEL_FLAVOURS.map((f) => [b, f] as const)))("%s %s kernel, op by op", (build, flavour) => {
  it.each(OP_KINDS)("%s: runs to the reference's bytes; its traits' rules refuse what the reader refuses", async (kind) => {
    const k = await KernelInstance.create(build, await compileKernel(build, undefined, flavour));
    const rng = new Rng(OPS[kind].opcode * 7 + (build === "simd" ? 1 : 2));
    for (let trial = 0; trial < 4; trial++) {
      const model = randomOpModel(rng, kind);
      const blob = packModel(model);
      expect(readerVerdict(blob)).toEqual([C.STATUS_OK, -1]);
      k.load(blob);
      const input = randomInt8(rng, k.inputSize);
      expect(k.run(input)).toEqual(runReference(model, input));
    }
    const blob = packModel(randomOpModel(rng, kind));
    const view = new DataView(blob.buffer);
    const opCount = view.getUint16(C.H_OP_COUNT, true);
    const op = view.getUint32(C.H_OPS_OFFSET, true) + C.OP_RECORD_SIZE * (opCount - 1); // the op of `kind` comes last
    expect(blob[op]).toBe(OPS[kind].opcode);
    let applied = 0;
    for (const rule of RULES.filter((r) => r.applies(kind))) {
      const bad = blob.slice();
      const at = rule.edit(new DataView(bad.buffer), op, bad);
      fixCrc(bad);
      const [status, offset] = readerVerdict(bad);
      expect(status, `${rule.name}: the reader refuses it`).toBeLessThan(0);
      expect(offset, `${rule.name}: at the field edited`).toBe(at);
      expect([k.tryLoad(bad), k.exports.error_offset()], rule.name).toEqual([status, offset]);
      applied++;
    }
    expect(applied).toBeGreaterThanOrEqual(3);
  });
});
