// The quantized model: what the packer writes, the reader returns and the reference
// interpreter runs. It mirrors docs/FORMAT.md field for field.
import type { ValueRank } from "../graph/ir.js";
import { FLAG_OUTPUT_1D, FLAG_OUTPUT_FLATTENED } from "./constants.js";

/** Opcodes by name, in the order of src/format/constants.ts. */
export type OpKind =
  | "conv2d"
  | "adder_conv2d"
  | "dense"
  | "adder_dense"
  | "max_pool"
  | "avg_pool"
  | "global_avg_pool"
  | "add"
  | "reshape"
  | "depthwise_conv2d"
  | "adder_depthwise_conv2d";

/** An int8 NHWC activation tensor (batch 1) on the grid x = scale·(q − zeroPoint). */
export interface QTensor {
  height: number;
  width: number;
  channels: number;
  zeroPoint: number;
  scale: number;
  /** Byte offset in the activation region (set by the arena planner). */
  offset: number;
  /** Optional name kept by the host (not stored in the file). */
  name?: string;
}

/** Window geometry; dense/add/reshape/global pool use kernel = stride = dilation = 1, pads 0. */
export interface Geometry {
  kernelH: number;
  kernelW: number;
  strideH: number;
  strideW: number;
  dilationH: number;
  dilationW: number;
  padTop: number;
  padLeft: number;
  padBottom: number;
  padRight: number;
}

export interface QOp extends Geometry {
  kind: OpKind;
  /** Tensor indices. input1 is used by "add" only. */
  input0: number;
  input1?: number;
  output: number;
  actMin: number;
  actMax: number;
  /** Requantization shift (conv-like ops and add), 0 otherwise. */
  shift: number;
  /** Conv-like ops: weights [n][i][j][c] (dense: [n][k]; depthwise: [i][j][c], channel fastest). */
  weights?: Int8Array;
  /** Conv-like ops: per output channel. */
  bias?: Int32Array;
  mult?: Int32Array;
  /** add: multipliers of input0 and input1. */
  mult0?: number;
  mult1?: number;
  /** Optional name kept by the host (not stored in the file). */
  name?: string;
}

export interface QModel {
  tensors: QTensor[];
  ops: QOp[];
  input: number;
  output: number;
  /** Size of the activation region (set by the arena planner). */
  activationBytes: number;
  /** Header flags (FLAG_OUTPUT_*: how the source model shapes the output; outputRank); absent when 0. */
  flags?: number;
}

/** The output's rank in the source model, from the header flags (FLATTENED wins over 1D). */
export function outputRank(model: Pick<QModel, "flags">): ValueRank {
  const flags = model.flags ?? 0;
  if (flags & FLAG_OUTPUT_FLATTENED) return 2;
  if (flags & FLAG_OUTPUT_1D) return 3;
  return 4;
}

/** The header flags that record an output rank. */
export const outputRankFlags = (rank: ValueRank): number => (rank === 2 ? FLAG_OUTPUT_FLATTENED : rank === 3 ? FLAG_OUTPUT_1D : 0);


export const tensorBytes = (t: Pick<QTensor, "height" | "width" | "channels">): number =>
  t.height * t.width * t.channels;
