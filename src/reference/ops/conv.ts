// CONV2D and DENSE (int8 multiply), docs/SPEC.md: acc = Σ (qx − z_x)·qw; padded taps add 0.
import type { QOp, QTensor } from "../../format/model.js";
import { type TapRule, convLike, denseShape } from "./window.js";

export const multiply: TapRule = {
  inBounds(x, xAt, w, wAt, channels, zx) {
    let sum = 0;
    for (let c = 0; c < channels; c++) sum += (x[xAt + c] - zx) * w[wAt + c];
    return sum;
  },
  padded: () => 0,
};

export function conv2d(op: QOp, input: QTensor, output: QTensor, x: Int8Array): Int8Array {
  return convLike(op, input, input.zeroPoint, output, x, multiply);
}

export function dense(op: QOp, input: QTensor, output: QTensor, x: Int8Array): Int8Array {
  return convLike(op, denseShape(input), input.zeroPoint, output, x, multiply);
}
