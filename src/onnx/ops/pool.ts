// MaxPool, AveragePool (2-D, or 1-D on [1, C, L] as a 1×k window; ceil_mode 0) and
// GlobalAveragePool. The engine's average excludes padding; an AveragePool that counts it
// (count_include_pad = 1, PyTorch's default) becomes a zero pad in front of an unpadded pool,
// which counts the pad's zeros like any other value.
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
  // count_include_pad = 1 only matters where there is padding
  const countsPadding = op === "avg_pool" && node.int("count_include_pad", 0) !== 0 && window.pads.some((p) => p !== 0);
  const input = countsPadding
    ? node.emitBefore("pad", (base) => ({ op: "pad", ...base, inputs: [x.name], pads: window.pads, mode: "constant", value: 0 }))
    : x.name;
  node.emit({
    op,
    ...node.nodeBase([input]),
    kernel,
    stride: window.stride,
    pads: countsPadding ? [0, 0, 0, 0] : window.pads,
  });
};

export const globalAveragePool: Converter = (node) => {
  const x = node.map(0);
  node.emit({ op: "global_avg_pool", ...node.nodeBase([x.name]) });
};
