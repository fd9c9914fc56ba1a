// The window walk shared by CONV2D, ADDER_CONV2D, DENSE, ADDER_DENSE and the depthwise ops.
//
// For each block of filters (./filter_blocks.ts) and each output pixel, every kernel row
// is cut into runs of bytes that are consecutive in both the NHWC input and the
// [n][i][j][c] weights: the in-bounds taps (one run when dilation_w = 1, one per
// tap otherwise) and the padded taps left and right of them (or the whole row); an
// interior pixel is one call for all its rows (SIMD build: two interior pixels side by side
// are one call, each weight load serving both). The inner loops (sad.ts,
// dot.ts) add each run's sums into ACC, then the pixel's outputs are requantized.
// Adder ops compare padded taps with the input zero point (|z_x − qw|, not zero);
// multiply ops skip them (they contribute (z_x − z_x)·qw = 0). A depthwise op's filters are its
// channels (a block of channels, each over its own input channel): depthwise_conv.ts sums a
// pixel's window.
import {
  O_OPCODE, O_INPUT0, O_OUTPUT, O_KERNEL_H, O_KERNEL_W, O_STRIDE_H, O_STRIDE_W, O_DILATION_H,
  O_DILATION_W, O_PAD_TOP, O_PAD_LEFT, O_ACT_MIN, O_ACT_MAX, O_SHIFT,
  TRAIT_ADDER, TRAIT_TO_1X1, TRAIT_DEPTHWISE, STATUS_OK, STATUS_READ_FAILED,
} from "../../src/format/constants";
import {
  tensorRecord, tensorHeight, tensorWidth, tensorChannels, tensorZeroPoint, tensorData, tensorSize,
} from "../engine/state";
import { ACC, ACC_PIXEL_2, ACC_PIXELS, FILTER_CHUNK, WINDOW, WINDOW_BYTES, ZERO_POINT_RUN, clearAcc } from "./scratch";
import { sad_4x16_u16acc, sad_2x4x16_u16acc } from "./sad";
import { dot_4x16_i32acc, dot_2x4x16_i32acc } from "./dot";
import { depthwisePixel } from "./depthwise_conv";
import { requantizeOutput, requantizeOutput4 } from "./requant";
import { has, opTraits } from "../engine/ops";
import { blockFilters, fetchBlock, fetchChannels, blockWeights, blockBias, blockMult, blockTapStride } from "./filter_blocks";

/**
 * `rows` runs of `len` bytes against `filters` filters `filterBytes` apart from `w`: input runs
 * `xRowStride` apart from `x` (or padding when `xStep` = 0), weight runs consecutive from
 * `offset` in each filter.
 */
@inline function runs(adder: bool, x: usize, xStep: usize, xRowStride: usize, w: usize, filterBytes: usize, filters: i32,
                      offset: usize, len: i32, rows: i32, zx: i32): void {
  if (len <= 0) return;
  if (adder) sad_4x16_u16acc(x, xStep, xRowStride, w + offset, filterBytes, filters, len, rows);
  else if (xStep != 0) dot_4x16_i32acc(x, xRowStride, w + offset, filterBytes, filters, len, rows, zx);
}

/** Store the requantized outputs of a block's `filters` filters, their sums at `acc`, at `y`. */
@inline function requantizePixel(adder: bool, acc: usize, y: usize, filters: i32, bias: usize, mult: usize,
                                 shift: i32, zOut: i32, lo: i32, hi: i32): void {
  let f = 0;
  if (ASC_FEATURE_SIMD) {
    for (; f + 4 <= filters; f += 4) {
      const sums = v128.load(acc + (<usize>f << 2));
      const ch = <usize>f << 2;
      if (!requantizeOutput4(y + <usize>f, adder ? i32x4.neg(sums) : sums, v128.load(bias + ch), v128.load(mult + ch),
        shift, zOut, lo, hi)) break;
    }
  }
  for (; f < filters; f++) {
    const sum = load<i32>(acc + (<usize>f << 2));
    const ch = <usize>f << 2;
    store<i8>(y + <usize>f, requantizeOutput(adder ? -sum : sum, load<i32>(bias + ch), load<i32>(mult + ch), shift, zOut, lo, hi));
  }
}

