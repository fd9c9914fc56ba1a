// DEPTHWISE_CONV2D / ADDER_DEPTHWISE_CONV2D inner loops: one filter per channel, over that
// channel alone (docs/SPEC.md). The weights are stored [i][j][c] (docs/FORMAT.md): one tap's
// weights of consecutive channels are consecutive, like the channels of one NHWC input pixel,
// so the loops run across channels, GROUP at a time (SIMD: 16 per v128; scalar: 4 per i32
// load, ./swar.ts), each channel's sum in its own lane. The window walk is conv.ts's.
import { O_OPCODE, O_KERNEL_H, O_KERNEL_W, O_DILATION_H, O_DILATION_W, TRAIT_ADDER } from "../../src/format/constants";
import { has, opTraits } from "../engine/ops";
import { ACC, ZERO_POINT_RUN, addAcc4 } from "./scratch";
import { EVEN_BYTES, byteAt, sadBytes, unsignedBytes } from "./swar";

/** Channels one pass of the inner loops takes. */
const GROUP: i32 = ASC_FEATURE_SIMD ? 16 : 4;

/**
 * Taps a 16-bit lane of the adder loops sums before it is widened: each adds ≤ 255 and
 * 256·255 < 2^16 (unsigned). A kernel row has at most 255 taps, so whole rows fit.
 */
const U16_TAPS = 256;

/**
 * ACC[c] += the window sums of channels c < `channels` of one output pixel of `op`, whose top-left
 * tap is (ihBase, iwBase): the input's channels from `x` (the block's first channel of the NHWC
 * input, C channels a pixel), tap (i, j)'s weights at w + (i·kw + j)·wTap. Taps [j0, j1) of each
 * kernel row lie inside the input's width; a padded tap reads the zero point (adder: |z_x − qw|)
 * or adds nothing (multiply: (z_x − z_x)·qw = 0). A call, not inlined into convLike: WAMR's
 * classic interpreter would step over this code at every pixel of every other conv-like op
 * (digits: 12 % more instructions), and at most 16 parameters + results (module.test.ts).
 */
export function depthwisePixel(op: usize, x: usize, H: i32, W: i32, C: i32, ihBase: i32, iwBase: i32, j0: i32, j1: i32,
                               w: usize, wTap: usize, channels: i32, zx: i32): void {
  const adder = has(opTraits(<i32>load<u8>(op + O_OPCODE)), TRAIT_ADDER);
  const kh = <i32>load<u8>(op + O_KERNEL_H), kw = <i32>load<u8>(op + O_KERNEL_W);
  const dh = <i32>load<u8>(op + O_DILATION_H), dw = <i32>load<u8>(op + O_DILATION_W);
  const rowsInside = ihBase >= 0 && ihBase + (kh - 1) * dh < H;
  const xCol = <usize>(dw * C), wRow = <usize>kw * wTap;
  if (rowsInside && j0 == 0 && j1 == kw) {
    // every tap in bounds: one run of kh rows, dilation_h input rows apart
    channelRuns(adder, x + <usize>((ihBase * W + iwBase) * C), 1, <usize>(dh * W * C), xCol, w, wRow, wTap, kh, kw, channels, zx);
    return;
  }
  for (let i = 0; i < kh; i++) {
    const ih = ihBase + i * dh;
    const wi = w + <usize>i * wRow;
    if (ih < 0 || ih >= H) {
      if (adder) channelRuns(true, ZERO_POINT_RUN, 0, 0, 0, wi, 0, wTap, 1, kw, channels, zx);
      continue;
    }
    if (adder) channelRuns(true, ZERO_POINT_RUN, 0, 0, 0, wi, 0, wTap, 1, j0, channels, zx);
    channelRuns(adder, x + <usize>((ih * W + iwBase + j0 * dw) * C), 1, 0, xCol, wi + <usize>j0 * wTap, 0, wTap, 1, j1 - j0, channels, zx);
    if (adder) channelRuns(true, ZERO_POINT_RUN, 0, 0, 0, wi + <usize>j1 * wTap, 0, wTap, 1, kw - j1, channels, zx);
  }
}

/**
 * ACC[c] += Σ_{r < rows, k < cols} term for channels c < `channels`: tap (r, k) reads input
 * channel c at x + r·xRow + k·xCol + c·xChannel (padding: x = ZERO_POINT_RUN, xChannel and the
 * steps 0) and its weight at w + r·wRow + k·wTap + c; term = |qx − qw| (adder) or
 * (qx − zx)·qw (multiply). Loads may read up to GROUP − 1 bytes past the last channel: those
 * lanes' sums land in ACC past `channels`, which ACC has room for, and are never used.
 */
