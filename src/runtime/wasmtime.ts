// wasmtime-simd / wasmtime-scalar: the wasmtime CLI running the WASI command build
// (build/addernet-wasi[-stream].<build>.wasm) on files in a temporary directory.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { KernelBuild, KernelFlavour } from "./kernel.js";
import { EXIT_INVOKE, EXIT_LOAD, EXIT_OK } from "../format/constants.js";
import { findTool, INSTALL_HINT, keyValues, runProcess, toInt8, withTempDir, missingModule } from "./tools.js";
import type { RunJob, RunOutcome, Runtime, RuntimeName } from "./types.js";


export function wasiModulePath(build: KernelBuild, flavour: KernelFlavour = "arena"): string {
  const name = flavour === "stream" ? "addernet-wasi-stream" : "addernet-wasi";
  return fileURLToPath(new URL(`../../build/${name}.${build}.wasm`, import.meta.url));
}


export class WasmtimeRuntime implements Runtime {
  readonly name: RuntimeName;
  readonly description: string;

  constructor(readonly build: KernelBuild, readonly flavour: KernelFlavour = "arena") {
    this.name = `wasmtime-${build}`;
    this.description = `wasmtime CLI, ${wasiModulePath(build, flavour)} (WASI command)`;
  }

  private binary(): Promise<string | undefined> {
    return findTool("wasmtime", "ADDERNET_WASMTIME");
  }

  async unavailableReason(): Promise<string | undefined> {
    if (!(await this.binary())) return `wasmtime not installed: ${INSTALL_HINT} (or set ADDERNET_WASMTIME)`;
    return missingModule(wasiModulePath(this.build, this.flavour));
  }

  private async requireBinary(): Promise<string> {
    const reason = await this.unavailableReason();
    if (reason) throw new Error(`${this.name}: ${reason}`);
    return (await this.binary())!;
  }

  /** One `wasmtime run` in `dir` on model.addn / input.bin. */
  private async invoke(wasmtime: string, dir: string): Promise<RunOutcome> {
    const args = ["run", "--dir=.", wasiModulePath(this.build, this.flavour), "model.addn", "input.bin", "output.bin"];
    const { code, stdout, stderr } = await runProcess(wasmtime, args, dir);
    if (code === EXIT_OK) return { ok: true, output: toInt8(await readFile(join(dir, "output.bin"))) };
    const kv = keyValues(stdout);
    if ((code === EXIT_LOAD || code === EXIT_INVOKE) && kv.status !== undefined) {
      return { ok: false, stage: code === EXIT_LOAD ? "load" : "invoke", status: Number(kv.status), errorOffset: Number(kv.error_offset ?? -1) };
    }
    throw new Error(`${this.name}: wasmtime exited with ${code}: ${stderr.trim()}`);
  }

  async runMany(jobs: readonly RunJob[]): Promise<RunOutcome[]> {
    const wasmtime = await this.requireBinary();
    return withTempDir(async (dir) => {
      const outcomes: RunOutcome[] = [];
      for (const { model, input } of jobs) {
        await writeFile(join(dir, "model.addn"), model);
        await writeFile(join(dir, "input.bin"), input);
        outcomes.push(await this.invoke(wasmtime, dir));
      }
      return outcomes;
    });
  }

  /** The WASI command times `repeats` inferences after a warm-up one with WASI's monotonic clock. */
  async bench(model: Uint8Array, input: Int8Array, repeats: number): Promise<{ meanMs: number }> {
    const wasmtime = await this.requireBinary();
    return withTempDir(async (dir) => {
      await writeFile(join(dir, "model.addn"), model);
      await writeFile(join(dir, "input.bin"), input);
      const args = ["run", "--dir=.", wasiModulePath(this.build, this.flavour), "model.addn", "input.bin", "output.bin", String(repeats)];
      const { code, stdout, stderr } = await runProcess(wasmtime, args, dir);
      const meanNs = keyValues(stdout).mean_ns;
      if (code !== EXIT_OK || meanNs === undefined) throw new Error(`${this.name}: wasmtime exited with ${code}: ${stderr.trim()}`);
      return { meanMs: Number(meanNs) / 1e6 };
    });
  }
}
