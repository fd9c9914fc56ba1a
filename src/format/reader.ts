// Reads and validates an `.addn` file. The checks follow docs/FORMAT.md "Order of checks" one
// for one, as the kernel's load() does, so for a malformed file both report the same first
// failing status and byte offset.
import * as C from "./constants.js";
import { crc32 } from "./crc32.js";
import { canonicalOffsets } from "./layout.js";
import { type QModel, type QTensor, tensorBytes } from "./model.js";
import { fail, type Header, hex, SHAPE_FIELDS, shapeText } from "./read_context.js";
import { readOp } from "./read_op.js";

export type { Header } from "./read_context.js";

function readHeader(view: DataView): Header {
  return {
    magic: view.getUint32(C.H_MAGIC, true),
    version: view.getUint16(C.H_VERSION, true),
    flags: view.getUint16(C.H_FLAGS, true),
    fileSize: view.getUint32(C.H_FILE_SIZE, true),
    crc32: view.getUint32(C.H_CRC32, true),
    tensorCount: view.getUint16(C.H_TENSOR_COUNT, true),
    opCount: view.getUint16(C.H_OP_COUNT, true),
    inputTensor: view.getUint16(C.H_INPUT_TENSOR, true),
    outputTensor: view.getUint16(C.H_OUTPUT_TENSOR, true),
    activationBytes: view.getUint32(C.H_ACTIVATION_BYTES, true),
    tensorsOffset: view.getUint32(C.H_TENSORS_OFFSET, true),
    opsOffset: view.getUint32(C.H_OPS_OFFSET, true),
    paramsOffset: view.getUint32(C.H_PARAMS_OFFSET, true),
    paramsSize: view.getUint32(C.H_PARAMS_SIZE, true),
    reserved: view.getUint32(C.H_RESERVED, true),
  };
}

/** Step 1: size, magic, version, flags, file size, CRC. */
function checkEnvelope(bytes: Uint8Array, view: DataView): Header {
  if (bytes.length < C.HEADER_SIZE) {
    fail(C.STATUS_TRUNCATED, 0, `file is ${bytes.length} bytes, shorter than the ${C.HEADER_SIZE}-byte header`);
  }
  const h = readHeader(view);
  if (h.magic !== C.FORMAT_MAGIC) fail(C.STATUS_BAD_MAGIC, C.H_MAGIC, `magic: expected ${hex(C.FORMAT_MAGIC)} ("ADDN"), found ${hex(h.magic)}`);
  if (h.version !== C.FORMAT_VERSION) fail(C.STATUS_BAD_VERSION, C.H_VERSION, `version: expected ${C.FORMAT_VERSION}, found ${h.version}`);
  if ((h.flags & ~C.FORMAT_KNOWN_FLAGS) !== 0) {
    fail(C.STATUS_BAD_FLAGS, C.H_FLAGS, `flags: unknown bits ${hex(h.flags & ~C.FORMAT_KNOWN_FLAGS)} set (version 1 defines ${hex(C.FORMAT_KNOWN_FLAGS)}), found ${hex(h.flags)}`);
  }
  if (h.fileSize < C.HEADER_SIZE || h.fileSize > bytes.length) {
    fail(C.STATUS_TRUNCATED, C.H_FILE_SIZE, `file_size: expected ${C.HEADER_SIZE}…${bytes.length} (the bytes supplied), found ${h.fileSize}`);
  }
  const crc = crc32(bytes, C.CRC_START, h.fileSize);
  if (crc !== h.crc32) {
    fail(C.STATUS_BAD_CRC, C.H_CRC32, `bad CRC-32: header says ${hex(h.crc32)}, bytes [${C.CRC_START}, ${h.fileSize}) give ${hex(crc)}`);
  }
  return h;
}

