// Packs a QModel into the canonical `.addn` byte layout of docs/FORMAT.md.
//
// Two kinds of checks run before any byte is returned: every value must fit its field (a u16
// dimension, an i8 clamp, ...) and every array must have the length the shapes give, since the
// file stores neither; then the packed bytes are read back with readModel, so a model that
// breaks any rule of the format is refused with the same rule the kernel would report.
import * as C from "./constants.js";
import { crc32 } from "./crc32.js";
import { ModelFormatError, ModelPackError } from "./errors.js";
import { GEOMETRY_FIELDS, align16, canonicalOffsets } from "./layout.js";
import { OPS, has, hasFilters, inlineValues, paramArrays } from "../ops/table.js";
import { PAD_MODES, type QModel, type QOp, type QTensor } from "./model.js";
import { readModel } from "./reader.js";

interface IntRange {
  name: string;
  min: number;
  max: number;
}
const U8: IntRange = { name: "u8", min: 0, max: 0xff };
const I8: IntRange = { name: "i8", min: -0x80, max: 0x7f };
const U16: IntRange = { name: "u16", min: 0, max: 0xffff };
const U32: IntRange = { name: "u32", min: 0, max: 0xffffffff };
const I32: IntRange = { name: "i32", min: -0x80000000, max: 0x7fffffff };

function checkInt(value: unknown, range: IntRange, what: string): void {
  if (typeof value !== "number" || !Number.isInteger(value) || value < range.min || value > range.max) {
    throw new ModelPackError(`${what}: expected an integer in [${range.min}, ${range.max}] (${range.name}), found ${String(value)}`);
  }
}

export const describeTensor = (model: QModel, index: number): string => {
  const name = model.tensors[index]?.name;
  return `tensor ${index}${name ? ` "${name}"` : ""}`;
};

export const describeOp = (model: QModel, index: number): string => {
  const op = model.ops[index];
  return `op ${index}${op?.name ? ` "${op.name}"` : ""} (${op?.kind ?? "?"})`;
};

function checkTensorEncodable(model: QModel, t: QTensor, index: number): void {
  const what = describeTensor(model, index);
  checkInt(t.height, U16, `${what} height`);
  checkInt(t.width, U16, `${what} width`);
  checkInt(t.channels, U16, `${what} channels`);
  checkInt(t.zeroPoint, I8, `${what} zeroPoint`);
  checkInt(t.offset, U32, `${what} offset`);
  const f32 = Math.fround(t.scale);
  if (!(f32 > 0) || !Number.isFinite(f32)) {
    throw new ModelPackError(`${what} scale: expected a finite float32 > 0, found ${t.scale}`);
  }
}

function checkArray(value: unknown, type: Int8ArrayConstructor | Int32ArrayConstructor, length: number, what: string): void {
  if (!(value instanceof type)) {
    throw new ModelPackError(`${what}: expected an ${type.name} of length ${length}, found ${value === undefined ? "none" : Object.prototype.toString.call(value)}`);
  }
  if (value.length !== length) throw new ModelPackError(`${what}: expected ${length} values, found ${value.length}`);
}

function checkAbsent(op: QOp, keys: (keyof QOp)[], what: string): void {
  for (const key of keys) {
    if (op[key] !== undefined) throw new ModelPackError(`${what}: field ${key} is not used by ${op.kind} and must be absent`);
  }
}

