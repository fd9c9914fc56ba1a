// Turning .npy arrays into the engine's per-sample NHWC float inputs and labels.
//
// Arrays come in the layout of the model they were made for: ONNX/PyTorch images are NCHW
// ([N, C, H, W], or [C, H, W] for one sample); `layout: "nhwc"` reads [N, H, W, C] instead.

import type { Shape } from "../graph/ir.js";
import { readFile } from "./files.js";
import { npyToFloat32, npyToInt32, readNpy } from "./npy.js";

export type ImageLayout = "nchw" | "nhwc";

const shapeText = (s: Shape) => `${s.height}x${s.width}x${s.channels}`;

/** The samples of one .npy file as NHWC Float32Arrays of `shape`. */
export function samplesFromNpy(path: string, shape: Shape, layout: ImageLayout): Float32Array[] {
  const array = readNpy(readFile(path, "input array"));
  const data = npyToFloat32(array);
  const perSample = shape.height * shape.width * shape.channels;
  const dims = array.shape;
  const expected = layout === "nchw" ? [shape.channels, shape.height, shape.width] : [shape.height, shape.width, shape.channels];
  const sampleDims = dims.length === expected.length ? dims : dims.slice(1);
  if (sampleDims.length !== 3 || sampleDims.some((d, i) => d !== expected[i]) || dims.length > 4) {
    throw new Error(
      `"${path}": expected ${layout.toUpperCase()} samples of shape [N, ${expected.join(", ")}] ` +
        `(model input ${shapeText(shape)} HWC), found [${dims.join(", ")}]` +
        (layout === "nchw" ? "; pass --layout nhwc if the array is NHWC" : ""),
    );
  }
  const count = data.length / perSample;
  const samples: Float32Array[] = [];
  for (let n = 0; n < count; n++) {
    const src = data.subarray(n * perSample, (n + 1) * perSample);
    samples.push(layout === "nhwc" ? Float32Array.from(src) : nchwToNhwc(src, shape));
  }
  return samples;
}

function nchwToNhwc(src: Float32Array, s: Shape): Float32Array {
  const out = new Float32Array(src.length);
  for (let c = 0; c < s.channels; c++) {
    for (let h = 0; h < s.height; h++) {
      for (let w = 0; w < s.width; w++) out[(h * s.width + w) * s.channels + c] = src[(c * s.height + h) * s.width + w]!;
    }
  }
  return out;
}

/** Integer class labels from a 1-D .npy array. */
export function labelsFromNpy(path: string): Int32Array {
  const array = readNpy(readFile(path, "label array"));
  if (array.shape.length !== 1) throw new Error(`"${path}": expected a 1-D label array, found shape [${array.shape.join(", ")}]`);
  return npyToInt32(array);
}
