// One description per op. Every stage asks this table what an op is instead of testing kinds:
// the quantizer (which graph op becomes it, does it keep its input's grid), the writer and the
// reader (opcode, which record fields it uses, its output shape, its parameter arrays), the
// reference interpreter and `inspect`. The traits are the bit flags of src/format/constants.ts,
// which the kernel's loader reads too (assembly/engine/ops.ts), so both sides check a record by
// the same description. Adding an op: docs/ADDING_AN_OP.md.
import * as C from "../format/constants.js";
import type { Geometry, OpKind, QOp, QTensor } from "../format/model.js";
import type { GraphNode } from "../graph/ir.js";

type Shape = Pick<QTensor, "height" | "width" | "channels">;

export interface OpInfo {
  /** Its opcode in the file and the kernel. */
  opcode: number;
  /** TRAIT_* bits (src/format/constants.ts; the same number as the constant OP_<NAME>_TRAITS). */
  traits: number;
  /** The float graph's op that quantizes to this kind. */
  graphOp: GraphNode["op"];
  /** What it computes, in a line. */
  summary: string;
  /** The output grid the op's definition fixes (the softmax ops); other ops' grids come from calibration. */
  fixedGrid?: { scale: number; zeroPoint: number };
}

export const OPS: Readonly<Record<OpKind, OpInfo>> = {
  conv2d: { opcode: C.OP_CONV2D, traits: C.OP_CONV2D_TRAITS, graphOp: "conv2d", summary: "int8 convolution: Σ (x − z_x)·w over a window, requantized" },
  adder_conv2d: { opcode: C.OP_ADDER_CONV2D, traits: C.OP_ADDER_CONV2D_TRAITS, graphOp: "adder_conv2d", summary: "adder convolution: −Σ |x − w| over a window (padded taps |z_x − w|), requantized" },
  dense: { opcode: C.OP_DENSE, traits: C.OP_DENSE_TRAITS, graphOp: "dense", summary: "int8 fully connected layer over the flattened input, requantized" },
  adder_dense: { opcode: C.OP_ADDER_DENSE, traits: C.OP_ADDER_DENSE_TRAITS, graphOp: "adder_dense", summary: "adder fully connected layer: −Σ |x − w|, requantized" },
  max_pool: { opcode: C.OP_MAX_POOL, traits: C.OP_MAX_POOL_TRAITS, graphOp: "max_pool", summary: "maximum over each window's in-bounds taps" },
  avg_pool: { opcode: C.OP_AVG_POOL, traits: C.OP_AVG_POOL_TRAITS, graphOp: "avg_pool", summary: "rounded mean over each window's in-bounds taps" },
  global_avg_pool: { opcode: C.OP_GLOBAL_AVG_POOL, traits: C.OP_GLOBAL_AVG_POOL_TRAITS, graphOp: "global_avg_pool", summary: "rounded mean of each channel over H·W" },
  add: { opcode: C.OP_ADD, traits: C.OP_ADD_TRAITS, graphOp: "add", summary: "residual add: both inputs rescaled onto the output grid" },
  reshape: { opcode: C.OP_RESHAPE, traits: C.OP_RESHAPE_TRAITS, graphOp: "flatten", summary: "the same bytes under another shape (Flatten, Reshape)" },
  depthwise_conv2d: { opcode: C.OP_DEPTHWISE_CONV2D, traits: C.OP_DEPTHWISE_CONV2D_TRAITS, graphOp: "depthwise_conv2d", summary: "int8 depthwise convolution: channel c's window of input channel c, Σ (x − z_x)·w, requantized" },
  adder_depthwise_conv2d: { opcode: C.OP_ADDER_DEPTHWISE_CONV2D, traits: C.OP_ADDER_DEPTHWISE_CONV2D_TRAITS, graphOp: "adder_depthwise_conv2d", summary: "adder depthwise convolution: −Σ |x − w| over channel c's window of input channel c (padded taps |z_x − w|), requantized" },
  lut: { opcode: C.OP_LUT, traits: C.OP_LUT_TRAITS, graphOp: "elementwise", summary: "an element-wise function as a 256-entry int8 table: out = table[x + 128]" },
  channel_affine: { opcode: C.OP_CHANNEL_AFFINE, traits: C.OP_CHANNEL_AFFINE_TRAITS, graphOp: "channel_affine", summary: "per-channel affine map, its multiplier chosen by the sign of x − z_x (BatchNorm, PReLU), requantized" },
  softmax: { opcode: C.OP_SOFTMAX, traits: C.OP_SOFTMAX_TRAITS, graphOp: "softmax", summary: "softmax over each pixel's channels, output grid 1/256 from −128", fixedGrid: { scale: 1 / 256, zeroPoint: -128 } },
  log_softmax: { opcode: C.OP_LOG_SOFTMAX, traits: C.OP_LOG_SOFTMAX_TRAITS, graphOp: "log_softmax", summary: "log-softmax over each pixel's channels, output grid 1/16 from 127", fixedGrid: { scale: 1 / 16, zeroPoint: 127 } },
  pad: { opcode: C.OP_PAD, traits: C.OP_PAD_TRAITS, graphOp: "pad", summary: "rows and columns added around the input: a fill byte, or the input's edge, mirror image or repetition" },
  concat: { opcode: C.OP_CONCAT, traits: C.OP_CONCAT_TRAITS, graphOp: "concat", summary: "inputs side by side along channels, each rescaled onto the output grid" },
};

