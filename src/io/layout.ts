// The engine's values are NHWC (batch 1); the model's own layout is ONNX's: NCHW, and a value's
// rank in the source model (ValueRank, src/graph/ir.ts) says how its dims read there. These are
// the conversions at the edges: samples in, outputs out (the CLI, Model.runFloat, the suite).
import type { Shape, ValueRank } from "../graph/ir.js";

/** "nchw": the model's own layout (ONNX, PyTorch); "nhwc": channels last, as the engine stores values. */
export type ImageLayout = "nchw" | "nhwc";

/** The dims (batch 1) of a value of `shape` and source rank in `layout`. */
export function layoutDims(shape: Shape, rank: ValueRank, layout: ImageLayout): number[] {
  const { height: H, width: W, channels: C } = shape;
  if (rank === 2) return [1, C * H * W];
  if (rank === 3) return layout === "nchw" ? [1, C, H * W] : [1, H * W, C];
  return layout === "nchw" ? [1, C, H, W] : [1, H, W, C];
}

/** Values of `shape` in NHWC order, from `layout` order (a copy). Every rank orders NCHW values (c, h, w). */
export function toNhwc(values: ArrayLike<number>, shape: Shape, layout: ImageLayout): Float32Array {
  return reorder(values, shape, layout, "to-nhwc");
}

/** NHWC values of `shape` in `layout` order (a copy): (c, h, w) for "nchw", whatever the rank. */
export function fromNhwc(values: ArrayLike<number>, shape: Shape, layout: ImageLayout): Float32Array {
  return reorder(values, shape, layout, "from-nhwc");
}

function reorder(values: ArrayLike<number>, s: Shape, layout: ImageLayout, direction: "to-nhwc" | "from-nhwc"): Float32Array {
  const { height: H, width: W, channels: C } = s;
  if (values.length !== H * W * C) throw new Error(`expected ${H * W * C} values (${H}x${W}x${C}), found ${values.length}`);
  if (layout === "nhwc" || C === 1 || H * W === 1) return Float32Array.from(values);
  const out = new Float32Array(values.length);
  for (let c = 0; c < C; c++) {
    for (let p = 0; p < H * W; p++) {
      const nchw = c * H * W + p;
      const nhwc = p * C + c;
      if (direction === "to-nhwc") out[nhwc] = values[nchw]!;
      else out[nchw] = values[nhwc]!;
    }
  }
  return out;
}
