// Rejected blobs and buffers: the first broken rule's status and field offset (docs/FORMAT.md,
// "Order of checks"), host-side input checks, and a seeded mutation loop that must never trap
// nor touch memory outside the arena.
import { beforeAll, describe, expect, it } from "vitest";
import * as C from "../../src/format/constants.js";
import { packModel } from "../../src/format/writer.js";
import { readerVerdict } from "../../src/fuzz/expect.js";
import { fieldsOf, fixCrc, mutateBytes, mutateField } from "../../src/fuzz/mutate.js";
import { Rng } from "../../src/models/random.js";
import { OP_KINDS } from "../../src/ops/table.js";
import { runReference } from "../../src/reference/interpreter.js";
import { compileKernel, KERNEL_BUILDS, KERNEL_FLAVOURS, KernelInstance, KernelStatusError, type KernelBuild, type KernelFlavour } from "../../src/runtime/kernel.js";
import { convLayerModel, randomInt8, randomOpModel } from "./models.js";

const rng0 = new Rng(99);
const conv = convLayerModel(rng0, "adder_conv2d", 8, 8, 5, 7); // 3×3, padding 1: output 8×8×7
const add = randomOpModel(rng0, "add");
const convBlob = packModel(conv);
const opsAt = new DataView(convBlob.buffer).getUint32(C.H_OPS_OFFSET, true);

type Edit = (b: Uint8Array, v: DataView) => void;
interface BadCase {
  name: string;
  edit: Edit;
  status: number;
  offset: number;
  crc?: boolean; // recompute the CRC after the edit (default true)
}

const BAD: BadCase[] = [
  { name: "wrong magic", edit: (b) => { b[0] ^= 1; }, status: C.STATUS_BAD_MAGIC, offset: C.H_MAGIC, crc: false },
  { name: "wrong version", edit: (_, v) => v.setUint16(C.H_VERSION, 2, true), status: C.STATUS_BAD_VERSION, offset: C.H_VERSION, crc: false },
  { name: "unknown flag", edit: (_, v) => v.setUint16(C.H_FLAGS, 0x8000, true), status: C.STATUS_BAD_FLAGS, offset: C.H_FLAGS, crc: false },
  { name: "file_size past the bytes supplied", edit: (b, v) => v.setUint32(C.H_FILE_SIZE, b.length + 16, true), status: C.STATUS_TRUNCATED, offset: C.H_FILE_SIZE, crc: false },
  { name: "file_size below the header", edit: (_, v) => v.setUint32(C.H_FILE_SIZE, 47, true), status: C.STATUS_TRUNCATED, offset: C.H_FILE_SIZE, crc: false },
  { name: "a flipped payload byte", edit: (b) => { b[b.length - 1] ^= 0x40; }, status: C.STATUS_BAD_CRC, offset: C.H_CRC32, crc: false },
  { name: "tensor_count 0", edit: (_, v) => v.setUint16(C.H_TENSOR_COUNT, 0, true), status: C.STATUS_BAD_LAYOUT, offset: C.H_TENSOR_COUNT },
  { name: "ops_offset not canonical", edit: (_, v) => v.setUint32(C.H_OPS_OFFSET, 0xfffffff0, true), status: C.STATUS_BAD_LAYOUT, offset: C.H_OPS_OFFSET },
  { name: "params_size past the file", edit: (_, v) => v.setUint32(C.H_PARAMS_SIZE, v.getUint32(C.H_PARAMS_SIZE, true) + 16, true), status: C.STATUS_BAD_LAYOUT, offset: C.H_PARAMS_SIZE },
  { name: "output_tensor out of range", edit: (_, v) => v.setUint16(C.H_OUTPUT_TENSOR, 2, true), status: C.STATUS_BAD_TENSOR, offset: C.H_OUTPUT_TENSOR },
  { name: "tensor past the activation region", edit: (_, v) => v.setUint32(48 + 16 + C.T_OFFSET, 0xffffff00, true), status: C.STATUS_BAD_TENSOR, offset: 48 + 16 + C.T_OFFSET },
  { name: "tensor with zero width", edit: (_, v) => v.setUint16(48 + C.T_WIDTH, 0, true), status: C.STATUS_BAD_TENSOR, offset: 48 + C.T_WIDTH },
  { name: "NaN scale", edit: (_, v) => v.setFloat32(48 + C.T_SCALE, NaN, true), status: C.STATUS_BAD_TENSOR, offset: 48 + C.T_SCALE },
  { name: "unknown opcode", edit: (b) => { b[opsAt] = C.OP_LAST + 1; }, status: C.STATUS_BAD_OP, offset: opsAt },
  { name: "op reserved byte", edit: (b) => { b[opsAt + C.O_RESERVED1 + 1] = 1; }, status: C.STATUS_BAD_LAYOUT, offset: opsAt + C.O_RESERVED1 + 1 },
  { name: "op input index out of range", edit: (_, v) => v.setUint16(opsAt + C.O_INPUT0, 7, true), status: C.STATUS_BAD_OP, offset: opsAt + C.O_INPUT0 },
  { name: "op reading a tensor never written", edit: (_, v) => { v.setUint16(opsAt + C.O_INPUT0, 1, true); }, status: C.STATUS_BAD_GRAPH, offset: opsAt + C.O_INPUT0 },
  { name: "op writing the model input", edit: (_, v) => v.setUint16(opsAt + C.O_OUTPUT, 0, true), status: C.STATUS_BAD_GRAPH, offset: opsAt + C.O_OUTPUT },
  { name: "zero stride", edit: (b) => { b[opsAt + C.O_STRIDE_W] = 0; }, status: C.STATUS_BAD_OP, offset: opsAt + C.O_STRIDE_W },
  { name: "act_min above act_max", edit: (b) => { b[opsAt + C.O_ACT_MIN] = 127; b[opsAt + C.O_ACT_MAX] = 0; }, status: C.STATUS_BAD_QUANT, offset: opsAt + C.O_ACT_MIN },
  { name: "shift 63", edit: (b) => { b[opsAt + C.O_SHIFT] = 63; }, status: C.STATUS_BAD_QUANT, offset: opsAt + C.O_SHIFT },
  { name: "output shape not the window's", edit: (b) => { b[opsAt + C.O_STRIDE_H] = 2; }, status: C.STATUS_SHAPE_MISMATCH, offset: 48 + 16 + C.T_HEIGHT },
  { name: "weights past the params section", edit: (_, v) => v.setUint32(opsAt + C.O_WEIGHTS, 0xfffffff0, true), status: C.STATUS_PARAM_OUT_OF_RANGE, offset: opsAt + C.O_WEIGHTS },
  { name: "misaligned bias", edit: (_, v) => v.setUint32(opsAt + C.O_BIAS, v.getUint32(opsAt + C.O_BIAS, true) + 4, true), status: C.STATUS_PARAM_OUT_OF_RANGE, offset: opsAt + C.O_BIAS },
  { name: "activations that do not fit the arena", edit: (_, v) => v.setUint32(C.H_ACTIVATION_BYTES, 0xfffff000, true), status: C.STATUS_ARENA_TOO_SMALL, offset: C.H_ACTIVATION_BYTES },
];

