// The float reference on a worker thread (see float_outputs.ts): the graph arrives once as
// workerData, then batches of HWC samples; each reply is the batch's outputs.
import { parentPort, workerData } from "node:worker_threads";
import { FloatRunner } from "../graph/float_reference.js";
import type { Graph } from "../graph/ir.js";

const runner = new FloatRunner((workerData as { graph: Graph }).graph);
parentPort!.on("message", (batch: Float32Array[]) => parentPort!.postMessage(batch.map((x) => runner.run(x))));
