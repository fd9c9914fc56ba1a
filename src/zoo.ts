// The MLPerf Tiny architectures (src/models/tiny.ts) packed through the pipeline, and what each
// costs: what `addernet zoo`, the bench and the firmware's assets share.
import { buildReport } from "./inspect/report.js";
import { tinyCalibration, type TinyModel } from "./models/index.js";
import { compileGraph } from "./pipeline.js";

export const ZOO_VARIANTS = ["multiply", "adder"] as const;
export type ZooVariant = (typeof ZOO_VARIANTS)[number];

/** What one packed zoo model costs: its file against the reference's parameters, its arena and its arithmetic. */
export interface ZooFigures {
  model: string;
  variant: ZooVariant;
  fileBytes: number;
  /** The MLPerf Tiny reference model's int8 parameters (KB = 1000 bytes, as the benchmark lists them). */
  referenceBytes: number;
  weightBytes: number;
  biasBytes: number;
  arenaBytes: number;
  multiplications: number;
  additions: number;
}

/** A zoo model built (seed 1), quantized on its seeded calibration images and packed. */
export function packZooModel(model: TinyModel, variant: ZooVariant): { bytes: Uint8Array; figures: ZooFigures } {
  const graph = model.build(1, { adder: variant === "adder" });
  const { bytes } = compileGraph(graph, tinyCalibration(model.inputShape));
  const report = buildReport(bytes);
  return {
    bytes,
    figures: {
      model: model.name, variant, fileBytes: bytes.length, referenceBytes: model.referenceBytes, weightBytes: report.weightBytes,
      biasBytes: report.biasBytes, arenaBytes: report.model.activationBytes,
      multiplications: report.counts.multiplications, additions: report.counts.additions,
    },
  };
}

const si = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : `${(n / 1e3).toFixed(1)} k`);

/** Column titles of zooFigureCells. */
export const ZOO_FIGURE_COLUMNS = ["model", "variant", "file bytes", "reference", "file/ref", "weights", "arena bytes", "multiplications", "additions"];

export const zooFigureCells = (r: ZooFigures): string[] => [
  r.model, r.variant, String(r.fileBytes), `${r.referenceBytes / 1000} KB`, `${(r.fileBytes / r.referenceBytes).toFixed(2)}x`,
  String(r.weightBytes), String(r.arenaBytes), si(r.multiplications), si(r.additions),
];
