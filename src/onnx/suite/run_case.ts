// One case of the import suite: the ONNX model PyTorch exported, its inputs and PyTorch's outputs.
// The model is imported (for one sample: a batch of N is fed one sample at a time), run by the
// float reference and, quantized on the case's own inputs and packed, by the int8 kernel on Node;
// both outputs, in the model's own layout (NCHW), are compared with PyTorch's.
//
// A case MATCHES when both hold:
//   float: max |y − e| ≤ FLOAT_TOLERANCE · max |e|   (over every output value of every sample)
//   int8:  max |y − e| ≤ INT8_TOLERANCE · (max e − min e)   (the output range over every sample;
//          max |e| when the output is constant), or ≤ one step of the int8 output's grid, the
//          finest the int8 output can tell apart (a grid fixed by the op, as a softmax's 1/256,
//          can be coarser than 2 % of a small range)
// It is REFUSED when the importer (OnnxImportError) or the packer (ModelPackError, a format
// limit) says why not; anything else that fails is an ERROR, and a MISMATCH is a case that runs
// but misses a bound (or gives an output of another shape). The suite's test accepts only matches
// and refusals.
import { Model } from "../../model.js";
import { ModelPackError } from "../../format/errors.js";
import { FloatRunner } from "../../graph/float_reference.js";
import type { Graph } from "../../graph/ir.js";
import { shapeSize } from "../../graph/shapes.js";
import { fromNhwc, layoutDims, toNhwc } from "../../io/layout.js";
import { compileGraph } from "../../pipeline.js";
import { OnnxImportError } from "../errors.js";
import { importOnnx } from "../import.js";
import { decodeModel } from "../proto.js";
import { type DataSet, readDataSets, readModelFile, type SuiteCase } from "./data.js";

/** Float reference against PyTorch: relative to the output's largest magnitude. */
export const FLOAT_TOLERANCE = 1e-5;
/** int8 kernel against PyTorch: a fraction of the output range (about five steps of a 255-step grid). */
export const INT8_TOLERANCE = 0.02;

export type CaseStatus = "matched" | "refused" | "mismatch" | "error";

export interface CaseResult {
  suite: string;
  name: string;
  /** The model's input is 3-D data [N, C, D, H, W] (outside the goal's count of cases). */
  threeD: boolean;
  status: CaseStatus;
  /** Refused: "import" or "pack"; the others: where it failed. */
  stage?: "import" | "data" | "float" | "pack" | "int8";
  reason?: string;
  /** Samples run (each data set's batch, one at a time). */
  samples?: number;
  float?: { maxAbsError: number; tolerance: number };
  int8?: { maxAbsError: number; range: number; fractionOfRange: number; outputStep: number };
  /** What the import assumed (a batch of N imported as 1). */
  warnings: string[];
}

/** Does any graph input (not an initializer) have rank 5? */
function isThreeD(bytes: Uint8Array): boolean {
  try {
    const graph = decodeModel(bytes).graph!;
    const initializers = new Set((graph.initializer ?? []).map((t) => t.name));
    return (graph.input ?? []).some((v) => !initializers.has(v.name) && (v.type?.tensorType?.shape?.dim ?? []).length === 5);
  } catch {
    return false;
  }
}

/** A check of the case's data that fails it as an error (the data does not fit the imported model). */
class DataError extends Error {}

/** The samples of a data set: each sample of its one input in NHWC, and each sample's expected output (NCHW). */
function samplesOf(graph: Graph, set: DataSet, expectedDims: number[]): { inputs: Float32Array[]; expected: Float64Array[] } {
  if (set.inputs.length !== 1 || set.outputs.length !== 1) throw new DataError(`data set has ${set.inputs.length} inputs and ${set.outputs.length} outputs; 1 and 1 expected`);
  const [input, output] = [set.inputs[0]!, set.outputs[0]!];
  const batch = input.dims[0] ?? 1;
  const perSample = shapeSize(graph.inputShape);
  if (input.values.length !== batch * perSample) throw new DataError(`input dims [${input.dims.join(", ")}] do not hold ${batch} samples of ${perSample} values`);
  const outputDims = [1, ...output.dims.slice(1)];
  if (output.dims[0] !== batch || outputDims.join() !== expectedDims.join()) {
    throw new DataError(`expected output dims [${output.dims.join(", ")}]; the model gives [${batch}, ${expectedDims.slice(1).join(", ")}] for ${batch} samples`);
  }
  const perOutput = output.values.length / batch;
  return {
    inputs: Array.from({ length: batch }, (_, n) => toNhwc(input.values.subarray(n * perSample, (n + 1) * perSample), graph.inputShape, "nchw")),
    expected: Array.from({ length: batch }, (_, n) => output.values.subarray(n * perOutput, (n + 1) * perOutput)),
  };
}

