// One description per op. Every stage asks this table what an op is instead of testing kinds:
// the quantizer (which graph op becomes it, does it keep its input's grid), the writer and the
// reader (opcode, which record fields it uses, its output shape, its parameter arrays), the
// reference interpreter and `inspect`. The traits are the bit flags of src/format/constants.ts,
// which the kernel's loader reads too (assembly/engine/ops.ts), so both sides check a record by
// the same description. Adding an op: docs/ADDING_AN_OP.md.
import * as C from "../format/constants.js";
import type { Geometry, OpKind, QTensor } from "../format/model.js";
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

/**
 * Bytes of one filter's weights: the window's taps over every input channel (dense: the whole
 * input; depthwise: over its one channel). A stream kernel's block of F filters holds F of them.
 */
export function filterBytes(op: { kind: OpKind } & Pick<Geometry, "kernelH" | "kernelW">, input: Shape): number {
  if (isDense(op.kind)) return input.height * input.width * input.channels;
  return op.kernelH * op.kernelW * (isDepthwise(op.kind) ? 1 : input.channels);
}

/** Element counts of a filtered op's parameter arrays. */
export function paramLengths(op: { kind: OpKind } & Pick<Geometry, "kernelH" | "kernelW">, input: Shape, output: Shape): { weights: number; bias: number; mult: number } {
  const n = output.channels;
  return { weights: n * filterBytes(op, input), bias: n, mult: n };
}

/** Output extent of a window along one axis; may be ≤ 0 when the window does not fit. */
export function windowOutputSize(input: number, kernel: number, stride: number, dilation: number, padBefore: number, padAfter: number): number {
  return Math.floor((input + padBefore + padAfter - dilation * (kernel - 1) - 1) / stride) + 1;
}

/**
 * The output shape an op's input and geometry give; a filtered op's channel count is its
 * filter count, which only `out` knows (a depthwise op's is its input's). An ELEMENTS op fixes only the element count: `out` itself.
 */
export function expectedOutputShape(op: { kind: OpKind } & Geometry, input: Shape, out: Shape): Shape {
  if (has(op.kind, C.TRAIT_ELEMENTS)) return out;
  const channels = hasFilters(op.kind) && !isDepthwise(op.kind) ? out.channels : input.channels;
  if (has(op.kind, C.TRAIT_TO_1X1)) return { height: 1, width: 1, channels };
  if (!has(op.kind, C.TRAIT_WINDOW)) return { height: input.height, width: input.width, channels };
  return {
    height: windowOutputSize(input.height, op.kernelH, op.strideH, op.dilationH, op.padTop, op.padBottom),
    width: windowOutputSize(input.width, op.kernelW, op.strideW, op.dilationW, op.padLeft, op.padRight),
    channels,
  };
}
