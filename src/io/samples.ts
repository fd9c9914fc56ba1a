// Turning .npy arrays into the engine's per-sample NHWC float inputs and labels.
//
// Arrays come in the layout of the model they were made for: ONNX/PyTorch images are NCHW
// ([N, C, H, W], or [C, H, W] for one sample; 1-D maps [N, C, L], vectors [N, F]); `layout:
// "nhwc"` reads [N, H, W, C] (and [N, L, C]) instead.

import type { Shape, ValueRank } from "../graph/ir.js";
import { readFile } from "./files.js";
import { type ImageLayout, layoutDims, toNhwc } from "./layout.js";
import { npyToFloat32, npyToInt32, readNpy } from "./npy.js";

export type { ImageLayout };

const shapeText = (s: Shape) => `${s.height}x${s.width}x${s.channels}`;

/**
 * The dims one sample may have for an input of `shape`: [C, H, W] (NCHW; [H, W, C] for NHWC),
 * and when H = 1 the 1-D map [C, W], and when H = W = 1 the vector [C].
 */
function sampleDimsChoices(shape: Shape, layout: ImageLayout): number[][] {
  const ranks: ValueRank[] = [4];
  if (shape.height === 1) ranks.push(3);
  if (shape.height === 1 && shape.width === 1) ranks.push(2);
  return ranks.map((rank) => layoutDims(shape, rank, layout).slice(1));
}

const sameDims = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((d, i) => d === b[i]);

/** The samples of one .npy file (one sample, or a batch along the first axis) as NHWC Float32Arrays of `shape`. */
export function samplesFromNpy(path: string, shape: Shape, layout: ImageLayout): Float32Array[] {
  const array = readNpy(readFile(path, "input array"));
  const data = npyToFloat32(array);
  const perSample = shape.height * shape.width * shape.channels;
  const dims = array.shape;
  const choices = sampleDimsChoices(shape, layout);
  const fits = choices.some((sample) => sameDims(dims, sample) || sameDims(dims.slice(1), sample));
  if (!fits) {
    const forms = choices.map((sample) => `[N, ${sample.join(", ")}]`).join(" or ");
    throw new Error(
      `"${path}": expected ${layout.toUpperCase()} samples of shape ${forms} ` +
        `(model input ${shapeText(shape)} HWC), found [${dims.join(", ")}]` +
        (layout === "nchw" ? "; pass --layout nhwc if the array is NHWC" : ""),
    );
  }
  const count = data.length / perSample;
  const samples: Float32Array[] = [];
  for (let n = 0; n < count; n++) samples.push(toNhwc(data.subarray(n * perSample, (n + 1) * perSample), shape, layout));
  return samples;
}

/** Integer class labels from a 1-D .npy array. */
export function labelsFromNpy(path: string): Int32Array {
  const array = readNpy(readFile(path, "label array"));
  if (array.shape.length !== 1) throw new Error(`"${path}": expected a 1-D label array, found shape [${array.shape.join(", ")}]`);
  return npyToInt32(array);
}
