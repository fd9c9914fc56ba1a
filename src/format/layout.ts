// What the writer and the reader share about the file's layout: canonical section offsets,
// opcode ↔ kind mapping, the op record's byte fields, and the shape arithmetic of FORMAT.md.
import * as C from "./constants.js";
import type { Geometry, OpKind, QOp, QTensor } from "./model.js";

export const align16 = (n: number): number => Math.ceil(n / C.FORMAT_ALIGN) * C.FORMAT_ALIGN;

/** The one valid offset of each section for the given record counts. */
export function canonicalOffsets(tensorCount: number, opCount: number): { tensors: number; ops: number; params: number } {
  const tensors = C.HEADER_SIZE;
  const ops = align16(tensors + C.TENSOR_RECORD_SIZE * tensorCount);
  const params = align16(ops + C.OP_RECORD_SIZE * opCount);
  return { tensors, ops, params };
}

export const OPCODE: Readonly<Record<OpKind, number>> = {
  conv2d: C.OP_CONV2D,
  adder_conv2d: C.OP_ADDER_CONV2D,
  dense: C.OP_DENSE,
  adder_dense: C.OP_ADDER_DENSE,
  max_pool: C.OP_MAX_POOL,
  avg_pool: C.OP_AVG_POOL,
  global_avg_pool: C.OP_GLOBAL_AVG_POOL,
  add: C.OP_ADD,
  reshape: C.OP_RESHAPE,
};

export const KIND_OF_OPCODE: ReadonlyMap<number, OpKind> = new Map(
  (Object.entries(OPCODE) as [OpKind, number][]).map(([kind, code]) => [code, kind]),
);

/** Ops with a spatial window set by their geometry fields. */
export const isWindowOp = (kind: OpKind): boolean =>
  kind === "conv2d" || kind === "adder_conv2d" || kind === "max_pool" || kind === "avg_pool";
export const isPool = (kind: OpKind): boolean => kind === "max_pool" || kind === "avg_pool";
export const isDenseLike = (kind: OpKind): boolean => kind === "dense" || kind === "adder_dense";
export const isConvLike = (kind: OpKind): boolean => isDenseLike(kind) || kind === "conv2d" || kind === "adder_conv2d";
/** Ops that requantize (shift in [SHIFT_MIN, SHIFT_MAX]); all others have shift 0. */
export const requantizes = (kind: OpKind): boolean => isConvLike(kind) || kind === "add";
/** Ops whose output is on the input's grid (same zero point and scale). */
export const keepsGrid = (kind: OpKind): boolean => isPool(kind) || kind === "global_avg_pool" || kind === "reshape";

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

/** Output extent of a window along one axis; may be ≤ 0 when the window does not fit. */
export function windowOutputSize(input: number, kernel: number, stride: number, dilation: number, padBefore: number, padAfter: number): number {
  return Math.floor((input + padBefore + padAfter - dilation * (kernel - 1) - 1) / stride) + 1;
}

type Shape = Pick<QTensor, "height" | "width" | "channels">;

/** The output shape an op's input and geometry give (output channels: conv-like ops take them from `out`). */
export function expectedOutputShape(op: Pick<QOp, "kind"> & Geometry, input: Shape, out: Shape): Shape {
  switch (op.kind) {
    case "conv2d":
    case "adder_conv2d":
    case "max_pool":
    case "avg_pool":
      return {
        height: windowOutputSize(input.height, op.kernelH, op.strideH, op.dilationH, op.padTop, op.padBottom),
        width: windowOutputSize(input.width, op.kernelW, op.strideW, op.dilationW, op.padLeft, op.padRight),
        channels: isPool(op.kind) ? input.channels : out.channels,
      };
    case "dense":
    case "adder_dense":
      return { height: 1, width: 1, channels: out.channels };
    case "global_avg_pool":
      return { height: 1, width: 1, channels: input.channels };
    case "add":
      return { height: input.height, width: input.width, channels: input.channels };
    case "reshape":
      return out; // only the element count is constrained
  }
}

/** Element counts of a conv-like op's parameter arrays. */
export function paramLengths(op: Pick<QOp, "kind"> & Geometry, input: Shape, output: Shape): { weights: number; bias: number; mult: number } {
  const n = output.channels;
  const perChannel = isDenseLike(op.kind) ? input.height * input.width * input.channels : op.kernelH * op.kernelW * input.channels;
  return { weights: n * perChannel, bias: n, mult: n };
}
