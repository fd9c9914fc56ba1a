import { describe, expect, it } from "vitest";
import { calibrationSamples, fitBatchNorms, SeededBuilder } from "../../src/models/factory.js";
import { Rng } from "../../src/models/random.js";
import { quantizeGraph } from "../../src/quantize/quantize.js";
import { agreement, describeAgreement } from "./helpers.js";

describe("negative BatchNorm γ", () => {
  for (const adder of [true, false]) {
    it(`${adder ? "adder" : "multiply"} conv with every γ negative matches float within a few steps`, () => {
      const b = new SeededBuilder({ height: 7, width: 7, channels: 4 }, new Rng(7));
      const y = b.layer(b.input(), { adder, outChannels: 6, kernel: 3, padding: 1, activation: "relu", negativeGamma: 1 });
      const graph = b.build(y);
      fitBatchNorms(graph, calibrationSamples(graph.inputShape, 4, 1));
      const { model } = quantizeGraph(graph, calibrationSamples(graph.inputShape, 16, 2));
      const op = model.ops[0]!;
      if (adder) expect(Array.from(op.mult!).every((m) => m < 0)).toBe(true); // a_n < 0 → negative multiplier
      else expect(Array.from(op.mult!).every((m) => m > 0)).toBe(true); // γ folded into the weights
      const a = agreement(graph, model, calibrationSamples(graph.inputShape, 8, 3));
      console.log(`${adder ? "adder" : "multiply"}, γ < 0: ${describeAgreement(a)}`);
      expect(a.steps).toBeLessThan(1);
      expect(a.maxAbsDelta / model.tensors[model.output]!.scale).toBeLessThan(4);
    });
  }
});
