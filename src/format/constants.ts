// The binary format's and the kernel ABI's constants, defined once.
//
// This file is imported by the TypeScript host (src/) and by the AssemblyScript
// kernels (assembly/), so it must stay in the subset both languages accept:
// `export const NAME = <integer literal>;` and comments, nothing else.
// docs/FORMAT.md and docs/ABI.md describe what each value means.

// ---- header ---------------------------------------------------------------
/** "ADDN" read as a little-endian u32. */
export const FORMAT_MAGIC = 0x4e444441;
export const FORMAT_VERSION = 1;
/**
 * Header flags: how the source model shapes the output (docs/FORMAT.md), for the host's output
 * conversion; the kernels compute nothing with them. The output H×W×C is, in the source model,
 * a vector [1, C·H·W] in (c, h, w) order (ONNX's Flatten of the map) ...
 */
export const FLAG_OUTPUT_FLATTENED = 1;
/** ... or a 1-D map [1, C, H·W] (H = 1 for a model of 1-D data); with neither flag, [1, C, H, W]. */
export const FLAG_OUTPUT_1D = 2;
/** The flag bits version 1 defines: any other set bit is rejected. */
export const FORMAT_KNOWN_FLAGS = 3;
export const HEADER_SIZE = 48;
/** The CRC-32 covers the file from this offset (just past the CRC field) to its end. */
export const CRC_START = 16;
export const TENSOR_RECORD_SIZE = 16;
export const OP_RECORD_SIZE = 40;
/** Every section and every parameter array starts on a multiple of this. */
export const FORMAT_ALIGN = 16;
/** Marks an unused tensor-index field in an op record. */
export const NO_TENSOR = 0xffff;
/** Most tensors a model may have (tensor_count ≤ this): readers keep one bit per tensor. */
export const MAX_TENSORS = 4096;
/** Bits of float32 +infinity: a scale's bits must lie in (0, this) (finite, > 0). */
export const FLOAT32_INFINITY_BITS = 0x7f800000;

// header field offsets
export const H_MAGIC = 0;
export const H_VERSION = 4;
export const H_FLAGS = 6;
export const H_FILE_SIZE = 8;
export const H_CRC32 = 12;
export const H_TENSOR_COUNT = 16;
export const H_OP_COUNT = 18;
export const H_INPUT_TENSOR = 20;
export const H_OUTPUT_TENSOR = 22;
export const H_ACTIVATION_BYTES = 24;
export const H_TENSORS_OFFSET = 28;
export const H_OPS_OFFSET = 32;
export const H_PARAMS_OFFSET = 36;
export const H_PARAMS_SIZE = 40;
export const H_RESERVED = 44;

// tensor record field offsets
export const T_HEIGHT = 0;
export const T_WIDTH = 2;
export const T_CHANNELS = 4;
export const T_ZERO_POINT = 6;
export const T_RESERVED = 7;
export const T_OFFSET = 8;
export const T_SCALE = 12;

// op record field offsets
export const O_OPCODE = 0;
export const O_RESERVED0 = 1;
export const O_INPUT0 = 2;
export const O_INPUT1 = 4;
export const O_OUTPUT = 6;
export const O_KERNEL_H = 8;
export const O_KERNEL_W = 9;
export const O_STRIDE_H = 10;
export const O_STRIDE_W = 11;
export const O_DILATION_H = 12;
export const O_DILATION_W = 13;
export const O_PAD_TOP = 14;
export const O_PAD_LEFT = 15;
export const O_PAD_BOTTOM = 16;
export const O_PAD_RIGHT = 17;
export const O_ACT_MIN = 18;
export const O_ACT_MAX = 19;
export const O_SHIFT = 20;
export const O_RESERVED1 = 21;
/** Conv-like ops: weights offset (relative to the params section). ADD: multiplier of input 0 (i32). */
export const O_WEIGHTS = 24;
/** Conv-like ops: bias offset. ADD: multiplier of input 1 (i32). */
export const O_BIAS = 28;
/** Conv-like ops: multiplier offset. */
export const O_MULT = 32;
/** Conv-like ops: the output's pixel stride (0: its channel count); others: reserved, 0. */
export const O_RESERVED2 = 36;
export const O_OUT_STRIDE = 36;
/** PAD: the fill byte (i32 in [−128, 127]) and the mode (PAD_MODE_*). */
export const O_PAD_VALUE = 24;
export const O_PAD_MODE = 28;
/** CONCAT: the input list's offset (relative to the params section) and its entry count. */
export const O_INPUT_LIST = 24;
export const O_INPUT_COUNT = 28;

// ---- CONCAT's input list: one 8-byte entry per input, in channel order ------
export const INPUT_ENTRY_SIZE = 8;
/** u16 tensor index */
export const IE_TENSOR = 0;
/** u16, 0 */
export const IE_RESERVED = 2;
/** i32 multiplier onto the output grid */
export const IE_MULT = 4;

