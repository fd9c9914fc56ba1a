// The README's API example, runnable: `npm run build && node examples/node/quickstart.mjs`.
import { readFileSync } from "node:fs";
import { importOnnx, quantize, packModel, Model, readNpy, npyToFloat32, runReference, quantizeInput } from "addernet-wasm";

const dir = new URL("../../models/digits/", import.meta.url);
const graph = importOnnx(readFileSync(new URL("digits_adder.onnx", dir)));
const calib = npyToFloat32(readNpy(readFileSync(new URL("calib_x.npy", dir))));
const samples = Array.from({ length: 64 }, (_, i) => calib.slice(i * 64, (i + 1) * 64));
const bytes = packModel(quantize(graph, samples));

const model = await Model.load(bytes);
const logits = model.runFloat(samples[0]);
const raw = model.run(quantizeInput(model.info, samples[0]));
const reference = runReference(model.info, quantizeInput(model.info, samples[0]));
console.log(`packed ${bytes.length} bytes; logits ${Array.from(logits, (v) => v.toFixed(2)).join(" ")}`);
console.log(`kernel output equals the reference interpreter: ${raw.every((v, i) => v === reference[i])}`);
