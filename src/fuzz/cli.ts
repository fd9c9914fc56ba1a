// npm run fuzz -- [--count N] [--seed S] [--from I] [--runtime NAME]... [--flavour arena|stream]
//                 [--processes P] [--show N] [--json] [--replay INDEX [--save FILE]]
//
// Mutates packed models and runs them on every runtime × kernel flavour (docs/FUZZ.md): a table
// per column on stdout (--json: the report as JSON), progress on stderr. Exit codes: 0 no
// problem, 1 a trap, a write outside the arena, a disagreement with the reader or an output
// mismatch (the first few are printed with the command that replays each), 2 usage.
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { UsageError } from "../cli/errors.js";
import { Progress } from "../cli/progress.js";
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from "../format/constants.js";
import { statusName } from "../format/errors.js";
import { table } from "../inspect/report.js";
import { KERNEL_FLAVOURS, listRuntimes, type KernelFlavour } from "../runtime/index.js";
import { fuzzBases, fuzzCase, type FuzzCase } from "./cases.js";
import { columnName, makeColumn, type Column, type JobOutcome } from "./columns/index.js";
import { PROBLEM_KINDS } from "./judge.js";
import { problemCount, runFuzz, type FuzzReport } from "./run.js";

const HELP = `Usage: npm run fuzz -- [options]

Mutates packed models (raw bit flips, truncations, field edits with the CRC recomputed) and
runs each on every runtime and kernel flavour, checking: no trap, no write outside the arena,
the host reader's status and error offset, the reference's output for valid models.

  --count N          cases to run (default 1000)
  --seed S           the seed: the same seed gives the same cases (default 1)
  --from I           first case index (default 0): cases I .. I+N-1
  --runtime NAME     a runtime to run (repeat or comma-separate; default all):
                     ${listRuntimes().join(", ")}
  --flavour F        arena or stream (default both)
  --processes P      runtime processes at a time (default 2)
  --show N           problems to print (default 10)
  --json             the report as JSON on stdout
  --replay INDEX     run case INDEX of the seed alone and print what each runtime did
  --save FILE        with --replay: write the mutated model to FILE
  -h, --help         this text

Exit codes: 0 no problem, 1 a problem found (or a failure), 2 usage.`;

function integer(value: string | undefined, option: string, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < min || n > 0xffffffff) {
    throw new UsageError(`${option} must be an integer from ${min} to ${0xffffffff}; found "${value}"`);
  }
  return n;
}

/** The columns asked for: runtimes × flavours. */
function columnsOf(runtimes: string[] | undefined, flavour: string | undefined): Column[] {
  const names = (runtimes ?? []).flatMap((r) => r.split(",")).filter(Boolean);
  if (flavour !== undefined && !(KERNEL_FLAVOURS as readonly string[]).includes(flavour)) {
    throw new UsageError(`--flavour must be arena or stream; found "${flavour}"`);
  }
  const flavours = flavour === undefined ? KERNEL_FLAVOURS : [flavour as KernelFlavour];
  for (const name of names) {
    if (!(listRuntimes() as string[]).includes(name)) throw new UsageError(`--runtime: unknown runtime "${name}": expected one of ${listRuntimes().join(", ")}`);
  }
  return (names.length > 0 ? names : listRuntimes()).flatMap((name) => flavours.map((f) => makeColumn(name, f)));
}

function describeOutcome(o: JobOutcome): string {
  const outside = o.outsideChanged === undefined ? "outside not checked" : o.outsideChanged ? "outside CHANGED" : "outside unchanged";
  if (o.status === undefined) return `FAILED: ${o.failure}; ${outside}`;
  const parts = [o.status === 0 ? "load OK" : `load ${statusName(o.status)} at byte ${o.errorOffset}`];
  if (o.inputRefused !== undefined) parts.push(o.inputRefused);
  if (o.invokeStatus !== undefined) parts.push(o.invokeStatus === 0 ? `invoke OK, ${o.output?.length} output bytes` : `invoke ${statusName(o.invokeStatus)}`);
  if (o.failure !== undefined) parts.push(`FAILED: ${o.failure}`);
  return [...parts, outside].join(", ");
}

function describeCase(c: FuzzCase): string {
  const r = c.reader;
  const lines = [
    `case ${c.index} of seed ${c.seed}: ${c.base}, ${c.kind}: ${c.detail}`,
    `  ${c.blob.length} bytes; reader: ${r.status === 0 ? "OK" : r.message}`,
  ];
  if (c.need) lines.push(`  arena needed: ${c.need.arena} bytes (arena flavour), ${c.need.stream} (stream flavour); input ${c.input.length} bytes`);
  return lines.join("\n");
}

