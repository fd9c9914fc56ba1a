// Parameters of the ops without filters that keep arrays in the params section (LUT,
// CHANNEL_AFFINE): read in place (arena flavour), or through the embedder into the window
// buffer of the conv ops, which no other op uses meanwhile (stream flavour).
import { STREAMED, readModel } from "../engine/source";
import { paramsBase } from "../engine/state";
import { WINDOW, WINDOW_BYTES } from "./scratch";

/**
 * The address of `len` params bytes from `offset` (relative to the params section): in place,
 * or (stream flavour) read to `slot` bytes into the window, slot + len ≤ WINDOW_BYTES; 0 when
 * the embedder could not read them.
 */
export function paramBytes(offset: usize, len: usize, slot: usize): usize {
  if (!STREAMED) return paramsBase + offset;
  return readModel(WINDOW + slot, len, paramsBase + offset) ? WINDOW + slot : 0;
}

/** Stream flavour: zero the window again (static memory outside the arena is left as found). */
export function releaseParams(): void {
  if (STREAMED) memory.fill(WINDOW, 0, <usize>WINDOW_BYTES);
}
