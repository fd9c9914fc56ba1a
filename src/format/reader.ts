// Reads and validates an `.addn` file. The checks follow docs/FORMAT.md "Order of checks" one
// for one, as the kernel's load() does, so for a malformed file both report the same first
// failing status and byte offset.
import * as C from "./constants.js";
import { crc32 } from "./crc32.js";
import { type ErrorLocation, ModelFormatError } from "./errors.js";
import { GEOMETRY_FIELDS, UNIT_GEOMETRY, canonicalOffsets } from "./layout.js";
import { expectedOutputShape, has, hasFilters, kindOfOpcode, paramLengths } from "../ops/table.js";
import type { Geometry, OpKind, QModel, QOp, QTensor } from "./model.js";
import { tensorBytes } from "./model.js";

type Shape = Pick<QTensor, "height" | "width" | "channels">;
const SHAPE_FIELDS = [
  ["height", C.T_HEIGHT],
  ["width", C.T_WIDTH],
  ["channels", C.T_CHANNELS],
] as const;
/** File offset of a field of tensor record `t`. */
const tensorField = (h: Header, t: number, field: number): number => h.tensorsOffset + t * C.TENSOR_RECORD_SIZE + field;
const hex = (n: number): string => `0x${(n >>> 0).toString(16).padStart(8, "0")}`;
const shapeText = (t: Shape): string => `${t.height}×${t.width}×${t.channels}`;

function fail(status: number, offset: number, message: string, where?: ErrorLocation): never {
  throw new ModelFormatError(status, offset, message, where);
}

/** The header fields, as stored. */
export interface Header {
  magic: number;
  version: number;
  flags: number;
  fileSize: number;
  crc32: number;
  tensorCount: number;
  opCount: number;
  inputTensor: number;
  outputTensor: number;
  activationBytes: number;
  tensorsOffset: number;
  opsOffset: number;
  paramsOffset: number;
  paramsSize: number;
  reserved: number;
}

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

/** Geometry rule of one field for one op kind: undefined if the value is allowed, else what was expected. */
function geometryRule(kind: OpKind, key: keyof Geometry, g: Geometry): string | undefined {
  const value = g[key];
  const pool = has(kind, C.TRAIT_POOL);
  if (!has(kind, C.TRAIT_WINDOW)) return value === UNIT_GEOMETRY[key] ? undefined : `${UNIT_GEOMETRY[key]}`;
  switch (key) {
    case "kernelH":
    case "kernelW":
    case "strideH":
    case "strideW":
      return value >= 1 ? undefined : "≥ 1";
    case "dilationH":
    case "dilationW":
      if (pool) return value === 1 ? undefined : "1";
      return value >= 1 ? undefined : "≥ 1";
    case "padTop":
    case "padBottom":
      // every pool window must hold an in-bounds tap
      if (pool) return value < g.kernelH ? undefined : `< kernel_h ${g.kernelH}`;
      return undefined;
    case "padLeft":
    case "padRight":
      if (pool) return value < g.kernelW ? undefined : `< kernel_w ${g.kernelW}`;
      return undefined;
  }
}

