// What every runtime must answer for a blob: the host reader's status and offset, whether the
// model fits a kernel's arena (the one rule only the kernel checks), and the output bytes.
import * as C from "../format/constants.js";
import { ModelFormatError } from "../format/errors.js";
import { align16 } from "../format/layout.js";
import { filterBytes, hasFilters } from "../ops/table.js";
import type { QModel } from "../format/model.js";
import { readModel } from "../format/reader.js";
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

