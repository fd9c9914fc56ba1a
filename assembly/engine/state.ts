// The loaded model, as a handful of globals, and access to its records at invoke time.
//
// Arena flavour: the tables are read in place in the blob (which stays in the arena).
// Stream flavour: of the file, the arena keeps only the model input's and output's records
// (IO_RECORDS_BYTES at its start). Before each op, run.ts fetches the op's record and its
// tensors' records into small static slots (fetchOp, cleared after invoke); opTensor() answers
// from those, modelTensor() from the two kept records. So the arena holds two records, the
// activations, the scratch and the read slack.
import {
  T_HEIGHT, T_WIDTH, T_CHANNELS, T_ZERO_POINT, T_OFFSET, TENSOR_RECORD_SIZE, OP_RECORD_SIZE,
  O_INPUT0, O_INPUT1, O_OUTPUT, O_OPCODE, O_INPUT_LIST, INPUT_ENTRY_SIZE, NO_TENSOR,
} from "../../src/format/constants";
import { STREAMED, readModel } from "./source";

/** True after a successful load(). */
export let loaded = false;
/** The tensor table and the op table: addresses in the arena (arena flavour), file offsets (stream). */
export let tensorTable: usize = 0;
export let opTable: usize = 0;
/**
 * The params section: its address in the arena (arena flavour), or its byte offset in the
 * model, where the embedder reads from (stream flavour).
 */
export let paramsBase: usize = 0;
/** Start of the activation region (tensor offsets are relative to it). */
export let activationBase: usize = 0;
/** Stream flavour: where blocks of filters' parameters are read to, and its bytes. */
export let scratchBase: usize = 0;
export let scratchSize: usize = 0;
export let opCount: i32 = 0;
export let inputTensor: i32 = 0;
export let outputTensor: i32 = 0;

// ---- stream flavour: the records of the op being run, and of the model input and output ----
/**
 * The current op's record, then the records of its input0, input1 and output (load() checks
 * the records through the same slots).
 */
export const OP_SLOT: usize = memory.data(OP_RECORD_SIZE, 16);
export const TENSOR_SLOTS: usize = memory.data(3 * TENSOR_RECORD_SIZE, 16);
/** The model input's and output's records (stream flavour: at the arena's start, kept by load()). */
export const IO_RECORDS_BYTES: usize = 2 * TENSOR_RECORD_SIZE;
let ioRecords: usize = 0;
/** Stream flavour: the input list entry being run (a concat's). */
const ENTRY_SLOT: usize = memory.data(INPUT_ENTRY_SIZE, 8);

/** Stream flavour: read the model input's and output's records to `at` (the arena's start). */
export function keepIoRecords(at: usize): bool {
  ioRecords = at;
  return readModel(at, TENSOR_RECORD_SIZE, tensorTable + <usize>inputTensor * TENSOR_RECORD_SIZE)
    && readModel(at + TENSOR_RECORD_SIZE, TENSOR_RECORD_SIZE, tensorTable + <usize>outputTensor * TENSOR_RECORD_SIZE);
}

export function setModel(tensors: usize, ops: usize, params: usize, activations: usize, scratch: usize, scratchBytes: usize,
                         ops_: i32, input: i32, output: i32): void {
  tensorTable = tensors;
  opTable = ops;
  paramsBase = params;
  activationBase = activations;
  scratchBase = scratch;
  scratchSize = scratchBytes;
  opCount = ops_;
  inputTensor = input;
  outputTensor = output;
  loaded = true;
}

export function clearModel(): void {
  loaded = false;
}

/** Stream flavour: empty the slots fetchOp fills (static memory is left as found, call after call). */
export function clearOpSlots(): void {
  memory.fill(OP_SLOT, 0, OP_RECORD_SIZE);
  memory.fill(TENSOR_SLOTS, 0, 3 * TENSOR_RECORD_SIZE);
  memory.fill(ENTRY_SLOT, 0, INPUT_ENTRY_SIZE);
}

