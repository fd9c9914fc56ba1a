// The import suite (docs/ONNX.md, "The import suite"): every case of the ONNX backend test data
// that PyTorch exported, run as run_case.ts says, reported by report.ts.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { listCases, onnxTestsRoot, onnxTestsVersion, SUITES } from "./data.js";
import { docsSection, type SuiteReport } from "./report.js";
import { runCase } from "./run_case.js";

export { FLOAT_TOLERANCE, INT8_TOLERANCE, runCase, type CaseResult, type CaseStatus } from "./run_case.js";
export { docsSection, markdownTable, refusalCounts, summaryLines, textTable, type SuiteReport } from "./report.js";

/** Runs every case (those whose name contains `filter`, if given), one after the other. */
export async function runSuite(filter?: string): Promise<SuiteReport> {
  const root = onnxTestsRoot();
  const all = listCases(root);
  const cases = [];
  for (const c of all) if (filter === undefined || c.name.includes(filter)) cases.push(await runCase(c));
  const suites = SUITES.map((suite) => ({ suite, cases: all.filter((c) => c.suite === suite).length })).filter((s) => s.cases > 0);
  return { onnxVersion: onnxTestsVersion(), suites, cases };
}

export const DOCS_PATH = fileURLToPath(new URL("../../../docs/ONNX.md", import.meta.url));
const BEGIN = "<!-- onnx-suite:begin (written by `npm run onnx-suite -- --write-docs`; a test checks it is current) -->";
const END = "<!-- onnx-suite:end -->";

/** `doc` with the text between the suite's markers replaced by the report's section. */
export function withDocsSection(doc: string, report: SuiteReport): string {
  const begin = doc.indexOf(BEGIN);
  const end = doc.indexOf(END);
  if (begin < 0 || end < begin) throw new Error(`docs/ONNX.md has no section between "${BEGIN}" and "${END}"`);
  return `${doc.slice(0, begin + BEGIN.length)}\n${docsSection(report)}\n${doc.slice(end)}`;
}

export const readDocs = (): string => readFileSync(DOCS_PATH, "utf8");
