// wamr-*, wasmi-*, wasm3-scalar: the Rust harness (harness/, built by
// scripts/install-runtimes.sh) instantiating the kernel module (either flavour) through
// each runtime's embedding API.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { kernelWasmPath, type KernelBuild, type KernelFlavour } from "./kernel.js";
import { findTool, INSTALL_HINT, keyValues, runProcess, toInt8, withTempDir, missingModule } from "./tools.js";
import type { RunJob, RunOutcome, Runtime, RuntimeName } from "./types.js";

export type HarnessEngine = "wamr" | "wasmi" | "wasm3";

const DESCRIPTIONS: Record<HarnessEngine, string> = {
  wamr: "WAMR fast interpreter (wasm_export.h API)",
  wasmi: "wasmi interpreter",
  wasm3: "wasm3 interpreter (MVP only)",
};

export function findHarness(): Promise<string | undefined> {
  return findTool("addernet-harness", "ADDERNET_HARNESS");
}

let compiledIn: Promise<Map<string, boolean>> | undefined;

/** Engines the harness binary was built with, and whether each has SIMD (`addernet-harness list`). */
export function harnessEngines(harness: string): Promise<Map<string, boolean>> {
  compiledIn ??= runProcess(harness, ["list"]).then(({ code, stdout, stderr }) => {
    if (code !== 0) throw new Error(`${harness} list failed (${code}): ${stderr.trim()}`);
    return new Map(stdout.trim().split("\n").map((line) => {
      const [name, simd] = line.split(" ");
      return [name!, simd === "simd=1"] as const;
    }));
  });
  return compiledIn;
}

/** Linear-memory bytes the runtime allocated for a module (after WAMR's trim), and peak RSS. */
export async function harnessMemory(engine: HarnessEngine, module: Uint8Array, model?: Uint8Array): Promise<{ memoryBytes: number; peakRssKiB: number }> {
  const harness = await findHarness();
  if (!harness) throw new Error(`addernet-harness not installed: ${INSTALL_HINT}`);
  return withTempDir(async (dir) => {
    const args = ["memory", "--runtime", engine, "--module", join(dir, "m.wasm")];
    await writeFile(join(dir, "m.wasm"), module);
    if (model) {
      await writeFile(join(dir, "model.addn"), model);
      args.push("--model", join(dir, "model.addn"));
    }
    const { code, stdout, stderr } = await runProcess(harness, args);
    if (code !== 0) throw new Error(`addernet-harness memory (${engine}) exited with ${code}: ${stderr.trim()}`);
    const kv = keyValues(stdout);
    return { memoryBytes: Number(kv.memory_bytes), peakRssKiB: Number(kv.peak_rss_kib) };
  });
}

/**
 * One line of `addernet-harness batch`: space-separated key=value pairs, `error=` (when
 * present) running to the end of the line; undefined for other lines.
 */
export function parseJobLine(line: string): Record<string, string> | undefined {
  if (!line.startsWith("job=")) return undefined;
  const at = line.indexOf(" error=");
  const pairs = (at < 0 ? line : line.slice(0, at)).split(" ").map((p) => p.split("=", 2) as [string, string]);
  const record = Object.fromEntries(pairs);
  if (at >= 0) record.error = line.slice(at + " error=".length);
  return record;
}

export class HarnessRuntime implements Runtime {
  readonly name: RuntimeName;
  readonly description: string;

  constructor(readonly engine: HarnessEngine, readonly build: KernelBuild, readonly flavour: KernelFlavour = "arena") {
    this.name = `${engine}-${build}` as RuntimeName;
    this.description = `${DESCRIPTIONS[engine]}, ${kernelWasmPath(build, flavour)} via addernet-harness`;
  }

  async unavailableReason(): Promise<string | undefined> {
    const harness = await findHarness();
    if (!harness) return `addernet-harness not installed: ${INSTALL_HINT} (or set ADDERNET_HARNESS)`;
    const engines = await harnessEngines(harness);
    if (!engines.has(this.engine)) return `${harness} was built without ${this.engine}: ${INSTALL_HINT}`;
    if (this.build === "simd" && !engines.get(this.engine)) return `${harness} was built without ${this.engine} SIMD support`;
    return missingModule(kernelWasmPath(this.build, this.flavour));
  }

  private async requireHarness(): Promise<string> {
    const reason = await this.unavailableReason();
    if (reason) throw new Error(`${this.name}: ${reason}`);
    return (await findHarness())!;
  }

  /** One harness process for all jobs (`addernet-harness batch`). */
  async runMany(jobs: readonly RunJob[]): Promise<RunOutcome[]> {
    const harness = await this.requireHarness();
    const module = kernelWasmPath(this.build, this.flavour);
    return withTempDir(async (dir) => {
      const lines: string[] = [];
      for (const [i, { model, input }] of jobs.entries()) {
        await writeFile(join(dir, `${i}.addn`), model);
        await writeFile(join(dir, `${i}.in`), input);
        lines.push([module, join(dir, `${i}.addn`), join(dir, `${i}.in`), join(dir, `${i}.out`)].join("\t"));
      }
      await writeFile(join(dir, "manifest.txt"), lines.join("\n") + "\n");
      const { code, stdout, stderr } = await runProcess(harness, ["batch", "--runtime", this.engine, "--manifest", join(dir, "manifest.txt")]);
      if (code !== 0) throw new Error(`${this.name}: addernet-harness batch exited with ${code}: ${stderr.trim()}`);
      const results = new Map<number, Record<string, string>>();
      for (const line of stdout.split("\n")) {
        const job = parseJobLine(line);
        if (job) results.set(Number(job.job) - 1, job);
      }
      const outcomes: RunOutcome[] = [];
      for (let i = 0; i < jobs.length; i++) {
        const r = results.get(i);
        if (!r) throw new Error(`${this.name}: no result for job ${i} in the harness output`);
        if (r.error !== undefined) throw new Error(`${this.name}: job ${i}: ${r.error}`);
        const status = Number(r.status);
        if (status === 0) outcomes.push({ ok: true, output: toInt8(await readFile(join(dir, `${i}.out`))) });
        else outcomes.push({ ok: false, stage: r.stage === "invoke" ? "invoke" : "load", status, errorOffset: Number(r.error_offset ?? -1) });
      }
      return outcomes;
    });
  }

  async bench(model: Uint8Array, input: Int8Array, repeats: number): Promise<{ meanMs: number }> {
    const harness = await this.requireHarness();
    return withTempDir(async (dir) => {
      await writeFile(join(dir, "model.addn"), model);
      await writeFile(join(dir, "input.bin"), input);
      const args = ["run", "--runtime", this.engine, "--module", kernelWasmPath(this.build, this.flavour), "--model", join(dir, "model.addn"),
        "--input", join(dir, "input.bin"), "--output", join(dir, "output.bin"), "--repeat", String(repeats)];
      const { code, stdout, stderr } = await runProcess(harness, args);
      if (code !== 0) throw new Error(`${this.name}: addernet-harness run exited with ${code}: ${stderr.trim()}`);
      return { meanMs: Number(keyValues(stdout).mean_ns) / 1e6 };
    });
  }
}
