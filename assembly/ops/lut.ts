// LUT (docs/SPEC.md): out = clamp(table[x + 128], act_min, act_max), the 256-entry int8 table
// made by the host from the float function and the two grids: one load per value, no arithmetic.
import { O_WEIGHTS, LUT_BYTES, STATUS_OK, STATUS_READ_FAILED } from "../../src/format/constants";
import { paramBytes, releaseParams } from "./param_window";

/** The `count` values at `x` through the op's table to `y` (./pointwise.ts reads the rest of the record). */
export function lut(op: usize, x: usize, y: usize, count: usize, lo: i32, hi: i32): i32 {
  const table = paramBytes(<usize>load<u32>(op + O_WEIGHTS), LUT_BYTES, 0);
  if (table == 0) {
    releaseParams(); // a read that failed part-way may have written some of the window
    return STATUS_READ_FAILED;
  }
  for (let k: usize = 0; k < count; k++) {
    // x + 128 is the byte with its sign bit flipped
    const v = <i32>load<i8>(table + <usize>(<u32>load<u8>(x + k) ^ 0x80));
    store<i8>(y + k, min(max(v, lo), hi));
  }
  releaseParams();
  return STATUS_OK;
}
