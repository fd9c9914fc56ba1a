// load(): parse and validate a model (docs/FORMAT.md) in the exact order of its "Order of
// checks", so every reader reports the same first failure.
//
// The checks read the model's records through `record()`: in the arena flavour a pointer into
// the blob copied to the arena, in the stream flavour a copy of the record in a small static
// slot, fetched through the embedder (./source.ts). Either way the same code validates, and
// error offsets are file offsets. Nothing here may trap on any input: every field is read
// inside bytes already known to be present, and size arithmetic is done in u64.
import {
  FORMAT_MAGIC, FORMAT_VERSION, FORMAT_KNOWN_FLAGS, HEADER_SIZE, CRC_START, FORMAT_ALIGN,
  TENSOR_RECORD_SIZE, OP_RECORD_SIZE, NO_TENSOR, READ_SLACK, MAX_TENSORS, FLOAT32_INFINITY_BITS,
  H_MAGIC, H_VERSION, H_FLAGS, H_FILE_SIZE, H_CRC32, H_TENSOR_COUNT, H_OP_COUNT,
  H_INPUT_TENSOR, H_OUTPUT_TENSOR, H_ACTIVATION_BYTES, H_TENSORS_OFFSET, H_OPS_OFFSET,
  H_PARAMS_OFFSET, H_PARAMS_SIZE, H_RESERVED,
  T_HEIGHT, T_WIDTH, T_CHANNELS, T_ZERO_POINT, T_RESERVED, T_OFFSET, T_SCALE,
  O_OPCODE, O_RESERVED0, O_INPUT0, O_INPUT1, O_OUTPUT, O_KERNEL_H, O_KERNEL_W, O_STRIDE_H,
  O_STRIDE_W, O_DILATION_H, O_DILATION_W, O_PAD_TOP, O_PAD_LEFT, O_PAD_BOTTOM, O_PAD_RIGHT,
  O_ACT_MIN, O_ACT_MAX, O_SHIFT, O_RESERVED1, O_WEIGHTS, O_BIAS, O_MULT, O_RESERVED2,
  TRAIT_FILTERS, TRAIT_TO_1X1, TRAIT_WINDOW, TRAIT_POOL, TRAIT_KEEPS_GRID, TRAIT_REQUANTIZES,
  TRAIT_TWO_INPUTS, TRAIT_ELEMENTS, TRAIT_DEPTHWISE, SHIFT_MIN, SHIFT_MAX,
  STATUS_OK, STATUS_TRUNCATED, STATUS_BAD_MAGIC, STATUS_BAD_VERSION, STATUS_BAD_FLAGS,
  STATUS_BAD_CRC, STATUS_BAD_LAYOUT, STATUS_BAD_TENSOR, STATUS_BAD_OP, STATUS_SHAPE_MISMATCH,
  STATUS_PARAM_OUT_OF_RANGE, STATUS_ARENA_TOO_SMALL, STATUS_BAD_QUANT, STATUS_BAD_GRAPH,
  STATUS_READ_FAILED,
} from "../../src/format/constants";
import { crc32Update } from "./crc32";
import { STREAMED, readModel } from "./source";
import { setModel, clearModel, clearOpSlots, keepIoRecords, IO_RECORDS_BYTES, OP_SLOT, TENSOR_SLOTS } from "./state";
import { has, opTraits } from "./ops";
import { minScratchBytes } from "../ops/filter_blocks";
import { WINDOW, WINDOW_BYTES } from "../ops/scratch";

/** Byte offset (within the model) of the field that failed the last load, else -1. */
export let errorOffset: i32 = -1;

/** One bit per tensor index: "written by an earlier op". */
const WRITTEN: usize = memory.data(MAX_TENSORS >> 3, 16);

@inline function isWritten(t: u32): bool {
  return (<i32>load<u8>(WRITTEN + (<usize>t >> 3)) & (1 << <i32>(t & 7))) != 0;
}
@inline function markWritten(t: u32): void {
  const p = WRITTEN + (<usize>t >> 3);
  store<u8>(p, <u8>(<i32>load<u8>(p) | (1 << <i32>(t & 7))));
}

