// The fuzz command's loop in CI: mutated models on all 18 columns (9 runtimes × 2 kernel
// flavours), then more on the Node columns, which are fast. No trap, no write outside the arena,
// the reader's status and offset, the reference's output. With CI=true a missing runtime fails;
// otherwise it is skipped (the conformance suite says how to install it).
import { describe, expect, it } from "vitest";
import { columnName, makeColumn } from "../../src/fuzz/columns/index.js";
import { fuzzBases } from "../../src/fuzz/cases.js";
import { renderReport } from "../../src/fuzz/cli.js";
import { problemCount, runFuzz, type FuzzReport } from "../../src/fuzz/run.js";
import { KERNEL_FLAVOURS, listRuntimes } from "../../src/runtime/index.js";

const IN_CI = process.env.CI === "true";
const SEED = 2027;
const ALL_COLUMNS = 600; // cases on every column
const NODE_ONLY = 4000; // further cases on the Node columns
const STATUSES = ["OK", "TRUNCATED", "BAD_MAGIC", "BAD_VERSION", "BAD_FLAGS", "BAD_CRC", "BAD_LAYOUT", "BAD_TENSOR", "BAD_OP",
  "SHAPE_MISMATCH", "PARAM_OUT_OF_RANGE", "BAD_QUANT", "BAD_GRAPH"];

const bases = fuzzBases(SEED);

/** The report passes: no problem (the first ones printed otherwise), and every check was made. */
function expectClean(report: FuzzReport): void {
  expect(problemCount(report), renderReport(report, 10)).toBe(0);
  for (const t of report.columns) {
    expect(t.runs, t.column).toBe(report.count);
    expect(t.outsideChecked, `${t.column}: the memory outside the arena was compared on every run`).toBe(t.runs);
    expect(t.outputsChecked, `${t.column}: valid mutations ran and their outputs were compared`).toBeGreaterThan(report.count / 10);
  }
}

describe("fuzz", () => {
  it(`${ALL_COLUMNS} mutations on every runtime × flavour`, async () => {
    const columns = listRuntimes().flatMap((name) => KERNEL_FLAVOURS.map((flavour) => makeColumn(name, flavour)));
    const report = await runFuzz({ seed: SEED, count: ALL_COLUMNS, columns }, bases);
    if (IN_CI) expect(report.skipped, "every runtime must be available in CI").toEqual([]);
    else if (report.skipped.length > 0) console.warn(`fuzz: skipped ${report.skipped.map((s) => s.column).join(", ")}`);
    expect(report.columns.length + report.skipped.length).toBe(18);
    expectClean(report);
    // the mutations reach every check of the reader's order, not only the CRC
    for (const t of report.columns) for (const s of STATUSES) expect(t.statuses[s] ?? 0, `${t.column}: ${s}`).toBeGreaterThan(0);
  }, 300_000);

  it(`${NODE_ONLY} more on node-simd and node-scalar, both flavours`, async () => {
    const columns = ["node-simd", "node-scalar"].flatMap((name) => KERNEL_FLAVOURS.map((flavour) => makeColumn(name, flavour)));
    const report = await runFuzz({ seed: SEED, from: ALL_COLUMNS, count: NODE_ONLY, columns }, bases);
    expect(report.columns.map((t) => t.column)).toEqual(columns.map(columnName));
    expectClean(report);
    // a valid model that needs more than the 4 MiB arena (activation_bytes edited) is refused by the kernel alone
    for (const t of report.columns) expect(t.statuses.ARENA_TOO_SMALL ?? 0, t.column).toBeGreaterThan(0);
  }, 300_000);
});
