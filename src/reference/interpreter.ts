// The golden model: runs a QModel op by op exactly as docs/SPEC.md says, each tensor in its own
// buffer (the semantics, not the arena). The kernels must match its output bytes.
import type { QModel, QOp, QTensor } from "../format/model.js";
import { tensorBytes } from "../format/model.js";
import { add } from "./ops/add.js";
import { adderConv2d, adderDense } from "./ops/adder_conv.js";
import { conv2d, dense } from "./ops/conv.js";
import { avgPool, globalAvgPool, maxPool } from "./ops/pool.js";
import { reshape } from "./ops/reshape.js";

type UnaryOp = (op: QOp, input: QTensor, output: QTensor, x: Int8Array) => Int8Array;

const UNARY: Readonly<Record<Exclude<QOp["kind"], "add">, UnaryOp>> = {
  conv2d,
  adder_conv2d: adderConv2d,
  dense,
  adder_dense: adderDense,
  max_pool: maxPool,
  avg_pool: avgPool,
  global_avg_pool: globalAvgPool,
  reshape: (_op, _input, _output, x) => reshape(x),
};

/** Every tensor's bytes after running `model` on `input` (index = tensor index; unwritten tensors are zeros). */
export function runReferenceAll(model: QModel, input: Int8Array): Int8Array[] {
  const inputTensor = model.tensors[model.input];
  if (input.length !== tensorBytes(inputTensor)) {
    const { height, width, channels } = inputTensor;
    throw new Error(`model input: expected ${height}×${width}×${channels} = ${tensorBytes(inputTensor)} int8 values, found ${input.length}`);
  }
  const values: (Int8Array | undefined)[] = model.tensors.map(() => undefined);
  values[model.input] = input.slice();
  const read = (op: QOp, index: number, t: number): Int8Array => {
    const v = values[t];
    if (v === undefined) throw new Error(`op ${index} (${op.kind}) reads tensor ${t} before it is written`);
    return v;
  };
  model.ops.forEach((op, index) => {
    const output = model.tensors[op.output];
    const x = read(op, index, op.input0);
    values[op.output] =
      op.kind === "add"
        ? add(op, model.tensors[op.input0], model.tensors[op.input1!], output, x, read(op, index, op.input1!))
        : UNARY[op.kind](op, model.tensors[op.input0], output, x);
  });
  return values.map((v, t) => v ?? new Int8Array(tensorBytes(model.tensors[t])));
}

/** The model output's bytes for `input` (int8 NHWC, the input tensor's shape). */
export function runReference(model: QModel, input: Int8Array): Int8Array {
  return runReferenceAll(model, input)[model.output];
}