@inline function align16(v: u64): u64 {
  return (v + (FORMAT_ALIGN - 1)) & ~(<u64>FORMAT_ALIGN - 1);
}

/** Record the failing field's offset and return the status (for `return fail(...)`). */
function fail(status: i32, offset: u64): i32 {
  errorOffset = <i32>offset;
  return status;
}

// ---- reading records --------------------------------------------------------------------
/** Stream flavour: copies of the header, three tensor records and one op record. */
const SLOT_HEADER: usize = memory.data(HEADER_SIZE, 16);
const SLOT_TENSOR: usize = TENSOR_SLOTS;
const SLOT_OP: usize = OP_SLOT;
/**
 * Stream flavour: the CRC is computed over slices of the file read into the window buffer of
 * the conv ops, which no op uses while a model loads (and which is left zeroed afterwards).
 */
const CRC_CHUNK: usize = <usize>WINDOW_BYTES;
const CRC_BUFFER: usize = WINDOW;

/** The arena flavour's blob (the model bytes in the arena); unused when streaming. */
let blob: usize = 0;

/**
 * `size` bytes of the model from `offset`, all known to lie in the bytes supplied: a pointer
 * into the blob, or (streaming) a copy in `slot`; 0 when the embedder could not read them.
 */
function record(offset: u64, size: usize, slot: usize): usize {
  if (!STREAMED) return blob + <usize>offset;
  return readModel(slot, size, <usize>offset) ? slot : 0;
}

/** CRC-32 of model bytes [CRC_START, fileSize), or −1 when streaming them failed. */
function modelCrc(fileSize: usize): i64 {
  if (!STREAMED) return <i64>crc32Update(0, blob + CRC_START, fileSize - CRC_START);
  let crc: u32 = 0;
  for (let at: usize = CRC_START; at < fileSize; at += CRC_CHUNK) {
    const n = min(CRC_CHUNK, fileSize - at);
    if (!readModel(CRC_BUFFER, n, at)) return -1;
    crc = crc32Update(crc, CRC_BUFFER, n);
  }
  return <i64>crc;
}

// Scratch results of the checks that need more than a status.
let tensorCount: u32 = 0;
let paramsSize: u64 = 0;
let activationBytes: u64 = 0;
let modelInput: u32 = 0;
/** Largest per-filter weight count of a conv-like op: what one block of the stream scratch must hold. */
let maxFilterBytes: u64 = 0;

@inline function tensorOffset(index: u32): u64 {
  return <u64>HEADER_SIZE + <u64>index * TENSOR_RECORD_SIZE;
}
function tensorElems(t: usize): u64 {
  return <u64>load<u16>(t + T_HEIGHT) * <u64>load<u16>(t + T_WIDTH) * <u64>load<u16>(t + T_CHANNELS);
}

/** Forget the loaded model (invoke then reports STATUS_NOT_LOADED). */
export function unload(): void {
  clearModel();
  errorOffset = -1;
}

/**
 * Validate the model (`len` bytes supplied; in the arena flavour they are at `ptr`, the start
 * of the `room` bytes of arena) and install it in ./state. Streaming, the header and tables
 * are copied to the arena's start once everything is checked.
 */
export function loadModel(ptr: usize, len: usize, arena: usize, room: usize): i32 {
  unload();
  blob = ptr;
  const status = validate(len, arena, room);
  // static memory outside the arena is left as found (zeros), call after call
  memory.fill(WRITTEN, 0, MAX_TENSORS >> 3);
  if (STREAMED) {
    memory.fill(SLOT_HEADER, 0, HEADER_SIZE);
    memory.fill(CRC_BUFFER, 0, CRC_CHUNK);
    clearOpSlots();
  }
  return status;
}

