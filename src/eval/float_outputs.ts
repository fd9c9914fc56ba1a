// The float reference's outputs for batches of samples. From the built package (dist/) they are
// computed on a worker thread, so that evaluate() runs the float model on one core while the int8
// model runs on another; from the TypeScript sources (tsx, vitest), whose loaders worker threads
// do not inherit, on this thread. Both run the same FloatRunner.
import { extname } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { FloatRunner } from "../graph/float_reference.js";
import type { Graph } from "../graph/ir.js";

export interface FloatOutputs {
  /** The outputs for `batch`, in order. Batches are answered in the order they were asked. */
  run(batch: readonly Float32Array[]): Promise<Float32Array[]>;
  close(): Promise<void>;
}

export function floatOutputs(graph: Graph): FloatOutputs {
  if (extname(fileURLToPath(import.meta.url)) !== ".js") {
    const runner = new FloatRunner(graph);
    return { run: async (batch) => batch.map((x) => runner.run(x)), close: async () => {} };
  }
  const worker = new Worker(new URL("./float_worker.js", import.meta.url), { workerData: { graph } });
  const pending: { resolve: (outputs: Float32Array[]) => void; reject: (error: Error) => void }[] = [];
  let failure: Error | undefined;
  worker.on("message", (outputs: Float32Array[]) => pending.shift()?.resolve(outputs));
  worker.on("error", (error) => {
    failure = error;
    for (const request of pending.splice(0)) request.reject(error);
  });
  return {
    run: (batch) =>
      new Promise((resolve, reject) => {
        if (failure) return reject(failure);
        pending.push({ resolve, reject });
        worker.postMessage(batch);
      }),
    close: async () => {
      await worker.terminate();
    },
  };
}
