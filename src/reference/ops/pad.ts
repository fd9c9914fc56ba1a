// PAD, docs/SPEC.md: the output is the input with pad_top/pad_bottom rows and pad_left/pad_right
// columns added; an added pixel holds the fill byte (constant mode) or a copy of the input pixel
// the mode names. Bytes are copied, so the grid is the input's.
import type { QOp, QTensor } from "../../format/model.js";
import { padSourceIndex } from "../../ops/pad_modes.js";

export function pad(op: QOp, input: QTensor, output: QTensor, x: Int8Array): Int8Array {
  const { height: H, width: W, channels: C } = input;
  const mode = op.padMode ?? "constant";
  const y = new Int8Array(output.height * output.width * C).fill(op.padValue ?? 0);
  for (let oh = 0; oh < output.height; oh++) {
    const ih = padSourceIndex(oh - op.padTop, H, mode);
    if (ih < 0) continue;
    for (let ow = 0; ow < output.width; ow++) {
      const iw = padSourceIndex(ow - op.padLeft, W, mode);
      if (iw >= 0) y.set(x.subarray((ih * W + iw) * C, (ih * W + iw + 1) * C), (oh * output.width + ow) * C);
    }
  }
  return y;
}
