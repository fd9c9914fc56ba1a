// CONCAT, docs/SPEC.md: each input, rescaled onto the output grid by its own multiplier
// (v = (q − z_i)·mult_i, out = clamp(z_out + requant(v, 1, shift))), goes into the next
// channels of every output pixel.
import type { QOp, QTensor } from "../../format/model.js";
import { clampOut, requant } from "./requant.js";

export function concat(op: QOp, inputs: QTensor[], output: QTensor, xs: Int8Array[]): Int8Array {
  const pixels = output.height * output.width;
  const y = new Int8Array(pixels * output.channels);
  let at = 0;
  inputs.forEach((input, i) => {
    const c = input.channels;
    const x = xs[i]!;
    const mult = BigInt(op.mults![i]!);
    for (let p = 0; p < pixels; p++) {
      for (let k = 0; k < c; k++) {
        const v = BigInt(x[p * c + k]! - input.zeroPoint) * mult;
        y[p * output.channels + at + k] = clampOut(output.zeroPoint, requant(v, 1, op.shift), op.actMin, op.actMax);
      }
    }
    at += c;
  });
  return y;
}