/**
 * Op `i`'s record, with (stream flavour) its tensors' records fetched for opTensor(); 0 when
 * the embedder could not read them.
 */
export function fetchOp(i: i32): usize {
  const at = opTable + <usize>i * OP_RECORD_SIZE;
  if (!STREAMED) return at;
  if (!readModel(OP_SLOT, OP_RECORD_SIZE, at)) return 0;
  return fetchTensor(0, O_INPUT0) && fetchTensor(1, O_INPUT1) && fetchTensor(2, O_OUTPUT) ? OP_SLOT : 0;
}

/** The record of the tensor in the current op's `field` into slot `slot` (none for NO_TENSOR). */
function fetchTensor(slot: usize, field: usize): bool {
  const index = <u32>load<u16>(OP_SLOT + field);
  return index == NO_TENSOR || readModel(TENSOR_SLOTS + slot * TENSOR_RECORD_SIZE, TENSOR_RECORD_SIZE, tensorTable + <usize>index * TENSOR_RECORD_SIZE);
}

/** Entry `i` of the current op's input list; 0 when the embedder could not read it. */
export function fetchListEntry(op: usize, i: u32): usize {
  const at = paramsBase + <usize>load<u32>(op + O_INPUT_LIST) + <usize>i * INPUT_ENTRY_SIZE;
  if (!STREAMED) return at;
  return readModel(ENTRY_SLOT, INPUT_ENTRY_SIZE, at) ? ENTRY_SLOT : 0;
}

/**
 * The record of tensor `index`, an input of the current op's list (stream flavour: read into
 * input1's slot, which a list op does not use); 0 when the embedder could not read it.
 */
export function fetchListTensor(index: u32): usize {
  const at = tensorTable + <usize>index * TENSOR_RECORD_SIZE;
  if (!STREAMED) return at;
  const slot = TENSOR_SLOTS + TENSOR_RECORD_SIZE;
  return readModel(slot, TENSOR_RECORD_SIZE, at) ? slot : 0;
}

/**
 * The record of the current op's tensor in `field` (O_INPUT0, O_INPUT1 or O_OUTPUT): in the
 * tensor table, or (stream flavour) the slot fetchOp read it into (slots 0, 1, 2 in field order).
 */
@inline export function opTensor(op: usize, field: usize): usize {
  if (STREAMED) return TENSOR_SLOTS + ((field - O_INPUT0) << 3);
  return tensorTable + <usize>load<u16>(op + field) * TENSOR_RECORD_SIZE;
}

/** The current op's opcode. */
@inline export function opcodeOf(op: usize): i32 { return <i32>load<u8>(op + O_OPCODE); }

// ---- tensor record accessors (index → field) ------------------------------
/**
 * The model input's record, or (`output`) the model output's: in the tensor table, or (stream
 * flavour) the copies load() keeps at the arena's start.
 */
export function modelTensor(output: bool): usize {
  if (STREAMED) return ioRecords + (output ? TENSOR_RECORD_SIZE : 0);
  return tensorTable + <usize>(output ? outputTensor : inputTensor) * TENSOR_RECORD_SIZE;
}
@inline export function tensorHeight(t: usize): i32 { return <i32>load<u16>(t + T_HEIGHT); }
@inline export function tensorWidth(t: usize): i32 { return <i32>load<u16>(t + T_WIDTH); }
@inline export function tensorChannels(t: usize): i32 { return <i32>load<u16>(t + T_CHANNELS); }
@inline export function tensorZeroPoint(t: usize): i32 { return <i32>load<i8>(t + T_ZERO_POINT); }
@inline export function tensorData(t: usize): usize { return activationBase + <usize>load<u32>(t + T_OFFSET); }
/** h·w·c; fits in 32 bits once load() has checked it against the activation region. */
@inline export function tensorSize(t: usize): i32 {
  return tensorHeight(t) * tensorWidth(t) * tensorChannels(t);
}