/** Number of taps j ≥ 0 with base + j·d < limit (0 if none). */
@inline function tapsBelow(base: i32, d: i32, limit: i32): i32 {
  return base >= limit ? 0 : (limit - base + d - 1) / d;
}

/**
 * The window of the output pixel whose top-left tap is (ihBase, iwBase) into WINDOW, kernel row
 * after kernel row, the taps outside the input as the zero point; taps [j0, j1) of each row are
 * inside the input's width.
 */
function gatherWindow(x: usize, ihBase: i32, iwBase: i32, H: i32, W: i32, C: i32, kh: i32, kw: i32, dh: i32, dw: i32,
                      j0: i32, j1: i32, zx: i32): void {
  const rowBytes = kw * C;
  let p = WINDOW;
  for (let i = 0; i < kh; i++, p += <usize>rowBytes) {
    const ih = ihBase + i * dh;
    if (ih < 0 || ih >= H) {
      memory.fill(p, <u8>zx, <usize>rowBytes);
      continue;
    }
    const xRow = x + <usize>(ih * W) * <usize>C;
    memory.fill(p, <u8>zx, <usize>(j0 * C));
    if (dw == 1) {
      memory.copy(p + <usize>(j0 * C), xRow + <usize>((iwBase + j0) * C), <usize>((j1 - j0) * C));
    } else {
      for (let j = j0; j < j1; j++) memory.copy(p + <usize>(j * C), xRow + <usize>((iwBase + j * dw) * C), <usize>C);
    }
    memory.fill(p + <usize>(j1 * C), <u8>zx, <usize>((kw - j1) * C));
  }
}