function validate(len: usize, arena: usize, room: usize): i32 {
  // 1. header identity, size, CRC
  if (len < <usize>HEADER_SIZE) return fail(STATUS_TRUNCATED, 0);
  const h = record(0, HEADER_SIZE, SLOT_HEADER);
  if (h == 0) return fail(STATUS_READ_FAILED, 0);
  if (load<u32>(h + H_MAGIC) != FORMAT_MAGIC) return fail(STATUS_BAD_MAGIC, H_MAGIC);
  if (<i32>load<u16>(h + H_VERSION) != FORMAT_VERSION) return fail(STATUS_BAD_VERSION, H_VERSION);
  if ((<i32>load<u16>(h + H_FLAGS) & ~FORMAT_KNOWN_FLAGS) != 0) return fail(STATUS_BAD_FLAGS, H_FLAGS);
  const fileSize = <usize>load<u32>(h + H_FILE_SIZE);
  if (fileSize < <usize>HEADER_SIZE || fileSize > len) return fail(STATUS_TRUNCATED, H_FILE_SIZE);
  const crc = modelCrc(fileSize);
  if (crc < 0) return fail(STATUS_READ_FAILED, CRC_START);
  if (<u32>crc != load<u32>(h + H_CRC32)) return fail(STATUS_BAD_CRC, H_CRC32);

  // 2. header layout (the section offsets are the canonical ones)
  tensorCount = <u32>load<u16>(h + H_TENSOR_COUNT);
  const opCount = <u32>load<u16>(h + H_OP_COUNT);
  if (tensorCount < 1 || tensorCount > <u32>MAX_TENSORS) return fail(STATUS_BAD_LAYOUT, H_TENSOR_COUNT);
  if (opCount < 1) return fail(STATUS_BAD_LAYOUT, H_OP_COUNT);
  const opsOffset = align16(<u64>HEADER_SIZE + <u64>TENSOR_RECORD_SIZE * tensorCount);
  const paramsOffset = align16(opsOffset + <u64>OP_RECORD_SIZE * opCount);
  if (<u64>load<u32>(h + H_TENSORS_OFFSET) != HEADER_SIZE) return fail(STATUS_BAD_LAYOUT, H_TENSORS_OFFSET);
  if (<u64>load<u32>(h + H_OPS_OFFSET) != opsOffset) return fail(STATUS_BAD_LAYOUT, H_OPS_OFFSET);
  if (<u64>load<u32>(h + H_PARAMS_OFFSET) != paramsOffset) return fail(STATUS_BAD_LAYOUT, H_PARAMS_OFFSET);
  paramsSize = <u64>load<u32>(h + H_PARAMS_SIZE);
  if (paramsOffset > <u64>fileSize || paramsSize != <u64>fileSize - paramsOffset || (paramsSize & (FORMAT_ALIGN - 1)) != 0) {
    return fail(STATUS_BAD_LAYOUT, H_PARAMS_SIZE);
  }
  if (load<u32>(h + H_RESERVED) != 0) return fail(STATUS_BAD_LAYOUT, H_RESERVED);
  modelInput = <u32>load<u16>(h + H_INPUT_TENSOR);
  const modelOutput = <u32>load<u16>(h + H_OUTPUT_TENSOR);
  if (modelInput >= tensorCount) return fail(STATUS_BAD_TENSOR, H_INPUT_TENSOR);
  if (modelOutput >= tensorCount) return fail(STATUS_BAD_TENSOR, H_OUTPUT_TENSOR);
  activationBytes = <u64>load<u32>(h + H_ACTIVATION_BYTES);
  // From here on every table lies inside the file: paramsOffset ≤ fileSize.

  // 3. tensor records
  for (let i: u32 = 0; i < tensorCount; i++) {
    const t = record(tensorOffset(i), TENSOR_RECORD_SIZE, SLOT_TENSOR);
    if (t == 0) return fail(STATUS_READ_FAILED, tensorOffset(i));
    const status = checkTensor(t, tensorOffset(i));
    if (status != STATUS_OK) return status;
  }

  // 4. op records
  maxFilterBytes = 0;
  for (let i: u32 = 0; i < opCount; i++) {
    const at = opsOffset + <u64>i * OP_RECORD_SIZE;
    const op = record(at, OP_RECORD_SIZE, SLOT_OP);
    if (op == 0) return fail(STATUS_READ_FAILED, at);
    const status = checkOp(op, at);
    if (status != STATUS_OK) return status;
  }

  // 5. the model output is produced
  if (!isWritten(modelOutput)) return fail(STATUS_BAD_GRAPH, H_OUTPUT_TENSOR);

  // 6. the arena holds the layout: the blob (arena flavour), the activations, one block of
  // filters' parameters (stream flavour), and the read slack
  const resident = STREAMED ? <u64>IO_RECORDS_BYTES : align16(<u64>fileSize);
  const scratchNeed = STREAMED ? <u64>minScratchBytes(<i32>maxFilterBytes) : 0;
  if (resident + activationBytes + scratchNeed + READ_SLACK > <u64>room) return fail(STATUS_ARENA_TOO_SMALL, H_ACTIVATION_BYTES);

  // streaming, the tables stay in the file: the records are fetched per op (./state.ts)
  const base: usize = STREAMED ? 0 : arena;
  const activations = arena + <usize>resident;
  setModel(base + HEADER_SIZE, base + <usize>opsOffset, base + <usize>paramsOffset,
    activations, activations + <usize>activationBytes, room - <usize>(resident + activationBytes) - READ_SLACK,
    <i32>opCount, <i32>modelInput, <i32>modelOutput);
  if (STREAMED && !keepIoRecords(arena)) {
    clearModel();
    return fail(STATUS_READ_FAILED, tensorOffset(modelInput));
  }
  return STATUS_OK;
}

