// LUT, docs/SPEC.md: out = clamp(table[x + 128], act_min, act_max).
import type { QOp } from "../../format/model.js";

export function lut(op: QOp, x: Int8Array): Int8Array {
  const table = op.table!;
  return Int8Array.from(x, (q) => Math.min(Math.max(table[q + 128]!, op.actMin), op.actMax));
}
