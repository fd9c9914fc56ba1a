// The stream flavour's arena (docs/ABI.md): what a kernel that reads the model in slices keeps
// in linear memory, and the least any placement can get away with.
//
//   32                       the model input's and output's tensor records, kept by load()
//                            (every other record is read from the model before its op runs)
//   activation_bytes         the activations, as the arena planner placed them
//   scratch                  one block of filters' bias, multipliers and weights at a time
//   READ_SLACK               bytes SIMD tail loads may touch
//
// A block of F filters of B weight bytes each takes 2·align16(4F) + F·B bytes; the kernel puts
// as many filters in a block as the scratch holds (whole groups of four: its inner loops take
// filters four at a time), so a bigger scratch means fewer passes over the output pixels
// (fewer instructions) and more RAM. Measured on ResNet-20 (Cortex-M4, firmware/README.md):
// one filter per block costs 2.9× the instructions of whole layers, four filters 1.03×.
// Every region is a multiple of 16 bytes.
import { READ_SLACK, SCRATCH_BLOCK_OVERHEAD, TENSOR_RECORD_SIZE } from "../format/constants.js";
import { align16 } from "../format/layout.js";
import type { QModel } from "../format/model.js";
import { filterBytes, hasFilters } from "../ops/table.js";
import { liveBytesLowerBound } from "./arena.js";

/**
 * How much scratch to give the kernel: "min" (one filter of the largest conv-like op: the least
 * RAM), "default" (four filters: nearly the speed of whole layers), "layer" (every layer's
 * filters in one block), or a byte count.
 */
export type ScratchChoice = "min" | "default" | "layer" | number;

export interface StreamArena {
  /** The records load() keeps in the arena: the model input's and output's (2 × 16 bytes). */
  headBytes: number;
  /** The planned activation region, and the lower bound no placement beats. */
  activationBytes: number;
  activationLowerBound: number;
  /** The scratch chosen; the least that holds one filter of the largest conv-like op; four; every layer whole. */
  scratchBytes: number;
  minScratchBytes: number;
  defaultScratchBytes: number;
  layerScratchBytes: number;
  slackBytes: number;
  /** headBytes + activationBytes + scratchBytes + slackBytes: the arena of a right-sized stream kernel. */
  arenaBytes: number;
  /** headBytes + activationLowerBound + minScratchBytes + slackBytes. */
  lowerBound: number;
}

/** Bytes of scratch a block of `filters` filters of `filterBytes` bytes each takes. */
export function blockBytes(filters: number, filterBytes: number): number {
  return 2 * align16(4 * filters) + filters * filterBytes;
}

/** Each conv-like op's filter count and bytes per filter. */
function filterShapes(model: QModel): { filters: number; filterBytes: number }[] {
  return model.ops.filter((op) => hasFilters(op.kind)).map((op) => ({
    filters: model.tensors[op.output]!.channels,
    filterBytes: filterBytes(op, model.tensors[op.input0]!),
  }));
}

/** The scratch that holds `filters` filters (at most each op's own count) of every conv-like op. */
const scratchFor = (shapes: { filters: number; filterBytes: number }[], filters: number): number =>
  Math.max(0, ...shapes.map((s) => blockBytes(Math.min(filters, s.filters), s.filterBytes)));

/** The stream flavour's arena for `model` (which must carry its arena plan) with the scratch `choice`. */
export function streamArena(model: QModel, choice: ScratchChoice = "default"): StreamArena {
  const shapes = filterShapes(model);
  const minScratchBytes = scratchFor(shapes, 1);
  const defaultScratchBytes = scratchFor(shapes, 4);
  const layerScratchBytes = scratchFor(shapes, Infinity);
  let scratchBytes: number;
  if (choice === "min") scratchBytes = minScratchBytes;
  else if (choice === "default") scratchBytes = defaultScratchBytes;
  else if (choice === "layer") scratchBytes = layerScratchBytes;
  else {
    if (!Number.isInteger(choice) || choice < minScratchBytes) {
      throw new Error(`scratch of ${choice} bytes: the stream kernel needs at least ${minScratchBytes} (one filter of the largest conv-like op + ${SCRATCH_BLOCK_OVERHEAD} bytes of bias and multiplier)`);
    }
    scratchBytes = choice;
  }
  const headBytes = 2 * TENSOR_RECORD_SIZE;
  // the arena is a multiple of 16: the scratch takes the activations' odd bytes (it starts right after them)
  scratchBytes = align16(headBytes + model.activationBytes + scratchBytes + READ_SLACK) - (headBytes + model.activationBytes + READ_SLACK);
  const activationLowerBound = liveBytesLowerBound(model);
  return {
    headBytes,
    activationBytes: model.activationBytes,
    activationLowerBound,
    scratchBytes,
    minScratchBytes: align16(minScratchBytes),
    defaultScratchBytes: align16(defaultScratchBytes),
    layerScratchBytes: align16(layerScratchBytes),
    slackBytes: READ_SLACK,
    arenaBytes: headBytes + model.activationBytes + scratchBytes + READ_SLACK,
    lowerBound: headBytes + activationLowerBound + align16(minScratchBytes) + READ_SLACK,
  };
}
