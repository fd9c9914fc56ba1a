// What every runtime must answer for a blob: the host reader's status and offset, whether the
// model fits a kernel's arena (the one rule only the kernel checks), and the output bytes.
import * as C from "../format/constants.js";
import { ModelFormatError } from "../format/errors.js";
import { align16 } from "../format/layout.js";
import { filterBytes, hasFilters } from "../ops/table.js";
import { tensorBytes, type QModel } from "../format/model.js";
import { readModel } from "../format/reader.js";
import { runOp } from "../reference/interpreter.js";
import type { KernelFlavour } from "../runtime/kernel.js";

export interface ReaderVerdict {
  /** STATUS_OK or the first broken rule's STATUS_*, and its byte offset (−1 when OK). */
  status: number;
  offset: number;
  /** The reader's message, for a replay. */
  message?: string;
  model?: QModel;
}

/** Status and offset the host reader gives for `bytes` (OK = 0, −1). */
export function readerVerdict(bytes: Uint8Array): ReaderVerdict {
  try {
    return { status: C.STATUS_OK, offset: -1, model: readModel(bytes) };
  } catch (e) {
    if (e instanceof ModelFormatError) return { status: e.status, offset: e.offset, message: e.message };
    throw e;
  }
}

/**
 * Arena bytes a kernel of `flavour` needs for a valid `model` (docs/FORMAT.md, "Order of
 * checks", rule 6): arena flavour `align16(file_size) + activation_bytes + READ_SLACK`; stream
 * flavour `align16(params_offset) + activation_bytes` + one filter of the largest conv-like op
 * with its bias and multiplier (none without a conv-like op) + READ_SLACK.
 */
export function arenaNeeded(blob: Uint8Array, model: QModel, flavour: KernelFlavour): number {
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  if (flavour === "arena") return align16(view.getUint32(C.H_FILE_SIZE, true)) + model.activationBytes + C.READ_SLACK;
  // the stream kernel keeps the model input's and output's tensor records, then the
  // activations, then one filter of the largest conv-like op and its bias and multiplier
  const largestFilter = Math.max(0, ...model.ops.filter((op) => hasFilters(op.kind)).map((op) => filterBytes(op, model.tensors[op.input0]!)));
  const scratch = largestFilter === 0 ? 0 : C.SCRATCH_BLOCK_OVERHEAD + largestFilter;
  return 2 * C.TENSOR_RECORD_SIZE + model.activationBytes + scratch + C.READ_SLACK;
}

/**
 * The output bytes of a valid model run in one shared activation region, as the kernels run it:
 * each op reads its inputs from, and writes its output to, the tensors' planned offsets. The
 * format forbids an op's output to overlap its own inputs, not other tensors, so in a model
 * whose offsets were edited a later op may overwrite a tensor an even later op reads; per-tensor
 * buffers (runReference) then give other bytes than any kernel, this gives the same.
 */
export function runInArena(model: QModel, input: Int8Array): Int8Array {
  const region = new Int8Array(Math.max(...model.tensors.map((t) => t.offset + tensorBytes(t))));
  const bytesOf = (t: number): Int8Array => {
    const { offset } = model.tensors[t]!;
    return region.subarray(offset, offset + tensorBytes(model.tensors[t]!));
  };
  bytesOf(model.input).set(input);
  for (const op of model.ops) {
    const x1 = op.input1 === undefined ? undefined : bytesOf(op.input1).slice();
    region.set(runOp(model, op, bytesOf(op.input0).slice(), x1), model.tensors[op.output]!.offset);
  }
  return bytesOf(model.output).slice();
}
