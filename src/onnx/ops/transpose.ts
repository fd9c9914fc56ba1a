// Transpose: of a constant, folded into a new constant (how older exporters write a Linear without
// bias: MatMul(x, Transpose(W))); of a computed value, only one that moves axes of size 1.
import type { Converter, OnnxNode } from "../node.js";
import type { Constant } from "../tensors.js";
import { transposeValue } from "./reshape.js";

/** The permutation: the attribute `perm`, by default the axes reversed; checked to be one. */
function permutation(node: OnnxNode, rank: number): number[] {
  const perm = node.ints("perm", Array.from({ length: rank }, (_, i) => rank - 1 - i));
  const sorted = [...perm].sort((a, b) => a - b);
  if (perm.length !== rank || sorted.some((axis, i) => axis !== i)) throw node.error(`perm [${perm.join(", ")}] is not a permutation of ${rank} axes`);
  return perm;
}

/** `constant` with its axes permuted: output axis k is input axis perm[k]. */
export function transposeConstant(constant: Constant, perm: number[]): Constant {
  const { dims, values } = constant;
  const outDims = perm.map((axis) => dims[axis]!);
  // Strides of the input, in elements, picked in output order.
  const inStrides = dims.map((_, axis) => dims.slice(axis + 1).reduce((p, d) => p * d, 1));
  const strides = perm.map((axis) => inStrides[axis]!);
  const out = new Float64Array(values.length);
  const index = new Array<number>(outDims.length).fill(0);
  for (let k = 0; k < out.length; k++) {
    out[k] = values[index.reduce((offset, i, axis) => offset + i * strides[axis]!, 0)]!;
    // Next output index, last axis fastest.
    for (let axis = outDims.length - 1; axis >= 0; axis--) {
      if (++index[axis]! < outDims[axis]!) break;
      index[axis] = 0;
    }
  }
  return { dims: outDims, values: out, dataType: constant.dataType };
}

export const transpose: Converter = (node) => {
  if (node.isConstant(0)) {
    const constant = node.constant(0, "data");
    node.defineConstant(transposeConstant(constant, permutation(node, constant.dims.length)));
    return;
  }
  transposeValue(node, permutation(node, node.value(0).info.rank));
};
