// What `addernet inspect` shows about a packed model: layers, grids, arithmetic, the arena map
// and the file layout. Built as data (for --json) and rendered as text.

import { describeLayout, type FileLayout } from "../format/describe.js";
import { hasFilters, opInputs } from "../ops/table.js";
import { type QModel, tensorBytes } from "../format/model.js";
import { readModel } from "../format/reader.js";
import { liveBytesLowerBound, placedSlices, tensorLifetimes } from "../plan/arena.js";
import { countModel, countOp, type OpCount } from "./op_counts.js";
import { outputDims } from "../quantize/io.js";

export interface ModelReport {
  model: QModel;
  layout: FileLayout;
  counts: ReturnType<typeof countModel>;
  perOp: OpCount[];
  /** Bytes of int8 weights, and of int32 biases, stored in the file. */
  weightBytes: number;
  biasBytes: number;
  /** File bytes beyond raw weights and biases (headers, tables, multipliers, alignment). */
  overheadBytes: number;
  /** The planner's lower bound: most bytes live at any one op. */
  activationLowerBound: number;
}

export function buildReport(bytes: Uint8Array): ModelReport {
  const model = readModel(bytes);
  const layout = describeLayout(bytes);
  let weightBytes = 0;
  let biasBytes = 0;
  for (const op of model.ops) {
    if (!hasFilters(op.kind)) continue;
    weightBytes += op.weights!.length;
    biasBytes += 4 * op.bias!.length;
  }
  return {
    model,
    layout,
    counts: countModel(model),
    perOp: model.ops.map((op) => countOp(model, op)),
    weightBytes,
    biasBytes,
    overheadBytes: layout.fileSize - weightBytes - biasBytes,
    activationLowerBound: liveBytesLowerBound(model),
  };
}

const shape = (t: { height: number; width: number; channels: number }) => `${t.height}x${t.width}x${t.channels}`;
const si = (n: number) => (n >= 1e9 ? `${(n / 1e9).toFixed(2)}G` : n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)}k` : String(n));
/** Rows of cells as left-aligned columns. */
export const table = (rows: string[][]): string => {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]!))).join("  ").trimEnd()).join("\n");
};

export function renderReport(r: ModelReport): string {
  const { model, layout } = r;
  const input = model.tensors[model.input]!;
  const output = model.tensors[model.output]!;
  const lines: string[] = [];
  lines.push(`model: ${model.ops.length} ops, ${model.tensors.length} tensors, ${layout.fileSize} bytes, CRC-32 0x${layout.crc32.toString(16).padStart(8, "0")}`);
  lines.push(`input  t${model.input} ${shape(input)} int8, scale ${input.scale.toPrecision(6)}, zero point ${input.zeroPoint}`);
  lines.push(`output t${model.output} ${shape(output)} int8, scale ${output.scale.toPrecision(6)}, zero point ${output.zeroPoint}; in the model's layout [${outputDims(model).join(", ")}]`);

  lines.push("", "layers:");
  const layerRows = [["#", "op", "in -> out", "kernel/stride/pad", "clamp", "shift", "taps", "mul", "add"]];
  model.ops.forEach((op, i) => {
    const inputs = opInputs(op).map((t) => `t${t}`).join("+");
    const c = r.perOp[i]!;
    layerRows.push([
      String(i),
      op.kind + (op.name ? ` (${op.name})` : ""),
      `${inputs} ${shape(model.tensors[op.input0]!)} -> t${op.output} ${shape(model.tensors[op.output]!)}`,
      `${op.kernelH}x${op.kernelW}/${op.strideH}/${op.padTop},${op.padLeft},${op.padBottom},${op.padRight}`,
      `[${op.actMin},${op.actMax}]`,
      String(op.shift),
      si(c.taps),
      si(c.multiplications),
      si(c.additions),
    ]);
  });
  lines.push(table(layerRows));
  const t = r.counts;
  lines.push(
    "",
    `per inference: ${si(t.adderTaps)} adder taps (|x-w|), ${si(t.multiplyTaps)} multiply taps (MAC); ` +
      `${si(t.multiplications)} multiplications, ${si(t.additions)} additions`,
  );

  lines.push("", "tensors (arena map):");
  const lifetimes = tensorLifetimes(model);
  const tensorRows = [["t", "shape", "scale", "zero", "offset", "bytes", "live (ops)"]];
  const slices = new Map(placedSlices(model).map((s) => [s.tensor, s]));
  model.tensors.forEach((tensor, i) => {
    const life = lifetimes[i];
    const slice = slices.get(i);
    tensorRows.push([
      `t${i}`,
      shape(tensor),
      tensor.scale.toPrecision(5),
      String(tensor.zeroPoint),
      slice ? `t${slice.of} channels ${slice.channel}.. (in place)` : `${tensor.offset}..${tensor.offset + tensorBytes(tensor)}`,
      String(tensorBytes(tensor)),
      life ? `${life.first}..${life.last}` : "-",
    ]);
  });
  lines.push(table(tensorRows));
  const ratio = r.activationLowerBound > 0 ? model.activationBytes / r.activationLowerBound : 1;
  lines.push(`activations: ${model.activationBytes} bytes planned, lower bound ${r.activationLowerBound} bytes (${ratio.toFixed(3)}x)`);

  lines.push("", "file layout:");
  lines.push(table([["section", "offset", "bytes"], ...layout.sections.map((s) => [s.name, String(s.offset), String(s.size)])]));
  const overheadPct = (100 * r.overheadBytes) / Math.max(1, r.weightBytes + r.biasBytes);
  lines.push(
    `weights ${r.weightBytes} bytes, biases ${r.biasBytes} bytes; everything else ${r.overheadBytes} bytes ` +
      `(${overheadPct.toFixed(2)}% of weights+biases: headers, tables, multipliers, ${layout.paramsPadding} alignment bytes)`,
  );
  return lines.join("\n");
}