/** Run a conv-like op: STATUS_OK, or STATUS_READ_FAILED when its parameters could not be read. */
export function convLike(op: usize): i32 {
  const traits = opTraits(<i32>load<u8>(op + O_OPCODE));
  const adder = has(traits, TRAIT_ADDER);
  const dense = has(traits, TRAIT_TO_1X1);
  const depthwise = has(traits, TRAIT_DEPTHWISE);
  const tin = tensorRecord(<i32>load<u16>(op + O_INPUT0));
  const tout = tensorRecord(<i32>load<u16>(op + O_OUTPUT));

  // DENSE is the 1×1 case over the K = H·W·C input bytes
  const H = dense ? 1 : tensorHeight(tin), W = dense ? 1 : tensorWidth(tin);
  const C = dense ? tensorSize(tin) : tensorChannels(tin);
  const OH = tensorHeight(tout), OW = tensorWidth(tout), N = tensorChannels(tout);
  const kh = <i32>load<u8>(op + O_KERNEL_H), kw = <i32>load<u8>(op + O_KERNEL_W);
  const sh = <i32>load<u8>(op + O_STRIDE_H), sw = <i32>load<u8>(op + O_STRIDE_W);
  const dh = <i32>load<u8>(op + O_DILATION_H), dw = <i32>load<u8>(op + O_DILATION_W);
  const padTop = <i32>load<u8>(op + O_PAD_TOP), padLeft = <i32>load<u8>(op + O_PAD_LEFT);
  const lo = <i32>load<i8>(op + O_ACT_MIN), hi = <i32>load<i8>(op + O_ACT_MAX);
  const shift = <i32>load<u8>(op + O_SHIFT);
  const zx = tensorZeroPoint(tin), zOut = tensorZeroPoint(tout);
  const x = tensorData(tin), out = tensorData(tout);
  const rowBytes = kw * C;
  const filterBytes = depthwise ? kh * kw : kh * rowBytes;
  const blockSize = blockFilters(N, filterBytes);
  let status = STATUS_OK;

  memory.fill(ZERO_POINT_RUN, <u8>zx, 16);

  // one block of filters at a time over every output pixel
  for (let n = 0; n < N; n += blockSize) {
    const filters = min(blockSize, N - n);
    if (!(depthwise ? fetchChannels(op, n, filters, filterBytes, C) : fetchBlock(op, n, filters, filterBytes))) {
      status = STATUS_READ_FAILED;
      break;
    }
    const w = blockWeights;
    let y = out + <usize>n;
    for (let oh = 0; oh < OH; oh++) {
      const ihBase = oh * sh - padTop;
      const rowsInside = ihBase >= 0 && ihBase + (kh - 1) * dh < H;
      for (let ow = 0; ow < OW; ow++) {
        const iwBase = ow * sw - padLeft;
        // taps [j0, j1) of each kernel row fall inside the input's width
        const j0 = min(kw, tapsBelow(iwBase, dw, 0));
        const j1 = max(j0, min(kw, tapsBelow(iwBase, dw, W)));
        const interior = dw == 1 && j0 == 0 && j1 == kw && rowsInside;
        // SIMD: two interior pixels side by side share each weight load
        const pixels = ASC_FEATURE_SIMD && !depthwise && interior && ow + 1 < OW && iwBase + sw + kw - 1 < W ? 2 : 1;
        clearAcc(filters, pixels);
        if (depthwise) {
          depthwisePixel(op, x + <usize>n, H, W, C, ihBase, iwBase, j0, j1, w, blockTapStride, filters, zx);
        } else if (pixels == 2) {
          const xp = x + <usize>((ihBase * W + iwBase) * C), xPixelStride = <usize>(sw * C), xRowStride = <usize>(dh * W * C);
          if (adder) sad_2x4x16_u16acc(xp, xPixelStride, xRowStride, w, filterBytes, filters, rowBytes, kh);
          else dot_2x4x16_i32acc(xp, xPixelStride, xRowStride, w, filterBytes, filters, rowBytes, kh, zx);
        } else if (interior) {
          // every tap in bounds: kh runs of kw·C bytes, dilation_h rows apart
          runs(adder, x + <usize>((ihBase * W + iwBase) * C), 16, <usize>(dh * W * C), w, filterBytes, filters, 0, rowBytes, kh, zx);
        } else if (filterBytes <= WINDOW_BYTES) {
          // a border or dilated window, gathered: one run of its kh·kw·C bytes (padded taps
          // hold the zero point: |z_x − qw| for adder ops, (z_x − z_x)·qw = 0 for multiply ops)
          gatherWindow(x, ihBase, iwBase, H, W, C, kh, kw, dh, dw, j0, j1, zx);
          runs(adder, WINDOW, 16, <usize>rowBytes, w, filterBytes, filters, 0, rowBytes, kh, zx);
        } else {
          for (let i = 0; i < kh; i++) {
            const ih = ihBase + i * dh;
            const row = <usize>(i * rowBytes);
            if (ih < 0 || ih >= H) {
              runs(adder, ZERO_POINT_RUN, 0, 0, w, filterBytes, filters, row, rowBytes, 1, zx);
              continue;
            }
            const xRow = x + <usize>(ih * W) * <usize>C;
            runs(adder, ZERO_POINT_RUN, 0, 0, w, filterBytes, filters, row, j0 * C, 1, zx);
            if (dw == 1) {
              runs(adder, xRow + <usize>((iwBase + j0) * C), 16, 0, w, filterBytes, filters, row + <usize>(j0 * C), (j1 - j0) * C, 1, zx);
            } else {
              // taps dilation_w apart: one run of C bytes each
              runs(adder, xRow + <usize>((iwBase + j0 * dw) * C), 16, <usize>(dw * C), w, filterBytes, filters, row + <usize>(j0 * C), C, j1 - j0, zx);
            }
            runs(adder, ZERO_POINT_RUN, 0, 0, w, filterBytes, filters, row + <usize>(j1 * C), (kw - j1) * C, 1, zx);
          }
        }
        requantizePixel(adder, ACC, y, filters, blockBias, blockMult, shift, zOut, lo, hi);
        y += <usize>N;
        if (pixels == 2) {
          requantizePixel(adder, ACC_PIXEL_2, y, filters, blockBias, blockMult, shift, zOut, lo, hi);
          y += <usize>N;
          ow++;
        }
      }
    }
  }
  // static memory outside the arena is left as found (zeros), call after call
  memory.fill(ZERO_POINT_RUN, 0, 16);
  memory.fill(WINDOW, 0, <usize>WINDOW_BYTES);
  clearAcc(FILTER_CHUNK, ACC_PIXELS);
  return status;
}
