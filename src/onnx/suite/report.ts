// The import suite's results as a summary, a table (the terminal's and docs/ONNX.md's) and JSON.
import { FLOAT_TOLERANCE, INT8_TOLERANCE, type CaseResult } from "./run_case.js";

export interface SuiteReport {
  /** The onnx wheel the data comes from. */
  onnxVersion: string;
  /** Suites present in that wheel, with their case counts. */
  suites: { suite: string; cases: number }[];
  cases: CaseResult[];
}

const count = (cases: readonly CaseResult[], status: CaseResult["status"]) => cases.filter((c) => c.status === status).length;

/** The importer's "unsupported op" message lists every supported op; the table names the op alone. */
export const shortReason = (reason: string): string => reason.replace(/; supported: Conv, .*$/, "");

const percent = (fraction: number) => `${(100 * fraction).toFixed(2)} %`;
const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? "" : "s"}`;
const floatText = (r: CaseResult) => (r.float ? (r.float.maxAbsError === 0 ? "0" : r.float.maxAbsError.toExponential(1)) : "");
const int8Text = (r: CaseResult) => (r.int8 ? percent(r.int8.fractionOfRange) : "");

/** The summary lines: counts overall and without the cases of 3-D data. */
export function summaryLines(report: SuiteReport): string[] {
  const { cases } = report;
  const notThreeD = cases.filter((c) => !c.threeD);
  const suites = report.suites.map((s) => `${s.suite} ${s.cases}`).join(", ");
  return [
    `onnx ${report.onnxVersion} test data: ${suites}.`,
    `${cases.length} cases run: ${count(cases, "matched")} matched, ${count(cases, "refused")} refused, ${count(cases, "mismatch")} mismatched, ${count(cases, "error")} failed.`,
    `Without the ${plural(cases.length - notThreeD.length, "case")} of 3-D data (input [N, C, D, H, W]): ${plural(notThreeD.length, "case")}, ${count(notThreeD, "matched")} matched.`,
  ];
}

/** How many refusals give each reason (the op, or the kind of graph), most frequent first. */
export function refusalCounts(report: SuiteReport): { reason: string; cases: string[] }[] {
  const groups = new Map<string, string[]>();
  for (const c of report.cases.filter((r) => r.status === "refused")) {
    const reason = groupOf(c.reason ?? "");
    groups.set(reason, [...(groups.get(reason) ?? []), c.name]);
  }
  return [...groups].map(([reason, names]) => ({ reason, cases: names })).sort((a, b) => b.cases.length - a.cases.length || a.reason.localeCompare(b.reason));
}

/** A refusal's reason without the node's name and the case's particulars (the op's node, the input's name), so equal reasons group. */
function groupOf(reason: string): string {
  const op = /^unsupported op "([^"]+)"/.exec(reason);
  if (op) return `unsupported op ${op[1]}`;
  const inputs = /^the graph has (\d+) non-initializer inputs/.exec(reason);
  if (inputs) return "several graph inputs";
  const rank = /^graph input "[^"]*" has rank (\d+)( \(3-D data)?/.exec(reason);
  if (rank) return rank[2] ? "3-D data (input rank 5)" : `input rank ${rank[1]}`;
  const type = /^graph input "[^"]*" has element type (\w+)/.exec(reason);
  if (type) return `input of type ${type[1]}`;
  const node = /^(\w+) \(node "[^"]*"\): (.*)$/.exec(reason);
  if (node) return `${node[1]}: ${node[2]}`;
  return reason;
}

const escapeCell = (text: string) => text.replace(/\|/g, "\\|");

/** The per-case table in Markdown. */
export function markdownTable(report: SuiteReport): string {
  const rows = report.cases.map((r) => {
    const cells = [`${r.suite}/${r.name}${r.threeD ? " (3-D)" : ""}`, r.status, r.samples === undefined ? "" : String(r.samples), floatText(r), int8Text(r), escapeCell(shortReason(r.reason ?? ""))];
    return `| ${cells.join(" | ")} |`;
  });
  return ["| case | result | samples | float max \\|Δ\\| | int8 max \\|Δ\\| / range | reason |", "|---|---|---:|---:|---:|---|", ...rows].join("\n");
}

/** The section of docs/ONNX.md between the markers: how the suite matches, the counts, the refusals, every case. */
export function docsSection(report: SuiteReport): string {
  const refusals = refusalCounts(report).map((g) => `| ${escapeCell(g.reason)} | ${g.cases.length} | ${g.cases.join(", ")} |`);
  return [
    ...summaryLines(report),
    "",
    `A case matches when the float reference is within ${FLOAT_TOLERANCE.toExponential()} × max |expected| of PyTorch's output and the int8 kernel (Node, SIMD, quantized on the case's own inputs) within ${100 * INT8_TOLERANCE} % of the output's range (max − min over every sample) or within one step of its int8 output grid, every value of every sample compared.`,
    "",
    "Refusals by reason:",
    "",
    "| reason | cases | which |",
    "|---|---:|---|",
    ...refusals,
    "",
    markdownTable(report),
  ].join("\n");
}

/** The table for the terminal: fixed-width columns, the reason last. */
export function textTable(report: SuiteReport): string {
  const header = ["case", "result", "samples", "float max|Δ|", "int8 max|Δ|/range", "reason"];
  const rows = report.cases.map((r) => [`${r.suite}/${r.name}${r.threeD ? " (3-D)" : ""}`, r.status, r.samples === undefined ? "" : String(r.samples), floatText(r), int8Text(r), shortReason(r.reason ?? "")]);
  const widths = header.slice(0, -1).map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i < widths.length ? cell.padEnd(widths[i]!) : cell)).join("  ").trimEnd();
  return [line(header), ...rows.map(line), "", ...summaryLines(report)].join("\n");
}
