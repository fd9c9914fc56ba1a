// The float reference's fast path (window sums in WebAssembly SIMD, float32 terms) against the
// definition of each op in float_ops.ts (float64 loops): equal to within float rounding.
import { describe, expect, it } from "vitest";
import { runNode } from "../../src/graph/float_ops.js";
import { FloatRunner } from "../../src/graph/float_reference.js";
import type { Graph } from "../../src/graph/ir.js";
import { inferShapes } from "../../src/graph/shapes.js";
import { buildDigitsNet, buildResNet20, calibrationSamples, randomNetwork } from "../../src/models/index.js";

/** Every value, each node run by its definition in float_ops.ts. */
function definitionValues(graph: Graph, input: Float32Array): Map<string, Float32Array> {
  const shapes = inferShapes(graph);
  const values = new Map([[graph.inputName, input]]);
  for (const node of graph.nodes) {
    const inputs = node.inputs.map((name) => values.get(name)!);
    values.set(node.output, runNode(node, inputs, node.inputs.map((name) => shapes.get(name)!), shapes.get(node.output)!));
  }
  return values;
}

/** Largest |fast − definition| over every value, relative to that value's largest magnitude. */
function worstRelativeError(graph: Graph, samples = 2): number {
  const runner = new FloatRunner(graph);
  let worst = 0;
  for (const x of calibrationSamples(graph.inputShape, samples, 5)) {
    const fast = runner.runAll(x);
    for (const [name, expected] of definitionValues(graph, x)) {
      const got = fast.get(name)!;
      const scale = Math.max(1e-30, ...Array.from(expected, Math.abs));
      expected.forEach((v, i) => (worst = Math.max(worst, Math.abs(got[i]! - v) / scale)));
    }
  }
  return worst;
}

describe("FloatRunner", () => {
  it("matches the op definitions on ResNet-20 and the digits net", () => {
    expect(worstRelativeError(buildResNet20(1), 1)).toBeLessThan(1e-5);
    expect(worstRelativeError(buildDigitsNet(1))).toBeLessThan(1e-5);
  });

  it("matches them on random networks (odd channel counts, strides, dilation, asymmetric pads, dense heads)", () => {
    for (let seed = 0; seed < 24; seed++) expect(worstRelativeError(randomNetwork(seed)), `seed ${seed}`).toBeLessThan(1e-5);
  });

  it("gives the same output on every run (its scratch memory is reused)", () => {
    const graph = buildDigitsNet(2);
    const runner = new FloatRunner(graph);
    const [a, b] = calibrationSamples(graph.inputShape, 2, 9);
    const first = runner.run(a!).slice();
    runner.run(b!);
    expect(Array.from(runner.run(a!))).toEqual(Array.from(first));
  });
});
