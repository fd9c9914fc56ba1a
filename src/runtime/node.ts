// node-simd / node-scalar: the kernel module in this process through the WebAssembly API.
import { performance } from "node:perf_hooks";
import { STATUS_OK } from "../format/constants.js";
import { compileKernel, KernelInstance, kernelWasmPath, KernelStatusError, type KernelBuild, type KernelFlavour } from "./kernel.js";
import { missingModule } from "./tools.js";
import type { RunJob, RunOutcome, Runtime, RuntimeName } from "./types.js";

export class NodeRuntime implements Runtime {
  readonly name: RuntimeName;
  readonly description: string;
  private module?: Promise<WebAssembly.Module>;

  constructor(readonly build: KernelBuild, readonly flavour: KernelFlavour = "arena") {
    this.name = `node-${build}`;
    this.description = `Node ${process.versions.node} (V8), ${kernelWasmPath(build, flavour)} via the WebAssembly API`;
  }

  async unavailableReason(): Promise<string | undefined> {
    return missingModule(kernelWasmPath(this.build, this.flavour));
  }

  private async instance(): Promise<KernelInstance> {
    this.module ??= compileKernel(this.build, undefined, this.flavour);
    return KernelInstance.create(this.build, await this.module);
  }

  async runMany(jobs: readonly RunJob[]): Promise<RunOutcome[]> {
    const outcomes: RunOutcome[] = [];
    for (const { model, input } of jobs) {
      const kernel = await this.instance();
      const status = kernel.tryLoad(model);
      if (status !== STATUS_OK) {
        outcomes.push({ ok: false, stage: "load", status, errorOffset: kernel.exports.error_offset() });
        continue;
      }
      try {
        outcomes.push({ ok: true, output: kernel.run(input) });
      } catch (e) {
        if (!(e instanceof KernelStatusError)) throw e;
        outcomes.push({ ok: false, stage: "invoke", status: e.status, errorOffset: e.errorOffset });
      }
    }
    return outcomes;
  }

  async bench(model: Uint8Array, input: Int8Array, repeats: number): Promise<{ meanMs: number }> {
    const kernel = await this.instance();
    kernel.load(model);
    kernel.run(input); // warm-up (tier-up of the hot loops)
    const start = performance.now();
    for (let i = 0; i < repeats; i++) kernel.run(input);
    return { meanMs: (performance.now() - start) / repeats };
  }
}
