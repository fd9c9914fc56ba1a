// ADD (residual): both inputs rescaled onto the output grid (docs/SPEC.md).
import {
  O_INPUT0, O_INPUT1, O_OUTPUT, O_ACT_MIN, O_ACT_MAX, O_SHIFT, O_WEIGHTS, O_BIAS,
} from "../../src/format/constants";
import { tensorRecord, tensorZeroPoint, tensorData, tensorSize } from "../engine/state";
import { clampOut } from "./requant";

export function add(op: usize): void {
  const ta = tensorRecord(<i32>load<u16>(op + O_INPUT0));
  const tb = tensorRecord(<i32>load<u16>(op + O_INPUT1));
  const tout = tensorRecord(<i32>load<u16>(op + O_OUTPUT));
  // ADD keeps its two multipliers inline, in the weights and bias fields
  const multA = <i64>load<i32>(op + O_WEIGHTS), multB = <i64>load<i32>(op + O_BIAS);
  const shift = <i64>load<u8>(op + O_SHIFT);
  const round = <i64>1 << (shift - 1);
  const za = tensorZeroPoint(ta), zb = tensorZeroPoint(tb), zOut = tensorZeroPoint(tout);
  const lo = <i32>load<i8>(op + O_ACT_MIN), hi = <i32>load<i8>(op + O_ACT_MAX);
  const a = tensorData(ta), b = tensorData(tb), y = tensorData(tout);
  const count = <usize>tensorSize(tout);
  for (let k: usize = 0; k < count; k++) {
    const v = <i64>(<i32>load<i8>(a + k) - za) * multA + <i64>(<i32>load<i8>(b + k) - zb) * multB;
    store<i8>(y + k, clampOut(zOut, (v + round) >> shift, lo, hi));
  }
}
