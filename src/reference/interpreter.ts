// The golden model: runs a QModel op by op exactly as docs/SPEC.md says, each tensor in its own
// buffer (the semantics, not the arena). The kernels must match its output bytes.
import type { QModel, QOp, QTensor } from "../format/model.js";
import { tensorBytes } from "../format/model.js";
import { TRAIT_TWO_INPUTS } from "../format/constants.js";
import { has, hasFilters, isAdder, isDense } from "../ops/table.js";
import { add } from "./ops/add.js";
import { adder, adderConv2d, adderDense } from "./ops/adder_conv.js";
import { conv2d, dense, multiply } from "./ops/conv.js";
import { accumulate, denseShape } from "./ops/window.js";
import { avgPool, globalAvgPool, maxPool } from "./ops/pool.js";
import { reshape } from "./ops/reshape.js";

type UnaryOp = (op: QOp, input: QTensor, output: QTensor, x: Int8Array) => Int8Array;

/** Each one-input op's definition (docs/SPEC.md); ops with TRAIT_TWO_INPUTS are in runOp. */
const UNARY: Readonly<Record<Exclude<QOp["kind"], "add">, UnaryOp>> = {
  conv2d,
  adder_conv2d: adderConv2d,
  dense,
  adder_dense: adderDense,
  max_pool: maxPool,
  avg_pool: avgPool,
  global_avg_pool: globalAvgPool,
  reshape: (_op, _input, _output, x) => reshape(x),
  depthwise_conv2d: conv2d,
  adder_depthwise_conv2d: adderConv2d,
};

/** Runs one op of `model` on its input bytes (input0, and input1 for "add"); returns the output bytes. */
export function runOp(model: QModel, op: QOp, x0: Int8Array, x1?: Int8Array): Int8Array {
  const output = model.tensors[op.output];
  if (!has(op.kind, TRAIT_TWO_INPUTS)) return UNARY[op.kind as Exclude<QOp["kind"], "add">](op, model.tensors[op.input0], output, x0);
  if (x1 === undefined) throw new Error(`add: input1 (tensor ${op.input1}) bytes missing`);
  return add(op, model.tensors[op.input0], model.tensors[op.input1!], output, x0, x1);
}

/** A conv-like op's int32 accumulators on input bytes `x` (NHWC over the output), before bias and requantization. */
export function runAccumulators(model: QModel, op: QOp, x: Int8Array): Int32Array {
  const input = model.tensors[op.input0];
  if (!hasFilters(op.kind)) throw new Error(`${op.kind} has no accumulators`);
  return accumulate(op, isDense(op.kind) ? denseShape(input) : input, input.zeroPoint, model.tensors[op.output], x, isAdder(op.kind) ? adder : multiply);
}

/** Every tensor's bytes after running `model` on `input` (index = tensor index; unwritten tensors are zeros). */
export function runReferenceAll(model: QModel, input: Int8Array): Int8Array[] {
  const inputTensor = model.tensors[model.input];
  if (input.length !== tensorBytes(inputTensor)) {
    const { height, width, channels } = inputTensor;
    throw new Error(`model input: expected ${height}×${width}×${channels} = ${tensorBytes(inputTensor)} int8 values, found ${input.length}`);
  }
  const values: (Int8Array | undefined)[] = model.tensors.map(() => undefined);
  values[model.input] = input.slice();
  model.ops.forEach((op, index) => {
    const read = (t: number): Int8Array => {
      const v = values[t];
      if (v === undefined) throw new Error(`op ${index} (${op.kind}) reads tensor ${t} before it is written`);
      return v;
    };
    values[op.output] = runOp(model, op, read(op.input0), op.input1 === undefined ? undefined : read(op.input1));
  });
  return values.map((v, t) => v ?? new Int8Array(tensorBytes(model.tensors[t])));
}

/** The model output's bytes for `input` (int8 NHWC, the input tensor's shape). */
export function runReference(model: QModel, input: Int8Array): Int8Array {
  return runReferenceAll(model, input)[model.output];
}
