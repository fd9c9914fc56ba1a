// Conv and com.addernet AdderConv: 2-D, group 1, weights [M, C, kH, kW] and an optional bias,
// both initializers. The Graph keeps the OIHW weights.
import type { ConvNode } from "../../graph/ir.js";
import type { Converter } from "../node.js";
import { windowAttributes } from "./window.js";

export const conv = (op: ConvNode["op"]): Converter => (node) => {
  const x = node.map(0);
  const w = node.finiteConstant(1, "weights");
  if (w.dims.length !== 4) throw node.error(`weights have dims [${w.dims}]; [M, C, kH, kW] expected`);
  const [outChannels, inChannels, kh, kw] = w.dims as [number, number, number, number];
  const group = node.int("group", 1);
  if (group !== 1) throw node.error(`group = ${group} is not supported (only group = 1)`);
  if (inChannels !== x.shape.channels) throw node.error(`weights have ${inChannels} input channels but input "${x.name}" has ${x.shape.channels}`);
  const kernelAttr = node.ints("kernel_shape", [kh, kw]);
  if (kernelAttr[0] !== kh || kernelAttr[1] !== kw) throw node.error(`kernel_shape [${kernelAttr}] does not match the weights' [${kh}, ${kw}]`);
  const window = windowAttributes(node, x.shape, [kh, kw]);
  const bias = node.hasInput(2) ? node.perChannel(2, "bias", outChannels) : undefined;
  node.emit({
    op,
    ...node.nodeBase([x.name]),
    weights: Float32Array.from(w.values),
    outChannels,
    kernel: [kh, kw],
    ...window,
    ...(bias ? { bias } : {}),
  });
};
