// ADD (residual), docs/SPEC.md: v = (qa − z_a)·mult0 + (qb − z_b)·mult1 in 64 bits, then
// out = clamp(z_out + ((v + 2^(shift−1)) >> shift)), i.e. requant(v, 1, shift).
import type { QOp, QTensor } from "../../format/model.js";
import { clampOut, requant } from "./requant.js";

export function add(op: QOp, a: QTensor, b: QTensor, output: QTensor, xa: Int8Array, xb: Int8Array): Int8Array {
  const y = new Int8Array(xa.length);
  const m0 = BigInt(op.mult0!);
  const m1 = BigInt(op.mult1!);
  for (let k = 0; k < y.length; k++) {
    const v = BigInt(xa[k] - a.zeroPoint) * m0 + BigInt(xb[k] - b.zeroPoint) * m1;
    y[k] = clampOut(output.zeroPoint, requant(v, 1, op.shift), op.actMin, op.actMax);
  }
  return y;
}
