// Softmax and LogSoftmax over the channels (axis 1): each pixel's channels in the NHWC graph, the
// features of a [1, F] vector. Before opset 13 the axis also takes every axis after it, so on a
// map it is over the channels only when the map is 1×1.
import type { SimpleNode } from "../../graph/ir.js";
import type { Converter } from "../node.js";
import { onnxShapeText } from "../state.js";

export const softmax = (op: Extract<SimpleNode["op"], "softmax" | "log_softmax">): Converter => (node) => {
  const { name, info } = node.value(0);
  const coerced = node.opset < 13; // the input flattened to 2-D at `axis`
  const given = node.int("axis", coerced ? 1 : -1);
  const axis = given < 0 ? given + info.rank : given;
  const pixels = info.shape.height * info.shape.width;
  const shape = onnxShapeText(info);
  if (axis !== 1) throw node.error(`a ${node.op} over axis ${given} of ${shape} is not supported; only over the channels (axis 1)`);
  if (coerced && info.rank > 2 && pixels > 1) {
    throw node.error(
      `a ${node.op} over all ${info.shape.channels * pixels} values of ${shape} at once (opset ${node.opset}: axis 1 and every axis after it) ` +
        "is not supported; only over the channels, which before opset 13 means a [1, C] or [1, C, 1, 1] input",
    );
  }
  node.emit({ op, ...node.nodeBase([name]) });
};
