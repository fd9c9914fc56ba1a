// The loaded model, as a handful of globals pointing into the arena: the op and tensor
// records are re-read there at invoke time (the blob in the arena flavour, the copy of its
// header and tables in the stream flavour), so nothing is allocated.
import {
  T_HEIGHT, T_WIDTH, T_CHANNELS, T_ZERO_POINT, T_OFFSET, TENSOR_RECORD_SIZE,
} from "../../src/format/constants";

/** True after a successful load(). */
export let loaded = false;
/** Start of the tensor table and the op table (addresses in the arena). */
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

// ---- tensor record accessors (index → field) ------------------------------
@inline export function tensorRecord(index: i32): usize {
  return tensorTable + <usize>index * TENSOR_RECORD_SIZE;
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