/** Step 4: one op record, in the order of FORMAT.md. Marks its output written. */
function readOp(bytes: Uint8Array, view: DataView, h: Header, tensors: QTensor[], written: Set<number>, index: number): QOp {
  const at = h.opsOffset + index * C.OP_RECORD_SIZE;
  const where = { op: index };
  const u8 = (off: number): number => view.getUint8(at + off);
  const u16 = (off: number): number => view.getUint16(at + off, true);
  const u32 = (off: number): number => view.getUint32(at + off, true);

  // opcode and reserved fields
  const opcode = u8(C.O_OPCODE);
  const kind = kindOfOpcode(opcode);
  if (kind === undefined) fail(C.STATUS_BAD_OP, at + C.O_OPCODE, `op ${index} opcode: expected 1…${C.OP_LAST}, found ${opcode}`, where);
  const name = `op ${index} (${kind})`;
  const filters = hasFilters(kind);
  const twoInputs = has(kind, C.TRAIT_TWO_INPUTS);
  // reserved fields, reported at the first nonzero byte (the three bytes at 21 one by one)
  const reserved: [string, number, number][] = [
    ["reserved byte", C.O_RESERVED0, u8(C.O_RESERVED0)],
    ...[0, 1, 2].map((k): [string, number, number] => ["reserved byte", C.O_RESERVED1 + k, u8(C.O_RESERVED1 + k)]),
  ];
  // the parameter slots an op does not use are reserved too
  if (!filters && !twoInputs) reserved.push(["weights/mult0 slot", C.O_WEIGHTS, u32(C.O_WEIGHTS)], ["bias/mult1 slot", C.O_BIAS, u32(C.O_BIAS)]);
  if (!filters) reserved.push(["mult slot", C.O_MULT, u32(C.O_MULT)]);
  reserved.push(["reserved field", C.O_RESERVED2, u32(C.O_RESERVED2)]);
  for (const [field, off, value] of reserved) {
    if (value !== 0) fail(C.STATUS_BAD_LAYOUT, at + off, `${name} ${field} at record byte ${off}: expected 0, found ${value}`, where);
  }

  // tensor indices
  const input0 = u16(C.O_INPUT0);
  const input1 = u16(C.O_INPUT1);
  const output = u16(C.O_OUTPUT);
  const indexField = (field: string, off: number, value: number): void => {
    if (value >= h.tensorCount) fail(C.STATUS_BAD_OP, at + off, `${name} ${field}: expected a tensor index < ${h.tensorCount}, found ${value}`, where);
  };
  indexField("input0", C.O_INPUT0, input0);
  if (twoInputs) indexField("input1", C.O_INPUT1, input1);
  else if (input1 !== C.NO_TENSOR) fail(C.STATUS_BAD_OP, at + C.O_INPUT1, `${name} input1: expected 0xffff (unused), found ${input1}`, where);
  indexField("output", C.O_OUTPUT, output);

  // graph rules for the inputs
  const inputs: [string, number, number][] = [["input0", C.O_INPUT0, input0]];
  if (twoInputs) inputs.push(["input1", C.O_INPUT1, input1]);
  for (const [field, off, t] of inputs) {
    if (!written.has(t)) {
      fail(C.STATUS_BAD_GRAPH, at + off, `${name} ${field}: tensor ${t} is read before any op writes it (and it is not the model input)`, where);
    }
  }

  // geometry
  const geometry = Object.fromEntries(GEOMETRY_FIELDS.map((f) => [f.key, u8(f.offset)])) as unknown as Geometry;
  for (const field of GEOMETRY_FIELDS) {
    const expected = geometryRule(kind, field.key, geometry);
    if (expected !== undefined) {
      fail(C.STATUS_BAD_OP, at + field.offset, `${name} ${field.name}: expected ${expected}, found ${geometry[field.key]}`, where);
    }
  }

  // quantization fields
  const actMin = view.getInt8(at + C.O_ACT_MIN);
  const actMax = view.getInt8(at + C.O_ACT_MAX);
  if (actMin > actMax) fail(C.STATUS_BAD_QUANT, at + C.O_ACT_MIN, `${name} act_min: expected ≤ act_max ${actMax}, found ${actMin}`, where);
  const shift = u8(C.O_SHIFT);
  const requantizes = has(kind, C.TRAIT_REQUANTIZES);
  if (requantizes ? shift < C.SHIFT_MIN || shift > C.SHIFT_MAX : shift !== 0) {
    const expected = requantizes ? `${C.SHIFT_MIN}…${C.SHIFT_MAX}` : "0";
    fail(C.STATUS_BAD_QUANT, at + C.O_SHIFT, `${name} shift: expected ${expected}, found ${shift}`, where);
  }
  const in0 = tensors[input0];
  const out = tensors[output];
  if (has(kind, C.TRAIT_KEEPS_GRID)) {
    // reported at the output tensor's field; the scales compare as stored float32 values
    if (out.zeroPoint !== in0.zeroPoint) {
      fail(C.STATUS_BAD_QUANT, tensorField(h, output, C.T_ZERO_POINT), `${name} output tensor ${output} zero_point: expected input tensor ${input0}'s ${in0.zeroPoint} (the op keeps its grid), found ${out.zeroPoint}`, where);
    }
    if (out.scale !== in0.scale) {
      fail(C.STATUS_BAD_QUANT, tensorField(h, output, C.T_SCALE), `${name} output tensor ${output} scale: expected input tensor ${input0}'s ${in0.scale} (the op keeps its grid), found ${out.scale}`, where);
    }
  }

  // output shape, reported at the first mismatching field of the tensor record
  const checkShape = (field: string, t: number, expected: Shape): void => {
    const found = tensors[t];
    for (const [dim, off] of SHAPE_FIELDS) {
      if (found[dim] !== expected[dim]) {
        fail(C.STATUS_SHAPE_MISMATCH, tensorField(h, t, off), `${name} ${field} tensor ${t} ${dim}: expected ${shapeText(expected)}, found ${shapeText(found)}`, where);
      }
    }
  };
  if (twoInputs) checkShape("input1", input1, in0);
  if (has(kind, C.TRAIT_ELEMENTS)) {
    if (tensorBytes(out) !== tensorBytes(in0)) {
      fail(C.STATUS_SHAPE_MISMATCH, tensorField(h, output, C.T_HEIGHT), `${name} output tensor ${output}: expected ${tensorBytes(in0)} elements (input ${shapeText(in0)}), found ${shapeText(out)} = ${tensorBytes(out)}`, where);
    }
  } else {
    checkShape("output", output, expectedOutputShape({ kind, ...geometry }, in0, out));
  }

  // output not yet written, not overlapping an input
  if (written.has(output)) {
    const why = output === h.inputTensor ? "the model input is never written" : "it is already written by an earlier op";
    fail(C.STATUS_BAD_GRAPH, at + C.O_OUTPUT, `${name} output: tensor ${output} cannot be written: ${why}`, where);
  }
  for (const [field, , t] of inputs) {
    const a = tensors[t];
    if (out.offset < a.offset + tensorBytes(a) && a.offset < out.offset + tensorBytes(out)) {
      fail(
        C.STATUS_BAD_GRAPH,
        at + C.O_OUTPUT,
        `${name} output: tensor ${output} at [${out.offset}, ${out.offset + tensorBytes(out)}) overlaps ${field} tensor ${t} at [${a.offset}, ${a.offset + tensorBytes(a)})`,
        where,
      );
    }
  }

  const op: QOp = { kind, input0, output, ...geometry, actMin, actMax, shift };

  // parameter arrays
  if (filters) {
    const lengths = paramLengths({ kind, ...geometry }, in0, out);
    const arrays = [
      ["weights", C.O_WEIGHTS, lengths.weights],
      ["bias", C.O_BIAS, 4 * lengths.bias],
      ["mult", C.O_MULT, 4 * lengths.mult],
    ] as const;
    const starts: number[] = [];
    for (const [field, off, size] of arrays) {
      const start = u32(off);
      if (start % C.FORMAT_ALIGN !== 0 || start + size > h.paramsSize) {
        fail(
          C.STATUS_PARAM_OUT_OF_RANGE,
          at + off,
          `${name} ${field}: ${size} bytes at params offset ${start}: expected a multiple of ${C.FORMAT_ALIGN} with the array inside params_size ${h.paramsSize}`,
          where,
        );
      }
      starts.push(h.paramsOffset + start);
    }
    op.weights = new Int8Array(bytes.slice(starts[0], starts[0] + lengths.weights).buffer);
    op.bias = Int32Array.from({ length: lengths.bias }, (_, k) => view.getInt32(starts[1] + 4 * k, true));
    op.mult = Int32Array.from({ length: lengths.mult }, (_, k) => view.getInt32(starts[2] + 4 * k, true));
  }
  if (twoInputs) {
    op.input1 = input1;
    op.mult0 = view.getInt32(at + C.O_WEIGHTS, true);
    op.mult1 = view.getInt32(at + C.O_BIAS, true);
  }
  written.add(output);
  return op;
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
