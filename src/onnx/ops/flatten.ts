// Flatten (axis 0 or 1) and Reshape to [1, N]: a feature map becomes a vector in NHWC order
// (docs/ONNX.md); what is already flat stays as it is (an alias, no node).
import type { Converter, OnnxNode } from "../node.js";
import { onnxShapeText } from "../state.js";

function flattenInput(node: OnnxNode, name: string): void {
  const { info } = node.value(0);
  if (info.rank === 2) return node.alias(name);
  node.emit({ op: "flatten", ...node.nodeBase([name]) });
}

export const flatten: Converter = (node) => {
  const { name } = node.value(0);
  const axis = node.int("axis", 1);
  if (axis !== 0 && axis !== 1) throw node.error(`axis = ${axis} is not supported (only 0 or 1, flattening to [1, N])`);
  flattenInput(node, name);
};

export const reshape: Converter = (node) => {
  const { name, info } = node.value(0);
  const { channels, height, width } = info.shape;
  const inputDims = info.rank === 4 ? [1, channels, height, width] : [1, channels];
  const total = channels * height * width;
  const target = Array.from(node.constant(1, "shape").values);
  const resolved = target.map((d, i) => (d === 0 ? inputDims[i]! : d));
  const known = resolved.filter((d) => d !== -1).reduce((p, d) => p * d, 1);
  const dims = resolved.map((d) => (d === -1 ? total / known : d));
  if (dims.length !== 2 || dims[0] !== 1 || dims[1] !== total) {
    throw node.error(`reshape of ${onnxShapeText(info)} to [${target.join(", ")}] is not supported; only flattening to [1, -1] or [1, ${total}]`);
  }
  flattenInput(node, name);
};