describe.each(KERNEL_BUILDS)("%s kernel rejects bad input", (build: KernelBuild) => {
  let k: KernelInstance;
  beforeAll(async () => {
    k = await KernelInstance.create(build);
  });

  const loadStatus = (blob: Uint8Array): { status: number; offset: number } => {
    try {
      k.load(blob);
      return { status: C.STATUS_OK, offset: -1 };
    } catch (e) {
      if (!(e instanceof KernelStatusError)) throw e;
      return { status: e.status, offset: e.errorOffset };
    }
  };

  it("accepts the unmodified blobs", () => {
    for (const m of [conv, add]) {
      k.load(packModel(m));
      const input = randomInt8(new Rng(1), k.inputSize);
      expect(k.run(input)).toEqual(runReference(m, input));
    }
  });

  it.each(BAD)("$name", ({ edit, status, offset, crc }) => {
    const blob = convBlob.slice();
    edit(blob, new DataView(blob.buffer));
    if (crc !== false) fixCrc(blob);
    expect(loadStatus(blob)).toEqual({ status, offset });
    // the host reader names the same rule (the arena is the kernel's alone)
    if (status !== C.STATUS_ARENA_TOO_SMALL) expect(readerVerdict(blob)).toMatchObject({ status, offset });
    expect(k.exports.invoke()).toBe(C.STATUS_NOT_LOADED);
  });

  it("truncated blobs: shorter than the header, or than file_size", () => {
    for (const len of [0, 1, 47]) expect(loadStatus(convBlob.subarray(0, len))).toEqual({ status: C.STATUS_TRUNCATED, offset: 0 });
    for (const len of [48, convBlob.length - 1]) expect(loadStatus(convBlob.subarray(0, len))).toEqual({ status: C.STATUS_TRUNCATED, offset: C.H_FILE_SIZE });
  });

  it("extra bytes after file_size are ignored", () => {
    const longer = new Uint8Array(convBlob.length + 100);
    longer.set(convBlob);
    expect(loadStatus(longer).status).toBe(C.STATUS_OK);
  });

  it("buffers outside the arena or not at its start", () => {
    const e = k.exports;
    const p = k.arenaPtr;
    new Uint8Array(k.memory.buffer, p, convBlob.length).set(convBlob);
    expect(e.load(p, convBlob.length)).toBe(C.STATUS_OK);
    for (const [ptr, len] of [[p + 16, convBlob.length], [p - 16, convBlob.length], [0, convBlob.length], [p, k.arenaSize + 1], [p, -1], [-1, 100]]) {
      expect(e.load(ptr, len)).toBe(C.STATUS_BAD_BUFFER);
      expect(e.error_offset()).toBe(-1);
      expect(e.invoke()).toBe(C.STATUS_NOT_LOADED);
      expect(e.input_size()).toBe(0);
    }
  });

  it("run() names the expected and found input sizes", () => {
    k.load(convBlob);
    const n = k.inputSize;
    expect(() => k.run(new Int8Array(n + 1))).toThrow(new RegExp(`${n} int8 values, found ${n + 1}`));
    expect(() => k.load(new Uint8Array(k.arenaSize + 16))).toThrow(/does not fit/);
  });
});

