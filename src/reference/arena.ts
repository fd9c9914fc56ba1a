// The reference run in one shared activation region, addressed as the kernels address it: each
// op reads its inputs from, and writes its output to, the tensors' planned offsets. Two rules of
// docs/FORMAT.md place bytes other than contiguously: a conv-like op with an output stride
// writes pixel p at offset + p·stride, and a CONCAT input that lies at its own channel slice of
// the output (in place) is read there, pixel p at offset + p·(output channels).
//
// The format forbids an op's output to overlap its own inputs, not other tensors, so in a model
// whose offsets were edited a later op may overwrite a tensor an even later op reads; per-tensor
// buffers (runReference) then give other bytes than any kernel, this gives the same.
import { TRAIT_INPUT_LIST } from "../format/constants.js";
import type { QModel, QOp, QTensor } from "../format/model.js";
import { tensorBytes } from "../format/model.js";
import { concatSlices, has, opInputs } from "../ops/table.js";
import { runOp } from "./interpreter.js";

/** Which of an op's inputs lie in place: a CONCAT's inputs at their own channel slice of the output. */
function inPlaceInputs(model: QModel, op: QOp): boolean[] {
  const inputs = opInputs(op).map((t) => model.tensors[t]!);
  if (!has(op.kind, TRAIT_INPUT_LIST)) return inputs.map(() => false);
  return concatSlices(inputs, model.tensors[op.output]!).map((s) => s.inPlace);
}

/** The pixels of `t`, `t.channels` bytes each, `stride` bytes apart from its offset. */
function readPixels(region: Int8Array, t: QTensor, stride: number): Int8Array {
  const pixels = t.height * t.width;
  const out = new Int8Array(tensorBytes(t));
  for (let p = 0; p < pixels; p++) out.set(region.subarray(t.offset + p * stride, t.offset + p * stride + t.channels), p * t.channels);
  return out;
}

function writePixels(region: Int8Array, t: QTensor, stride: number, bytes: Int8Array): void {
  const pixels = t.height * t.width;
  for (let p = 0; p < pixels; p++) region.set(bytes.subarray(p * t.channels, (p + 1) * t.channels), t.offset + p * stride);
}

/** Bytes from one output pixel of `op` to the next. */
const outputStride = (model: QModel, op: QOp): number => op.outputStride || model.tensors[op.output]!.channels;

/** The end of the bytes `op` writes. */
function writeEnd(model: QModel, op: QOp): number {
  const t = model.tensors[op.output]!;
  return t.offset + (t.height * t.width - 1) * outputStride(model, op) + t.channels;
}

/**
 * Runs `model` on `input` in one region; returns each op's output as it computed it, and the
 * model output's bytes as the kernel hands them over (contiguous at its offset).
 */
export function runInArena(model: QModel, input: Int8Array): { opOutputs: Int8Array[]; output: Int8Array } {
  const end = Math.max(...model.tensors.map((t) => t.offset + tensorBytes(t)), ...model.ops.map((op) => writeEnd(model, op)));
  const region = new Int8Array(end);
  const at = (t: number): Int8Array => region.subarray(model.tensors[t]!.offset, model.tensors[t]!.offset + tensorBytes(model.tensors[t]!));
  at(model.input).set(input);
  const opOutputs = model.ops.map((op) => {
    const inPlace = inPlaceInputs(model, op);
    const outChannels = model.tensors[op.output]!.channels;
    const xs = opInputs(op).map((t, i) => readPixels(region, model.tensors[t]!, inPlace[i] ? outChannels : model.tensors[t]!.channels));
    const y = runOp(model, op, xs);
    writePixels(region, model.tensors[op.output]!, outputStride(model, op), y);
    return y;
  });
  return { opOutputs, output: at(model.output).slice() };
}
