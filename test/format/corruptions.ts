// Corrupt variants of the sample model's file, one per rule of docs/FORMAT.md, with the status
// and offset the first broken rule gives (used by the reader test and the kernel agreement test).
import * as C from "../../src/format/constants.js";
import { packModel } from "../../src/format/writer.js";
import { opRecord, padConcatModel, patch, sampleModel, tensorRecord } from "./helpers.js";

export const good = packModel(sampleModel());
export const op = (k: number): number => opRecord(good, k);
// ops: 0 adder_conv2d · 1 max_pool · 2 conv2d · 3 add · 4 reshape · 5 adder_dense

export interface Case {
  what: string;
  bytes: Uint8Array;
  status: number;
  offset: number;
  message: RegExp;
}

export const edit = (fn: (v: DataView, b: Uint8Array) => void, keepCrc = false): Uint8Array => patch(good, fn, keepCrc);

export const cases: Case[] = [
  // 1. envelope
  { what: "shorter than the header", bytes: good.slice(0, 47), status: C.STATUS_TRUNCATED, offset: 0, message: /47 bytes, shorter than the 48-byte header/ },
  { what: "file cut short", bytes: good.slice(0, good.length - 16), status: C.STATUS_TRUNCATED, offset: 8, message: new RegExp(`file_size: expected 48…${good.length - 16} .*found ${good.length}`) },
  { what: "file_size below the header", bytes: edit((v) => v.setUint32(8, 40, true), true), status: C.STATUS_TRUNCATED, offset: 8, message: /file_size: .*found 40/ },
  { what: "bad magic", bytes: edit((_, b) => (b[0] = 0x42)), status: C.STATUS_BAD_MAGIC, offset: 0, message: /magic: expected 0x4e444441 \("ADDN"\), found 0x4e444442/ },
  { what: "bad version", bytes: edit((v) => v.setUint16(4, 2, true)), status: C.STATUS_BAD_VERSION, offset: 4, message: /version: expected 1, found 2/ },
  { what: "a flag set", bytes: edit((v) => v.setUint16(6, 0x8000, true)), status: C.STATUS_BAD_FLAGS, offset: 6, message: /flags: unknown bits 0x00008000/ },
  { what: "the first unknown flag beside the known ones", bytes: edit((v) => v.setUint16(6, 4 | C.FORMAT_KNOWN_FLAGS, true)), status: C.STATUS_BAD_FLAGS, offset: 6, message: /flags: unknown bits 0x00000004 set \(version 1 defines 0x00000003\), found 0x00000007/ },
  { what: "a flipped parameter byte", bytes: edit((_, b) => (b[b.length - 20] ^= 1), true), status: C.STATUS_BAD_CRC, offset: 12, message: new RegExp(`bad CRC-32: header says 0x[0-9a-f]{8}, bytes \\[16, ${good.length}\\) give 0x[0-9a-f]{8}`) },
  // 2. header layout
  { what: "no tensors", bytes: edit((v) => v.setUint16(16, 0, true)), status: C.STATUS_BAD_LAYOUT, offset: 16, message: /tensor_count: expected 1…4096, found 0/ },
  { what: "more tensors than MAX_TENSORS", bytes: edit((v) => v.setUint16(16, C.MAX_TENSORS + 1, true)), status: C.STATUS_BAD_LAYOUT, offset: 16, message: /tensor_count: expected 1…4096, found 4097/ },
  { what: "no ops", bytes: edit((v) => v.setUint16(18, 0, true)), status: C.STATUS_BAD_LAYOUT, offset: 18, message: /op_count: expected ≥ 1/ },
  { what: "non-canonical tensors_offset", bytes: edit((v) => v.setUint32(28, 64, true)), status: C.STATUS_BAD_LAYOUT, offset: 28, message: /tensors_offset: expected 48, found 64/ },
  { what: "non-canonical ops_offset", bytes: edit((v) => v.setUint32(32, 176, true)), status: C.STATUS_BAD_LAYOUT, offset: 32, message: /ops_offset: expected 160 for 7 tensors, found 176/ },
  { what: "non-canonical params_offset", bytes: edit((v) => v.setUint32(36, 416, true)), status: C.STATUS_BAD_LAYOUT, offset: 36, message: /params_offset: expected 400 for 6 ops, found 416/ },
  { what: "params_size not file_size − params_offset", bytes: edit((v) => v.setUint32(40, v.getUint32(40, true) - 16, true)), status: C.STATUS_BAD_LAYOUT, offset: 40, message: /params_size: expected file_size − params_offset/ },
  { what: "op count pushing params past the end", bytes: edit((v) => { v.setUint16(18, 200, true); v.setUint32(36, 8160, true); }), status: C.STATUS_BAD_LAYOUT, offset: 40, message: /params_size: expected file_size − params_offset = \d+ − 8160 = -\d+/ },
  { what: "reserved header field", bytes: edit((v) => v.setUint32(44, 1, true)), status: C.STATUS_BAD_LAYOUT, offset: 44, message: /reserved header field: expected 0/ },
  { what: "input tensor out of range", bytes: edit((v) => v.setUint16(20, 7, true)), status: C.STATUS_BAD_TENSOR, offset: 20, message: /input_tensor: expected < tensor_count 7, found 7/ },
  { what: "output tensor out of range", bytes: edit((v) => v.setUint16(22, 9, true)), status: C.STATUS_BAD_TENSOR, offset: 22, message: /output_tensor: expected < tensor_count 7, found 9/ },
  // 3. tensor records
  { what: "zero height", bytes: edit((v) => v.setUint16(tensorRecord(2), 0, true)), status: C.STATUS_BAD_TENSOR, offset: tensorRecord(2), message: /tensor 2 height: expected ≥ 1, found 0/ },
  { what: "zero channels", bytes: edit((v) => v.setUint16(tensorRecord(5) + 4, 0, true)), status: C.STATUS_BAD_TENSOR, offset: tensorRecord(5) + 4, message: /tensor 5 channels/ },
  { what: "tensor reserved byte", bytes: edit((_, b) => (b[tensorRecord(1) + 7] = 3)), status: C.STATUS_BAD_LAYOUT, offset: tensorRecord(1) + 7, message: /tensor 1 reserved byte: expected 0, found 3/ },
  { what: "tensor out of the activation region", bytes: edit((v) => v.setUint32(tensorRecord(6) + 8, 0xfffffff0, true)), status: C.STATUS_BAD_TENSOR, offset: tensorRecord(6) + 8, message: /tensor 6 offset: 1×1×5 = 5 bytes at offset 4294967280 end at 4294967285, expected ≤ activation_bytes/ },
  { what: "NaN scale", bytes: edit((v) => v.setFloat32(tensorRecord(3) + 12, NaN, true)), status: C.STATUS_BAD_TENSOR, offset: tensorRecord(3) + 12, message: /tensor 3 scale: expected a finite value > 0, found NaN/ },
  { what: "negative scale", bytes: edit((v) => v.setFloat32(tensorRecord(0) + 12, -1, true)), status: C.STATUS_BAD_TENSOR, offset: tensorRecord(0) + 12, message: /found -1/ },
  // 4. op records: opcode and reserved fields
  { what: "opcode 0", bytes: edit((_, b) => (b[op(1)] = 0)), status: C.STATUS_BAD_OP, offset: op(1), message: new RegExp(`op 1 opcode: expected 1…\\d+(, \\d+…\\d+)*, found 0`) },
  { what: "opcode past the last", bytes: edit((_, b) => (b[op(4)] = C.OP_LAST + 1)), status: C.STATUS_BAD_OP, offset: op(4), message: new RegExp(`found ${C.OP_LAST + 1}`) },
  { what: "op reserved byte 1", bytes: edit((_, b) => (b[op(0) + 1] = 1)), status: C.STATUS_BAD_LAYOUT, offset: op(0) + 1, message: /op 0 \(adder_conv2d\) reserved byte at record byte 1: expected 0, found 1/ },
  { what: "op reserved byte 22", bytes: edit((_, b) => (b[op(2) + 22] = 9)), status: C.STATUS_BAD_LAYOUT, offset: op(2) + 22, message: /op 2 \(conv2d\) reserved byte at record byte 22/ },
  { what: "op reserved field 36", bytes: edit((v) => v.setUint32(op(1) + 36, 16, true)), status: C.STATUS_BAD_LAYOUT, offset: op(1) + 36, message: /op 1 \(max_pool\) reserved field at record byte 36/ },
  { what: "output stride on a one-pixel output", bytes: edit((v) => v.setUint32(op(5) + 36, 16, true)), status: C.STATUS_BAD_OP, offset: op(5) + 36, message: /op 5 \(adder_dense\) output stride: expected 0 \(a one-pixel output\), found 16/ },
  { what: "parameter slot set on a pool", bytes: edit((v) => v.setUint32(op(1) + 28, 16, true)), status: C.STATUS_BAD_LAYOUT, offset: op(1) + 28, message: /op 1 \(max_pool\) bias\/mult1 slot at record byte 28/ },
  { what: "mult slot set on an add", bytes: edit((v) => v.setUint32(op(3) + 32, 16, true)), status: C.STATUS_BAD_LAYOUT, offset: op(3) + 32, message: /op 3 \(add\) mult slot/ },
  // tensor indices
  { what: "input0 out of range", bytes: edit((v) => v.setUint16(op(2) + 2, 200, true)), status: C.STATUS_BAD_OP, offset: op(2) + 2, message: /op 2 \(conv2d\) input0: expected a tensor index < 7, found 200/ },
  { what: "input1 used by a non-add", bytes: edit((v) => v.setUint16(op(4) + 4, 1, true)), status: C.STATUS_BAD_OP, offset: op(4) + 4, message: /op 4 \(reshape\) input1: expected 0xffff \(unused\), found 1/ },
  { what: "add input1 out of range", bytes: edit((v) => v.setUint16(op(3) + 4, 0xffff, true)), status: C.STATUS_BAD_OP, offset: op(3) + 4, message: /op 3 \(add\) input1: expected a tensor index < 7, found 65535/ },
  { what: "output out of range", bytes: edit((v) => v.setUint16(op(5) + 6, 7, true)), status: C.STATUS_BAD_OP, offset: op(5) + 6, message: /op 5 \(adder_dense\) output/ },
  // graph rules for the inputs
  { what: "read before write", bytes: edit((v) => v.setUint16(op(1) + 2, 3, true)), status: C.STATUS_BAD_GRAPH, offset: op(1) + 2, message: /op 1 \(max_pool\) input0: tensor 3 is read before any op writes it/ },
  { what: "add input1 read before write", bytes: edit((v) => v.setUint16(op(3) + 4, 5, true)), status: C.STATUS_BAD_GRAPH, offset: op(3) + 4, message: /op 3 \(add\) input1: tensor 5 is read before/ },
  // geometry
  { what: "zero kernel", bytes: edit((_, b) => (b[op(0) + 8] = 0)), status: C.STATUS_BAD_OP, offset: op(0) + 8, message: /op 0 \(adder_conv2d\) kernel_h: expected ≥ 1, found 0/ },
  { what: "zero stride", bytes: edit((_, b) => (b[op(2) + 11] = 0)), status: C.STATUS_BAD_OP, offset: op(2) + 11, message: /stride_w: expected ≥ 1, found 0/ },
  { what: "dilated pool", bytes: edit((_, b) => (b[op(1) + 12] = 2)), status: C.STATUS_BAD_OP, offset: op(1) + 12, message: /op 1 \(max_pool\) dilation_h: expected 1, found 2/ },
  { what: "pool pad not below the kernel", bytes: edit((_, b) => (b[op(1) + 17] = 2)), status: C.STATUS_BAD_OP, offset: op(1) + 17, message: /pad_right: expected < kernel_w 2, found 2/ },
  { what: "padded dense", bytes: edit((_, b) => (b[op(5) + 14] = 1)), status: C.STATUS_BAD_OP, offset: op(5) + 14, message: /op 5 \(adder_dense\) pad_top: expected 0, found 1/ },
  { what: "strided add", bytes: edit((_, b) => (b[op(3) + 10] = 2)), status: C.STATUS_BAD_OP, offset: op(3) + 10, message: /op 3 \(add\) stride_h: expected 1, found 2/ },
  // quantization fields
  { what: "act_min > act_max", bytes: edit((v) => { v.setInt8(op(2) + 18, 5); v.setInt8(op(2) + 19, 4); }), status: C.STATUS_BAD_QUANT, offset: op(2) + 18, message: /op 2 \(conv2d\) act_min: expected ≤ act_max 4, found 5/ },
  { what: "shift 0 on a conv", bytes: edit((_, b) => (b[op(0) + 20] = 0)), status: C.STATUS_BAD_QUANT, offset: op(0) + 20, message: /shift: expected 1…62, found 0/ },
  { what: "shift 63 on an add", bytes: edit((_, b) => (b[op(3) + 20] = 63)), status: C.STATUS_BAD_QUANT, offset: op(3) + 20, message: /op 3 \(add\) shift: expected 1…62, found 63/ },
  { what: "shift on a reshape", bytes: edit((_, b) => (b[op(4) + 20] = 1)), status: C.STATUS_BAD_QUANT, offset: op(4) + 20, message: /op 4 \(reshape\) shift: expected 0, found 1/ },
  { what: "pool changing the zero point", bytes: edit((v) => v.setInt8(tensorRecord(2) + 6, v.getInt8(tensorRecord(2) + 6) ^ 1)), status: C.STATUS_BAD_QUANT, offset: tensorRecord(2) + 6, message: /op 1 \(max_pool\) output tensor 2 zero_point: expected input tensor 1's/ },
  { what: "reshape changing the scale", bytes: edit((v) => v.setFloat32(tensorRecord(5) + 12, 3.5, true)), status: C.STATUS_BAD_QUANT, offset: tensorRecord(5) + 12, message: /op 4 \(reshape\) output tensor 5 scale: .* found 3.5/ },
  // output shape
  { what: "conv output height", bytes: edit((v) => v.setUint16(tensorRecord(1), 5, true)), status: C.STATUS_SHAPE_MISMATCH, offset: tensorRecord(1), message: /op 0 \(adder_conv2d\) output tensor 1 height: expected 6×6×4 from|expected 6×6×4, found 5×6×4/ },
  { what: "pool output channels", bytes: edit((v) => { v.setUint16(tensorRecord(2) + 4, 2, true); v.setUint16(tensorRecord(3) + 4, 2, true); v.setUint16(tensorRecord(4) + 4, 2, true); }), status: C.STATUS_SHAPE_MISMATCH, offset: tensorRecord(2) + 4, message: /op 1 \(max_pool\) output tensor 2 channels: expected 3×3×4, found 3×3×2/ },
  { what: "add inputs of different shapes", bytes: edit((v) => v.setUint16(op(3) + 4, 1, true)), status: C.STATUS_SHAPE_MISMATCH, offset: tensorRecord(1), message: /op 3 \(add\) input1 tensor 1 height: expected 3×3×4, found 6×6×4/ },
  { what: "reshape changing the element count", bytes: edit((v) => v.setUint16(tensorRecord(5) + 4, 35, true)), status: C.STATUS_SHAPE_MISMATCH, offset: tensorRecord(5), message: /op 4 \(reshape\) output tensor 5: expected 36 elements/ },
  // output rules
  { what: "a tensor written twice", bytes: edit((v) => v.setUint16(op(3) + 6, 3, true)), status: C.STATUS_BAD_GRAPH, offset: op(3) + 6, message: /op 3 \(add\) output: tensor 3 cannot be written: it is already written by an earlier op/ },
  { what: "the model input written", bytes: edit((v) => { v.setUint16(20, 1, true); v.setUint16(op(0) + 2, 1, true); }), status: C.STATUS_BAD_GRAPH, offset: op(0) + 6, message: /op 0 \(adder_conv2d\) output: tensor 1 cannot be written: the model input is never written/ },
  { what: "output overlapping its input", bytes: edit((v) => v.setUint32(tensorRecord(3) + 8, v.getUint32(tensorRecord(2) + 8, true) + 35, true)), status: C.STATUS_BAD_GRAPH, offset: op(2) + 6, message: /op 2 \(conv2d\) output: tensor 3 at \[\d+, \d+\) overlaps input0 tensor 2/ },
  { what: "add output overlapping input1", bytes: edit((v) => v.setUint32(tensorRecord(4) + 8, v.getUint32(tensorRecord(2) + 8, true), true)), status: C.STATUS_BAD_GRAPH, offset: op(3) + 6, message: /overlaps input1 tensor 2/ },
  // parameter arrays
  { what: "weights past the params section", bytes: edit((v) => v.setUint32(op(5) + 24, v.getUint32(40, true) - 16, true)), status: C.STATUS_PARAM_OUT_OF_RANGE, offset: op(5) + 24, message: /op 5 \(adder_dense\) weights: 180 bytes at params offset \d+: expected a multiple of 16 with the array inside params_size/ },
  { what: "misaligned bias", bytes: edit((v) => v.setUint32(op(0) + 28, v.getUint32(op(0) + 28, true) + 4, true)), status: C.STATUS_PARAM_OUT_OF_RANGE, offset: op(0) + 28, message: /op 0 \(adder_conv2d\) bias: 16 bytes/ },
  { what: "mult offset near 2^32", bytes: edit((v) => v.setUint32(op(2) + 32, 0xfffffff0, true)), status: C.STATUS_PARAM_OUT_OF_RANGE, offset: op(2) + 32, message: /op 2 \(conv2d\) mult: 16 bytes at params offset 4294967280/ },
  // 5. the model output
  { what: "model output never written", bytes: edit((v) => v.setUint16(22, 0, true)), status: C.STATUS_BAD_GRAPH, offset: 22, message: /output_tensor: tensor 0 is never written by an op/ },
];

// PAD, CONCAT and the output stride, on a second model:
// ops: 0 pad 0→1 (reflect) · 1 conv2d 1→2 · 2 adder_conv2d 1→3 (both writing in place, stride 9) · 3 concat 1, 2, 3 → 4
export const goodPadConcat = packModel(padConcatModel());
const op2 = (k: number): number => opRecord(goodPadConcat, k);
const edit2 = (fn: (v: DataView, b: Uint8Array) => void): Uint8Array => patch(goodPadConcat, fn);
const view2 = new DataView(goodPadConcat.buffer);
const offsetOf = (t: number): number => view2.getUint32(tensorRecord(t) + C.T_OFFSET, true);
/** File offset of entry `i` of the concat's input list. */
const entry = (i: number): number => view2.getUint32(C.H_PARAMS_OFFSET, true) + view2.getUint32(op2(3) + C.O_INPUT_LIST, true) + i * C.INPUT_ENTRY_SIZE;

cases.push(
  { what: "pad mode past the last", bytes: edit2((v) => v.setUint32(op2(0) + 28, 4, true)), status: C.STATUS_BAD_OP, offset: op2(0) + 28, message: /op 0 \(pad\) mode: expected 0…3 \(constant, edge, reflect, wrap\), found 4/ },
  { what: "pad on a windowless op", bytes: edit((_, b) => (b[op(4) + 15] = 1)), status: C.STATUS_BAD_OP, offset: op(4) + 15, message: /op 4 \(reshape\) pad_left: expected 0, found 1/ },
  { what: "pad fill value outside int8", bytes: edit2((v) => v.setInt32(op2(0) + 24, 200, true)), status: C.STATUS_BAD_QUANT, offset: op2(0) + 24, message: /op 0 \(pad\) fill value: expected an int8 value −128…127, found 200/ },
  { what: "pad changing the zero point", bytes: edit2((v) => v.setInt8(tensorRecord(1) + 6, v.getInt8(tensorRecord(1) + 6) ^ 1)), status: C.STATUS_BAD_QUANT, offset: tensorRecord(1) + 6, message: /op 0 \(pad\) output tensor 1 zero_point/ },
  { what: "pad output width", bytes: edit2((v) => v.setUint8(op2(0) + 17, 2)), status: C.STATUS_SHAPE_MISMATCH, offset: tensorRecord(1) + 2, message: /op 0 \(pad\) output tensor 1 width: expected 5×9×3, found 5×8×3/ },
  { what: "output stride not above the output's channels", bytes: edit2((v) => v.setUint32(op2(1) + 36, 4, true)), status: C.STATUS_BAD_OP, offset: op2(1) + 36, message: /op 1 \(conv2d\) output stride: expected 0 or > the output's 4 channels, found 4/ },
  { what: "output stride past the activations", bytes: edit2((v) => v.setUint32(op2(2) + 36, 0x10000, true)), status: C.STATUS_BAD_OP, offset: op2(2) + 36, message: /op 2 \(adder_conv2d\) output stride 65536: its 40 pixels from offset \d+ end at \d+, expected ≤ activation_bytes/ },
  { what: "strided output overlapping its input", bytes: edit2((v) => v.setUint32(tensorRecord(1) + 8, offsetOf(4) + 1, true)), status: C.STATUS_BAD_GRAPH, offset: op2(1) + 6, message: /op 1 \(conv2d\) output: tensor 2 at \[\d+, \d+\) overlaps input0 tensor 1/ },
  { what: "concat written twice", bytes: edit2((v) => { v.setUint16(op2(3) + 6, 3, true); }), status: C.STATUS_BAD_GRAPH, offset: op2(3) + 6, message: /op 3 \(concat\) output: tensor 3 cannot be written: it is already written/ },
  { what: "concat output height", bytes: edit2((v) => v.setUint16(tensorRecord(4), 4, true)), status: C.STATUS_SHAPE_MISMATCH, offset: tensorRecord(4), message: /op 3 \(concat\) output tensor 4 height: expected input0's 5/ },
  { what: "concat of one input", bytes: edit2((v) => v.setUint32(op2(3) + 28, 1, true)), status: C.STATUS_BAD_OP, offset: op2(3) + 28, message: /op 3 \(concat\) input count: expected ≥ 2, found 1/ },
  { what: "concat list misaligned", bytes: edit2((v) => v.setUint32(op2(3) + 24, v.getUint32(op2(3) + 24, true) + 8, true)), status: C.STATUS_PARAM_OUT_OF_RANGE, offset: op2(3) + 24, message: /op 3 \(concat\) input list: 3 entries \(24 bytes\) at params offset \d+: expected a multiple of 16/ },
  { what: "concat list not starting with input0", bytes: edit2((v) => v.setUint16(entry(0), 2, true)), status: C.STATUS_BAD_OP, offset: entry(0), message: /op 3 \(concat\) input list entry 0 tensor: expected input0 1 \(the list starts with it\), found 2/ },
  { what: "concat entry out of range", bytes: edit2((v) => v.setUint16(entry(2), 5, true)), status: C.STATUS_BAD_OP, offset: entry(2), message: /input list entry 2 tensor: expected a tensor index < 5, found 5/ },
  { what: "concat entry reserved field", bytes: edit2((v) => v.setUint16(entry(1) + 2, 7, true)), status: C.STATUS_BAD_LAYOUT, offset: entry(1) + 2, message: /input list entry 1 reserved field: expected 0, found 7/ },
  { what: "concat entry read before written", bytes: edit2((v) => v.setUint16(entry(1), 4, true)), status: C.STATUS_BAD_GRAPH, offset: entry(1), message: /input list entry 1: tensor 4 is read before any op writes it/ },
  { what: "concat entry of another height", bytes: edit2((v) => v.setUint16(entry(2), 0, true)), status: C.STATUS_SHAPE_MISMATCH, offset: tensorRecord(0), message: /input list entry 2: tensor 0 is 4×5×3; the inputs' height must be input0's 5/ },
  { what: "concat entry beside its slice", bytes: edit2((v) => v.setUint32(tensorRecord(2) + 8, offsetOf(2) + 1, true)), status: C.STATUS_BAD_GRAPH, offset: entry(1), message: /input list entry 1: tensor 2 at \[\d+, \d+\) overlaps the output tensor 4 at \[\d+, \d+\) without lying in its slice/ },
  { what: "concat output channels", bytes: edit2((v) => v.setUint16(tensorRecord(4) + 4, 8, true)), status: C.STATUS_SHAPE_MISMATCH, offset: tensorRecord(4) + 4, message: /op 3 \(concat\) output tensor 4 channels: expected 9 \(the inputs' channels summed\), found 5×8×8/ },
);