/** Step 2: layout fields in field order, then the model input and output indices. */
function checkHeaderLayout(h: Header): void {
  if (h.tensorCount < 1 || h.tensorCount > C.MAX_TENSORS) {
    fail(C.STATUS_BAD_LAYOUT, C.H_TENSOR_COUNT, `tensor_count: expected 1…${C.MAX_TENSORS}, found ${h.tensorCount}`);
  }
  if (h.opCount < 1) fail(C.STATUS_BAD_LAYOUT, C.H_OP_COUNT, `op_count: expected ≥ 1, found 0`);
  const canonical = canonicalOffsets(h.tensorCount, h.opCount);
  if (h.tensorsOffset !== canonical.tensors) {
    fail(C.STATUS_BAD_LAYOUT, C.H_TENSORS_OFFSET, `tensors_offset: expected ${canonical.tensors}, found ${h.tensorsOffset}`);
  }
  if (h.opsOffset !== canonical.ops) {
    fail(C.STATUS_BAD_LAYOUT, C.H_OPS_OFFSET, `ops_offset: expected ${canonical.ops} for ${h.tensorCount} tensors, found ${h.opsOffset}`);
  }
  if (h.paramsOffset !== canonical.params) {
    fail(C.STATUS_BAD_LAYOUT, C.H_PARAMS_OFFSET, `params_offset: expected ${canonical.params} for ${h.opCount} ops, found ${h.paramsOffset}`);
  }
  const expectedParamsSize = h.fileSize - h.paramsOffset;
  if (h.paramsSize !== expectedParamsSize || h.paramsSize % C.FORMAT_ALIGN !== 0) {
    fail(
      C.STATUS_BAD_LAYOUT,
      C.H_PARAMS_SIZE,
      `params_size: expected file_size − params_offset = ${h.fileSize} − ${h.paramsOffset} = ${expectedParamsSize}, a multiple of ${C.FORMAT_ALIGN}, found ${h.paramsSize}`,
    );
  }
  if (h.reserved !== 0) fail(C.STATUS_BAD_LAYOUT, C.H_RESERVED, `reserved header field: expected 0, found ${hex(h.reserved)}`);
  if (h.inputTensor >= h.tensorCount) {
    fail(C.STATUS_BAD_TENSOR, C.H_INPUT_TENSOR, `input_tensor: expected < tensor_count ${h.tensorCount}, found ${h.inputTensor}`);
  }
  if (h.outputTensor >= h.tensorCount) {
    fail(C.STATUS_BAD_TENSOR, C.H_OUTPUT_TENSOR, `output_tensor: expected < tensor_count ${h.tensorCount}, found ${h.outputTensor}`);
  }
}

/** Step 3: one tensor record, fields in field order. */
function readTensor(view: DataView, h: Header, index: number): QTensor {
  const at = h.tensorsOffset + index * C.TENSOR_RECORD_SIZE;
  const where = { tensor: index };
  const name = `tensor ${index}`;
  for (const [field, off] of SHAPE_FIELDS) {
    const value = view.getUint16(at + off, true);
    if (value < 1) fail(C.STATUS_BAD_TENSOR, at + off, `${name} ${field}: expected ≥ 1, found 0`, where);
  }
  const t: QTensor = {
    height: view.getUint16(at + C.T_HEIGHT, true),
    width: view.getUint16(at + C.T_WIDTH, true),
    channels: view.getUint16(at + C.T_CHANNELS, true),
    zeroPoint: view.getInt8(at + C.T_ZERO_POINT),
    scale: view.getFloat32(at + C.T_SCALE, true),
    offset: view.getUint32(at + C.T_OFFSET, true),
  };
  const reserved = view.getUint8(at + C.T_RESERVED);
  if (reserved !== 0) fail(C.STATUS_BAD_LAYOUT, at + C.T_RESERVED, `${name} reserved byte: expected 0, found ${reserved}`, where);
  const size = tensorBytes(t);
  if (t.offset + size > h.activationBytes) {
    fail(
      C.STATUS_BAD_TENSOR,
      at + C.T_OFFSET,
      `${name} offset: ${shapeText(t)} = ${size} bytes at offset ${t.offset} end at ${t.offset + size}, expected ≤ activation_bytes ${h.activationBytes}`,
      where,
    );
  }
  if (!(t.scale > 0) || !Number.isFinite(t.scale)) {
    fail(C.STATUS_BAD_TENSOR, at + C.T_SCALE, `${name} scale: expected a finite value > 0, found ${t.scale}`, where);
  }
  return t;
}

/** Reads and validates a model file. Throws ModelFormatError with the kernel's status for the first rule broken. */
export function readModel(bytes: Uint8Array): QModel {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const h = checkEnvelope(bytes, view);
  checkHeaderLayout(h);
  const tensors = Array.from({ length: h.tensorCount }, (_, i) => readTensor(view, h, i));
  const written = new Set([h.inputTensor]); // tensors that hold a value so far
  const ops = Array.from({ length: h.opCount }, (_, i) => readOp(bytes, view, h, tensors, written, i));
  if (!written.has(h.outputTensor) || h.outputTensor === h.inputTensor) {
    fail(C.STATUS_BAD_GRAPH, C.H_OUTPUT_TENSOR, `output_tensor: tensor ${h.outputTensor} is never written by an op`);
  }
  return { tensors, ops, input: h.inputTensor, output: h.outputTensor, activationBytes: h.activationBytes, ...(h.flags !== 0 && { flags: h.flags }) };
}