// ---- PAD modes (what the rows and columns added hold) -----------------------
/** The fill byte. */
export const PAD_MODE_CONSTANT = 0;
/** The nearest edge pixel. */
export const PAD_MODE_EDGE = 1;
/** The mirror image without repeating the edge pixel (period 2·(n − 1)). */
export const PAD_MODE_REFLECT = 2;
/** The input repeated (period n). */
export const PAD_MODE_WRAP = 3;
export const PAD_MODE_LAST = 3;

// ---- op codes -------------------------------------------------------------
export const OP_CONV2D = 1;
export const OP_ADDER_CONV2D = 2;
export const OP_DENSE = 3;
export const OP_ADDER_DENSE = 4;
export const OP_MAX_POOL = 5;
export const OP_AVG_POOL = 6;
export const OP_GLOBAL_AVG_POOL = 7;
export const OP_ADD = 8;
export const OP_RESHAPE = 9;
export const OP_DEPTHWISE_CONV2D = 10;
export const OP_ADDER_DEPTHWISE_CONV2D = 11;
export const OP_LUT = 12;
export const OP_CHANNEL_AFFINE = 13;
export const OP_SOFTMAX = 14;
export const OP_LOG_SOFTMAX = 15;
export const OP_PAD = 16;
export const OP_CONCAT = 17;
/** The highest opcode; codes up to it that no op has are unknown (BAD_OP) like any other. */
export const OP_LAST = 17;

// ---- op traits: how each opcode's record is read and checked (bit flags) ---
// src/ops/table.ts describes each op with these; the kernel's loader checks records by them
// (assembly/engine/ops.ts), so an op is what its traits say on both sides.
/** Fields 24/28/32 are the weights, bias and mult arrays of its filters (conv-like ops). */
export const TRAIT_FILTERS = 1;
/** Sums |x − w| (an adder layer); else its filters multiply. */
export const TRAIT_ADDER = 2;
/** The output is 1×1 (dense: one filter over the whole input; global pooling). */
export const TRAIT_TO_1X1 = 4;
/** The geometry fields describe a window (else kernel/stride/dilation 1, pads 0). */
export const TRAIT_WINDOW = 8;
/** A pooling window: dilation 1, each pad below the kernel (every window has a tap inside). */
export const TRAIT_POOL = 16;
/** The output is on input0's grid (same zero point and scale): the op copies, picks or averages bytes. */
export const TRAIT_KEEPS_GRID = 32;
/** Requantizes its result: shift in [SHIFT_MIN, SHIFT_MAX] (else shift 0). */
export const TRAIT_REQUANTIZES = 64;
/** Reads input1 (same shape as input0) and keeps its two multipliers inline at 24/28. */
export const TRAIT_TWO_INPUTS = 128;
/** Only the element count of the output is fixed (a reshape). */
export const TRAIT_ELEMENTS = 256;
/**
 * With FILTERS: one filter per channel, output channel c reading input channel c alone (output
 * channels = input channels); its weights are stored [i][j][c] (docs/FORMAT.md).
 */
export const TRAIT_DEPTHWISE = 512;
/**
 * Its parameters are tables in the params section: field 24 is a LUT_BYTES-byte int8 table
 * indexed by x + 128; a requantizing table op (CHANNEL_AFFINE) has instead three tables of one
 * i32 per channel at 24, 28, 32 (multipliers below the input zero point, bias, multipliers).
 */
export const TRAIT_TABLE = 1024;
/**
 * Works on each pixel's channels as one row (softmax): field 24 holds r = exp(−s_x) in Q30,
 * in [0, EXP_ONE]; a requantizing row op (LOG_SOFTMAX) keeps two i32 multipliers at 28, 32.
 */
export const TRAIT_ROW = 2048;
/**
 * The pad fields add rows and columns around the input (output (H + pad_top + pad_bottom) ×
 * (W + pad_left + pad_right) × C, kernel/stride/dilation 1); 24 holds the fill byte, 28 the mode.
 */
export const TRAIT_PADS = 4096;
/**
 * Reads a list of inputs in the params section (24: offset, 28: count ≥ 2; input0 is the first),
 * each rescaled onto the output grid by its own multiplier, and concatenates them along channels.
 */
export const TRAIT_INPUT_LIST = 8192;

