// Flatten, Reshape, Squeeze, Unsqueeze and Transpose of computed values: each gives the value new
// ONNX dims, which keep its elements in their order. The Graph holds a value in NHWC order, so
// what that takes depends on the shapes (reshapeTo):
//   * the same NHWC shape under another rank ([1, C, 1, L] and [1, C, L]; [1, C, 1, 1] and
//     [1, C]): an alias, no node;
//   * another shape whose NHWC bytes are in the same order (the same C and H·W, as [1, C, L] and
//     [1, C, L, 1]; or C = 1 or H·W = 1 on both sides): a reshape node, which copies the bytes;
//   * a vector [1, F] of a map with C > 1 and H·W > 1: a flatten node, whose values are then in
//     NHWC order (h, w, c) rather than ONNX's (c, h, w); a dense layer reading it has its columns
//     permuted to match (gemm.ts), and at the graph output the flatten is undone (import.ts);
//   * anything else would reorder values and is refused.
// The batch axis stays first: the Graph is for one sample (graph_input.ts).
import type { Shape } from "../../graph/ir.js";
import { sameShape, shapeSize } from "../../graph/shapes.js";
import type { Converter, OnnxNode } from "../node.js";
import { onnxDims, onnxShapeText, type ValueInfo } from "../state.js";

/** The value's NHWC bytes are also its NCHW order. */
const storedInNchwOrder = (s: Shape): boolean => s.channels === 1 || s.height * s.width === 1;

/** Two shapes whose NHWC bytes order the elements alike (as NCHW would). */
const sameStorageOrder = (a: Shape, b: Shape): boolean =>
  (storedInNchwOrder(a) && storedInNchwOrder(b)) || (a.channels === b.channels && a.height * a.width === b.height * b.width);

/** The shape and rank of ONNX dims [1, …] (batch first, already 1). */
export function infoOfDims(node: OnnxNode, dims: number[]): Omit<ValueInfo, "flattenedFrom"> {
  if (dims[0] !== 1) throw node.error(`the result [${dims.join(", ")}] does not keep the batch axis first; only reshapes of each sample are supported`);
  if (dims.length === 2) return { rank: 2, shape: { height: 1, width: 1, channels: dims[1]! } };
  if (dims.length === 3) return { rank: 3, shape: { height: 1, width: dims[2]!, channels: dims[1]! } };
  if (dims.length === 4) return { rank: 4, shape: { height: dims[2]!, width: dims[3]!, channels: dims[1]! } };
  throw node.error(`the result [${dims.join(", ")}] has rank ${dims.length}; supported: 2, 3 or 4`);
}

/** Output 0 is input 0 under the ONNX dims `dims` (batch first, 1). */
export function reshapeTo(node: OnnxNode, dims: number[]): void {
  const { name, info } = node.value(0);
  const target = infoOfDims(node, dims);
  if (shapeSize(target.shape) !== shapeSize(info.shape)) throw node.error(`[${dims.join(", ")}] does not hold the ${shapeSize(info.shape)} values of ${onnxShapeText(info)}`);
  // The map whose NHWC order the bytes follow.
  const order = info.flattenedFrom ?? info.shape;
  if (target.rank === 2) {
    const flattenedFrom = storedInNchwOrder(order) ? undefined : order;
    if (sameShape(info.shape, target.shape)) return node.alias(name, { ...target, ...(flattenedFrom && { flattenedFrom }) });
    node.emit({ op: "flatten", ...node.nodeBase([name]) }, { rank: 2, ...(flattenedFrom && { flattenedFrom }) });
    return;
  }
  if (!sameStorageOrder(order, target.shape)) {
    const from = info.flattenedFrom ? `${onnxShapeText(info)} (flattened from a [1, ${info.flattenedFrom.channels}, ${info.flattenedFrom.height}, ${info.flattenedFrom.width}] map)` : onnxShapeText(info);
    throw node.error(`${from} to [${dims.join(", ")}] would move values across channels; supported: flattening, and reshapes that keep the channels and the order of positions (e.g. [1, C, L] and [1, C, 1, L] or [1, C, L, 1])`);
  }
  if (sameShape(info.shape, target.shape)) return node.alias(name, target);
  node.emit({ op: "flatten", ...node.nodeBase([name]), shape: target.shape }, { rank: target.rank });
}

/** The value's ONNX dims with the batch it was exported with. */
function exportedDims(node: OnnxNode, info: ValueInfo): number[] {
  const dims = onnxDims(info);
  dims[0] = node.exportedBatch;
  return dims;
}

