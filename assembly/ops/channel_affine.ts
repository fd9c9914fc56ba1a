// CHANNEL_AFFINE (docs/SPEC.md): on channel c, with v = x − z_x,
//   out = clamp(z_out + ((v·(v < 0 ? mult_neg[c] : mult[c]) + bias[c] + 2^(shift−1)) >> shift), lo, hi)
// in 64 bits: a standalone BatchNorm (both multipliers equal) or a PReLU (the slope below z_x).
// One channel at a time, its three parameters read first (stream flavour: through the embedder).
import { O_WEIGHTS, O_BIAS, O_MULT, STATUS_OK, STATUS_READ_FAILED } from "../../src/format/constants";
import { clampOut } from "./requant";
import { paramBytes, releaseParams } from "./param_window";

/** The `count` values at `x`, `C` channels a pixel, to `y` (./pointwise.ts reads the rest of the record). */
export function channelAffine(op: usize, x: usize, y: usize, count: usize, C: usize, zx: i32, zOut: i32, lo: i32, hi: i32, shift: i64): i32 {
  const round = <i64>1 << (shift - 1);
  let status = STATUS_OK;
  for (let c: usize = 0; c < C; c++) {
    // channel c's multipliers (below and from z_x) and bias, at 0, 4 and 8 in the window when streaming
    const multNeg = paramBytes(<usize>load<u32>(op + O_WEIGHTS) + (c << 2), 4, 0);
    const bias = paramBytes(<usize>load<u32>(op + O_BIAS) + (c << 2), 4, 4);
    const mult = paramBytes(<usize>load<u32>(op + O_MULT) + (c << 2), 4, 8);
    if (multNeg == 0 || bias == 0 || mult == 0) {
      status = STATUS_READ_FAILED;
      break;
    }
    const below = <i64>load<i32>(multNeg), from = <i64>load<i32>(mult), b = <i64>load<i32>(bias) + round;
    for (let at = c; at < count; at += C) {
      const v = <i64>(<i32>load<i8>(x + at) - zx);
      store<i8>(y + at, clampOut(zOut, (v * (v < 0 ? below : from) + b) >> shift, lo, hi));
    }
  }
  releaseParams();
  return status;
}
