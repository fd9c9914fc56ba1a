// CHANNEL_AFFINE (docs/SPEC.md): on channel c, with v = x − z_x,
//   out = clamp(z_out + ((v·(v < 0 ? mult_neg[c] : mult[c]) + bias[c] + 2^(shift−1)) >> shift), lo, hi)
// in 64 bits: a standalone BatchNorm (both multipliers equal) or a PReLU (the slope below z_x).
// One channel at a time, its three parameters read first (stream flavour: through the embedder).
import {
  O_INPUT0, O_OUTPUT, O_ACT_MIN, O_ACT_MAX, O_SHIFT, O_WEIGHTS, O_BIAS, O_MULT, STATUS_OK, STATUS_READ_FAILED,
} from "../../src/format/constants";
import { tensorRecord, tensorChannels, tensorZeroPoint, tensorData, tensorSize } from "../engine/state";
import { clampOut } from "./requant";
import { paramBytes, releaseParams } from "./param_window";

export function channelAffine(op: usize): i32 {
  const tin = tensorRecord(<i32>load<u16>(op + O_INPUT0));
  const tout = tensorRecord(<i32>load<u16>(op + O_OUTPUT));
  const C = <usize>tensorChannels(tin);
  const count = <usize>tensorSize(tin);
  const zx = tensorZeroPoint(tin), zOut = tensorZeroPoint(tout);
  const lo = <i32>load<i8>(op + O_ACT_MIN), hi = <i32>load<i8>(op + O_ACT_MAX);
  const shift = <i64>load<u8>(op + O_SHIFT);
  const round = <i64>1 << (shift - 1);
  const x = tensorData(tin), y = tensorData(tout);
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