function checkTensor(t: usize, at: u64): i32 {
  if (load<u16>(t + T_HEIGHT) == 0) return fail(STATUS_BAD_TENSOR, at + T_HEIGHT);
  if (load<u16>(t + T_WIDTH) == 0) return fail(STATUS_BAD_TENSOR, at + T_WIDTH);
  if (load<u16>(t + T_CHANNELS) == 0) return fail(STATUS_BAD_TENSOR, at + T_CHANNELS);
  if (load<u8>(t + T_RESERVED) != 0) return fail(STATUS_BAD_LAYOUT, at + T_RESERVED);
  if (<u64>load<u32>(t + T_OFFSET) + tensorElems(t) > activationBytes) return fail(STATUS_BAD_TENSOR, at + T_OFFSET);
  // a finite float32 > 0, checked on its bits (no float instruction in the kernel): sign
  // clear, not zero, exponent not all ones (infinity, NaN)
  const bits = load<u32>(t + T_SCALE);
  if (bits == 0 || bits >= <u32>FLOAT32_INFINITY_BITS) return fail(STATUS_BAD_TENSOR, at + T_SCALE);
  return STATUS_OK;
}

/** [start, end) of two tensors' bytes in the activation region overlap? */
function overlaps(a: usize, b: usize): bool {
  const a0 = <u64>load<u32>(a + T_OFFSET), b0 = <u64>load<u32>(b + T_OFFSET);
  return a0 < b0 + tensorElems(b) && b0 < a0 + tensorElems(a);
}

/** Window output extent ⌊(in + padA + padB − d·(k − 1) − 1) / s⌋ + 1, or 0 if none. */
function windowExtent(inSize: i32, padA: i32, padB: i32, k: i32, s: i32, d: i32): i32 {
  const span = inSize + padA + padB - d * (k - 1) - 1;
  return span < 0 ? 0 : span / s + 1;
}

