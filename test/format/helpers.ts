// Helpers for the format tests: a small fixed model with every kind of record, and byte patching
// that keeps (or deliberately breaks) the CRC.
import * as C from "../../src/format/constants.js";
import { crc32 } from "../../src/format/crc32.js";
import { UNIT_GEOMETRY } from "../../src/format/layout.js";
import type { QModel } from "../../src/format/model.js";
import { ModelBuilder, rng } from "./models.js";

/**
 * Tensors: 0 input 6×6×3 · 1 adder conv out 6×6×4 · 2 max pool out 3×3×4 · 3 conv out 3×3×4 ·
 * 4 add out · 5 reshape out 1×1×36 · 6 adder dense out 1×1×5.
 * Ops: 0 adder_conv2d · 1 max_pool · 2 conv2d · 3 add · 4 reshape · 5 adder_dense.
 */
export function sampleModel(): QModel {
  const b = new ModelBuilder(rng(7));
  const input = b.input(6, 6, 3);
  const same = { ...UNIT_GEOMETRY, kernelH: 3, kernelW: 3, padTop: 1, padLeft: 1, padBottom: 1, padRight: 1 };
  const t1 = b.convLike("adder_conv2d", input, 4, same);
  const t2 = b.pool("max_pool", t1, { ...UNIT_GEOMETRY, kernelH: 2, kernelW: 2, strideH: 2, strideW: 2 });
  const t3 = b.convLike("conv2d", t2, 4);
  const t4 = b.add(t3, t2);
  const t5 = b.reshape(t4, 1, 1, 36);
  const t6 = b.convLike("adder_dense", t5, 5);
  return b.finish(input, t6);
}

/**
 * Tensors: 0 input 4×5×3 · 1 pad out 5×8×3 · 2 conv out 5×8×4 · 3 conv out 5×8×2 · 4 concat out
 * 5×8×9. Ops: 0 pad (reflect; pads 1, 2, 0, 1) · 1 conv2d 1×1 · 2 adder_conv2d 3×3 · 3 concat of
 * tensors 1, 2, 3, the two convs writing in place (output stride 9) and the pad's output copied.
 */
export function padConcatModel(): QModel {
  const b = new ModelBuilder(rng(11));
  const input = b.input(4, 5, 3);
  const t1 = b.pad(input, { ...UNIT_GEOMETRY, padTop: 1, padLeft: 2, padBottom: 0, padRight: 1 }, "reflect", 0);
  const t2 = b.convLike("conv2d", t1, 4);
  const t3 = b.convLike("adder_conv2d", t1, 2, { ...UNIT_GEOMETRY, kernelH: 3, kernelW: 3, padTop: 1, padLeft: 1, padBottom: 1, padRight: 1 });
  const t4 = b.concat([t1, t2, t3]);
  const model = b.finish(input, t4);
  const out = model.tensors[t4]!;
  model.tensors[t2]!.offset = out.offset + 3;
  model.tensors[t3]!.offset = out.offset + 7;
  model.ops[1]!.outputStride = out.channels;
  model.ops[2]!.outputStride = out.channels;
  return model;
}

export const tensorRecord = (t: number): number => C.HEADER_SIZE + t * C.TENSOR_RECORD_SIZE;
export const opRecord = (bytes: Uint8Array, op: number): number =>
  new DataView(bytes.buffer, bytes.byteOffset).getUint32(C.H_OPS_OFFSET, true) + op * C.OP_RECORD_SIZE;

/** A copy of `bytes` changed by `edit`, with the CRC recomputed unless `keepCrc`. */
export function patch(bytes: Uint8Array, edit: (view: DataView, bytes: Uint8Array) => void, keepCrc = false): Uint8Array {
  const copy = bytes.slice();
  const view = new DataView(copy.buffer);
  edit(view, copy);
  if (!keepCrc) {
    const size = Math.min(view.getUint32(C.H_FILE_SIZE, true), copy.length);
    if (size >= C.CRC_START) view.setUint32(C.H_CRC32, crc32(copy, C.CRC_START, size), true);
  }
  return copy;
}
