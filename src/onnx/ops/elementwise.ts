// The element-wise activations (Sigmoid, Tanh, HardSigmoid, HardSwish, LeakyRelu, Elu, Selu,
// Softplus, Softsign, Neg, Exp, Abs): an `elementwise` node, which the quantizer tabulates on its
// input's grid (a LUT op). Attributes keep their ONNX names and defaults (src/graph/elementwise.ts).
import type { ElementwiseFunction, ElementwiseName } from "../../graph/ir.js";
import type { Converter, OnnxNode } from "../node.js";

/** Emits `fn` applied to input 0. */
export function emitElementwise(node: OnnxNode, fn: ElementwiseFunction): void {
  node.emit({ op: "elementwise", ...node.nodeBase([node.value(0).name]), fn });
}

/** The converter of an ONNX op computing `name`, reading the float attributes it takes. */
export const elementwise = (name: ElementwiseName, attributes: readonly ("alpha" | "beta" | "gamma")[] = []): Converter => (node) => {
  const fn: ElementwiseFunction = { name };
  for (const a of attributes) if (node.hasAttribute(a)) fn[a] = node.float(a, NaN);
  emitElementwise(node, fn);
};
