// The pipeline, one stage after the other: import → quantize → plan → pack. What the CLI, the
// bench and the package's API call; each stage's module knows nothing of the ones after it.
import { packModel } from "./format/writer.js";
import type { QModel } from "./format/model.js";
import type { Graph } from "./graph/ir.js";
import { listNpyFiles, readFile } from "./io/files.js";
import { samplesFromNpy, type ImageLayout } from "./io/samples.js";
import { importOnnx } from "./onnx/index.js";
import { applyArenaPlan, type ArenaPlan, planArena } from "./plan/arena.js";
import type { Range } from "./quantize/calibrate.js";
import { quantizeGraph, type QuantizeOptions, type QuantizeResult } from "./quantize/quantize.js";

export interface Compiled extends QuantizeResult {
  /** The arena plan applied to `model` (peak activation bytes vs the lower bound). */
  plan: ArenaPlan;
  /** The packed .addn file. */
  bytes: Uint8Array;
}

/** Calibration data on disk: a .npy file or a folder of them. */
export interface CalibrationFiles {
  path: string;
  layout: ImageLayout;
  /** Use at most this many samples. */
  maxSamples: number;
}

function quantizeAndPlan(graph: Graph, samplesOrRanges: readonly Float32Array[] | Map<string, Range>, options: QuantizeOptions) {
  const quantized = quantizeGraph(graph, samplesOrRanges, options);
  const plan = planArena(quantized.model);
  return { ...quantized, model: applyArenaPlan(quantized.model, plan), plan };
}

/** Quantize and plan: a QModel ready for packModel. */
export function quantize(graph: Graph, samplesOrRanges: readonly Float32Array[] | Map<string, Range>, options: QuantizeOptions = {}): QModel {
  return quantizeAndPlan(graph, samplesOrRanges, options).model;
}

/** Quantize → plan → pack a float graph. */
export function compileGraph(graph: Graph, samplesOrRanges: readonly Float32Array[] | Map<string, Range>, options: QuantizeOptions = {}): Compiled {
  const planned = quantizeAndPlan(graph, samplesOrRanges, options);
  return { ...planned, bytes: packModel(planned.model) };
}

/**
 * Import → quantize → plan → pack an ONNX file, calibrated on .npy samples. What the import
 * assumed (a batch of N imported as 1) comes first in report.warnings.
 */
export function compileOnnxFile(onnxPath: string, calibration: CalibrationFiles, options: QuantizeOptions = {}): Compiled & { graph: Graph } {
  const importWarnings: string[] = [];
  const graph = importOnnx(readFile(onnxPath, "ONNX model"), { onWarning: (w) => importWarnings.push(w) });
  const samples = listNpyFiles(calibration.path)
    .flatMap((file) => samplesFromNpy(file, graph.inputShape, calibration.layout))
    .slice(0, calibration.maxSamples);
  const compiled = compileGraph(graph, samples, options);
  compiled.report.warnings.unshift(...importWarnings);
  return { graph, ...compiled };
}
