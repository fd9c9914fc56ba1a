// wamr-*, wasmi-*, wasm3-scalar: `addernet-harness batch --check-outside WARMUP`, one process
// per batch. Each job gets a fresh instance, warmed up on the warm-up model, and the harness
// compares the memory outside the arena before and after the job (harness/src/main.rs).
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findHarness, HarnessRuntime, parseJobLine, type HarnessEngine } from "../../runtime/harness.js";
import { compileKernel, kernelWasmPath, KernelInstance, type KernelBuild, type KernelFlavour } from "../../runtime/kernel.js";
import { runProcess, toInt8 } from "../../runtime/tools.js";
import type { RuntimeName } from "../../runtime/types.js";
import type { Base, FuzzCase } from "../cases.js";
import type { Column, JobOutcome } from "./types.js";

/** How the harness words an input of the wrong size (kernel.rs, Error::Input): the model was accepted. */
const INPUT_REFUSED = /^input has \d+ bytes, the model expects input_size\(\)=\d+$/;

/** One `batch` line → outcome; `output` reads the job's output file. */
async function outcomeOf(job: Record<string, string>, output: () => Promise<Uint8Array>): Promise<JobOutcome> {
  const outcome: JobOutcome = {};
  if (job.outside_changed !== undefined) outcome.outsideChanged = job.outside_changed === "1";
  if (job.error !== undefined) {
    if (INPUT_REFUSED.test(job.error)) Object.assign(outcome, { status: 0, errorOffset: -1, inputRefused: job.error });
    else outcome.failure = job.error;
  } else if (job.stage === "load") {
    Object.assign(outcome, { status: Number(job.status), errorOffset: Number(job.error_offset) });
  } else {
    Object.assign(outcome, { status: 0, errorOffset: -1, invokeStatus: Number(job.status) });
    if (outcome.invokeStatus === 0) outcome.output = toInt8(await output());
  }
  return outcome;
}

export class HarnessColumn implements Column {
  readonly runtime: RuntimeName;
  readonly batchSize = 250;
  arenaSize = 0;
  private dir?: string;
  private batches = 0;

  /** `module`: the path of another kernel module of this build and flavour than build/'s (a test's). */
  constructor(readonly engine: HarnessEngine, readonly build: KernelBuild, readonly flavour: KernelFlavour,
              private readonly module = kernelWasmPath(build, flavour)) {
    this.runtime = `${engine}-${build}` as RuntimeName;
  }

  unavailableReason(): Promise<string | undefined> {
    return new HarnessRuntime(this.engine, this.build, this.flavour).unavailableReason();
  }

  async prepare(warmup: Base): Promise<void> {
    this.dir = await mkdtemp(join(tmpdir(), `addernet-fuzz-${this.runtime}-`));
    await writeFile(join(this.dir, "warmup.addn"), warmup.blob);
    // the harness runs the same module file: its arena is what V8 reports for it
    const k = await KernelInstance.create(this.build, await compileKernel(this.build, await readFile(this.module), this.flavour));
    this.arenaSize = k.arenaSize;
  }

  async run(cases: readonly FuzzCase[]): Promise<JobOutcome[]> {
    const outcomes: JobOutcome[] = [];
    while (outcomes.length < cases.length) outcomes.push(...(await this.batch(cases.slice(outcomes.length))));
    return outcomes;
  }

  /**
   * One harness process on `cases`: their outcomes, or, when the process dies (a crash in a
   * runtime), those of the jobs before it and a failure for the job it died on.
   */
  private async batch(cases: readonly FuzzCase[]): Promise<JobOutcome[]> {
    const harness = await findHarness();
    if (!this.dir || !harness) throw new Error(`${this.runtime}: prepare() first, with the harness installed`);
    const dir = join(this.dir, String(this.batches++));
    await mkdir(dir);
    try {
      const lines: string[] = [];
      for (const [i, c] of cases.entries()) {
        await writeFile(join(dir, `${i}.addn`), c.blob);
        await writeFile(join(dir, `${i}.in`), c.input);
        lines.push([this.module, join(dir, `${i}.addn`), join(dir, `${i}.in`), join(dir, `${i}.out`)].join("\t"));
      }
      await writeFile(join(dir, "jobs.tsv"), lines.join("\n") + "\n");
      const args = ["batch", "--runtime", this.engine, "--manifest", join(dir, "jobs.tsv"), "--check-outside", join(this.dir, "warmup.addn")];
      const { code, signal, stdout, stderr } = await runProcess(harness, args);
      const jobs = new Map<number, Record<string, string>>();
      for (const line of stdout.split("\n")) {
        const job = parseJobLine(line);
        if (job) jobs.set(Number(job.job) - 1, job);
      }
      const outcomes: JobOutcome[] = [];
      for (let i = 0; i < cases.length && jobs.has(i); i++) outcomes.push(await outcomeOf(jobs.get(i)!, () => readFile(join(dir, `${i}.out`))));
      if (code === 0 && outcomes.length === cases.length) return outcomes;
      const exit = `addernet-harness batch exited with ${code}${signal ? ` (${signal})` : ""}`;
      if (code === 0 || outcomes.length === cases.length) throw new Error(`${this.runtime}: ${exit} after ${outcomes.length} of ${cases.length} jobs: ${stderr.trim()}`);
      return [...outcomes, { failure: `${exit} during this job: ${stderr.trim().split("\n").at(-1) ?? ""}` }];
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  async dispose(): Promise<void> {
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
  }
}