function channelRuns(adder: bool, x: usize, xChannel: usize, xRow: usize, xCol: usize, w: usize, wRow: usize, wTap: usize,
                     rows: i32, cols: i32, channels: i32, zx: i32): void {
  if (cols <= 0) return;
  const band = U16_TAPS / cols; // adder: rows summed in 16-bit lanes before they are widened
  for (let g = 0; g < channels; g += GROUP) {
    const xg = x + <usize>g * xChannel, wg = w + <usize>g;
    if (ASC_FEATURE_SIMD) {
      let s0 = i32x4.splat(0), s1 = s0, s2 = s0, s3 = s0; // channels g … g+15, four a vector
      if (adder) {
        for (let r0 = 0; r0 < rows; r0 += band) {
          let lo = i16x8.splat(0), hi = lo;
          for (let r = r0; r < min(rows, r0 + band); r++) {
            let xp = xg + <usize>r * xRow, wp = wg + <usize>r * wRow;
            for (let k = 0; k < cols; k++, xp += xCol, wp += wTap) {
              // |x − w| as u8 (0..255) = max − min, into u16 lanes
              const xv = v128.load(xp), wv = v128.load(wp);
              const d = i8x16.sub(i8x16.max_s(xv, wv), i8x16.min_s(xv, wv));
              lo = i16x8.add(lo, i16x8.extend_low_i8x16_u(d));
              hi = i16x8.add(hi, i16x8.extend_high_i8x16_u(d));
            }
          }
          s0 = i32x4.add(s0, i32x4.extend_low_i16x8_u(lo)); s1 = i32x4.add(s1, i32x4.extend_high_i16x8_u(lo));
          s2 = i32x4.add(s2, i32x4.extend_low_i16x8_u(hi)); s3 = i32x4.add(s3, i32x4.extend_high_i16x8_u(hi));
        }
      } else {
        const z = i16x8.splat(<i16>zx);
        for (let r = 0; r < rows; r++) {
          let xp = xg + <usize>r * xRow, wp = wg + <usize>r * wRow;
          for (let k = 0; k < cols; k++, xp += xCol, wp += wTap) {
            // x − zx lies in −255..255 and |x − zx|·|w| ≤ 255·128: i16 lanes, products widened to i32
            const xv = v128.load(xp), wv = v128.load(wp);
            const xl = i16x8.sub(i16x8.extend_low_i8x16_s(xv), z), xh = i16x8.sub(i16x8.extend_high_i8x16_s(xv), z);
            const wl = i16x8.extend_low_i8x16_s(wv), wh = i16x8.extend_high_i8x16_s(wv);
            s0 = i32x4.add(s0, i32x4.extmul_low_i16x8_s(xl, wl)); s1 = i32x4.add(s1, i32x4.extmul_high_i16x8_s(xl, wl));
            s2 = i32x4.add(s2, i32x4.extmul_low_i16x8_s(xh, wh)); s3 = i32x4.add(s3, i32x4.extmul_high_i16x8_s(xh, wh));
          }
        }
      }
      const p = ACC + (<usize>g << 2);
      v128.store(p, i32x4.add(v128.load(p), s0));
      v128.store(p, i32x4.add(v128.load(p, 16), s1), 16);
      v128.store(p, i32x4.add(v128.load(p, 32), s2), 32);
      v128.store(p, i32x4.add(v128.load(p, 48), s3), 48);
    } else {
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0; // channels g … g+3, byte k of each word is channel g+k
      if (adder) {
        for (let r0 = 0; r0 < rows; r0 += band) {
          // |x − w| of four channels a word (./swar.ts): channels g, g+2 in the 16-bit lanes of
          // `even`, g+1, g+3 in those of `odd`
          let even: u32 = 0, odd: u32 = 0;
          for (let r = r0; r < min(rows, r0 + band); r++) {
            let xp = xg + <usize>r * xRow, wp = wg + <usize>r * wRow;
            for (let k = 0; k < cols; k++, xp += xCol, wp += wTap) {
              const xv = load<u32>(xp);
              const d = sadBytes(xv, unsignedBytes(xv), load<u32>(wp));
              even += d & EVEN_BYTES;
              odd += (d >>> 8) & EVEN_BYTES;
            }
          }
          s0 += <i32>(even & 0xffff); s1 += <i32>(odd & 0xffff); s2 += <i32>(even >>> 16); s3 += <i32>(odd >>> 16);
        }
      } else {
        for (let r = 0; r < rows; r++) {
          let xp = xg + <usize>r * xRow, wp = wg + <usize>r * wRow;
          for (let k = 0; k < cols; k++, xp += xCol, wp += wTap) {
            const xv = load<u32>(xp), wv = load<u32>(wp);
            s0 += (byteAt(xv, 0) - zx) * byteAt(wv, 0); s1 += (byteAt(xv, 1) - zx) * byteAt(wv, 1);
            s2 += (byteAt(xv, 2) - zx) * byteAt(wv, 2); s3 += (byteAt(xv, 3) - zx) * byteAt(wv, 3);
          }
        }
      }
      addAcc4(g, s0, s1, s2, s3);
    }
  }
}
