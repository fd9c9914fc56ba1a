// Weight layout: the float graph keeps ONNX's OIHW conv weights; the window loops (the float
// reference, the quantizer, the packed format) read them as [n][i][j][c] (packed depthwise
// weights: [i][j][c]). A dense layer after a
// flatten reads its input in NHWC order, where ONNX flattens in (c, h, w) order.
import type { Shape } from "./ir.js";

/** OIHW → [n][i][j][c]. */
export function oihwToOhwi(weights: ArrayLike<number>, outC: number, inC: number, kh: number, kw: number): Float64Array {
  const out = new Float64Array(outC * kh * kw * inC);
  for (let n = 0; n < outC; n++)
    for (let c = 0; c < inC; c++)
      for (let i = 0; i < kh; i++)
        for (let j = 0; j < kw; j++) out[((n * kh + i) * kw + j) * inC + c] = weights[((n * inC + c) * kh + i) * kw + j]!;
  return out;
}

/**
 * Depthwise weights one channel after the other, [c][t] with t = i·kw + j, → [t][c] (channel
 * fastest): the packed layout, where one tap's weights of consecutive channels are consecutive
 * like the channels of one NHWC input pixel (docs/FORMAT.md).
 */
export function channelsLast(weights: Int8Array, channels: number): Int8Array {
  const taps = weights.length / channels;
  const out = new Int8Array(weights.length);
  for (let c = 0; c < channels; c++) for (let t = 0; t < taps; t++) out[t * channels + c] = weights[c * taps + t]!;
  return out;
}

/**
 * Dense weights [out][in] whose `in` runs over a flattened `map`, with their columns reordered from
 * ONNX's (c, h, w) order to NHWC (h, w, c) order ("nhwc"), or back ("nchw").
 */
export function permuteDenseColumns(weights: Float32Array, outFeatures: number, map: Shape, to: "nhwc" | "nchw"): Float32Array {
  const { channels: C, height: H, width: W } = map;
  const k = C * H * W;
  const out = new Float32Array(weights.length);
  for (let o = 0; o < outFeatures; o++) {
    for (let h = 0; h < H; h++) {
      for (let w = 0; w < W; w++) {
        for (let c = 0; c < C; c++) {
          const nhwc = o * k + (h * W + w) * C + c;
          const nchw = o * k + (c * H + h) * W + w;
          if (to === "nhwc") out[nhwc] = weights[nchw]!;
          else out[nchw] = weights[nhwc]!;
        }
      }
    }
  }
  return out;
}
