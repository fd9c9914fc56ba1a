// wasmtime-simd / wasmtime-scalar: the WASI command, one `wasmtime run` per case. The command is
// compiled once (`wasmtime compile`: the same Cranelift code `run` would compile each time) and
// run with --allow-precompiled: 6 ms a process instead of 15 from wasmtime's cache, 40 without
// it (docs/FUZZ.md). Its host cannot see the command's memory: `--check-outside` makes the
// command compare it itself (assembly/wasi/outside.ts).
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EXIT_INPUT, EXIT_INVOKE, EXIT_LOAD, EXIT_OK } from "../../format/constants.js";
import { tensorBytes } from "../../format/model.js";
import { readModel } from "../../format/reader.js";
import type { KernelBuild, KernelFlavour } from "../../runtime/kernel.js";
import { findTool, keyValues, runProcess, toInt8 } from "../../runtime/tools.js";
import type { RuntimeName } from "../../runtime/types.js";
import { wasiModulePath, WasmtimeRuntime } from "../../runtime/wasmtime.js";
import type { Base, FuzzCase } from "../cases.js";
import type { Column, JobOutcome } from "./types.js";

const MODULE = "command.cwasm";

/** Input bytes of a valid model. */
function inputBytes(blob: Uint8Array): number {
  const model = readModel(blob);
  return tensorBytes(model.tensors[model.input]!);
}

export class WasmtimeColumn implements Column {
  readonly runtime: RuntimeName;
  readonly batchSize = 25;
  arenaSize = 0;
  private dir?: string;
  private wasmtime?: string;
  private batches = 0;

  /** `module`: the path of another WASI command of this build and flavour than build/'s (a test's). */
  constructor(readonly build: KernelBuild, readonly flavour: KernelFlavour, private readonly module = wasiModulePath(build, flavour)) {
    this.runtime = `wasmtime-${build}`;
  }

  unavailableReason(): Promise<string | undefined> {
    return new WasmtimeRuntime(this.build, this.flavour).unavailableReason();
  }

  async prepare(warmup: Base): Promise<void> {
    this.wasmtime = await findTool("wasmtime", "ADDERNET_WASMTIME");
    if (!this.wasmtime) throw new Error(`${this.runtime}: wasmtime not installed`);
    this.dir = await mkdtemp(join(tmpdir(), `addernet-fuzz-${this.runtime}-`));
    const compiled = await runProcess(this.wasmtime, ["compile", "-o", join(this.dir, MODULE), this.module]);
    if (compiled.code !== 0) throw new Error(`${this.runtime}: wasmtime compile exited with ${compiled.code}: ${compiled.stderr.trim()}`);
    // a valid model learns the arena size, and that this build of the command knows --check-outside
    const [outcome, arenaSize] = await this.runIn(this.dir, "warmup", warmup.blob, new Int8Array(inputBytes(warmup.blob)));
    if (outcome.invokeStatus !== 0 || arenaSize === undefined) {
      throw new Error(`${this.runtime}: ${this.module} --check-outside on a valid model gave ${outcome.failure ?? "no arena_size="} (an old build? npm run build:wasm)`);
    }
    this.arenaSize = arenaSize;
  }

  /** One `wasmtime run` on files `<name>.addn` and `<name>.in` in `dir`; the outcome and the arena_size it reported. */
  private async runIn(dir: string, name: string, model: Uint8Array, input: Int8Array): Promise<[JobOutcome, number | undefined]> {
    await writeFile(join(dir, `${name}.addn`), model);
    await writeFile(join(dir, `${name}.in`), input);
    const args = ["run", "--allow-precompiled", "--dir=.", join(this.dir!, MODULE), `${name}.addn`, `${name}.in`, `${name}.out`, "--check-outside"];
    const { code, stdout, stderr } = await runProcess(this.wasmtime!, args, dir);
    const kv = keyValues(stdout);
    const outcome: JobOutcome = {};
    if (kv.outside_changed !== undefined) outcome.outsideChanged = kv.outside_changed === "1";
    if (code === EXIT_OK) {
      Object.assign(outcome, { status: 0, errorOffset: -1, invokeStatus: 0, output: toInt8(await readFile(join(dir, `${name}.out`))) });
    } else if (code === EXIT_LOAD && kv.status !== undefined) {
      Object.assign(outcome, { status: Number(kv.status), errorOffset: Number(kv.error_offset) });
    } else if (code === EXIT_INVOKE && kv.status !== undefined) {
      Object.assign(outcome, { status: 0, errorOffset: -1, invokeStatus: Number(kv.status) });
    } else if (code === EXIT_INPUT) {
      Object.assign(outcome, { status: 0, errorOffset: -1, inputRefused: stderr.trim() });
    } else {
      // a trap: wasmtime prints "… wasm trap: <what>" among its error chain, and exits with 134
      const trap = /wasm trap: .*/.exec(stderr)?.[0];
      outcome.failure = `exit ${code}: ${trap ?? stderr.trim().split("\n").slice(0, 3).join(" | ")}`;
    }
    return [outcome, kv.arena_size === undefined ? undefined : Number(kv.arena_size)];
  }

  async run(cases: readonly FuzzCase[]): Promise<JobOutcome[]> {
    if (!this.dir) throw new Error(`${this.runtime}: prepare() first`);
    const dir = join(this.dir, String(this.batches++));
    await mkdir(dir);
    try {
      const outcomes: JobOutcome[] = [];
      for (const [i, c] of cases.entries()) {
        const [outcome, arenaSize] = await this.runIn(dir, String(i), c.blob, c.input);
        if (arenaSize !== undefined && arenaSize !== this.arenaSize) throw new Error(`${this.runtime}: arena_size ${arenaSize}, the warm-up said ${this.arenaSize}`);
        outcomes.push(outcome);
      }
      return outcomes;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  async dispose(): Promise<void> {
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
  }
}
