// CONCAT (docs/SPEC.md): the inputs side by side along channels, each rescaled onto the output
// grid by its own multiplier: out = clamp(z_out + (((q − z_i)·mult_i + 2^(shift−1)) >> shift)).
// An input already on the output grid (mult_i = 2^shift, z_i = z_out, no clamp) that lies in
// place is left as it is: its producer wrote it into its slice of the output (docs/FORMAT.md);
// every other input goes through the rule (which copies an input on the output grid), one
// lying in place where it lies.
import {
  O_OUTPUT, O_INPUT_COUNT, O_ACT_MIN, O_ACT_MAX, O_SHIFT, IE_TENSOR, IE_MULT, STATUS_OK, STATUS_READ_FAILED,
} from "../../src/format/constants";
import {
  opTensor, tensorHeight, tensorWidth, tensorChannels, tensorZeroPoint, tensorData, fetchListEntry, fetchListTensor,
} from "../engine/state";
import { clampOut } from "./requant";

/** STATUS_OK, or (stream flavour) STATUS_READ_FAILED when a list entry or record could not be read. */
export function concat(op: usize): i32 {
  const tout = opTensor(op, O_OUTPUT);
  const outChannels = <usize>tensorChannels(tout);
  const pixels = <usize>tensorHeight(tout) * <usize>tensorWidth(tout);
  const zOut = tensorZeroPoint(tout);
  const lo = <i32>load<i8>(op + O_ACT_MIN), hi = <i32>load<i8>(op + O_ACT_MAX);
  const shift = <i32>load<u8>(op + O_SHIFT);
  const round = <i64>1 << <i64>(shift - 1);
  const y = tensorData(tout);
  const count = load<u32>(op + O_INPUT_COUNT);
  let channel: usize = 0;
  for (let i: u32 = 0; i < count; i++) {
    const entry = fetchListEntry(op, i);
    if (entry == 0) return STATUS_READ_FAILED;
    const mult = load<i32>(entry + IE_MULT);
    const t = fetchListTensor(<u32>load<u16>(entry + IE_TENSOR));
    if (t == 0) return STATUS_READ_FAILED;
    const c = <usize>tensorChannels(t), zIn = tensorZeroPoint(t);
    const dst = y + channel;
    const src = tensorData(t);
    // in place, the input's pixels are the output's, outChannels apart
    const srcStride = src == dst ? outChannels : c;
    // on the output grid and in place, the input is already what the output holds
    const same = <i64>mult == <i64>1 << <i64>shift && zIn == zOut && lo == -128 && hi == 127;
    if (!same || src != dst) {
      for (let p: usize = 0; p < pixels; p++) {
        const from = src + p * srcStride, to = dst + p * outChannels;
        for (let k: usize = 0; k < c; k++) {
          const v = <i64>(<i32>load<i8>(from + k) - zIn) * <i64>mult;
          store<i8>(to + k, clampOut(zOut, (v + round) >> <i64>shift, lo, hi));
        }
      }
    }
    channel += c;
  }
  return STATUS_OK;
}
