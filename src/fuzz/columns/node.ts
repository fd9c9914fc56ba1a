// node-simd / node-scalar: the kernel module in this process. One instance takes case after
// case (a failed load leaves it unloaded, as a device would); memory outside the arena is
// compared with its state after a warm-up after every case, and a trap throws
// WebAssembly.RuntimeError. After a trap or a write outside the arena the instance is replaced.
import { STATUS_OK } from "../../format/constants.js";
import { compileKernel, KernelInstance, type KernelBuild, type KernelFlavour } from "../../runtime/kernel.js";
import { NodeRuntime } from "../../runtime/node.js";
import type { RuntimeName } from "../../runtime/types.js";
import type { Base, FuzzCase } from "../cases.js";
import type { Column, JobOutcome } from "./types.js";

/** Cases between two yields to the event loop (other columns' processes report meanwhile). */
const SLICE = 64;

export class NodeColumn implements Column {
  readonly runtime: RuntimeName;
  readonly batchSize = Infinity;
  private module?: WebAssembly.Module;
  private warmup?: Uint8Array;
  private kernel?: KernelInstance;
  /** Memory below and above the arena after the warm-up. */
  private below = new Uint8Array(0);
  private above = new Uint8Array(0);

  /** `wasm`: another kernel module of this build and flavour than build/'s (a test's). */
  constructor(readonly build: KernelBuild, readonly flavour: KernelFlavour, private readonly wasm?: Uint8Array) {
    this.runtime = `node-${build}`;
  }

  unavailableReason(): Promise<string | undefined> {
    return new NodeRuntime(this.build, this.flavour).unavailableReason();
  }

  async prepare(warmup: Base): Promise<void> {
    this.module = await compileKernel(this.build, this.wasm, this.flavour);
    this.warmup = warmup.blob;
    await this.fresh();
  }

  get arenaSize(): number {
    return this.instance.arenaSize;
  }

  private get instance(): KernelInstance {
    if (!this.kernel) throw new Error(`${this.runtime}: prepare() first`);
    return this.kernel;
  }

  /** A new instance, warmed up (the first load fills the kernel's CRC table), and its outside bytes. */
  private async fresh(): Promise<void> {
    const k = await KernelInstance.create(this.build, this.module);
    k.load(this.warmup!);
    k.run(new Int8Array(k.inputSize));
    this.kernel = k;
    [this.below, this.above] = this.outside().map((b) => b.slice());
  }

  private outside(): [Uint8Array, Uint8Array] {
    const k = this.instance;
    const memory = new Uint8Array(k.memory.buffer);
    return [memory.subarray(0, k.arenaPtr), memory.subarray(k.arenaPtr + k.arenaSize)];
  }

  async run(cases: readonly FuzzCase[]): Promise<JobOutcome[]> {
    const outcomes: JobOutcome[] = [];
    for (const [i, c] of cases.entries()) {
      const outcome = this.one(c);
      outcomes.push(outcome);
      if (outcome.failure !== undefined || outcome.outsideChanged) await this.fresh();
      if (i % SLICE === SLICE - 1) await new Promise((resolve) => setImmediate(resolve));
    }
    return outcomes;
  }

  private one(c: FuzzCase): JobOutcome {
    const k = this.instance;
    const e = k.exports;
    const outcome: JobOutcome = {};
    try {
      outcome.status = k.tryLoad(c.blob);
      outcome.errorOffset = outcome.status === STATUS_OK ? -1 : e.error_offset();
      if (outcome.status === STATUS_OK) this.invoke(c, outcome);
    } catch (err) {
      if (!(err instanceof WebAssembly.RuntimeError)) throw err;
      outcome.failure = `trap: ${err.message}`;
    }
    const [below, above] = this.outside();
    outcome.outsideChanged = Buffer.compare(below, this.below) !== 0 || Buffer.compare(above, this.above) !== 0;
    return outcome;
  }

  async dispose(): Promise<void> {
    this.kernel = undefined;
  }

  /** Runs the case's input; a model the reader rejects runs on zeros (a trap is still a trap). */
  private invoke(c: FuzzCase, outcome: JobOutcome): void {
    const e = this.instance.exports;
    const size = e.input_size();
    const input = c.reader.model ? c.input : new Int8Array(size);
    if (input.length !== size) {
      outcome.inputRefused = `input_size() is ${size}, the reader's input tensor has ${input.length} bytes`;
      return;
    }
    const memory = new Int8Array(e.memory.buffer);
    const [inAt, outAt, outSize] = [e.input_ptr() >>> 0, e.output_ptr() >>> 0, e.output_size()];
    if (inAt + size > memory.length || outAt + outSize > memory.length || outSize < 0) {
      outcome.failure = `input [${inAt}, +${size}) or output [${outAt}, +${outSize}) outside linear memory`;
      return;
    }
    memory.set(input, inAt);
    outcome.invokeStatus = e.invoke();
    if (outcome.invokeStatus === STATUS_OK) outcome.output = memory.slice(outAt, outAt + outSize);
  }
}
