// CHANNEL_AFFINE, docs/SPEC.md: on channel c, with v = x − z_x,
//   out = clamp(z_out + requant(v·(v < 0 ? mult_neg[c] : mult[c]) + bias[c], 1, shift), act_min, act_max).
import type { QOp, QTensor } from "../../format/model.js";
import { clampOut, requant } from "./requant.js";

export function channelAffine(op: QOp, input: QTensor, output: QTensor, x: Int8Array): Int8Array {
  const C = input.channels;
  return Int8Array.from(x, (q, k) => {
    const c = k % C;
    const v = q - input.zeroPoint;
    const m = v < 0 ? op.multNegative![c]! : op.mult![c]!;
    return clampOut(output.zeroPoint, requant(BigInt(v) * BigInt(m) + BigInt(op.bias![c]!), 1, op.shift), op.actMin, op.actMax);
  });
}
