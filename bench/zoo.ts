// The MLPerf Tiny architectures in `npm run bench`: the files `addernet zoo` writes, each measured
// for size against the reference model's int8 parameters, arena and arithmetic, and timed on
// node-simd and on the runtime that was slowest on ResNet-20 earlier in the same run.

import { packZooModel, ZOO_FIGURE_COLUMNS, ZOO_VARIANTS, zooFigureCells, type ZooFigures } from "../src/zoo.js";
import { table } from "../src/inspect/report.js";
import { measureLatencies, type LatencyRow } from "../src/eval/latency.js";
import { TINY_MODELS } from "../src/models/index.js";
import { getRuntime, type RuntimeName } from "../src/runtime/index.js";

export interface ZooBenchRow extends ZooFigures {
  nodeSimdMs: number;
  slowestMs: number;
  /** This variant's time over the multiply variant's, on node-simd and on the slowest runtime. */
  overMultiply: { nodeSimd: number; slowest: number };
}

export interface ZooBench {
  /** The runtime slowest on ResNet-20 in this run (node-scalar when no other is installed). */
  slowestRuntime: string;
  rows: ZooBenchRow[];
}

export async function benchZoo(resnet20: readonly LatencyRow[], quick: boolean, progress: (line: string) => void): Promise<ZooBench> {
  const timed = resnet20.filter((r) => r.meanMs !== undefined);
  const slowestRuntime = timed.reduce((a, b) => (b.meanMs! > a.meanMs! ? b : a)).runtime as RuntimeName;
  const runtimes = [getRuntime("node-simd"), getRuntime(slowestRuntime)];
  const rows: ZooBenchRow[] = [];
  for (const model of TINY_MODELS) {
    for (const variant of ZOO_VARIANTS) {
      progress(`zoo: ${model.name}-${variant} on node-simd and ${slowestRuntime}…`);
      const { bytes, figures } = packZooModel(model, variant);
      const [simd, slowest] = await measureLatencies(bytes, runtimes, { targetMs: quick ? 200 : 1000 });
      const multiply = rows.find((r) => r.model === model.name && r.variant === "multiply");
      const [nodeSimdMs, slowestMs] = [simd!.meanMs!, slowest!.meanMs!];
      rows.push({
        ...figures, nodeSimdMs, slowestMs,
        overMultiply: { nodeSimd: nodeSimdMs / (multiply?.nodeSimdMs ?? nodeSimdMs), slowest: slowestMs / (multiply?.slowestMs ?? slowestMs) },
      });
    }
  }
  return { slowestRuntime, rows };
}

export function formatZooBench(bench: ZooBench): string {
  const slowest = bench.slowestRuntime;
  return table([
    [...ZOO_FIGURE_COLUMNS, "node-simd ms", `${slowest} ms`, "adder/multiply time (node-simd, " + slowest + ")"],
    ...bench.rows.map((r) => [
      ...zooFigureCells(r), r.nodeSimdMs.toFixed(3), r.slowestMs.toFixed(3),
      r.variant === "adder" ? `${r.overMultiply.nodeSimd.toFixed(2)}x, ${r.overMultiply.slowest.toFixed(2)}x` : "",
    ]),
  ]);
}
