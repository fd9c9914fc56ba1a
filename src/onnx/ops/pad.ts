// Pad on the height and width of a feature map: constant (any value), edge, reflect or wrap.
// The pads are a constant input (opset ≥ 11; with an optional constant `axes` input from opset
// 18) or the `pads` attribute (opset < 11; `paddings` in opset 1), the value a constant input or
// the `value` attribute. Batch and channel pads, and negative pads (cropping), are refused.
// A zero pad that a convolution or (after a ReLU) a max pool reads alone folds into its window:
// src/graph/fold_pads.ts.
import type { PadMode } from "../../graph/ir.js";
import type { Converter, OnnxNode } from "../node.js";

const MODES: readonly PadMode[] = ["constant", "edge", "reflect", "wrap"];
/** NCHW axes. */
const AXIS_NAMES = ["N", "C", "H", "W"];

/** The pads as [begin, end] per NCHW axis. */
function padsPerAxis(node: OnnxNode): [number, number][] {
  const attribute = node.hasAttribute("pads") ? "pads" : node.hasAttribute("paddings") ? "paddings" : undefined;
  const pads = attribute ? node.ints(attribute, []) : Array.from(node.constant(1, "pads").values);
  let axes = [0, 1, 2, 3];
  if (!attribute && node.hasInput(3)) {
    axes = Array.from(node.constant(3, "axes").values).map((a) => (a < 0 ? a + 4 : a));
    const bad = axes.find((a) => !Number.isInteger(a) || a < 0 || a > 3);
    if (bad !== undefined || new Set(axes).size !== axes.length) throw node.error(`axes [${Array.from(node.constant(3, "axes").values)}] must be distinct axes of the 4-D input`);
  }
  if (pads.length !== 2 * axes.length) throw node.error(`pads has ${pads.length} values; ${2 * axes.length} expected (begin and end of ${axes.length} axes)`);
  const perAxis: [number, number][] = [[0, 0], [0, 0], [0, 0], [0, 0]];
  axes.forEach((axis, i) => (perAxis[axis] = [pads[i]!, pads[i + axes.length]!]));
  return perAxis;
}

function padValue(node: OnnxNode): number {
  if (node.hasAttribute("value")) return node.float("value", 0);
  if (!node.hasInput(2)) return 0;
  const constant = node.finiteConstant(2, "constant_value");
  if (constant.values.length !== 1) throw node.error(`constant_value must be a scalar, found ${constant.values.length} values`);
  return constant.values[0]!;
}

export const pad: Converter = (node) => {
  const x = node.map(0);
  const mode = node.string("mode", "constant") as PadMode;
  if (!MODES.includes(mode)) throw node.error(`mode "${mode}" is not supported; supported: ${MODES.join(", ")}`);
  const perAxis = padsPerAxis(node);
  const negative = perAxis.flat().some((p) => p < 0);
  if (negative) throw node.error(`negative pads (cropping) are not supported: [${perAxis.map(([b, e], a) => `${AXIS_NAMES[a]} ${b}, ${e}`).join("; ")}]`);
  const off = perAxis.findIndex(([b, e], axis) => axis < 2 && (b !== 0 || e !== 0));
  if (off >= 0) throw node.error(`pads on the ${AXIS_NAMES[off]} axis are not supported (only on H and W), found [${perAxis[off]}]`);
  const [[top, bottom], [left, right]] = [perAxis[2]!, perAxis[3]!];
  const value = mode === "constant" ? padValue(node) : 0;
  node.emit({ op: "pad", ...node.nodeBase([x.name]), pads: [top, left, bottom, right], mode, value });
};
