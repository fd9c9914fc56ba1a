import { describe, expect, it } from "vitest";
import { GraphBuilder } from "../../src/graph/builder.js";
import { runFloat } from "../../src/graph/float_reference.js";
import type { Graph } from "../../src/graph/ir.js";
import { Rng } from "../../src/models/random.js";
import { calibrate, type Range } from "../../src/quantize/calibrate.js";
import { gridFromRange } from "../../src/quantize/grid.js";
import { quantizeAdderLayer } from "../../src/quantize/layers.js";
import { quantizeGraph } from "../../src/quantize/quantize.js";
import { agreement, describeAgreement } from "./helpers.js";

// One adder conv (3 → 4 channels, 3×3, pad 1 so padded taps are in play) whose weights partly
// lie outside the input grid's range [−1, 2].
const INPUT_RANGE: Range = { min: -1, max: 2 };
const rng = new Rng(42);
const weights = rng.normals(4 * 3 * 9, 1.5, 0.5);

function adderGraph(w: Float32Array, batchNorm = false): Graph {
  const b = new GraphBuilder({ height: 6, width: 5, channels: 3 });
  const bn = batchNorm
    ? { gamma: Float32Array.from([0.02, -0.03, 0.05, -0.01]), beta: Float32Array.from([0.1, -0.2, 0.3, 0]), mean: Float32Array.from([-40, -30, -45, -50]), variance: new Float32Array(4).fill(1), epsilon: 0 }
    : undefined;
  const y = b.adderConv2d(b.input(), { weights: w, outChannels: 4, kernel: 3, padding: 1, ...(bn ? { batchNorm: bn } : {}) });
  return b.build(y);
}

const grid = gridFromRange(INPUT_RANGE);
/** Inputs whose every value lies on the input grid. */
const onGridInputs = (count: number, seed: number): Float32Array[] => {
  const r = new Rng(seed);
  return Array.from({ length: count }, () => Float32Array.from({ length: 6 * 5 * 3 }, () => grid.scale * (r.int(-128, 127) - grid.zeroPoint)));
};

describe("folding clamped adder weights", () => {
  it("clamped weights plus the folded remainder give exactly the original float output (inputs on the grid)", () => {
    const graph = adderGraph(weights);
    const node = graph.nodes[0]!;
    const xLo = grid.scale * (-128 - grid.zeroPoint);
    const xHi = grid.scale * (127 - grid.zeroPoint);
    const clampedWeights = weights.map((w) => Math.min(Math.max(w, xLo), xHi));
    const outside = weights.filter((w) => w < xLo || w > xHi).length;
    expect(outside).toBeGreaterThan(20); // the test is about them

    const params = quantizeAdderLayer(node as never, 3, grid, { scale: 1, zeroPoint: 0 }, { foldClampedWeights: true });
    expect(params.stats.clampedWeights).toBe(outside);
    const clampedGraph = adderGraph(clampedWeights);
    let worst = 0;
    for (const x of onGridInputs(3, 1)) {
      const original = runFloat(graph, x);
      const clamped = runFloat(clampedGraph, x);
      original.forEach((y, k) => {
        const folded = clamped[k]! - grid.scale * params.remainders[k % 4]!;
        worst = Math.max(worst, Math.abs(folded - y) / Math.abs(y));
      });
    }
    expect(worst).toBeLessThan(1e-5); // float32 rounding only
  });

  it("the int8 pipeline with folding is much closer to float than clamping alone", () => {
    for (const batchNorm of [false, true]) {
      const graph = adderGraph(weights, batchNorm);
      const samples = onGridInputs(16, 2);
      const ranges = calibrate(graph, samples);
      ranges.set("input", INPUT_RANGE);
      const folded = quantizeGraph(graph, ranges);
      const dropped = quantizeGraph(graph, ranges, { foldClampedWeights: false });
      const test = onGridInputs(8, 3);
      const a = agreement(graph, folded.model, test);
      const b = agreement(graph, dropped.model, test);
      const layer = folded.report.layers[0]!;
      console.log(
        `adder layer (BN ${batchNorm}): ${(100 * layer.clampedFraction).toFixed(1)}% weights clamped, Σr ${layer.foldedRemainder.toFixed(1)} steps\n` +
          `  folded : ${describeAgreement(a)}\n  dropped: ${describeAgreement(b)}`,
      );
      expect(dropped.report.layers[0]!.droppedRemainder).toBeCloseTo(layer.foldedRemainder, 6);
      expect(a.steps).toBeLessThan(1);
      expect(b.meanAbsDelta).toBeGreaterThan(10 * a.meanAbsDelta);
    }
  });
});
