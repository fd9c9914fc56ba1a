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
import { has, hasFilters, kindOfGraphOp, kindOfOpcode, OP_KINDS, OPS } from "../../src/ops/table.js";
import { runReference } from "../../src/reference/interpreter.js";
import { compileKernel, KERNEL_BUILDS, KERNEL_FLAVOURS, KernelInstance } from "../../src/runtime/kernel.js";
import { fixCrc } from "../../src/fuzz/mutate.js";

const TRAIT_NAMES = Object.entries(C).filter(([name]) => name.startsWith("TRAIT_")) as [string, number][];

describe("the op table", () => {
  it("covers every opcode and every graph op, one kind each", () => {
    expect(OP_KINDS.map((k) => OPS[k].opcode)).toEqual(Array.from({ length: C.OP_LAST }, (_, i) => i + 1));
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
const RULES: Rule[] = [
  { name: "a filterless op's weights slot", applies: (k) => !hasFilters(k) && !has(k, C.TRAIT_TWO_INPUTS), edit: (v, op) => (v.setUint32(op + C.O_WEIGHTS, 16, true), op + C.O_WEIGHTS) },
  { name: "a filterless op's mult slot", applies: (k) => !hasFilters(k), edit: (v, op) => (v.setUint32(op + C.O_MULT, 16, true), op + C.O_MULT) },
  { name: "a one-input op's input1", applies: (k) => !has(k, C.TRAIT_TWO_INPUTS), edit: (v, op) => (v.setUint16(op + C.O_INPUT1, 0, true), op + C.O_INPUT1) },
  { name: "a filtered op's weights past the params", applies: (k) => hasFilters(k), edit: (v, op) => (v.setUint32(op + C.O_WEIGHTS, 0xfffffff0, true), op + C.O_WEIGHTS) },
  { name: "a two-input op's input1 out of range", applies: (k) => has(k, C.TRAIT_TWO_INPUTS), edit: (v, op) => (v.setUint16(op + C.O_INPUT1, v.getUint16(C.H_TENSOR_COUNT, true), true), op + C.O_INPUT1) },
  { name: "a window's stride 0", applies: (k) => has(k, C.TRAIT_WINDOW), edit: (v, op) => (v.setUint8(op + C.O_STRIDE_H, 0), op + C.O_STRIDE_H) },
  { name: "a windowless op's kernel", applies: (k) => !has(k, C.TRAIT_WINDOW), edit: (v, op) => (v.setUint8(op + C.O_KERNEL_H, 2), op + C.O_KERNEL_H) },
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
