// Weight layout: the float graph keeps ONNX's OIHW conv weights; the window loops (the float
// reference, the quantizer, the packed format) read them as [n][i][j][c].

/** OIHW → [n][i][j][c]. */
export function oihwToOhwi(weights: ArrayLike<number>, outC: number, inC: number, kh: number, kw: number): Float64Array {
  const out = new Float64Array(outC * kh * kw * inC);
  for (let n = 0; n < outC; n++)
    for (let c = 0; c < inC; c++)
      for (let i = 0; i < kh; i++)
        for (let j = 0; j < kw; j++) out[((n * kh + i) * kw + j) * inC + c] = weights[((n * inC + c) * kh + i) * kw + j]!;
  return out;
}
