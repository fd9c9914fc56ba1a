// The float reference's fast path (src/graph/float_kernel.ts loads it, float_reference.ts lays
// out its memory): the window sums of conv-like layers in f32x4 lanes, about ten times the speed
// of the float64 loops of src/graph/float_ops.ts, which stay the definition. Four functions over
// one linear memory that the host lays out from __heap_base on and grows as it needs; every
// argument is an i32, pointers are byte offsets, float rows 16-aligned, and every count (pixels,
// filters, kernel rows and columns) at least 1: the loops test at their end, which V8 compiles
// into tighter code than a loop tested at its start (about 5 % on these sums).
//
//   im2col(x, H, W, C, kh, kw, sh, sw, dh, dw, pt, pl, OH, OW, K16, dst)
//       one row of K16 floats per output pixel: the window's taps in (i, j, c) order, a padded
//       tap as the value 0, then zeros up to K16 (a multiple of 16);
//   dot(x, w, wsum, out, P, N, K16)
//       out[p·N + n] (f64) = Σ_k x[p·K16 + k]·w[n·K16 + k];
//   sad(x, w, wsum, out, P, N, K16)
//       out[p·N + n] = −Σ_k |x[p·K16 + k] − w[n·K16 + k]|, computed as 2·Σ min(x, w) − Σx − wsum[n]
//       (|x − w| = x + w − 2·min(x, w); wsum[n] = Σ_k w[n·K16 + k] in f64): two instructions a
//       lane instead of three;
//   finish(sums, params, P, N, clamp, dst)
//       dst[p·N + n] (f32) = a[n]·sums[p·N + n] + b[n], then (if clamp) clamped to [lo, hi] as
//       applyActivation does; params holds a[N], b[N], lo, hi (f64): float_ops.ts's finishConvLike.
//
// Zeros beyond K add nothing to any sum. Terms are formed in float32 and summed in float32 lanes
// over blocks of 256, each block's sum then added in float64, so results differ from the float64
// loops only by float rounding, and are the same on every run and every engine.

/** Bytes per block (256 floats) summed in float32 lanes before the float64 running sum takes it. */
const BLOCK_BYTES: usize = 1024;

/** What a row sum adds up, lane by lane. */
const enum Term { X, MIN, PRODUCT }

/** Four lanes of the row sum's term at x (and w). */
@inline function term(kind: Term, x: usize, w: usize): v128 {
  if (kind == Term.X) return v128.load(x);
  // pmin (b < a ? b : a) is one instruction on x86, unlike f32x4.min, whose rules for NaN and
  // −0 a sum does not need
  return kind == Term.MIN ? f32x4.pmin(v128.load(x), v128.load(w)) : f32x4.mul(v128.load(x), v128.load(w));
}

/** The four f32 lanes of `s` widened to float64 and added pairwise: (s0 + s2, s1 + s3). */
@inline function widenLanes(s: v128): v128 {
  const high = v128.shuffle<f32>(s, s, 2, 3, 0, 1);
  return f64x2.add(f64x2.promote_low_f32x4(s), f64x2.promote_low_f32x4(high));
}

/**
 * Σ over a row of `bytes` (a multiple of 64) of term(kind, x + k, w + k): 16 floats a step into
 * four f32x4 accumulators, which a block of BLOCK_BYTES then adds into a float64 pair.
 */
@inline function rowSum(kind: Term, x: usize, w: usize, bytes: usize): f64 {
  let acc = f64x2.splat(0);
  let k: usize = 0;
  do {
    let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
    const end = min(k + BLOCK_BYTES, bytes);
    do {
      a0 = f32x4.add(a0, term(kind, x + k, w + k));
      a1 = f32x4.add(a1, term(kind, x + k + 16, w + k + 16));
      a2 = f32x4.add(a2, term(kind, x + k + 32, w + k + 32));
      a3 = f32x4.add(a3, term(kind, x + k + 48, w + k + 48));
      k += 64;
    } while (k < end);
    acc = f64x2.add(acc, widenLanes(f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3))));
  } while (k < bytes);
  return f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
}

/** dot or sad (see the top of the file): out[p·N + n] for every pixel p and filter n. */
@inline function windowSums(kind: Term, x: usize, w: usize, wsum: usize, out: usize, P: i32, N: i32, K16: i32): void {
  const rowBytes = <usize>K16 << 2;
  let o = out;
  let p = 0;
  do {
    const xr = x + <usize>p * rowBytes;
    const sx = kind == Term.MIN ? rowSum(Term.X, xr, xr, rowBytes) : 0;
    let n = 0;
    do {
      const m = rowSum(kind, xr, w + <usize>n * rowBytes, rowBytes);
      // sad: |x − w| summed as 2·Σmin − Σx − Σw, in this order
      store<f64>(o, kind == Term.MIN ? m + m - sx - load<f64>(wsum + (<usize>n << 3)) : m);
      o += 8;
    } while (++n < N);
  } while (++p < P);
}

export function sad(x: usize, w: usize, wsum: usize, out: usize, P: i32, N: i32, K16: i32): void {
  windowSums(Term.MIN, x, w, wsum, out, P, N, K16);
}

export function dot(x: usize, w: usize, wsum: usize, out: usize, P: i32, N: i32, K16: i32): void {
  windowSums(Term.PRODUCT, x, w, wsum, out, P, N, K16);
}

export function finish(sums: usize, params: usize, P: i32, N: i32, clamp: i32, dst: usize): void {
  const a = params, b = params + (<usize>N << 3); // b[] follows a[], then lo and hi
  const lo = load<f64>(b + (<usize>N << 3)), hi = load<f64>(b + (<usize>N << 3), 8);
  let i: usize = 0;
  let p = 0;
  do {
    let n = 0;
    do {
      const at = <usize>n << 3;
      let v = load<f64>(a + at) * load<f64>(sums + (i << 3)) + load<f64>(b + at);
      // as applyActivation: a NaN becomes lo
      if (clamp) v = v > lo ? (v < hi ? v : hi) : lo;
      store<f32>(dst + (i << 2), <f32>v);
      i++;
    } while (++n < N);
  } while (++p < P);
}

export function im2col(x: usize, H: i32, W: i32, C: i32, kh: i32, kw: i32, sh: i32, sw: i32, dh: i32, dw: i32,
                       pt: i32, pl: i32, OH: i32, OW: i32, K16: i32, dst: usize): void {
  const tapBytes = <usize>C << 2;
  const tailBytes = <usize>(K16 - kh * kw * C) << 2;
  let d = dst;
  let oh = 0;
  do {
    let ow = 0;
    do {
      let i = 0;
      do {
        const ih = oh * sh + i * dh - pt;
        let j = 0;
        do {
          const iw = ow * sw + j * dw - pl;
          // unsigned compares also reject the negative rows and columns of the padding
          if (<u32>ih < <u32>H && <u32>iw < <u32>W) memory.copy(d, x + <usize>(ih * W + iw) * tapBytes, tapBytes);
          else memory.fill(d, 0, tapBytes);
          d += tapBytes;
        } while (++j < kw);
      } while (++i < kh);
      memory.fill(d, 0, tailBytes);
      d += tailBytes;
    } while (++ow < OW);
  } while (++oh < OH);
}

export { __heap_base };
