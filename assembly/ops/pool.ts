// MAX_POOL, AVG_POOL and GLOBAL_AVG_POOL (docs/SPEC.md). Padded taps are left
// out: max ignores them, averages divide by the in-bounds count.
import {
  O_OPCODE, O_INPUT0, O_OUTPUT, O_KERNEL_H, O_KERNEL_W, O_STRIDE_H, O_STRIDE_W, O_PAD_TOP, O_PAD_LEFT,
  O_ACT_MIN, O_ACT_MAX, OP_MAX_POOL,
} from "../../src/format/constants";
import { opTensor, tensorHeight, tensorWidth, tensorChannels, tensorData } from "../engine/state";
import { clampOut } from "./requant";

/** The mean rounded half up: floor((2·S + n) / (2·n)), n ≥ 1. */
@inline function roundedMean(sum: i64, n: i64): i64 {
  const num = 2 * sum + n, den = 2 * n;
  return num >= 0 ? num / den : -((-num + den - 1) / den);
}

/** MAX_POOL and AVG_POOL: windows with dilation 1; every window has an in-bounds tap. */
export function pool2d(op: usize): void {
  const isMax = <i32>load<u8>(op + O_OPCODE) == OP_MAX_POOL;
  const tin = opTensor(op, O_INPUT0);
  const tout = opTensor(op, O_OUTPUT);
  const H = tensorHeight(tin), W = tensorWidth(tin), C = tensorChannels(tin);
  const OH = tensorHeight(tout), OW = tensorWidth(tout);
  const kh = <i32>load<u8>(op + O_KERNEL_H), kw = <i32>load<u8>(op + O_KERNEL_W);
  const sh = <i32>load<u8>(op + O_STRIDE_H), sw = <i32>load<u8>(op + O_STRIDE_W);
  const padTop = <i32>load<u8>(op + O_PAD_TOP), padLeft = <i32>load<u8>(op + O_PAD_LEFT);
  const lo = <i32>load<i8>(op + O_ACT_MIN), hi = <i32>load<i8>(op + O_ACT_MAX);
  const x = tensorData(tin);
  let y = tensorData(tout);
  for (let oh = 0; oh < OH; oh++) {
    const i0 = max(0, oh * sh - padTop), i1 = min(H, oh * sh - padTop + kh);
    for (let ow = 0; ow < OW; ow++) {
      const j0 = max(0, ow * sw - padLeft), j1 = min(W, ow * sw - padLeft + kw);
      const n = <i64>max(1, (i1 - i0) * (j1 - j0)); // ≥ 1 for a valid model; guards the division
      for (let c = 0; c < C; c++) {
        let best: i32 = -128;
        let sum: i64 = 0;
        for (let i = i0; i < i1; i++) {
          let p = x + (<usize>(i * W + j0) * <usize>C) + <usize>c;
          for (let j = j0; j < j1; j++) {
            const v = <i32>load<i8>(p);
            best = max(best, v);
            sum += v;
            p += <usize>C;
          }
        }
        store<i8>(y, clampOut(0, isMax ? <i64>best : roundedMean(sum, n), lo, hi));
        y++;
      }
    }
  }
}

/** GLOBAL_AVG_POOL: the rounded mean of each channel over H·W. */
export function globalAvgPool(op: usize): void {
  const tin = opTensor(op, O_INPUT0);
  const tout = opTensor(op, O_OUTPUT);
  const C = tensorChannels(tin);
  const pixels = <usize>tensorHeight(tin) * <usize>tensorWidth(tin);
  const lo = <i32>load<i8>(op + O_ACT_MIN), hi = <i32>load<i8>(op + O_ACT_MAX);
  const x = tensorData(tin), y = tensorData(tout);
  for (let c = 0; c < C; c++) {
    let sum: i64 = 0;
    let p = x + <usize>c;
    for (let k: usize = 0; k < pixels; k++) {
      sum += <i64>load<i8>(p);
      p += <usize>C;
    }
    store<i8>(y + <usize>c, clampOut(0, roundedMean(sum, <i64>pixels), lo, hi));
  }
}
