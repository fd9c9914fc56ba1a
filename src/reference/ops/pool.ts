// MAX_POOL, AVG_POOL, GLOBAL_AVG_POOL (docs/SPEC.md). Padded taps are ignored; the output keeps
// the input's grid.
import type { QOp, QTensor } from "../../format/model.js";

const clamp = (v: number, lo: number, hi: number): number => Math.min(Math.max(v, lo), hi);

/** ⌊a / b⌋ for integers, b > 0 (exact for |a| < 2^53). */
export function floorDiv(a: number, b: number): number {
  let q = Math.floor(a / b);
  if (q * b > a) q--;
  else if ((q + 1) * b <= a) q++;
  return q;
}

/** The mean of `count` values summing to `sum`, rounded half up: ⌊(2·S + n) / (2·n)⌋. */
export const roundedMean = (sum: number, count: number): number => floorDiv(2 * sum + count, 2 * count);

/** Visits each output pixel and channel with the in-bounds taps of its window. */
function pool(op: QOp, input: QTensor, output: QTensor, x: Int8Array, reduce: (taps: number[]) => number): Int8Array {
  const { height: H, width: W, channels: C } = input;
  const y = new Int8Array(output.height * output.width * C);
  const taps: number[] = [];
  for (let oh = 0; oh < output.height; oh++) {
    for (let ow = 0; ow < output.width; ow++) {
      for (let c = 0; c < C; c++) {
        taps.length = 0;
        for (let i = 0; i < op.kernelH; i++) {
          const ih = oh * op.strideH + i * op.dilationH - op.padTop;
          for (let j = 0; j < op.kernelW; j++) {
            const iw = ow * op.strideW + j * op.dilationW - op.padLeft;
            if (ih >= 0 && ih < H && iw >= 0 && iw < W) taps.push(x[(ih * W + iw) * C + c]);
          }
        }
        y[(oh * output.width + ow) * C + c] = clamp(reduce(taps), op.actMin, op.actMax);
      }
    }
  }
  return y;
}

export const maxPool = (op: QOp, input: QTensor, output: QTensor, x: Int8Array): Int8Array =>
  pool(op, input, output, x, (taps) => Math.max(...taps));

export const avgPool = (op: QOp, input: QTensor, output: QTensor, x: Int8Array): Int8Array =>
  pool(op, input, output, x, (taps) => roundedMean(taps.reduce((s, v) => s + v, 0), taps.length));

export function globalAvgPool(op: QOp, input: QTensor, _output: QTensor, x: Int8Array): Int8Array {
  const C = input.channels;
  const count = input.height * input.width;
  const y = new Int8Array(C);
  for (let c = 0; c < C; c++) {
    let sum = 0;
    for (let p = 0; p < count; p++) sum += x[p * C + c];
    y[c] = clamp(roundedMean(sum, count), op.actMin, op.actMax);
  }
  return y;
}