// ---- mutation loop -------------------------------------------------------------------

const MUTATIONS = 5000;
const KINDS = OP_KINDS;

const BUILD_FLAVOURS = KERNEL_BUILDS.flatMap((build) => KERNEL_FLAVOURS.map((flavour) => [build, flavour] as const));

describe.each(BUILD_FLAVOURS)("%s %s kernel under mutated blobs", (build: KernelBuild, flavour: KernelFlavour) => {
  it(`${MUTATIONS} seeded mutations: never traps, never writes outside the arena, agrees with the reader`, async () => {
    const k = await KernelInstance.create(build, await compileKernel(build, undefined, flavour));
    const e = k.exports;
    const rng = new Rng(build === "simd" ? 2024 : 2025);
    const bases = Array.from({ length: 24 }, (_, i) => packModel(randomOpModel(rng, KINDS[i % KINDS.length])));
    const baseFields = bases.map(fieldsOf);
    const mem = () => new Uint8Array(k.memory.buffer);
    // warm-up: the first load fills the kernel's constant CRC table; from then on the
    // bytes outside the arena must not change
    k.load(bases[0]);
    k.run(new Int8Array(k.inputSize));
    const arenaEnd = k.arenaPtr + k.arenaSize;
    const before = mem().slice(0, k.arenaPtr);
    const after = mem().slice(arenaEnd);
    const outsideUnchanged = (): boolean =>
      Buffer.compare(mem().subarray(0, k.arenaPtr), before) === 0 && Buffer.compare(mem().subarray(arenaEnd), after) === 0;
    const statuses = new Map<number, number>();
    let checkedOutputs = 0;

    for (let i = 0; i < MUTATIONS; i++) {
      const b = rng.int(0, bases.length - 1);
      let blob: Uint8Array = bases[b].slice();
      if (i % 2 === 0) blob = mutateBytes(rng, blob);
      else {
        for (let n = rng.int(1, 2); n > 0; n--) mutateField(rng, blob, baseFields[b]);
        fixCrc(blob);
      }
      const status = k.tryLoad(blob);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      expect(status <= 0 && status >= C.STATUS_BAD_GRAPH, `status ${status}`).toBe(true);
      const reader = readerVerdict(blob);
      if (status !== C.STATUS_ARENA_TOO_SMALL) {
        expect({ status, offset: status === C.STATUS_OK ? -1 : e.error_offset() }, `mutation ${i}`).toEqual({ status: reader.status, offset: reader.offset });
      }
      if (status === C.STATUS_OK) {
        const input = randomInt8(rng, e.input_size());
        mem().set(new Uint8Array(input.buffer), e.input_ptr());
        expect(e.invoke()).toBe(C.STATUS_OK);
        // these models have at most two ops, so the format's overlap rules make the arena
        // behave like separate buffers and the reference's bytes must come out
        const out = mem().slice(e.output_ptr(), e.output_ptr() + e.output_size());
        expect(Buffer.from(out).equals(Buffer.from(runReference(reader.model!, input).buffer)), `mutation ${i} output`).toBe(true);
        checkedOutputs++;
      }
      expect(outsideUnchanged(), `mutation ${i} wrote outside the arena`).toBe(true);
    }
    // the loop reached the structural checks, not only the CRC
    expect(statuses.get(C.STATUS_OK) ?? 0).toBeGreaterThan(50);
    for (const s of [C.STATUS_BAD_CRC, C.STATUS_BAD_LAYOUT, C.STATUS_BAD_TENSOR, C.STATUS_BAD_OP, C.STATUS_BAD_GRAPH, C.STATUS_SHAPE_MISMATCH, C.STATUS_TRUNCATED]) {
      expect(statuses.get(s) ?? 0, `status ${s}`).toBeGreaterThan(0);
    }
    expect(checkedOutputs).toBeGreaterThan(50);
  });
});