/** An axis in [0, rank), from ONNX's [−rank, rank). */
export function normalizeAxis(node: OnnxNode, axis: number, rank: number): number {
  if (axis < -rank || axis >= rank) throw node.error(`axis ${axis} is out of range for rank ${rank}`);
  return axis < 0 ? axis + rank : axis;
}

export const flatten: Converter = (node) => {
  const { info } = node.value(0);
  // ONNX's Flatten takes an axis in [−rank, rank].
  const given = node.int("axis", 1);
  const axis = given < 0 ? given + info.rank : given;
  if (axis < 0 || axis > info.rank) throw node.error(`axis ${given} is out of range for rank ${info.rank}`);
  if (axis === 0 && node.exportedBatch > 1) throw node.error(`axis = 0 flattens the batch of ${node.exportedBatch} samples into one; only axis = 1 keeps them apart`);
  if (axis > 1) throw node.error(`axis = ${axis} is not supported (only 0 or 1, flattening each sample to [1, N])`);
  reshapeTo(node, [1, shapeSize(info.shape)]);
};

export const reshape: Converter = (node) => {
  const { info } = node.value(0);
  const input = exportedDims(node, info);
  const target = Array.from(node.constant(1, "shape").values);
  if (node.int("allowzero", 0) !== 0 && target.includes(0)) throw node.error("allowzero = 1 with a 0 in the shape is not supported");
  // 0 copies the input's dim at that index; one −1 takes what is left.
  const resolved = target.map((d, i) => (d === 0 ? input[i]! : d));
  const total = input.reduce((p, d) => p * d, 1);
  const known = resolved.filter((d) => d !== -1).reduce((p, d) => p * d, 1);
  const dims = resolved.map((d) => (d === -1 ? total / known : d));
  if (dims.some((d) => !Number.isInteger(d) || d < 1) || dims.reduce((p, d) => p * d, 1) !== total) {
    throw node.error(`shape [${target.join(", ")}] does not fit the input [${input.join(", ")}]`);
  }
  if (dims[0] !== node.exportedBatch) throw node.error(`reshape of [${input.join(", ")}] to [${dims.join(", ")}] mixes samples of the batch; only reshapes of each sample ([${node.exportedBatch}, …]) are supported`);
  reshapeTo(node, [1, ...dims.slice(1)]);
};

export const squeeze: Converter = (node) => {
  const { info } = node.value(0);
  const input = exportedDims(node, info);
  const given = node.axes(1);
  if (given === undefined && node.exportedBatch === 1) throw node.error("Squeeze without axes would remove the batch axis; give the axes to squeeze");
  const axes = given === undefined ? input.flatMap((d, i) => (i > 0 && d === 1 ? [i] : [])) : given.map((a) => normalizeAxis(node, a, input.length));
  for (const axis of axes) {
    if (axis === 0) throw node.error("squeezing the batch axis is not supported");
    if (input[axis] !== 1) throw node.error(`axis ${axis} of [${input.join(", ")}] has size ${input[axis]}, not 1`);
  }
  reshapeTo(node, [1, ...input.slice(1).filter((_, i) => !axes.includes(i + 1))]);
};

export const unsqueeze: Converter = (node) => {
  const { info } = node.value(0);
  const input = exportedDims(node, info);
  const given = node.axes(1);
  if (given === undefined) throw node.error("the axes to insert are missing");
  const rank = input.length + given.length;
  const axes = given.map((a) => normalizeAxis(node, a, rank));
  if (axes.includes(0)) throw node.error("inserting an axis before the batch axis is not supported");
  const dims: number[] = [];
  let next = 0;
  for (let i = 0; i < rank; i++) dims.push(axes.includes(i) ? 1 : input[next++]!);
  reshapeTo(node, [1, ...dims.slice(1)]);
};

/** Transpose of a computed value: only one that moves axes of size 1, so the elements keep their order (a reshape). */
export function transposeValue(node: OnnxNode, perm: number[]): void {
  const { info } = node.value(0);
  const input = exportedDims(node, info);
  if (perm[0] !== 0) throw node.error(`perm [${perm.join(", ")}] moves the batch axis`);
  const moved = perm.filter((axis) => input[axis] !== 1);
  if (moved.some((axis, i) => i > 0 && axis < moved[i - 1]!)) {
    throw node.error(`perm [${perm.join(", ")}] of [${input.join(", ")}] reorders the values of a computed tensor; supported: Transpose of a constant (e.g. a weight before MatMul), or one that only moves axes of size 1`);
  }
  reshapeTo(node, [1, ...perm.slice(1).map((axis) => input[axis]!)]);
}
