// MaxPool, AveragePool (2-D, or 1-D on [1, C, L] as a 1×k window; ceil_mode 0, padding excluded
// from the average) and GlobalAveragePool.
import type { PoolNode } from "../../graph/ir.js";
import type { Converter } from "../node.js";
import { spatialPair, windowAttributes } from "./window.js";

export const pool = (op: PoolNode["op"]): Converter => (node) => {
  const x = node.map(0);
  const kernel = spatialPair(node, "kernel_shape", x.spatialAxes);
  if (node.int("ceil_mode", 0) !== 0) throw node.error("ceil_mode = 1 is not supported");
  const window = windowAttributes(node, x.shape, kernel, x.spatialAxes);
  if (window.dilation[0] !== 1 || window.dilation[1] !== 1) throw node.error(`dilations [${node.ints("dilations", []).join(", ")}] are not supported for pooling`);
  if (op === "max_pool" && node.extraOutputsUsed()) throw node.error("the Indices output is not supported");
  // count_include_pad = 1 only matters where there is padding.
  if (op === "avg_pool" && node.int("count_include_pad", 0) !== 0 && window.pads.some((p) => p !== 0)) {
    throw node.error("count_include_pad = 1 with padding is not supported (padding must be excluded from the average)");
  }
  node.emit({
    op,
    ...node.nodeBase([x.name]),
    kernel,
    stride: window.stride,
    pads: window.pads,
  });
};

export const globalAveragePool: Converter = (node) => {
  const x = node.map(0);
  node.emit({ op: "global_avg_pool", ...node.nodeBase([x.name]) });
};