function checkOp(op: usize, at: u64): i32 {
  const traits = opTraits(<i32>load<u8>(op + O_OPCODE));
  const filters = has(traits, TRAIT_FILTERS), twoInputs = has(traits, TRAIT_TWO_INPUTS);

  // opcode and reserved fields, in field order
  if (traits == 0) return fail(STATUS_BAD_OP, at + O_OPCODE);
  if (load<u8>(op + O_RESERVED0) != 0) return fail(STATUS_BAD_LAYOUT, at + O_RESERVED0);
  for (let k: usize = 0; k < 3; k++) {
    if (load<u8>(op + O_RESERVED1 + k) != 0) return fail(STATUS_BAD_LAYOUT, at + O_RESERVED1 + k);
  }
  // fields 24/28/32 hold the filters' arrays, or a two-input op's mult0/mult1; else reserved
  const unusedFrom: usize = filters ? O_RESERVED2 : twoInputs ? O_MULT : O_WEIGHTS;
  for (let f = unusedFrom; f <= <usize>O_RESERVED2; f += 4) {
    if (load<u32>(op + f) != 0) return fail(STATUS_BAD_LAYOUT, at + f);
  }

  // tensor indices
  const in0 = <u32>load<u16>(op + O_INPUT0);
  const in1 = <u32>load<u16>(op + O_INPUT1);
  const out = <u32>load<u16>(op + O_OUTPUT);
  if (in0 >= tensorCount) return fail(STATUS_BAD_OP, at + O_INPUT0);
  if (twoInputs ? in1 >= tensorCount : in1 != NO_TENSOR) return fail(STATUS_BAD_OP, at + O_INPUT1);
  if (out >= tensorCount) return fail(STATUS_BAD_OP, at + O_OUTPUT);

  // graph rules for the inputs: the model input or an earlier op's output
  if (in0 != modelInput && !isWritten(in0)) return fail(STATUS_BAD_GRAPH, at + O_INPUT0);
  if (twoInputs && in1 != modelInput && !isWritten(in1)) return fail(STATUS_BAD_GRAPH, at + O_INPUT1);

  // geometry
  const windowed = has(traits, TRAIT_WINDOW);
  const pool = has(traits, TRAIT_POOL);
  for (let f: usize = O_KERNEL_H; f <= <usize>O_DILATION_W; f++) {
    const v = load<u8>(op + f);
    const isDilation = f >= <usize>O_DILATION_H;
    const mustBeOne = !windowed || (pool && isDilation);
    if (mustBeOne ? v != 1 : v == 0) return fail(STATUS_BAD_OP, at + f);
  }
  const kh = <i32>load<u8>(op + O_KERNEL_H), kw = <i32>load<u8>(op + O_KERNEL_W);
  for (let f: usize = O_PAD_TOP; f <= <usize>O_PAD_RIGHT; f++) {
    const v = <i32>load<u8>(op + f);
    const kernel = (f == <usize>O_PAD_TOP || f == <usize>O_PAD_BOTTOM) ? kh : kw;
    if (windowed ? (pool && v >= kernel) : v != 0) return fail(STATUS_BAD_OP, at + f);
  }

  // quantization fields
  const requantizes = has(traits, TRAIT_REQUANTIZES);
  if (load<i8>(op + O_ACT_MIN) > load<i8>(op + O_ACT_MAX)) return fail(STATUS_BAD_QUANT, at + O_ACT_MIN);
  const shift = <i32>load<u8>(op + O_SHIFT);
  if (requantizes ? shift < SHIFT_MIN || shift > SHIFT_MAX : shift != 0) return fail(STATUS_BAD_QUANT, at + O_SHIFT);
  // the records of input0, input1 and the output, side by side
  const t0 = record(tensorOffset(in0), TENSOR_RECORD_SIZE, SLOT_TENSOR);
  const t1 = twoInputs ? record(tensorOffset(in1), TENSOR_RECORD_SIZE, SLOT_TENSOR + TENSOR_RECORD_SIZE) : t0;
  const to = record(tensorOffset(out), TENSOR_RECORD_SIZE, SLOT_TENSOR + 2 * TENSOR_RECORD_SIZE);
  if (t0 == 0 || t1 == 0 || to == 0) return fail(STATUS_READ_FAILED, at);
  if (has(traits, TRAIT_KEEPS_GRID)) {
    if (load<i8>(to + T_ZERO_POINT) != load<i8>(t0 + T_ZERO_POINT)) return fail(STATUS_BAD_QUANT, tensorOffset(out) + T_ZERO_POINT);
    if (load<u32>(to + T_SCALE) != load<u32>(t0 + T_SCALE)) return fail(STATUS_BAD_QUANT, tensorOffset(out) + T_SCALE);
  }

  // output shape
  const status = checkShape(op, traits, t0, t1, tensorOffset(in1), to, tensorOffset(out));
  if (status != STATUS_OK) return status;

  // output: written once, never the model input, not overlapping an input
  if (out == modelInput || isWritten(out) || overlaps(to, t0)) return fail(STATUS_BAD_GRAPH, at + O_OUTPUT);
  if (twoInputs && overlaps(to, t1)) return fail(STATUS_BAD_GRAPH, at + O_OUTPUT);

  // parameter arrays
  if (filters) {
    const n = <u64>load<u16>(to + T_CHANNELS);
    const perFilter = has(traits, TRAIT_TO_1X1)
      ? tensorElems(t0) // dense: one filter over the whole input
      : <u64>kh * <u64>kw * (has(traits, TRAIT_DEPTHWISE) ? 1 : <u64>load<u16>(t0 + T_CHANNELS));
    if (!paramFits(load<u32>(op + O_WEIGHTS), n * perFilter)) return fail(STATUS_PARAM_OUT_OF_RANGE, at + O_WEIGHTS);
    if (!paramFits(load<u32>(op + O_BIAS), n * 4)) return fail(STATUS_PARAM_OUT_OF_RANGE, at + O_BIAS);
    if (!paramFits(load<u32>(op + O_MULT), n * 4)) return fail(STATUS_PARAM_OUT_OF_RANGE, at + O_MULT);
    // the weights lie inside the params section, so this is below 2^32
    if (perFilter > maxFilterBytes) maxFilterBytes = perFilter;
  }

  markWritten(out);
  return STATUS_OK;
}

