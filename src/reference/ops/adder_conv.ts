// ADDER_CONV2D and ADDER_DENSE, docs/SPEC.md: acc = −Σ |qx' − qw|, where a padded tap holds
// qx' = z_x (the real value 0) and so contributes |z_x − qw|, not zero.
import type { QOp, QTensor } from "../../format/model.js";
import { type TapRule, convLike, denseShape } from "./window.js";

export const adder: TapRule = {
  inBounds(x, xAt, w, wAt, channels) {
    let sum = 0;
    for (let c = 0; c < channels; c++) sum += Math.abs(x[xAt + c] - w[wAt + c]);
    return -sum;
  },
  padded(w, wAt, channels, zx) {
    let sum = 0;
    for (let c = 0; c < channels; c++) sum += Math.abs(zx - w[wAt + c]);
    return -sum;
  },
};

export function adderConv2d(op: QOp, input: QTensor, output: QTensor, x: Int8Array): Int8Array {
  return convLike(op, input, input.zeroPoint, output, x, adder);
}

export function adderDense(op: QOp, input: QTensor, output: QTensor, x: Int8Array): Int8Array {
  return convLike(op, denseShape(input), input.zeroPoint, output, x, adder);
}
