// BatchNormalization (inference): folded into the conv-like node before it by src/onnx/fuse.ts,
// or a channel_affine node of its own where it cannot fold.
import { permuteDenseColumns } from "../../graph/layout.js";
import type { Converter } from "../node.js";

export const batchNormalization: Converter = (node) => {
  const { info } = node.value(0);
  if (node.int("training_mode", 0) !== 0) throw node.error("training_mode = 1 is not supported; export in eval mode");
  if (node.extraOutputsUsed()) throw node.error("the running-statistics outputs are not supported");
  const channels = info.shape.channels;
  // a vector flattened from a map lists its channels in NHWC order, ONNX in (c, h, w) order
  // (it comes from a flatten, so the BatchNorm stands alone)
  const from = info.flattenedFrom;
  const param = (position: number, role: string) => {
    const values = node.perChannel(position, role, channels);
    return from ? permuteDenseColumns(values, 1, from, "nhwc") : values;
  };
  node.fuse({
    kind: "batch_norm",
    batchNorm: { gamma: param(1, "scale"), beta: param(2, "B"), mean: param(3, "input_mean"), variance: param(4, "input_var"), epsilon: node.float("epsilon", 1e-5) },
  });
};