function checkOpEncodable(model: QModel, op: QOp, index: number): void {
  const what = describeOp(model, index);
  if (!Object.hasOwn(OPS, op.kind)) throw new ModelPackError(`${what}: unknown op kind "${String(op.kind)}"`);
  const tensorIndex: IntRange = { name: "tensor index", min: 0, max: model.tensors.length - 1 };
  checkInt(op.input0, tensorIndex, `${what} input0`);
  checkInt(op.output, tensorIndex, `${what} output`);
  if (has(op.kind, C.TRAIT_TWO_INPUTS)) checkInt(op.input1, tensorIndex, `${what} input1`);
  else checkAbsent(op, ["input1"], what);
  for (const field of GEOMETRY_FIELDS) checkInt(op[field.key], U8, `${what} ${field.key}`);
  checkInt(op.actMin, I8, `${what} actMin`);
  checkInt(op.actMax, I8, `${what} actMax`);
  checkInt(op.shift, U8, `${what} shift`);
  // the values the op keeps in its record and the arrays it keeps in the params section; no others
  const values = inlineValues(op.kind);
  for (const v of values) checkInt(op[v.key], v.min < 0 ? I32 : U32, `${what} ${v.key}`);
  const arrays = paramArrays(op, model.tensors[op.input0], model.tensors[op.output]);
  for (const a of arrays) checkArray(op[a.key], a.type, a.length, `${what} ${a.key}`);
  const used = new Set<string>([...values, ...arrays].map((p) => p.key));
  checkAbsent(op, PARAM_KEYS.filter((key) => !used.has(key)), what);
  if (hasFilters(op.kind)) {
    if (op.outputStride !== undefined) checkInt(op.outputStride, U32, `${what} outputStride`);
  } else {
    checkAbsent(op, ["outputStride"], what);
  }
  if (has(op.kind, C.TRAIT_PADS)) {
    checkInt(op.padValue, I8, `${what} padValue`);
    if (!PAD_MODES.includes(op.padMode!)) throw new ModelPackError(`${what} padMode: expected one of ${PAD_MODES.join(", ")}, found ${String(op.padMode)}`);
  } else {
    checkAbsent(op, ["padValue", "padMode"], what);
  }
  if (has(op.kind, C.TRAIT_INPUT_LIST)) {
    const { inputs, mults } = op;
    if (!Array.isArray(inputs) || inputs.length < 2) throw new ModelPackError(`${what} inputs: expected a list of 2 or more tensor indices, found ${String(inputs)}`);
    inputs.forEach((t, i) => checkInt(t, tensorIndex, `${what} inputs[${i}]`));
    if (inputs[0] !== op.input0) throw new ModelPackError(`${what} inputs[0]: expected input0 ${op.input0}, found ${inputs[0]}`);
    if (!Array.isArray(mults) || mults.length !== inputs.length) throw new ModelPackError(`${what} mults: expected ${inputs.length} multipliers, found ${String(mults?.length)}`);
    mults.forEach((m, i) => checkInt(m, I32, `${what} mults[${i}]`));
  } else {
    checkAbsent(op, ["inputs", "mults"], what);
  }
}

/** Every QOp field that holds a parameter, array or value. */
const PARAM_KEYS: (keyof QOp)[] = ["weights", "bias", "mult", "multNegative", "table", "mult0", "mult1", "expBase", "diffMult", "logMult"];

function checkModelEncodable(model: QModel): void {
  checkInt(model.tensors.length, { name: "tensor count (MAX_TENSORS)", min: 1, max: C.MAX_TENSORS }, "tensor count");
  checkInt(model.ops.length, { name: "u16 count", min: 1, max: 0xffff }, "op count");
  const tensorIndex: IntRange = { name: "tensor index", min: 0, max: model.tensors.length - 1 };
  checkInt(model.input, tensorIndex, "model input");
  checkInt(model.output, tensorIndex, "model output");
  if (model.flags !== undefined) checkInt(model.flags, { name: "flag bits (FORMAT_KNOWN_FLAGS)", min: 0, max: C.FORMAT_KNOWN_FLAGS }, "flags");
  checkInt(model.activationBytes, U32, "activationBytes");
  model.tensors.forEach((t, i) => checkTensorEncodable(model, t, i));
  model.ops.forEach((op, i) => checkOpEncodable(model, op, i));
}

/** A concat's input list as stored in the params section: one INPUT_ENTRY_SIZE entry per input. */
function inputListBytes(op: QOp): Uint8Array {
  const bytes = new Uint8Array(C.INPUT_ENTRY_SIZE * op.inputs!.length);
  const view = new DataView(bytes.buffer);
  op.inputs!.forEach((t, k) => {
    view.setUint16(C.INPUT_ENTRY_SIZE * k + C.IE_TENSOR, t, true);
    view.setInt32(C.INPUT_ENTRY_SIZE * k + C.IE_MULT, op.mults![k]!, true);
  });
  return bytes;
}

/**
 * Each op's blocks in the params section with where they go, relative to the section: its arrays
 * (paramArrays) and a concat's input list, op order, field order, each aligned to 16.
 */
function placeParams(model: QModel): { blocks: { field: number; at: number; values: Int8Array | Int32Array | Uint8Array }[][]; size: number } {
  let size = 0;
  const blocks = model.ops.map((op) => {
    const contents: { field: number; values: Int8Array | Int32Array | Uint8Array }[] =
      paramArrays(op, model.tensors[op.input0]!, model.tensors[op.output]!).map(({ key, field }) => ({ field, values: op[key]! }));
    if (has(op.kind, C.TRAIT_INPUT_LIST)) contents.push({ field: C.O_INPUT_LIST, values: inputListBytes(op) });
    return contents.map(({ field, values }) => {
      const at = size;
      size = align16(size + values.byteLength);
      return { field, at, values };
    });
  });
  return { blocks, size };
}