/** Every op kind, in opcode order. */
export const OP_KINDS: readonly OpKind[] = (Object.keys(OPS) as OpKind[]).sort((a, b) => OPS[a].opcode - OPS[b].opcode);

const KIND_OF_OPCODE: ReadonlyMap<number, OpKind> = new Map(OP_KINDS.map((kind) => [OPS[kind].opcode, kind]));
const KIND_OF_GRAPH_OP: ReadonlyMap<GraphNode["op"], OpKind> = new Map(OP_KINDS.map((kind) => [OPS[kind].graphOp, kind]));

/** The kind of an opcode, or undefined for an unknown one. */
export const kindOfOpcode = (opcode: number): OpKind | undefined => KIND_OF_OPCODE.get(opcode);

/** The kind a float graph op quantizes to. */
export function kindOfGraphOp(op: GraphNode["op"]): OpKind {
  const kind = KIND_OF_GRAPH_OP.get(op);
  if (kind === undefined) throw new Error(`no quantized op for the graph op "${op}"`);
  return kind;
}

/** Does `kind` have every bit of `trait`? */
export const has = (kind: OpKind, trait: number): boolean => (OPS[kind].traits & trait) === trait;

/** Ops with filters (weights, bias, mult): convolutions and dense layers, multiply or adder. */
export const hasFilters = (kind: OpKind): boolean => has(kind, C.TRAIT_FILTERS);
/** The dense case: filters over the whole input, a 1×1 output. */
export const isDense = (kind: OpKind): boolean => has(kind, C.TRAIT_FILTERS | C.TRAIT_TO_1X1);
export const isAdder = (kind: OpKind): boolean => has(kind, C.TRAIT_ADDER);
/** One filter per channel over that channel alone: output channels = input channels. */
export const isDepthwise = (kind: OpKind): boolean => has(kind, C.TRAIT_DEPTHWISE);

/** The tensors an op reads, in order: input0, then input1 (add) or the rest of its input list (concat). */
export function opInputs(op: Pick<QOp, "kind" | "input0" | "input1" | "inputs">): number[] {
  if (has(op.kind, C.TRAIT_INPUT_LIST)) return op.inputs ?? [op.input0];
  return op.input1 === undefined ? [op.input0] : [op.input0, op.input1];
}

/**
 * Where each of a concat's inputs goes in the output: its first channel, and whether it already
 * lies there — in place, its offset the output's plus that channel (docs/FORMAT.md, CONCAT).
 */
export function concatSlices(inputs: readonly Pick<QTensor, "offset" | "channels">[], output: Pick<QTensor, "offset">): { channel: number; inPlace: boolean }[] {
  let channel = 0;
  return inputs.map((t) => {
    const slice = { channel, inPlace: t.offset === output.offset + channel };
    channel += t.channels;
    return slice;
  });
}

/**
 * Bytes of one filter's weights: the window's taps over every input channel (dense: the whole
 * input; depthwise: over its one channel). A stream kernel's block of F filters holds F of them.
 */
export function filterBytes(op: { kind: OpKind } & Pick<Geometry, "kernelH" | "kernelW">, input: Shape): number {
  if (isDense(op.kind)) return input.height * input.width * input.channels;
  return op.kernelH * op.kernelW * (isDepthwise(op.kind) ? 1 : input.channels);
}

/** An op's array in the params section: the record field holding its offset, its QOp key, its element type and count. */
export interface ParamArray {
  key: "weights" | "bias" | "mult" | "multNegative" | "table";
  field: number;
  type: Int8ArrayConstructor | Int32ArrayConstructor;
  length: number;
}

