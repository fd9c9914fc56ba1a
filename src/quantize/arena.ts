// Stand-in arena planner until src/plan lands: every tensor gets its own 16-aligned slot.
import type { QModel } from "../format/model.js";
import { tensorBytes } from "../format/model.js";

export function planModel(model: QModel): QModel {
  let at = 0;
  const tensors = model.tensors.map((t) => {
    const offset = at;
    at += Math.ceil(tensorBytes(t) / 16) * 16;
    return { ...t, offset };
  });
  return { ...model, tensors, activationBytes: at };
}