/** The `.addn` bytes of `model`. Throws ModelPackError naming the tensor or op if it cannot be written. */
export function packModel(model: QModel): Uint8Array {
  checkModelEncodable(model);
  const sections = canonicalOffsets(model.tensors.length, model.ops.length);
  const params = placeParams(model);
  const fileSize = sections.params + params.size;
  const bytes = new Uint8Array(fileSize);
  const view = new DataView(bytes.buffer);

  view.setUint32(C.H_MAGIC, C.FORMAT_MAGIC, true);
  view.setUint16(C.H_VERSION, C.FORMAT_VERSION, true);
  view.setUint16(C.H_FLAGS, model.flags ?? 0, true);
  view.setUint32(C.H_FILE_SIZE, fileSize, true);
  view.setUint16(C.H_TENSOR_COUNT, model.tensors.length, true);
  view.setUint16(C.H_OP_COUNT, model.ops.length, true);
  view.setUint16(C.H_INPUT_TENSOR, model.input, true);
  view.setUint16(C.H_OUTPUT_TENSOR, model.output, true);
  view.setUint32(C.H_ACTIVATION_BYTES, model.activationBytes, true);
  view.setUint32(C.H_TENSORS_OFFSET, sections.tensors, true);
  view.setUint32(C.H_OPS_OFFSET, sections.ops, true);
  view.setUint32(C.H_PARAMS_OFFSET, sections.params, true);
  view.setUint32(C.H_PARAMS_SIZE, params.size, true);

  model.tensors.forEach((t, i) => {
    const at = sections.tensors + i * C.TENSOR_RECORD_SIZE;
    view.setUint16(at + C.T_HEIGHT, t.height, true);
    view.setUint16(at + C.T_WIDTH, t.width, true);
    view.setUint16(at + C.T_CHANNELS, t.channels, true);
    view.setInt8(at + C.T_ZERO_POINT, t.zeroPoint);
    view.setUint32(at + C.T_OFFSET, t.offset, true);
    view.setFloat32(at + C.T_SCALE, t.scale, true);
  });

  model.ops.forEach((op, i) => {
    const at = sections.ops + i * C.OP_RECORD_SIZE;
    view.setUint8(at + C.O_OPCODE, OPS[op.kind].opcode);
    view.setUint16(at + C.O_INPUT0, op.input0, true);
    view.setUint16(at + C.O_INPUT1, has(op.kind, C.TRAIT_TWO_INPUTS) ? op.input1! : C.NO_TENSOR, true);
    view.setUint16(at + C.O_OUTPUT, op.output, true);
    for (const field of GEOMETRY_FIELDS) view.setUint8(at + field.offset, op[field.key]);
    view.setInt8(at + C.O_ACT_MIN, op.actMin);
    view.setInt8(at + C.O_ACT_MAX, op.actMax);
    view.setUint8(at + C.O_SHIFT, op.shift);
    for (const { field, at: offset, values } of params.blocks[i]!) {
      view.setUint32(at + field, offset, true);
      const base = sections.params + offset;
      if (values instanceof Int32Array) values.forEach((v, k) => view.setInt32(base + 4 * k, v, true));
      else bytes.set(new Uint8Array(values.buffer, values.byteOffset, values.length), base);
    }
    if (hasFilters(op.kind)) view.setUint32(at + C.O_OUT_STRIDE, op.outputStride ?? 0, true);
    if (has(op.kind, C.TRAIT_INPUT_LIST)) view.setUint32(at + C.O_INPUT_COUNT, op.inputs!.length, true);
    if (has(op.kind, C.TRAIT_PADS)) {
      view.setInt32(at + C.O_PAD_VALUE, op.padValue!, true);
      view.setUint32(at + C.O_PAD_MODE, PAD_MODES.indexOf(op.padMode!), true);
    }
    for (const v of inlineValues(op.kind)) view.setUint32(at + v.field, op[v.key]! >>> 0, true);
  });

  view.setUint32(C.H_CRC32, crc32(bytes, C.CRC_START, fileSize), true);

  try {
    readModel(bytes);
  } catch (e) {
    if (!(e instanceof ModelFormatError)) throw e;
    const where = e.op !== undefined ? `${describeOp(model, e.op)}: ` : e.tensor !== undefined ? `${describeTensor(model, e.tensor)}: ` : "";
    throw new ModelPackError(`cannot pack model: ${where}${e.message}`);
  }
  return bytes;
}
