// The ops without filters that map each pixel's values to the same pixel (LUT, CHANNEL_AFFINE,
// SOFTMAX, LOG_SOFTMAX): one entry reads what their records share (the two tensors, the clamp,
// the shift) and runs the op's loop, so the kernel holds that code once.
import {
  O_OPCODE, O_INPUT0, O_OUTPUT, O_ACT_MIN, O_ACT_MAX, O_SHIFT, OP_LUT, OP_CHANNEL_AFFINE, OP_LOG_SOFTMAX, STATUS_OK,
} from "../../src/format/constants";
import { opTensor, tensorChannels, tensorZeroPoint, tensorData, tensorSize } from "../engine/state";
import { lut } from "./lut";
import { channelAffine } from "./channel_affine";
import { softmax } from "./softmax";

/** Run a LUT, CHANNEL_AFFINE, SOFTMAX or LOG_SOFTMAX op: STATUS_OK, or STATUS_READ_FAILED (stream flavour). */
export function pointwise(op: usize): i32 {
  const code = <i32>load<u8>(op + O_OPCODE);
  const tin = opTensor(op, O_INPUT0), tout = opTensor(op, O_OUTPUT);
  const x = tensorData(tin), y = tensorData(tout);
  const count = <usize>tensorSize(tin), channels = <usize>tensorChannels(tin);
  const zOut = tensorZeroPoint(tout);
  const lo = <i32>load<i8>(op + O_ACT_MIN), hi = <i32>load<i8>(op + O_ACT_MAX);
  const shift = <i64>load<u8>(op + O_SHIFT);
  if (code == OP_LUT) return lut(op, x, y, count, lo, hi);
  if (code == OP_CHANNEL_AFFINE) return channelAffine(op, x, y, count, channels, tensorZeroPoint(tin), zOut, lo, hi, shift);
  softmax(op, code == OP_LOG_SOFTMAX, x, y, count, channels, zOut, lo, hi, shift);
  return STATUS_OK;
}
