// What the writer and the reader share about the file's layout: canonical section offsets and
// the op record's geometry fields. What each op is (opcode, traits, shapes) is in src/ops/table.ts.
import * as C from "./constants.js";
import type { Geometry } from "./model.js";

export const align16 = (n: number): number => Math.ceil(n / C.FORMAT_ALIGN) * C.FORMAT_ALIGN;

/** The one valid offset of each section for the given record counts. */
export function canonicalOffsets(tensorCount: number, opCount: number): { tensors: number; ops: number; params: number } {
  const tensors = C.HEADER_SIZE;
  const ops = align16(tensors + C.TENSOR_RECORD_SIZE * tensorCount);
  const params = align16(ops + C.OP_RECORD_SIZE * opCount);
  return { tensors, ops, params };
}

/** The u8 geometry fields of the op record, in field order. */
export const GEOMETRY_FIELDS: readonly { key: keyof Geometry; name: string; offset: number }[] = [
  { key: "kernelH", name: "kernel_h", offset: C.O_KERNEL_H },
  { key: "kernelW", name: "kernel_w", offset: C.O_KERNEL_W },
  { key: "strideH", name: "stride_h", offset: C.O_STRIDE_H },
  { key: "strideW", name: "stride_w", offset: C.O_STRIDE_W },
  { key: "dilationH", name: "dilation_h", offset: C.O_DILATION_H },
  { key: "dilationW", name: "dilation_w", offset: C.O_DILATION_W },
  { key: "padTop", name: "pad_top", offset: C.O_PAD_TOP },
  { key: "padLeft", name: "pad_left", offset: C.O_PAD_LEFT },
  { key: "padBottom", name: "pad_bottom", offset: C.O_PAD_BOTTOM },
  { key: "padRight", name: "pad_right", offset: C.O_PAD_RIGHT },
];

/** The geometry of ops without a window: kernel, stride, dilation 1, pads 0. */
export const UNIT_GEOMETRY: Readonly<Geometry> = {
  kernelH: 1, kernelW: 1, strideH: 1, strideW: 1, dilationH: 1, dilationW: 1,
  padTop: 0, padLeft: 0, padBottom: 0, padRight: 0,
};
