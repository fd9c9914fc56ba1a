// The op records of an `.addn` file, read and checked one by one in docs/FORMAT.md's "Order of
// checks", as the kernel's checkOp() does (assembly/engine/loader.ts).
import * as C from "./constants.js";
import { GEOMETRY_FIELDS, UNIT_GEOMETRY } from "./layout.js";
import { expectedOutputShape, has, hasFilters, inlineValues, kindOfOpcode, OP_KINDS, OPS, paramArrays, usedParamFields } from "../ops/table.js";
import type { Geometry, OpKind, QOp, QTensor } from "./model.js";
import { PAD_MODES, tensorBytes } from "./model.js";
import type { ErrorLocation } from "./errors.js";
import { fail, type Header, hex, SHAPE_FIELDS, type Shape, shapeText, tensorField } from "./read_context.js";

/** The opcodes of the op table as runs: "1…15", or "1…9, 12…15" with a gap. */
const KNOWN_OPCODES = OP_KINDS.map((k) => OPS[k].opcode)
  .reduce<number[][]>((runs, code) => (runs.at(-1)?.at(-1) === code - 1 ? (runs.at(-1)!.push(code), runs) : [...runs, [code]]), [])
  .map((run) => (run.length > 1 ? `${run[0]}…${run.at(-1)}` : `${run[0]}`))
  .join(", ");

