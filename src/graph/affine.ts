// What bias and BatchNorm do to a conv-like layer's raw sum y, per output channel: a·y + b.
import type { ConvNode, DenseNode } from "./ir.js";
import { isDenseNode } from "./shapes.js";

/** a = γ/√(σ² + ε), b = a·(bias − μ) + β; without BatchNorm a = 1, b = bias. */
export function channelAffine(node: ConvNode | DenseNode): { a: Float64Array; b: Float64Array } {
  const count = isDenseNode(node) ? node.outFeatures : node.outChannels;
  const a = new Float64Array(count).fill(1);
  const b = new Float64Array(count);
  for (let n = 0; n < count; n++) {
    const bias = node.bias ? node.bias[n]! : 0;
    const bn = node.batchNorm;
    if (bn) {
      a[n] = bn.gamma[n]! / Math.sqrt(bn.variance[n]! + bn.epsilon);
      b[n] = a[n]! * (bias - bn.mean[n]!) + bn.beta[n]!;
    } else {
      b[n] = bias;
    }
  }
  return { a, b };
}
