// The stream flavour's contract with its embedder (docs/ABI.md): load() and invoke() read the
// model only through read_model, only below the length given to load(), each op's records and
// every parameter byte once per invoke; an embedder that fails a read gets READ_FAILED (never a trap), at any read.
import { describe, expect, it } from "vitest";
import * as C from "../../src/format/constants.js";
import type { QModel } from "../../src/format/model.js";
import { hasFilters, OP_KINDS, paramLengths } from "../../src/ops/table.js";
import { packModel } from "../../src/format/writer.js";
import { Rng } from "../../src/models/random.js";
import { runReference } from "../../src/reference/interpreter.js";
import { compileKernel, KERNEL_BUILDS, type KernelExports } from "../../src/runtime/kernel.js";
import { convLayerModel, randomInt8, randomOpModel } from "./models.js";

const KINDS = OP_KINDS;

/** A stream kernel whose read_model serves `model` and can be told to fail its n-th read. */
async function streamKernel(build: (typeof KERNEL_BUILDS)[number]) {
  const module = await compileKernel(build, undefined, "stream");
  const state = { model: new Uint8Array(0) as Uint8Array, reads: [] as [number, number][], failAt: -1 };
  let memory: WebAssembly.Memory;
  const instance = new WebAssembly.Instance(module, {
    addernet: {
      read_model: (dst: number, len: number, offset: number) => {
        state.reads.push([offset >>> 0, len >>> 0]);
        if (state.reads.length === state.failAt) return 7;
        new Uint8Array(memory.buffer, dst >>> 0, len >>> 0).set(state.model.subarray(offset >>> 0, (offset >>> 0) + (len >>> 0)));
        return 0;
      },
    },
  });
  const e = instance.exports as unknown as KernelExports;
  memory = e.memory;
  const mem = () => new Uint8Array(memory.buffer);
  return {
    e, state, mem,
    load(model: Uint8Array): number {
      state.model = model;
      return e.load(0, model.length);
    },
    run(input: Int8Array): Int8Array {
      mem().set(new Uint8Array(input.buffer, input.byteOffset, input.length), e.input_ptr());
      expect(e.invoke()).toBe(C.STATUS_OK);
      return new Int8Array(memory.buffer, e.output_ptr(), e.output_size()).slice();
    },
  };
}

/** Bytes invoke() reads: each op's record and its tensors' records, and every filtered op's weights, bias and multipliers. */
function invokeBytes(model: QModel): number {
  const records = model.ops.reduce((n, op) => n + C.OP_RECORD_SIZE + C.TENSOR_RECORD_SIZE * (op.input1 === undefined ? 2 : 3), 0);
  return records + parameterBytes(model);
}

/** Bytes of every conv-like op's weights, bias and multipliers. */
function parameterBytes(model: QModel): number {
  return model.ops.filter((op) => hasFilters(op.kind)).reduce((sum, op) => {
    const l = paramLengths(op, model.tensors[op.input0]!, model.tensors[op.output]!);
    return sum + l.weights + 4 * l.bias + 4 * l.mult;
  }, 0);
}

describe.each(KERNEL_BUILDS)("%s stream kernel", (build) => {
  it("every op kind: the reference's bytes; per invoke each op's records and every parameter byte read once, nothing past the length", async () => {
    const k = await streamKernel(build);
    const rng = new Rng(build === "simd" ? 41 : 42);
    for (let i = 0; i < 36; i++) {
      const model = randomOpModel(rng, KINDS[i % KINDS.length]!);
      const blob = packModel(model);
      k.state.reads = [];
      expect(k.load(blob), `model ${i}`).toBe(C.STATUS_OK);
      for (const [offset, len] of k.state.reads) expect(offset + len).toBeLessThanOrEqual(blob.length);
      const input = randomInt8(rng, k.e.input_size());
      k.state.reads = [];
      expect(k.run(input)).toEqual(runReference(model, input));
      expect(k.state.reads.reduce((n, [, len]) => n + len, 0), `model ${i} (${model.ops[0]!.kind})`).toBe(invokeBytes(model));
    }
  });

  it("a failing read_model: READ_FAILED at whichever read of load() or invoke() fails, no trap, nothing written outside the arena", async () => {
    const k = await streamKernel(build);
    const rng = new Rng(7);
    const model = convLayerModel(rng, "adder_conv2d", 6, 6, 5, 9);
    const blob = packModel(model);
    const input = randomInt8(rng, 6 * 6 * 5);
    // warm-up (the CRC table is filled on first use), then the static memory must stay put
    expect(k.load(blob)).toBe(C.STATUS_OK);
    const expected = k.run(input);
    const arenaEnd = k.e.arena_ptr() + k.e.arena_size();
    const before = k.mem().slice(0, k.e.arena_ptr());
    const after = k.mem().slice(arenaEnd);
    const outsideUnchanged = () => Buffer.compare(k.mem().subarray(0, k.e.arena_ptr()), before) === 0 && Buffer.compare(k.mem().subarray(arenaEnd), after) === 0;

    k.state.reads = [];
    k.load(blob);
    const loadReads = k.state.reads.length;
    for (let n = 1; n <= loadReads; n++) {
      k.state.failAt = n;
      k.state.reads = [];
      expect(k.load(blob), `load, read ${n} fails`).toBe(C.STATUS_READ_FAILED);
      expect(k.e.invoke()).toBe(C.STATUS_NOT_LOADED);
      expect(outsideUnchanged()).toBe(true);
    }
    k.state.failAt = -1;
    expect(k.load(blob)).toBe(C.STATUS_OK);
    k.state.reads = [];
    k.run(input);
    const invokeReads = k.state.reads.length;
    expect(invokeReads).toBeGreaterThanOrEqual(3); // bias, multipliers, weights of at least one block
    for (let n = 1; n <= invokeReads; n++) {
      k.state.failAt = n;
      k.state.reads = [];
      k.mem().set(new Uint8Array(input.buffer), k.e.input_ptr());
      expect(k.e.invoke(), `invoke, read ${n} fails`).toBe(C.STATUS_READ_FAILED);
      expect(outsideUnchanged()).toBe(true);
    }
    // the model stays loaded: the next invoke with a working embedder is right again
    k.state.failAt = -1;
    expect(k.run(input)).toEqual(expected);
  });

  it("load() takes the model from offset 0 of the embedder's source: any other pointer is BAD_BUFFER", async () => {
    const k = await streamKernel(build);
    const blob = packModel(convLayerModel(new Rng(3), "conv2d", 4, 4, 3, 3));
    k.state.model = blob;
    expect(k.e.load(k.e.arena_ptr(), blob.length)).toBe(C.STATUS_BAD_BUFFER);
    expect(k.e.load(0, blob.length)).toBe(C.STATUS_OK);
    expect(k.e.abi_flags() & C.ABI_FLAG_STREAMED_MODEL).toBe(C.ABI_FLAG_STREAMED_MODEL);
  });
});
