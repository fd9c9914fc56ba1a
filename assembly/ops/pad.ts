// PAD (docs/SPEC.md): the input with rows and columns added around it. An added pixel holds the
// fill byte (constant mode) or a copy of the input pixel the mode names; src/ops/pad_modes.ts
// maps indices the same way.
import {
  O_INPUT0, O_OUTPUT, O_PAD_TOP, O_PAD_LEFT, O_PAD_VALUE, O_PAD_MODE, PAD_MODE_CONSTANT, PAD_MODE_EDGE, PAD_MODE_WRAP,
} from "../../src/format/constants";
import { opTensor, tensorHeight, tensorWidth, tensorChannels, tensorData } from "../engine/state";

/**
 * The input index position `i` of an axis of `n` copies, or −1 for the fill byte: edge clamps;
 * reflect and wrap are periodic (periods 2·(n − 1) and n), reflect mirroring the second half.
 */
function sourceIndex(i: i32, n: i32, mode: u32): i32 {
  if (i >= 0 && i < n) return i;
  if (mode == PAD_MODE_CONSTANT) return -1;
  if (mode == PAD_MODE_EDGE) return i < 0 ? 0 : n - 1;
  const period = mode == PAD_MODE_WRAP ? n : 2 * (n - 1);
  if (period == 0) return 0; // reflect over one pixel
  let m = i % period;
  if (m < 0) m += period;
  return m < n ? m : period - m;
}

export function pad(op: usize): void {
  const tin = opTensor(op, O_INPUT0);
  const tout = opTensor(op, O_OUTPUT);
  const H = tensorHeight(tin), W = tensorWidth(tin);
  const C = <usize>tensorChannels(tin);
  const OH = tensorHeight(tout), OW = tensorWidth(tout);
  const padTop = <i32>load<u8>(op + O_PAD_TOP), padLeft = <i32>load<u8>(op + O_PAD_LEFT);
  const fill = <u8>load<i32>(op + O_PAD_VALUE);
  const mode = load<u32>(op + O_PAD_MODE);
  const x = tensorData(tin);
  let y = tensorData(tout);
  for (let oh = 0; oh < OH; oh++) {
    const ih = sourceIndex(oh - padTop, H, mode);
    for (let ow = 0; ow < OW; ow++, y += C) {
      const iw = sourceIndex(ow - padLeft, W, mode);
      if (ih < 0 || iw < 0) memory.fill(y, fill, C);
      else memory.copy(y, x + (<usize>ih * <usize>W + <usize>iw) * C, C);
    }
  }
}