export function renderReport(report: FuzzReport, show: number): string {
  const last = report.from + report.count - 1;
  const lines = [
    `fuzz: seed ${report.seed}, cases ${report.from}..${last} (${report.count}), ${report.seconds.toFixed(1)} s`,
    `mutations: ${Object.entries(report.mutations).map(([k, n]) => `${k} ${n}`).join(", ")}`,
    "",
    table([
      ["column", "runs", "traps", "outside", "disagree", "mismatch", "outputs", "outside-checked", "statuses"],
      ...report.columns.map((t) => [
        t.column, String(t.runs), ...PROBLEM_KINDS.map((k) => String(t.problems[k])), String(t.outputsChecked), String(t.outsideChecked),
        Object.entries(t.statuses).sort((a, b) => b[1] - a[1]).map(([s, n]) => `${s} ${n}`).join(", "),
      ]),
    ]),
  ];
  for (const s of report.skipped) lines.push(`skipped ${s.column}: ${s.reason}`);
  const total = problemCount(report);
  if (total > 0) {
    lines.push("", `${total} problems; the first ${Math.min(show, report.problems.length)}:`);
    for (const p of report.problems.slice(0, show)) {
      const [runtime, flavour] = p.column.split("/");
      lines.push(`  ${p.column} case ${p.index} (${p.base}: ${p.detail}): ${p.kind}: ${p.text}`,
        `    replay: npm run fuzz -- --seed ${p.seed} --replay ${p.index} --runtime ${runtime} --flavour ${flavour}`);
    }
  }
  return lines.join("\n");
}

interface CliOptions {
  seed: number;
  count: number;
  from: number;
  columns: Column[];
  processes: number;
  show: number;
  json: boolean;
  replay?: number;
  save?: string;
}

/** The options, or undefined for --help; throws UsageError. */
function parseOptions(argv: string[]): CliOptions | undefined {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        count: { type: "string" }, seed: { type: "string" }, from: { type: "string" }, runtime: { type: "string", multiple: true },
        flavour: { type: "string" }, processes: { type: "string" }, show: { type: "string" }, json: { type: "boolean" },
        replay: { type: "string" }, save: { type: "string" }, help: { type: "boolean", short: "h" },
      },
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.help) return undefined;
  if (values.save !== undefined && values.replay === undefined) throw new UsageError("--save goes with --replay");
  const replay = values.replay === undefined ? undefined : integer(values.replay, "--replay", 0, 0);
  return {
    seed: integer(values.seed, "--seed", 1, 0),
    count: replay === undefined ? integer(values.count, "--count", 1000, 1) : 1,
    from: replay ?? integer(values.from, "--from", 0, 0),
    columns: columnsOf(values.runtime, values.flavour),
    processes: integer(values.processes, "--processes", 2, 1),
    show: integer(values.show, "--show", 10, 0),
    json: values.json ?? false,
    replay,
    save: values.save,
  };
}

export async function main(argv: string[]): Promise<number> {
  let options: CliOptions | undefined;
  try {
    options = parseOptions(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(`fuzz: ${err.message}\n(see npm run fuzz -- --help)`);
    return EXIT_USAGE;
  }
  if (!options) {
    console.log(HELP);
    return EXIT_OK;
  }
  const { seed, count, from, columns, processes, show, replay } = options;
  try {
    const bases = fuzzBases(seed);
    if (replay !== undefined) {
      const c = fuzzCase(bases, seed, replay);
      console.log(describeCase(c));
      if (options.save !== undefined) {
        writeFileSync(options.save, c.blob);
        console.log(`  written to ${options.save}`);
      }
    }
    const progress = new Progress(`fuzz seed ${seed}`, replay !== undefined);
    const report = await runFuzz({
      seed, count, from, columns, processes, keep: Math.max(show, 20),
      onProgress: (done, total) => progress.update(done, total),
      onOutcome: replay === undefined ? undefined : (_c, column, outcome, { problems, outputChecked }) => {
        const same = outputChecked && problems.length === 0 ? ", output = the reference's" : "";
        console.log(`${columnName(column).padEnd(24)} ${describeOutcome(outcome)}${same}${problems.map((p) => `\n  ${p.kind.toUpperCase()}: ${p.text}`).join("")}`);
      },
    }, bases);
    if (options.json) console.log(JSON.stringify(report, null, 2));
    else if (replay === undefined) console.log(renderReport(report, show));
    else for (const s of report.skipped) console.log(`skipped ${s.column}: ${s.reason}`);
    return problemCount(report) > 0 ? EXIT_FAILURE : EXIT_OK;
  } catch (err) {
    console.error(`fuzz: ${(err as Error).message}`);
    return EXIT_FAILURE;
  }
}
