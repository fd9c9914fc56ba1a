// ReduceMean over spatial axes: an average pool whose window is the whole axis (both axes of a
// map: GlobalAveragePool), as PyTorch exports x.mean(dim) and adaptive pooling to 1.
import { sameShape } from "../../graph/shapes.js";
import type { Converter } from "../node.js";
import { onnxDims, onnxShapeText } from "../state.js";
import { infoOfDims, normalizeAxis } from "./reshape.js";

export const reduceMean: Converter = (node) => {
  const x = node.map(0);
  const { info } = node.value(0);
  const given = node.axes(1);
  if (given === undefined) throw node.error("ReduceMean without axes averages the batch axis too; only spatial axes can be averaged");
  const axes = [...new Set(given.map((axis) => normalizeAxis(node, axis, x.rank)))];
  const spatial = x.rank === 4 ? [2, 3] : [2];
  if (axes.some((axis) => !spatial.includes(axis))) {
    throw node.error(`axes [${given.join(", ")}] of ${onnxShapeText(info)}: only the spatial axes [${spatial.join(", ")}] can be averaged (an average pool)`);
  }
  const input = onnxDims(info);
  const keepdims = node.int("keepdims", 1) !== 0;
  const target = infoOfDims(node, keepdims ? input.map((d, i) => (axes.includes(i) ? 1 : d)) : input.filter((_, i) => !axes.includes(i)));
  // The W axis holds L for a 1-D map.
  const overH = x.rank === 4 && axes.includes(2);
  const overW = x.rank === 3 || axes.includes(3);
  const { height: H, width: W, channels } = x.shape;
  const pooled = { height: overH ? 1 : H, width: overW ? 1 : W, channels };
  if (!sameShape(pooled, target.shape)) {
    throw node.error(`averaging axes [${axes.join(", ")}] without keepdims leaves [${onnxDims(target).join(", ")}], which is not laid out as the pooled map; use keepdims = 1`);
  }
  const base = node.nodeBase([x.name]);
  if (pooled.height === 1 && pooled.width === 1) node.emit({ op: "global_avg_pool", ...base }, { rank: target.rank });
  else node.emit({ op: "avg_pool", ...base, kernel: [overH ? H : 1, overW ? W : 1], stride: [1, 1], pads: [0, 0, 0, 0] }, { rank: target.rank });
};
