// What a pixel added by PAD holds, by mode (docs/SPEC.md, PAD): the index of the input row or
// column it copies, or none (the fill value). The float reference, the int8 reference and the
// kernel (assembly/ops/pad.ts) all map indices this way.
import type { PadMode } from "../format/model.js";

/**
 * The input index (0 ≤ result < n) that position `i` of a padded axis of length `n` copies, or
 * −1 when it holds the fill value: inside [0, n) itself; outside, by mode — constant: the fill;
 * edge: the nearest end; reflect: the mirror image about the end pixel, which is not repeated
 * (period 2·(n − 1); n = 1 repeats the pixel); wrap: i modulo n.
 */
export function padSourceIndex(i: number, n: number, mode: PadMode): number {
  if (i >= 0 && i < n) return i;
  switch (mode) {
    case "constant":
      return -1;
    case "edge":
      return i < 0 ? 0 : n - 1;
    case "reflect": {
      if (n === 1) return 0;
      const period = 2 * (n - 1);
      const m = ((i % period) + period) % period;
      return m < n ? m : period - m;
    }
    case "wrap":
      return ((i % n) + n) % n;
  }
}
