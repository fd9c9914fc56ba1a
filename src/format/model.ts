// The quantized model: what the packer writes, the reader returns and the reference
// interpreter runs. It mirrors docs/FORMAT.md field for field.
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
  | "adder_depthwise_conv2d"
  | "lut"
  | "channel_affine"
  | "softmax"
  | "log_softmax"
  | "pad"
  | "concat";

/** What PAD's added rows and columns hold (docs/SPEC.md, PAD), in PAD_MODE_* order. */
export const PAD_MODES = ["constant", "edge", "reflect", "wrap"] as const;
export type PadMode = (typeof PAD_MODES)[number];

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
  /** Tensor indices. input1 is used by "add" only; "concat" lists all its inputs in `inputs` (input0 first). */
  input0: number;
  input1?: number;
  output: number;
  actMin: number;
  actMax: number;
  /** Requantization shift (ops with TRAIT_REQUANTIZES), 0 otherwise. */
  shift: number;
  /** Conv-like ops: weights [n][i][j][c] (dense: [n][k]; depthwise: [i][j][c], channel fastest). */
  weights?: Int8Array;
  /** Conv-like ops: per output channel; channel_affine: per channel (mult for x ≥ z_x). */
  bias?: Int32Array;
  mult?: Int32Array;
  /**
   * Conv-like ops: bytes from one output pixel to the next when the output is written into a
   * wider tensor (a channel slice of a concat's output, docs/FORMAT.md); absent: its channels.
   */
  outputStride?: number;
  /** channel_affine: per channel, the multiplier for x < z_x. */
  multNegative?: Int32Array;
  /** lut: LUT_BYTES outputs, indexed by x + 128. */
  table?: Int8Array;
  /** add: multipliers of input0 and input1. */
  mult0?: number;
  mult1?: number;
  /** softmax, log_softmax: r = exp(−s_x) in Q30 (EXP_ONE is 1). */
  expBase?: number;
  /** log_softmax: multipliers of the difference to the row's maximum and of log2 of the sum. */
  diffMult?: number;
  logMult?: number;
  /** pad: the fill byte (constant mode; on the input's grid) and the mode. */
  padValue?: number;
  padMode?: PadMode;
  /** concat: every input in channel order (inputs[0] = input0), and each one's multiplier onto the output grid. */
  inputs?: number[];
  mults?: number[];
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

/**
 * How the source model (ONNX, batch first) shapes a value of shape H×W×C, in NCHW notation:
 * 4 is [1, C, H, W]; 3 is a 1-D map [1, C, L] with L = H·W (the importer makes H = 1); 2 is
 * a vector [1, C·H·W], the values in (c, h, w) order (the order of ONNX's Flatten).
 */
export type ValueRank = 2 | 3 | 4;

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
