// Runs cases [from, from + count) of a seed on columns, in chunks: each chunk's cases are made
// once and go to every column; command-line runtimes take them in batches, several processes
// at a time, while the Node columns work in this process.
import { statusName } from "../format/errors.js";
import { fuzzBases, fuzzCase, type Base, type FuzzCase } from "./cases.js";
import { columnName, type Column, type JobOutcome } from "./columns/index.js";
import { judge, PROBLEM_KINDS, type Judgement, type Problem, type ProblemKind } from "./judge.js";

export interface ColumnTally {
  column: string;
  runs: number;
  /** load()'s statuses by name ("OK", "BAD_CRC"); "FAILED" for runs that ended in a failure first. */
  statuses: Record<string, number>;
  problems: Record<ProblemKind, number>;
  /** Runs whose output was compared with the reference, and whose outside-the-arena memory was compared. */
  outputsChecked: number;
  outsideChecked: number;
}

export interface FoundProblem extends Problem {
  column: string;
  seed: number;
  index: number;
  base: string;
  detail: string;
}

export interface FuzzReport {
  seed: number;
  from: number;
  count: number;
  columns: ColumnTally[];
  /** Columns not run, with the reason. */
  skipped: { column: string; reason: string }[];
  /** The first `keep` problems found, in case order. */
  problems: FoundProblem[];
  /** Cases per mutation kind (the same on every column). */
  mutations: Record<string, number>;
  seconds: number;
}

export interface FuzzOptions {
  seed: number;
  count: number;
  /** First case index (default 0). */
  from?: number;
  columns: Column[];
  /** Cases made at a time (default 1000). */
  chunk?: number;
  /** Runtime processes at a time (default 2). */
  processes?: number;
  /** Problems kept for the report (default 20). */
  keep?: number;
  onProgress?: (done: number, total: number) => void;
  /** Each case's outcome on each column, as it comes (replay prints them). */
  onOutcome?: (c: FuzzCase, column: Column, outcome: JobOutcome, judged: Judgement) => void;
}

/** Runs tasks with at most `limit` of them at a time; results in order. */
async function inParallel<T>(tasks: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

function batches<T>(items: readonly T[], size: number): T[][] {
  if (!Number.isFinite(size)) return [items.slice()];
  return Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));
}

const emptyTally = (column: string): ColumnTally => ({
  column, runs: 0, statuses: {}, problems: { trap: 0, outside: 0, disagreement: 0, mismatch: 0 }, outputsChecked: 0, outsideChecked: 0,
});

/** Runs the cases on the columns that are available (the others are reported as skipped). */
export async function runFuzz(options: FuzzOptions, bases: readonly Base[] = fuzzBases(options.seed)): Promise<FuzzReport> {
  const { seed, count, from = 0, chunk = 1000, processes = 2, keep = 20 } = options;
  const started = performance.now();
  const skipped: FuzzReport["skipped"] = [];
  const columns: Column[] = [];
  for (const column of options.columns) {
    const reason = await column.unavailableReason();
    if (reason === undefined) columns.push(column);
    else skipped.push({ column: columnName(column), reason });
  }
  const tallies = columns.map((c) => emptyTally(columnName(c)));
  const problems: FoundProblem[] = [];
  const mutations: Record<string, number> = {};
  try {
    for (const column of columns) await column.prepare(bases[0]!);
    for (let start = from; start < from + count; start += chunk) {
      const cases = Array.from({ length: Math.min(chunk, from + count - start) }, (_, i) => fuzzCase(bases, seed, start + i));
      for (const c of cases) mutations[c.kind] = (mutations[c.kind] ?? 0) + 1;
      // every column's batches: the Node ones work in this process while the others' processes run
      const work = columns.flatMap((column, k) => batches(cases, column.batchSize).map((batch) => ({ column, k, batch })));
      const inProcess = work.filter((w) => !Number.isFinite(w.column.batchSize));
      const external = work.filter((w) => Number.isFinite(w.column.batchSize));
      const [mine, theirs] = await Promise.all([
        Promise.all(inProcess.map((w) => w.column.run(w.batch))),
        inParallel(external.map((w) => () => w.column.run(w.batch)), processes),
      ]);
      const outcomes = [...mine, ...theirs];
      [...inProcess, ...external].forEach(({ column, k, batch }, w) => {
        batch.forEach((c, i) => {
          const outcome = outcomes[w]![i]!;
          const tally = tallies[k]!;
          const judged = judge(c, outcome, column.flavour, column.arenaSize);
          tally.runs++;
          const status = outcome.status === undefined ? "FAILED" : statusName(outcome.status);
          tally.statuses[status] = (tally.statuses[status] ?? 0) + 1;
          if (judged.outputChecked) tally.outputsChecked++;
          if (outcome.outsideChanged !== undefined) tally.outsideChecked++;
          for (const p of judged.problems) {
            tally.problems[p.kind]++;
            if (problems.length < keep) problems.push({ ...p, column: tally.column, seed, index: c.index, base: c.base, detail: c.detail });
          }
          options.onOutcome?.(c, column, outcome, judged);
        });
      });
      options.onProgress?.(start + cases.length - from, count);
    }
  } finally {
    await Promise.all(columns.map((c) => c.dispose()));
  }
  problems.sort((a, b) => a.index - b.index);
  return { seed, from, count, columns: tallies, skipped, problems, mutations, seconds: (performance.now() - started) / 1000 };
}

/** Traps, outside writes, disagreements and mismatches over every column. */
export function problemCount(report: FuzzReport): number {
  return report.columns.reduce((n, t) => n + PROBLEM_KINDS.reduce((m, k) => m + t.problems[k], 0), 0);
}
