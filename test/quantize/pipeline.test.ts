import { describe, expect, it } from "vitest";
import { readModel } from "../../src/format/reader.js";
import type { Graph } from "../../src/graph/ir.js";
import { buildDigitsNet, buildResNet20, calibrationSamples } from "../../src/models/index.js";
import { runReference } from "../../src/reference/interpreter.js";
import { compileGraph } from "../../src/pipeline.js";
import { formatQuantizationReport } from "../../src/quantize/quantize.js";
import { quantizeInput } from "../../src/quantize/io.js";
import { agreement, describeAgreement } from "./helpers.js";

/** quantize → plan → pack → read; checks the read model runs byte-identically to the in-memory one. */
function roundTrip(graph: Graph, calibration: number, fold = true) {
  const result = compileGraph(graph, calibrationSamples(graph.inputShape, calibration, 100), { foldClampedWeights: fold });
  const read = readModel(result.bytes);
  const x = quantizeInput(read, calibrationSamples(graph.inputShape, 1, 5)[0]!);
  expect(runReference(read, x)).toEqual(runReference(result.model, x));
  return { ...result, read };
}

describe("quantize → packModel → readModel → runReference", () => {
  it("digits net: int8 agrees with float; folding beats clamping alone", () => {
    const graph = buildDigitsNet(1);
    const folded = roundTrip(graph, 32);
    const dropped = roundTrip(graph, 32, false);
    const inputs = calibrationSamples(graph.inputShape, 64, 200);
    const a = agreement(graph, folded.read, inputs);
    const b = agreement(graph, dropped.read, inputs);
    console.log(`digits net (${folded.bytes.length} bytes)\n${formatQuantizationReport(folded.report)}\n  folded : ${describeAgreement(a)}\n  dropped: ${describeAgreement(b)}`);
    expect(a.top1).toBeGreaterThanOrEqual(0.9);
    expect(a.relative).toBeLessThan(0.03);
    expect(b.meanAbsDelta).toBeGreaterThan(3 * a.meanAbsDelta);
  });

  it("ResNet-20: int8 agrees with float", () => {
    const graph = buildResNet20(1);
    const { read, report, bytes, plan } = roundTrip(graph, 16);
    expect(report.layers.filter((l) => l.op === "adder_conv2d")).toHaveLength(18 + 2);
    const a = agreement(graph, read, calibrationSamples(graph.inputShape, 16, 300));
    console.log(`ResNet-20 (${bytes.length} bytes, ${read.activationBytes} activation bytes, lower bound ${plan.lowerBound})\n${formatQuantizationReport(report)}\n  ${describeAgreement(a)}`);
    expect(a.top1).toBeGreaterThanOrEqual(0.8);
    expect(a.relative).toBeLessThan(0.06);
  });
});