/** The arrays an op keeps in the params section, in field order (docs/FORMAT.md). */
export function paramArrays(op: { kind: OpKind } & Pick<Geometry, "kernelH" | "kernelW">, input: Shape, output: Shape): ParamArray[] {
  const i32 = (key: ParamArray["key"], field: number, length: number): ParamArray => ({ key, field, type: Int32Array, length });
  if (hasFilters(op.kind)) {
    const n = output.channels;
    return [{ key: "weights", field: C.O_WEIGHTS, type: Int8Array, length: n * filterBytes(op, input) }, i32("bias", C.O_BIAS, n), i32("mult", C.O_MULT, n)];
  }
  if (!has(op.kind, C.TRAIT_TABLE)) return [];
  if (!has(op.kind, C.TRAIT_REQUANTIZES)) return [{ key: "table", field: C.O_WEIGHTS, type: Int8Array, length: C.LUT_BYTES }];
  const n = input.channels;
  return [i32("multNegative", C.O_WEIGHTS, n), i32("bias", C.O_BIAS, n), i32("mult", C.O_MULT, n)];
}

/**
 * The record's parameter fields (24, 28, 32, 36) an op uses, in field order: for arrays or values,
 * a filtered op's output stride, a pad's fill and mode, a concat's input list; the others are reserved.
 */
export function usedParamFields(kind: OpKind): number[] {
  const one = { height: 1, width: 1, channels: 1 };
  const fields = [...paramArrays({ kind, kernelH: 1, kernelW: 1 }, one, one), ...inlineValues(kind)].map((p) => p.field);
  if (hasFilters(kind)) fields.push(C.O_OUT_STRIDE);
  if (has(kind, C.TRAIT_PADS)) fields.push(C.O_PAD_VALUE, C.O_PAD_MODE);
  if (has(kind, C.TRAIT_INPUT_LIST)) fields.push(C.O_INPUT_LIST, C.O_INPUT_COUNT);
  return fields.sort((a, b) => a - b);
}

/** A value an op keeps in its record's parameter fields (24, 28, 32) instead of an array. */
export interface InlineValue {
  key: "mult0" | "mult1" | "expBase" | "diffMult" | "logMult";
  field: number;
  /** Its range as the format allows it. */
  min: number;
  max: number;
}

const I32_RANGE = { min: -0x80000000, max: 0x7fffffff };

/** The values an op keeps in its record, in field order (docs/FORMAT.md). */
export function inlineValues(kind: OpKind): InlineValue[] {
  if (has(kind, C.TRAIT_TWO_INPUTS)) return [{ key: "mult0", field: C.O_WEIGHTS, ...I32_RANGE }, { key: "mult1", field: C.O_BIAS, ...I32_RANGE }];
  if (!has(kind, C.TRAIT_ROW)) return [];
  const expBase: InlineValue = { key: "expBase", field: C.O_WEIGHTS, min: 0, max: C.EXP_ONE };
  if (!has(kind, C.TRAIT_REQUANTIZES)) return [expBase];
  return [expBase, { key: "diffMult", field: C.O_BIAS, ...I32_RANGE }, { key: "logMult", field: C.O_MULT, ...I32_RANGE }];
}

/** Output extent of a window along one axis; may be ≤ 0 when the window does not fit. */
export function windowOutputSize(input: number, kernel: number, stride: number, dilation: number, padBefore: number, padAfter: number): number {
  return Math.floor((input + padBefore + padAfter - dilation * (kernel - 1) - 1) / stride) + 1;
}

/**
 * The output shape an op's input and geometry give; a filtered op's channel count is its
 * filter count, which only `out` knows (a depthwise op's is its input's), and so is a concat's
 * (the sum over its list). An ELEMENTS op fixes only the element count: `out` itself.
 */
export function expectedOutputShape(op: { kind: OpKind } & Geometry, input: Shape, out: Shape): Shape {
  if (has(op.kind, C.TRAIT_ELEMENTS)) return out;
  if (has(op.kind, C.TRAIT_PADS)) {
    return { height: input.height + op.padTop + op.padBottom, width: input.width + op.padLeft + op.padRight, channels: input.channels };
  }
  const channels = (hasFilters(op.kind) && !isDepthwise(op.kind)) || has(op.kind, C.TRAIT_INPUT_LIST) ? out.channels : input.channels;
  if (has(op.kind, C.TRAIT_TO_1X1)) return { height: 1, width: 1, channels };
  if (!has(op.kind, C.TRAIT_WINDOW)) return { height: input.height, width: input.width, channels };
  return {
    height: windowOutputSize(input.height, op.kernelH, op.strideH, op.dilationH, op.padTop, op.padBottom),
    width: windowOutputSize(input.width, op.kernelW, op.strideW, op.dilationW, op.padLeft, op.padRight),
    channels,
  };
}
