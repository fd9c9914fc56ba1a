// The loop shared by the conv-like ops (docs/SPEC.md): for each output pixel and channel,
// accumulate one term per kernel tap in int32 (wrapping), then requantize. The op files supply
// what a tap contributes, in bounds and in the padding. A depthwise op's filter n reads input
// channel n alone, its weights stored [i][j][c].
import type { QOp, QTensor } from "../../format/model.js";
import { isDepthwise } from "../../ops/table.js";
import { requantizeOutput } from "./requant.js";

/** What one kernel tap adds to the accumulator, summed over the input channels the filter reads. */
export interface TapRule {
  /** In-bounds tap: x[xAt … xAt+C) against w[wAt … wAt+C). */
  inBounds(x: Int8Array, xAt: number, w: Int8Array, wAt: number, channels: number, zx: number): number;
  /** Padded tap: the input is z_x on every channel. */
  padded(w: Int8Array, wAt: number, channels: number, zx: number): number;
}

type Shape = Pick<QTensor, "height" | "width" | "channels">;
type OutShape = Pick<QTensor, "height" | "width" | "channels">;

/** The int32 accumulators of a conv-like op, NHWC over the output (before bias and requantization). */
export function accumulate(op: QOp, inShape: Shape, zx: number, out: OutShape, x: Int8Array, rule: TapRule): Int32Array {
  const { kernelH: kh, kernelW: kw, strideH, strideW, dilationH, dilationW, padTop, padLeft } = op;
  const { height: H, width: W, channels: C } = inShape;
  const N = out.channels;
  const weights = op.weights!;
  const depthwise = isDepthwise(op.kind);
  const Cf = depthwise ? 1 : C; // channels a filter reads at one tap
  const accs = new Int32Array(out.height * out.width * N);
  for (let oh = 0; oh < out.height; oh++) {
    for (let ow = 0; ow < out.width; ow++) {
      for (let n = 0; n < N; n++) {
        let acc = 0;
        for (let i = 0; i < kh; i++) {
          const ih = oh * strideH + i * dilationH - padTop;
          for (let j = 0; j < kw; j++) {
            const iw = ow * strideW + j * dilationW - padLeft;
            const wAt = depthwise ? (i * kw + j) * C + n : ((n * kh + i) * kw + j) * C;
            const xAt = (ih * W + iw) * C + (depthwise ? n : 0);
            const inside = ih >= 0 && ih < H && iw >= 0 && iw < W;
            const term = inside ? rule.inBounds(x, xAt, weights, wAt, Cf, zx) : rule.padded(weights, wAt, Cf, zx);
            acc = (acc + term) | 0; // int32 wraparound
          }
        }
        accs[(oh * out.width + ow) * N + n] = acc;
      }
    }
  }
  return accs;
}

/** A conv-like op: accumulate, then out = clamp(z_out + requant(acc + bias[n], mult[n], shift)). */
export function convLike(op: QOp, inShape: Shape, zx: number, out: QTensor, x: Int8Array, rule: TapRule): Int8Array {
  const accs = accumulate(op, inShape, zx, out, x, rule);
  const N = out.channels;
  return Int8Array.from(accs, (acc, k) => requantizeOutput(acc, op.bias![k % N], op.mult![k % N], op.shift, out.zeroPoint, op.actMin, op.actMax));
}

/** DENSE and ADDER_DENSE: the 1×1 case over the K = H·W·C input bytes in NHWC order. */
export const denseShape = (input: Shape): Shape => ({ height: 1, width: 1, channels: input.height * input.width * input.channels });
