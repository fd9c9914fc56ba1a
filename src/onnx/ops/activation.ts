// Relu and Clip: the output clamp of the node before them, or a standalone activation
// (src/onnx/fuse.ts), for Relu and the Clip ranges [0, 6] (ReLU6) and [0, +inf) (ReLU); any
// other Clip range is an element-wise clip (a LUT op), and Clip without bounds an alias.
import type { Converter, OnnxNode } from "../node.js";
import { emitElementwise } from "./elementwise.js";

export const relu: Converter = (node) => node.fuse({ kind: "activation", activation: "relu" });

export const clip: Converter = (node) => {
  const { min, max } = clipRange(node);
  if (min === 0 && max === 6) return node.fuse({ kind: "activation", activation: "relu6" });
  if (min === 0 && max === Infinity) return node.fuse({ kind: "activation", activation: "relu" });
  if (min === -Infinity && max === Infinity) {
    node.value(0); // a computed tensor
    return node.alias(node.inputName(0)); // as ONNX sees it: an alias keeps its own rank
  }
  if (!(min <= max)) throw node.error(`Clip range [${min}, ${max}] is empty`);
  emitElementwise(node, { name: "clip", ...(min > -Infinity ? { min } : {}), ...(max < Infinity ? { max } : {}) });
};

function clipRange(node: OnnxNode): { min: number; max: number } {
  // Opset < 11: attributes min/max; opset >= 11: optional constant inputs 1 and 2.
  const bound = (position: number, attribute: string, fallback: number): number => {
    if (node.hasAttribute(attribute)) return node.float(attribute, fallback);
    if (!node.hasInput(position)) return fallback;
    const constant = node.constant(position, attribute);
    if (constant.values.length !== 1) throw node.error(`${attribute} must be a scalar`);
    return constant.values[0]!;
  };
  return { min: bound(1, "min", -Infinity), max: bound(2, "max", Infinity) };
}