function maxAbsError(got: readonly Float32Array[], expected: readonly Float64Array[]): number {
  let worst = 0;
  got.forEach((y, n) => y.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - expected[n]![i]!)))));
  // A NaN anywhere is as far off as it gets.
  return got.some((y) => y.some(Number.isNaN)) ? Infinity : worst;
}

function extent(expected: readonly Float64Array[]): { maxAbs: number; range: number } {
  let [lo, hi, maxAbs] = [Infinity, -Infinity, 0];
  for (const e of expected) for (const v of e) [lo, hi, maxAbs] = [Math.min(lo, v), Math.max(hi, v), Math.max(maxAbs, Math.abs(v))];
  return { maxAbs, range: hi - lo };
}

export async function runCase(c: SuiteCase): Promise<CaseResult> {
  const bytes = readModelFile(c.dir);
  const result: CaseResult = { suite: c.suite, name: c.name, threeD: isThreeD(bytes), status: "error", warnings: [] };
  const refuse = (stage: "import" | "pack", e: Error) => Object.assign(result, { status: "refused", stage, reason: e.message });
  const fail = (status: "error" | "mismatch", stage: NonNullable<CaseResult["stage"]>, reason: string) => Object.assign(result, { status, stage, reason });

  let graph: Graph;
  try {
    graph = importOnnx(bytes, { onWarning: (w) => result.warnings.push(w) });
  } catch (e) {
    if (e instanceof OnnxImportError) return refuse("import", e);
    return fail("error", "import", String(e));
  }
  const outputShape = new FloatRunner(graph).shapes.get(graph.outputName)!;
  const expectedDims = layoutDims(outputShape, graph.outputRank ?? 4, "nchw");
  let inputs: Float32Array[] = [];
  let expected: Float64Array[] = [];
  try {
    for (const set of readDataSets(c.dir)) {
      const samples = samplesOf(graph, set, expectedDims);
      inputs = inputs.concat(samples.inputs);
      expected = expected.concat(samples.expected);
    }
  } catch (e) {
    return fail(e instanceof DataError ? "mismatch" : "error", "data", (e as Error).message);
  }
  result.samples = inputs.length;
  const { maxAbs, range } = extent(expected);

  const runner = new FloatRunner(graph);
  const floatError = maxAbsError(inputs.map((x) => fromNhwc(runner.run(x), outputShape, "nchw")), expected);
  result.float = { maxAbsError: floatError, tolerance: FLOAT_TOLERANCE * maxAbs };

  let packed: Uint8Array;
  try {
    packed = compileGraph(graph, inputs).bytes;
  } catch (e) {
    if (e instanceof ModelPackError) return refuse("pack", e);
    return fail("error", "pack", String(e));
  }
  const model = await Model.load(packed);
  const int8Error = maxAbsError(inputs.map((x) => model.runFloat(fromNhwc(x, graph.inputShape, "nchw"))), expected);
  const scale = range > 0 ? range : maxAbs;
  const outputStep = model.outputTensor.scale;
  result.int8 = { maxAbsError: int8Error, range, fractionOfRange: scale > 0 ? int8Error / scale : int8Error === 0 ? 0 : Infinity, outputStep };

  if (!(floatError <= result.float.tolerance)) return fail("mismatch", "float", `float reference off by ${floatError.toExponential(2)} (tolerance ${result.float.tolerance.toExponential(2)})`);
  if (!(result.int8.fractionOfRange <= INT8_TOLERANCE || int8Error <= outputStep)) {
    return fail("mismatch", "int8", `int8 off by ${(100 * result.int8.fractionOfRange).toFixed(2)} % of the output range (bound ${100 * INT8_TOLERANCE} %) and by ${(int8Error / outputStep).toFixed(2)} steps of its grid (bound 1)`);
  }
  result.status = "matched";
  return result;
}
