// Conv and com.addernet AdderConv: 2-D ([1, C, H, W], weights [M, C, kH, kW]) or 1-D ([1, C, L],
// weights [M, C, k], run as a 1×k window over H = 1), group 1, an optional bias; weights and bias
// are initializers. The Graph keeps the OIHW weights.
import type { ConvNode } from "../../graph/ir.js";
import type { Converter } from "../node.js";
import { windowAttributes } from "./window.js";

export const conv = (op: ConvNode["op"]): Converter => (node) => {
  const x = node.map(0);
  const w = node.finiteConstant(1, "weights");
  const layout = x.spatialAxes === 1 ? "[M, C, k]" : "[M, C, kH, kW]";
  if (w.dims.length !== 2 + x.spatialAxes) throw node.error(`weights have dims [${w.dims.join(", ")}]; ${layout} expected for the ${x.rank}-D input "${x.name}"`);
  const [outChannels, inChannels] = w.dims as [number, number];
  const [kh, kw]: [number, number] = x.spatialAxes === 1 ? [1, w.dims[2]!] : [w.dims[2]!, w.dims[3]!];
  const group = node.int("group", 1);
  if (group !== 1) throw node.error(`group = ${group} is not supported (only group = 1)`);
  if (inChannels !== x.shape.channels) throw node.error(`weights have ${inChannels} input channels but input "${x.name}" has ${x.shape.channels}`);
  const kernelAttr = node.ints("kernel_shape", w.dims.slice(2));
  if (kernelAttr.join() !== w.dims.slice(2).join()) throw node.error(`kernel_shape [${kernelAttr.join(", ")}] does not match the weights' [${w.dims.slice(2).join(", ")}]`);
  const window = windowAttributes(node, x.shape, [kh, kw], x.spatialAxes);
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