@inline function paramFits(offset: u32, bytes: u64): bool {
  return (offset & (FORMAT_ALIGN - 1)) == 0 && <u64>offset + bytes <= paramsSize;
}

/** The output tensor's shape against the one the op's inputs and geometry give (src/ops/table.ts, expectedOutputShape). */
function checkShape(op: usize, traits: i32, t0: usize, t1: usize, at1: u64, to: usize, atOut: u64): i32 {
  if (has(traits, TRAIT_TWO_INPUTS)) {
    // input1 must have input0's shape
    for (let f: usize = T_HEIGHT; f <= <usize>T_CHANNELS; f += 2) {
      if (load<u16>(t1 + f) != load<u16>(t0 + f)) return fail(STATUS_SHAPE_MISMATCH, at1 + f);
    }
  }
  if (has(traits, TRAIT_ELEMENTS)) {
    return tensorElems(to) != tensorElems(t0) ? fail(STATUS_SHAPE_MISMATCH, atOut + T_HEIGHT) : STATUS_OK;
  }
  const oc = <i32>load<u16>(to + T_CHANNELS);
  // any number of filters, but one per input channel for a depthwise op
  const c = has(traits, TRAIT_FILTERS) && !has(traits, TRAIT_DEPTHWISE) ? oc : <i32>load<u16>(t0 + T_CHANNELS);
  let h = <i32>load<u16>(t0 + T_HEIGHT), w = <i32>load<u16>(t0 + T_WIDTH);
  if (has(traits, TRAIT_TO_1X1)) {
    h = 1;
    w = 1;
  } else if (has(traits, TRAIT_WINDOW)) {
    h = windowExtent(h, <i32>load<u8>(op + O_PAD_TOP), <i32>load<u8>(op + O_PAD_BOTTOM),
      <i32>load<u8>(op + O_KERNEL_H), <i32>load<u8>(op + O_STRIDE_H), <i32>load<u8>(op + O_DILATION_H));
    w = windowExtent(w, <i32>load<u8>(op + O_PAD_LEFT), <i32>load<u8>(op + O_PAD_RIGHT),
      <i32>load<u8>(op + O_KERNEL_W), <i32>load<u8>(op + O_STRIDE_W), <i32>load<u8>(op + O_DILATION_W));
  }
  if (<i32>load<u16>(to + T_HEIGHT) != h) return fail(STATUS_SHAPE_MISMATCH, atOut + T_HEIGHT);
  if (<i32>load<u16>(to + T_WIDTH) != w) return fail(STATUS_SHAPE_MISMATCH, atOut + T_WIDTH);
  if (oc != c) return fail(STATUS_SHAPE_MISMATCH, atOut + T_CHANNELS);
  return STATUS_OK;
}