// Each opcode's traits (a test checks them against src/ops/table.ts).
/** FILTERS | WINDOW | REQUANTIZES */
export const OP_CONV2D_TRAITS = 73;
/** FILTERS | ADDER | WINDOW | REQUANTIZES */
export const OP_ADDER_CONV2D_TRAITS = 75;
/** FILTERS | TO_1X1 | REQUANTIZES */
export const OP_DENSE_TRAITS = 69;
/** FILTERS | ADDER | TO_1X1 | REQUANTIZES */
export const OP_ADDER_DENSE_TRAITS = 71;
/** WINDOW | POOL | KEEPS_GRID */
export const OP_MAX_POOL_TRAITS = 56;
/** WINDOW | POOL | KEEPS_GRID */
export const OP_AVG_POOL_TRAITS = 56;
/** TO_1X1 | KEEPS_GRID */
export const OP_GLOBAL_AVG_POOL_TRAITS = 36;
/** REQUANTIZES | TWO_INPUTS */
export const OP_ADD_TRAITS = 192;
/** KEEPS_GRID | ELEMENTS */
export const OP_RESHAPE_TRAITS = 288;
/** FILTERS | WINDOW | REQUANTIZES | DEPTHWISE */
export const OP_DEPTHWISE_CONV2D_TRAITS = 585;
/** FILTERS | ADDER | WINDOW | REQUANTIZES | DEPTHWISE */
export const OP_ADDER_DEPTHWISE_CONV2D_TRAITS = 587;
/** TABLE */
export const OP_LUT_TRAITS = 1024;
/** REQUANTIZES | TABLE */
export const OP_CHANNEL_AFFINE_TRAITS = 1088;
/** ROW */
export const OP_SOFTMAX_TRAITS = 2048;
/** REQUANTIZES | ROW */
export const OP_LOG_SOFTMAX_TRAITS = 2112;
/** KEEPS_GRID | PADS */
export const OP_PAD_TRAITS = 4128;
/** REQUANTIZES | INPUT_LIST */
export const OP_CONCAT_TRAITS = 8256;

/** Entries of a LUT op's table: one int8 output per int8 input value. */
export const LUT_BYTES = 256;
/** 1.0 in the Q30 fixed point of the softmax ops' exponentials (docs/SPEC.md, SOFTMAX). */
export const EXP_ONE = 0x40000000;

/** Requantization shifts lie in [SHIFT_MIN, SHIFT_MAX]. */
export const SHIFT_MIN = 1;
export const SHIFT_MAX = 62;

// ---- status codes (returned by load() and invoke(); docs/ABI.md) ----------
export const STATUS_OK = 0;
export const STATUS_TRUNCATED = -1;
export const STATUS_BAD_MAGIC = -2;
export const STATUS_BAD_VERSION = -3;
export const STATUS_BAD_FLAGS = -4;
export const STATUS_BAD_CRC = -5;
export const STATUS_BAD_LAYOUT = -6;
export const STATUS_BAD_TENSOR = -7;
export const STATUS_BAD_OP = -8;
export const STATUS_SHAPE_MISMATCH = -9;
export const STATUS_PARAM_OUT_OF_RANGE = -10;
export const STATUS_ARENA_TOO_SMALL = -11;
export const STATUS_NOT_LOADED = -12;
export const STATUS_BAD_QUANT = -13;
export const STATUS_BAD_BUFFER = -14;
export const STATUS_BAD_GRAPH = -15;
/** Stream flavour: the embedder's read_model reported a failure. */
export const STATUS_READ_FAILED = -16;

// ---- exit codes of every tool (the addernet CLI, the WASI command, addernet-harness, ---
// ---- the firmware app): one meaning each ------------------------------------------
export const EXIT_OK = 0;
/** Failed for a reason none of the codes below names (a file cannot be read, a bad model for the CLI). */
export const EXIT_FAILURE = 1;
/** Wrong command-line usage. */
export const EXIT_USAGE = 2;
/** load() refused the model: the tool prints status= and error_offset=. */
export const EXIT_LOAD = 3;
/** invoke() returned a negative status: the tool prints status=. */
export const EXIT_INVOKE = 4;
/** The WebAssembly runtime failed: instantiation, a missing export, a trap. */
export const EXIT_RUNTIME = 5;
/** The input does not have the model's input size. */
export const EXIT_INPUT = 6;

/** Version of the exported function set (docs/ABI.md). */
export const ABI_VERSION = 1;
/** abi_flags() bit: the stream flavour (the model is read through the read_model import). */
export const ABI_FLAG_STREAMED_MODEL = 1;

/**
 * Stream flavour: a block of F filters' parameters in the scratch takes
 * 2·align16(4·F) bytes (bias, mult) + F·(bytes of one filter's weights); the
 * smallest block (F = 1) is SCRATCH_BLOCK_OVERHEAD + the filter's bytes.
 */
export const SCRATCH_BLOCK_OVERHEAD = 32;

/**
 * SIMD loops may load up to 15 bytes past the last byte they use (the extra
 * lanes are masked). load() requires this many spare bytes in the arena after
 * the activations so such loads stay inside the arena.
 */
export const READ_SLACK = 16;
