// Relu and Clip ([0, 6] is ReLU6, [0, +inf) ReLU): the output clamp of the node before them, or a
// standalone activation (src/onnx/fuse.ts).
import type { Activation } from "../../graph/ir.js";
import type { Converter, OnnxNode } from "../node.js";

export const relu: Converter = (node) => node.fuse({ kind: "activation", activation: "relu" });

export const clip: Converter = (node) => node.fuse({ kind: "activation", activation: clipActivation(node) });

function clipActivation(node: OnnxNode): Activation {
  // Opset < 11: attributes min/max; opset >= 11: optional constant inputs 1 and 2.
  const bound = (position: number, attribute: string, fallback: number): number => {
    if (node.hasAttribute(attribute)) return node.float(attribute, fallback);
    if (!node.hasInput(position)) return fallback;
    const constant = node.constant(position, attribute);
    if (constant.values.length !== 1) throw node.error(`${attribute} must be a scalar`);
    return constant.values[0]!;
  };
  const min = bound(1, "min", -Infinity);
  const max = bound(2, "max", Infinity);
  if (min === 0 && max === 6) return "relu6";
  if (min === 0 && max === Infinity) return "relu";
  throw node.error(`Clip range [${min}, ${max}] is not supported; supported: [0, 6] (ReLU6) and [0, +inf) (ReLU)`);
}
