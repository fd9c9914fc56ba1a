// CHANNEL_AFFINE (docs/SPEC.md): on channel c, with v = x − z_x,
//   out = clamp(z_out + ((v·(v < 0 ? mult_neg[c] : mult[c]) + bias[c] + 2^(shift−1)) >> shift), lo, hi)
// in 64 bits: a standalone BatchNorm (both multipliers equal) or a PReLU (the slope below z_x).
// Stream flavour: the three per-channel arrays are read a block of channels at a time.
import {
  O_INPUT0, O_OUTPUT, O_ACT_MIN, O_ACT_MAX, O_SHIFT, O_WEIGHTS, O_BIAS, O_MULT, STATUS_OK, STATUS_READ_FAILED,
} from "../../src/format/constants";
import { tensorRecord, tensorChannels, tensorZeroPoint, tensorData, tensorSize } from "../engine/state";
import { STREAMED } from "../engine/source";
import { clampOut } from "./requant";
import { paramBytes, releaseParams } from "./param_window";
import { WINDOW_BYTES } from "./segment";

/** Stream flavour: channels whose three i32 parameters fit the window at once. */
const STREAM_BLOCK: i32 = WINDOW_BYTES / 12;

export function channelAffine(op: usize): i32 {
  const tin = tensorRecord(<i32>load<u16>(op + O_INPUT0));
  const tout = tensorRecord(<i32>load<u16>(op + O_OUTPUT));
  const C = tensorChannels(tin);
  const count = <usize>tensorSize(tin);
  const zx = tensorZeroPoint(tin), zOut = tensorZeroPoint(tout);
  const lo = <i32>load<i8>(op + O_ACT_MIN), hi = <i32>load<i8>(op + O_ACT_MAX);
  const shift = <i64>load<u8>(op + O_SHIFT);
  const round = <i64>1 << (shift - 1);
  const x = tensorData(tin), y = tensorData(tout);
  const block = STREAMED ? STREAM_BLOCK : C;
  let status = STATUS_OK;
  for (let c0 = 0; c0 < C; c0 += block) {
    const n = min(block, C - c0);
    const bytes = <usize>n << 2, skip = <usize>c0 << 2, slot = <usize>block << 2;
    const multNeg = paramBytes(<usize>load<u32>(op + O_WEIGHTS) + skip, bytes, 0);
    const bias = paramBytes(<usize>load<u32>(op + O_BIAS) + skip, bytes, slot);
    const mult = paramBytes(<usize>load<u32>(op + O_MULT) + skip, bytes, 2 * slot);
    if (multNeg == 0 || bias == 0 || mult == 0) {
      status = STATUS_READ_FAILED;
      break;
    }
    for (let at = <usize>c0; at < count; at += <usize>C) {
      for (let c: usize = 0; c < <usize>n; c++) {
        const v = <i32>load<i8>(x + at + c) - zx;
        const m = load<i32>((v < 0 ? multNeg : mult) + (c << 2));
        const r = (<i64>v * <i64>m + <i64>load<i32>(bias + (c << 2)) + round) >> shift;
        store<i8>(y + at + c, clampOut(zOut, r, lo, hi));
      }
    }
  }
  releaseParams();
  return status;
}