/** The record's parameter fields, as errors name them when an op leaves them reserved. */
const PARAM_SLOTS = [
  ["weights/mult0 slot", C.O_WEIGHTS],
  ["bias/mult1 slot", C.O_BIAS],
  ["mult slot", C.O_MULT],
  ["reserved field", C.O_RESERVED2],
] as const;
/** Geometry rule of one field for one op kind: undefined if the value is allowed, else what was expected. */
function geometryRule(kind: OpKind, key: keyof Geometry, g: Geometry): string | undefined {
  const value = g[key];
  const pool = has(kind, C.TRAIT_POOL);
  const isPad = key.startsWith("pad");
  if (has(kind, C.TRAIT_PADS) && isPad) return undefined; // any number of rows and columns
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

/** One op record's view: its file offset, fields, name for messages and what it fails with. */
interface OpRecord {
  at: number;
  index: number;
  name: string;
  where: ErrorLocation;
  u8(off: number): number;
  u16(off: number): number;
  u32(off: number): number;
}

/** [start, end) of the activation bytes an op's output takes: contiguous, or (an output stride) its pixels `stride` apart. */
function outputRegion(t: QTensor, stride: number): [number, number] {
  const pixels = t.height * t.width;
  return [t.offset, t.offset + (pixels - 1) * (stride || t.channels) + t.channels];
}

/**
 * A conv-like op's output stride (field 36): 0 (its channels), or more than the output's
 * channels when it has more than one pixel, its pixels then ending inside the activations.
 */
function checkOutputStride(r: OpRecord, h: Header, out: QTensor): number {
  const stride = r.u32(C.O_OUT_STRIDE);
  if (stride === 0) return 0;
  const pixels = out.height * out.width;
  if (pixels === 1 || stride <= out.channels) {
    const expected = pixels === 1 ? "0 (a one-pixel output)" : `0 or > the output's ${out.channels} channels`;
    fail(C.STATUS_BAD_OP, r.at + C.O_OUT_STRIDE, `${r.name} output stride: expected ${expected}, found ${stride}`, r.where);
  }
  const [, end] = outputRegion(out, stride);
  if (end > h.activationBytes) {
    fail(C.STATUS_BAD_OP, r.at + C.O_OUT_STRIDE, `${r.name} output stride ${stride}: its ${pixels} pixels from offset ${out.offset} end at ${end}, expected ≤ activation_bytes ${h.activationBytes}`, r.where);
  }
  return stride;
}

/**
 * CONCAT (docs/FORMAT.md): the output written once, never the model input, input0's height and
 * width; count ≥ 2, the list inside the params; then entry by entry: tensor index, input0 first,
 * reserved field, written before, input0's height and width, in place (at its own slice of the
 * output) or apart from the output; then the channels summed. Returns the inputs and multipliers.
 */
function readInputList(r: OpRecord, view: DataView, h: Header, tensors: QTensor[], written: Set<number>, input0: number, output: number): { inputs: number[]; mults: number[] } {
  checkOutputWritable(r, h, written, output);
  const in0 = tensors[input0]!;
  const out = tensors[output]!;
  for (const [dim, off] of SHAPE_FIELDS.slice(0, 2)) {
    if (out[dim] !== in0[dim]) fail(C.STATUS_SHAPE_MISMATCH, tensorField(h, output, off), `${r.name} output tensor ${output} ${dim}: expected input0's ${in0[dim]} (${shapeText(in0)}), found ${shapeText(out)}`, r.where);
  }
  const count = r.u32(C.O_INPUT_COUNT);
  if (count < 2) fail(C.STATUS_BAD_OP, r.at + C.O_INPUT_COUNT, `${r.name} input count: expected ≥ 2, found ${count}`, r.where);
  const list = r.u32(C.O_INPUT_LIST);
  const size = count * C.INPUT_ENTRY_SIZE;
  if (list % C.FORMAT_ALIGN !== 0 || list + size > h.paramsSize) {
    fail(C.STATUS_PARAM_OUT_OF_RANGE, r.at + C.O_INPUT_LIST, `${r.name} input list: ${count} entries (${size} bytes) at params offset ${list}: expected a multiple of ${C.FORMAT_ALIGN} with the list inside params_size ${h.paramsSize}`, r.where);
  }
  const inputs: number[] = [];
  const mults: number[] = [];
  let channels = 0;
  for (let i = 0; i < count; i++) {
    const entry = h.paramsOffset + list + i * C.INPUT_ENTRY_SIZE;
    const field = `${r.name} input list entry ${i}`;
    const t = view.getUint16(entry + C.IE_TENSOR, true);
    if (t >= h.tensorCount) fail(C.STATUS_BAD_OP, entry + C.IE_TENSOR, `${field} tensor: expected a tensor index < ${h.tensorCount}, found ${t}`, r.where);
    if (i === 0 && t !== input0) fail(C.STATUS_BAD_OP, entry + C.IE_TENSOR, `${field} tensor: expected input0 ${input0} (the list starts with it), found ${t}`, r.where);
    const reserved = view.getUint16(entry + C.IE_RESERVED, true);
    if (reserved !== 0) fail(C.STATUS_BAD_LAYOUT, entry + C.IE_RESERVED, `${field} reserved field: expected 0, found ${reserved}`, r.where);
    if (!written.has(t)) fail(C.STATUS_BAD_GRAPH, entry + C.IE_TENSOR, `${field}: tensor ${t} is read before any op writes it (and it is not the model input)`, r.where);
    const x = tensors[t]!;
    if (x.height !== in0.height) fail(C.STATUS_SHAPE_MISMATCH, tensorField(h, t, C.T_HEIGHT), `${field}: tensor ${t} is ${shapeText(x)}; the inputs' height must be input0's ${in0.height}`, r.where);
    if (x.width !== in0.width) fail(C.STATUS_SHAPE_MISMATCH, tensorField(h, t, C.T_WIDTH), `${field}: tensor ${t} is ${shapeText(x)}; the inputs' width must be input0's ${in0.width}`, r.where);
    const inPlace = x.offset === out.offset + channels;
    if (!inPlace && out.offset < x.offset + tensorBytes(x) && x.offset < out.offset + tensorBytes(out)) {
      fail(
        C.STATUS_BAD_GRAPH,
        entry + C.IE_TENSOR,
        `${field}: tensor ${t} at [${x.offset}, ${x.offset + tensorBytes(x)}) overlaps the output tensor ${output} at [${out.offset}, ${out.offset + tensorBytes(out)}) without lying in its slice (offset ${out.offset + channels})`,
        r.where,
      );
    }
    inputs.push(t);
    mults.push(view.getInt32(entry + C.IE_MULT, true));
    channels += x.channels;
  }
  if (out.channels !== channels) {
    fail(C.STATUS_SHAPE_MISMATCH, tensorField(h, output, C.T_CHANNELS), `${r.name} output tensor ${output} channels: expected ${channels} (the inputs' channels summed), found ${shapeText(out)}`, r.where);
  }
  return { inputs, mults };
}

/** The output is not yet written and not the model input. */
function checkOutputWritable(r: OpRecord, h: Header, written: Set<number>, output: number): void {
  if (written.has(output)) {
    const why = output === h.inputTensor ? "the model input is never written" : "it is already written by an earlier op";
    fail(C.STATUS_BAD_GRAPH, r.at + C.O_OUTPUT, `${r.name} output: tensor ${output} cannot be written: ${why}`, r.where);
  }
}

/** Step 4: one op record, in the order of FORMAT.md. Marks its output written. */
export function readOp(bytes: Uint8Array, view: DataView, h: Header, tensors: QTensor[], written: Set<number>, index: number): QOp {
  const at = h.opsOffset + index * C.OP_RECORD_SIZE;
  const where = { op: index };
  const u8 = (off: number): number => view.getUint8(at + off);
  const u16 = (off: number): number => view.getUint16(at + off, true);
  const u32 = (off: number): number => view.getUint32(at + off, true);

  // opcode and reserved fields
  const opcode = u8(C.O_OPCODE);
  const kind = kindOfOpcode(opcode);
  if (kind === undefined) fail(C.STATUS_BAD_OP, at + C.O_OPCODE, `op ${index} opcode: expected ${KNOWN_OPCODES}, found ${opcode}`, where);
  const name = `op ${index} (${kind})`;
  const r: OpRecord = { at, index, name, where, u8, u16, u32 };
  const filters = hasFilters(kind);
  const twoInputs = has(kind, C.TRAIT_TWO_INPUTS);
  const pads = has(kind, C.TRAIT_PADS);
  const list = has(kind, C.TRAIT_INPUT_LIST);
  // reserved fields, reported at the first nonzero byte (the three bytes at 21 one by one)
  const reserved: [string, number, number][] = [
    ["reserved byte", C.O_RESERVED0, u8(C.O_RESERVED0)],
    ...[0, 1, 2].map((k): [string, number, number] => ["reserved byte", C.O_RESERVED1 + k, u8(C.O_RESERVED1 + k)]),
  ];
  // the parameter fields an op does not use are reserved too
  const used = usedParamFields(kind);
  for (const [slot, off] of PARAM_SLOTS) if (!used.includes(off)) reserved.push([slot, off, u32(off)]);
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
  if (pads && u32(C.O_PAD_MODE) > C.PAD_MODE_LAST) {
    fail(C.STATUS_BAD_OP, at + C.O_PAD_MODE, `${name} mode: expected 0…${C.PAD_MODE_LAST} (${PAD_MODES.join(", ")}), found ${u32(C.O_PAD_MODE)}`, where);
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
  // values kept in the record, within what the op's definition allows
  const values = inlineValues(kind).map((v) => ({ ...v, value: v.min < 0 ? view.getInt32(at + v.field, true) : u32(v.field) }));
  for (const v of values) {
    if (v.value < v.min || v.value > v.max) fail(C.STATUS_BAD_QUANT, at + v.field, `${name} ${v.key}: expected ${v.min}…${v.max}, found ${v.value}`, where);
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
  const padValue = pads ? view.getInt32(at + C.O_PAD_VALUE, true) : 0;
  if (padValue < -128 || padValue > 127) fail(C.STATUS_BAD_QUANT, at + C.O_PAD_VALUE, `${name} fill value: expected an int8 value −128…127, found ${padValue}`, where);

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
  const inputList = list ? readInputList(r, view, h, tensors, written, input0, output) : undefined;
  if (has(kind, C.TRAIT_ELEMENTS)) {
    if (tensorBytes(out) !== tensorBytes(in0)) {
      fail(C.STATUS_SHAPE_MISMATCH, tensorField(h, output, C.T_HEIGHT), `${name} output tensor ${output}: expected ${tensorBytes(in0)} elements (input ${shapeText(in0)}), found ${shapeText(out)} = ${tensorBytes(out)}`, where);
    }
  } else if (!list) {
    checkShape("output", output, expectedOutputShape({ kind, ...geometry }, in0, out));
  }

  // output: not yet written; where a conv-like op writes it; not overlapping an input (a
  // concat checked its inputs along its list)
  if (!list) {
    checkOutputWritable(r, h, written, output);
    const outputStride = filters ? checkOutputStride(r, h, out) : 0;
    const [outStart, outEnd] = outputRegion(out, outputStride);
    for (const [field, , t] of inputs) {
      const a = tensors[t];
      if (outStart < a.offset + tensorBytes(a) && a.offset < outEnd) {
        fail(
          C.STATUS_BAD_GRAPH,
          at + C.O_OUTPUT,
          `${name} output: tensor ${output} at [${outStart}, ${outEnd}) overlaps ${field} tensor ${t} at [${a.offset}, ${a.offset + tensorBytes(a)})`,
          where,
        );
      }
    }
  }

  const op: QOp = { kind, input0, output, ...geometry, actMin, actMax, shift };

  // parameter arrays
  for (const array of paramArrays({ kind, ...geometry }, in0, out)) {
    const start = u32(array.field);
    const size = array.length * array.type.BYTES_PER_ELEMENT;
    if (start % C.FORMAT_ALIGN !== 0 || start + size > h.paramsSize) {
      fail(
        C.STATUS_PARAM_OUT_OF_RANGE,
        at + array.field,
        `${name} ${array.key}: ${size} bytes at params offset ${start}: expected a multiple of ${C.FORMAT_ALIGN} with the array inside params_size ${h.paramsSize}`,
        where,
      );
    }
    const from = h.paramsOffset + start;
    Object.assign(op, {
      [array.key]: array.type === Int8Array
        ? new Int8Array(bytes.slice(from, from + size).buffer)
        : Int32Array.from({ length: array.length }, (_, k) => view.getInt32(from + 4 * k, true)),
    });
  }
  if (filters && u32(C.O_OUT_STRIDE) !== 0) op.outputStride = u32(C.O_OUT_STRIDE);
  if (twoInputs) op.input1 = input1;
  for (const v of values) op[v.key] = v.value;
  if (pads) {
    op.padValue = padValue;
    op.padMode = PAD_MODES[u32(C.O_PAD_MODE)]!;
  }
  if (inputList) Object.assign(op, inputList);
  written.add(output);
  return op;
}
