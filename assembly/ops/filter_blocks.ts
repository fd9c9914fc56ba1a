// Blocks of filters: the unit in which conv-like ops take their parameters.
//
// Arena flavour: a block is up to FILTER_CHUNK filters, read in place in the params section.
// Stream flavour: a block is as many filters as the scratch holds, its bias, multipliers and
// weights read through the embedder (three contiguous slices of the model; a depthwise block's
// weights are one slice per kernel tap) before the block's outputs are computed; every weight
// is read once per invoke.
import { FORMAT_ALIGN, SCRATCH_BLOCK_OVERHEAD, O_WEIGHTS, O_BIAS, O_MULT } from "../../src/format/constants";
import { STREAMED, readModel } from "../engine/source";
import { paramsBase, scratchBase, scratchSize } from "../engine/state";
import { FILTER_CHUNK } from "./scratch";

@inline function align16(n: usize): usize {
  return (n + (FORMAT_ALIGN - 1)) & ~(<usize>FORMAT_ALIGN - 1);
}

/** Scratch the smallest block (one filter of `filterBytes`) needs; 0 when there is no conv-like op. */
export function minScratchBytes(filterBytes: i32): i32 {
  return filterBytes == 0 ? 0 : SCRATCH_BLOCK_OVERHEAD + filterBytes;
}

/** Scratch bytes a block of `filters` filters of `filterBytes` each takes (bias, mult, weights). */
@inline function blockBytes(filters: i32, filterBytes: i32): usize {
  return 2 * align16(<usize>filters << 2) + <usize>filters * <usize>filterBytes;
}

/** Filters per block for an op with `n` filters of `filterBytes` each. */
export function blockFilters(n: i32, filterBytes: i32): i32 {
  const cap = min(n, FILTER_CHUNK);
  if (!STREAMED) return cap;
  // blockBytes(F) ≤ 8·F + 32 + F·filterBytes, so `fit` filters fit; a few more may (the
  // alignment of the bias and mult arrays is less than 32 bytes): take the largest that does.
  // load() checked that the scratch holds one filter.
  let fit = <i32>((scratchSize - SCRATCH_BLOCK_OVERHEAD) / <usize>(filterBytes + 8));
  while (fit < cap && blockBytes(fit + 1, filterBytes) <= scratchSize) fit++;
  // the inner loops take filters four at a time (a smaller group repeats its last filter):
  // whole groups of four when the scratch holds one
  return fit >= cap ? cap : fit >= 4 ? fit & ~3 : max(1, fit);
}

/** Where the current block's parameters are (set by fetchBlock and fetchChannels). */
export let blockWeights: usize = 0;
export let blockBias: usize = 0;
export let blockMult: usize = 0;
/** Depthwise ops: tap t's weights of the block's channels are at blockWeights + t·blockTapStride. */
export let blockTapStride: usize = 0;

/** Make filters [n, n + filters) of `op` the current block; false when the embedder could not read them. */
export function fetchBlock(op: usize, n: i32, filters: i32, filterBytes: i32): bool {
  // filter n's weights follow filter n − 1's: one slice
  const bytes = <usize>filters * <usize>filterBytes;
  return fetchSlices(op, n, filters, <usize>n * <usize>filterBytes, bytes, 1, 0);
}

/**
 * Depthwise ops, weights [t][c] for `taps` taps of `channels` channels: make channels
 * [n, n + count) the current block. In place (arena flavour) a tap's weights are `channels`
 * apart; read to the scratch, one slice of `count` bytes per tap (one slice in all when the
 * block is every channel), `count` apart.
 */
export function fetchChannels(op: usize, n: i32, count: i32, taps: i32, channels: i32): bool {
  const whole = count == channels;
  blockTapStride = STREAMED ? <usize>count : <usize>channels;
  return whole
    ? fetchSlices(op, n, count, 0, <usize>taps * <usize>channels, 1, 0)
    : fetchSlices(op, n, count, <usize>n, <usize>count, taps, <usize>channels);
}

/**
 * Filters [n, n + filters)' bias and multipliers, and their weights: `slices` slices of
 * `sliceBytes` bytes, `stride` apart from byte `first` of the op's weights (in place, or read to
 * the scratch one after the other).
 */
function fetchSlices(op: usize, n: i32, filters: i32, first: usize, sliceBytes: usize, slices: i32, stride: usize): bool {
  const weights = <usize>load<u32>(op + O_WEIGHTS) + first;
  const bias = <usize>load<u32>(op + O_BIAS) + (<usize>n << 2);
  const mult = <usize>load<u32>(op + O_MULT) + (<usize>n << 2);
  if (!STREAMED) {
    blockWeights = paramsBase + weights;
    blockBias = paramsBase + bias;
    blockMult = paramsBase + mult;
    return true;
  }
  const arrayBytes = <usize>filters << 2;
  blockBias = scratchBase;
  blockMult = blockBias + align16(arrayBytes);
  blockWeights = blockMult + align16(arrayBytes);
  if (!readModel(blockBias, arrayBytes, paramsBase + bias) || !readModel(blockMult, arrayBytes, paramsBase + mult)) return false;
  for (let s = 0; s < slices; s++) {
    if (!readModel(blockWeights + <usize>s * sliceBytes, sliceBytes, paramsBase + weights + <usize>s * stride)) return false;
  }
  return true;
}
