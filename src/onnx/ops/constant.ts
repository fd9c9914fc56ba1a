// Constant: a tensor (attributes value, value_float(s), value_int(s)) that later nodes read as an
// initializer; no node.
import type { Converter } from "../node.js";
import { readConstantNode } from "../tensors.js";

export const constant: Converter = (node) => node.defineConstant(readConstantNode(node.attributes(), node.where));
