// LUT (docs/SPEC.md): out = clamp(table[x + 128], act_min, act_max), the 256-entry int8 table
// made by the host from the float function and the two grids: one load per value, no arithmetic.
import { O_INPUT0, O_OUTPUT, O_ACT_MIN, O_ACT_MAX, O_WEIGHTS, LUT_BYTES, STATUS_OK, STATUS_READ_FAILED } from "../../src/format/constants";
import { tensorRecord, tensorData, tensorSize } from "../engine/state";
import { paramBytes, releaseParams } from "./param_window";

export function lut(op: usize): i32 {
  const table = paramBytes(<usize>load<u32>(op + O_WEIGHTS), LUT_BYTES, 0);
  if (table == 0) {
    releaseParams(); // a read that failed part-way may have written some of the window
    return STATUS_READ_FAILED;
  }
  const tout = tensorRecord(<i32>load<u16>(op + O_OUTPUT));
  const x = tensorData(tensorRecord(<i32>load<u16>(op + O_INPUT0))), y = tensorData(tout);
  const lo = <i32>load<i8>(op + O_ACT_MIN), hi = <i32>load<i8>(op + O_ACT_MAX);
  const count = <usize>tensorSize(tout);
  for (let k: usize = 0; k < count; k++) {
    // x + 128 is the byte with its sign bit flipped
    const v = <i32>load<i8>(table + <usize>(<u32>load<u8>(x + k) ^ 0x80));
    store<i8>(y + k, min(max(v, lo), hi));
  }
  releaseParams();
  return STATUS_OK;
}
