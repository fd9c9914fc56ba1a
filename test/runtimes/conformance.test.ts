// The same bytes on every runtime and in both kernel flavours (the model copied into the
// arena, or read in slices through read_model): each runtime's outputs equal the TypeScript
// reference's byte for byte, and malformed models get the same negative status (no trap)
// everywhere.
//
// The command-line runtimes come from scripts/install-runtimes.sh. With CI=true a missing
// runtime FAILS the suite; locally it is skipped with a message saying how to install it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { statusName } from "../../src/format/errors.js";
import { getRuntime, KERNEL_FLAVOURS, type KernelFlavour, type RunOutcome, type RuntimeName } from "../../src/runtime/index.js";
import { malformedCases, malformedTableCases, validCases, type MalformedCase, type ValidCase } from "./corpus.js";

const RUNTIMES: RuntimeName[] = [
  "node-simd", "node-scalar", "wasmtime-simd", "wasmtime-scalar",
  "wamr-simd", "wamr-scalar", "wasmi-simd", "wasmi-scalar", "wasm3-scalar",
];
const IN_CI = process.env.CI === "true";
/** "wamr-scalar/stream": a runtime running one kernel flavour. */
type Column = `${RuntimeName}/${KernelFlavour}`;
const COLUMNS = RUNTIMES.flatMap((name) => KERNEL_FLAVOURS.map((flavour) => ({ name, flavour, column: `${name}/${flavour}` as Column })));

const reasons = new Map<Column, string | undefined>(
  await Promise.all(COLUMNS.map(async ({ name, flavour, column }) => [column, await getRuntime(name, flavour).unavailableReason()] as const)),
);
const missing = COLUMNS.filter(({ column }) => reasons.get(column) !== undefined).map(({ column }) => column);
if (missing.length > 0 && !IN_CI) {
  console.warn(`runtime conformance: SKIPPING ${missing.join(", ")}:\n  ${missing.map((n) => `${n}: ${reasons.get(n)}`).join("\n  ")}`);
}

let valid: ValidCase[] = [];
let malformed: MalformedCase[] = [];
const table = new Map<string, Map<Column, string>>();

function record(caseName: string, runtime: Column, verdict: string): void {
  if (!table.has(caseName)) table.set(caseName, new Map());
  table.get(caseName)!.set(runtime, verdict);
}

const describeOutcome = (o: RunOutcome): string =>
  o.ok ? `ok(${o.output.length} bytes)` : `${o.stage} ${statusName(o.status)} (${o.status}) at ${o.errorOffset}`;

beforeAll(() => {
  valid = validCases();
  malformed = [...malformedCases(valid[0]!), ...malformedTableCases(valid.find((c) => c.name === "activations-1")!)];
});

afterAll(() => {
  if (table.size === 0) return;
  const ran = COLUMNS.map(({ column }) => column).filter((r) => [...table.values()].some((row) => row.has(r)));
  const lines = [["case", ...ran].join(" | ")];
  for (const [name, row] of table) lines.push([name, ...ran.map((r) => row.get(r) ?? "-")].join(" | "));
  console.log(`runtime conformance (identical = same bytes as the reference / same status as the reader)\n${lines.join("\n")}`);
});

describe("runtime conformance", () => {
  it("the corpus is what it claims: the zoo's models, the MLPerf Tiny architectures, random networks, malformed models rejected by the reader", () => {
    expect(new Set(valid.map((c) => c.name.split("/")[0])).size).toBeGreaterThanOrEqual(30);
    for (const m of malformed) expect(m.status, m.name).toBeLessThan(0);
  });

  it.each(COLUMNS.map(({ column }) => column))("%s is installed", (column) => {
    if (IN_CI) expect(reasons.get(column), `${column} must be available in CI`).toBeUndefined();
  });

  describe.each(COLUMNS)("$column", ({ name, flavour, column }) => {
    const skip = reasons.get(column) !== undefined && !IN_CI;

    it.skipIf(skip)("outputs equal the reference byte for byte; malformed models get the reader's status", async () => {
      const runtime = getRuntime(name, flavour);
      const jobs = [...valid, ...malformed].map(({ model, input }) => ({ model, input }));
      const outcomes = await runtime.runMany(jobs);
      const wrong: string[] = [];
      valid.forEach((c, i) => {
        const o = outcomes[i]!;
        const same = o.ok && Buffer.from(o.output).equals(Buffer.from(c.expected));
        record(c.name, column, same ? "identical" : "DIFFERS");
        if (!same) wrong.push(`${c.name}: ${describeOutcome(o)}${o.ok ? " with other bytes" : ""}`);
      });
      malformed.forEach((c, i) => {
        const o = outcomes[valid.length + i]!;
        const same = !o.ok && o.stage === "load" && o.status === c.status && o.errorOffset === c.offset;
        record(c.name, column, same ? `same status (${statusName(c.status)})` : "DIFFERS");
        if (!same) wrong.push(`${c.name}: expected load ${statusName(c.status)} at ${c.offset}, got ${describeOutcome(o)}`);
      });
      expect(wrong, wrong.join("\n")).toEqual([]);
    });
  });
});
