// Concat along channels (axis 1, or −3 of a map, −1 of a vector) of computed tensors of the same
// rank; one input is an alias. A vector flattened from a map with H·W > 1 is in NHWC order, so
// concatenating it would mix orders: refused.
import type { Converter } from "../node.js";
import { onnxShapeText } from "../state.js";

export const concat: Converter = (node) => {
  const count = node.inputCount();
  const values = Array.from({ length: count }, (_, i) => node.value(i));
  if (values.length === 0) throw node.error("no inputs");
  const rank = values[0]!.info.rank;
  const axis = node.int("axis", Number.NaN);
  if (Number.isNaN(axis)) throw node.error("the axis attribute is missing");
  if (axis !== 1 && axis !== 1 - rank) throw node.error(`axis ${axis} is not supported; only channels (axis 1) of [1, C, H, W] maps or [1, F] vectors`);
  const other = values.find((v) => v.info.rank !== rank);
  if (other) throw node.error(`inputs "${values[0]!.name}" ${onnxShapeText(values[0]!.info)} and "${other.name}" ${onnxShapeText(other.info)} differ in rank`);
  const flattened = values.find((v) => v.info.flattenedFrom);
  if (flattened) throw node.error(`input "${flattened.name}" is a flattened feature map (NHWC order in the engine); concatenating it is not supported`);
  if (values.length === 1) return node.alias(node.inputName(0)); // as ONNX sees it: an alias keeps its own rank
  node.emit({ op: "concat", ...node.nodeBase(values.map((v) => v.name)) });
};
