// The golden model: runs a QModel op by op exactly as docs/SPEC.md says, each tensor in its own
// buffer (the semantics, not the arena). The kernels must match its output bytes.
import type { QModel, QOp, QTensor } from "../format/model.js";
import { tensorBytes } from "../format/model.js";
import { hasFilters, isAdder, isDense, opInputs } from "../ops/table.js";
import { add } from "./ops/add.js";
import { adder, adderConv2d, adderDense } from "./ops/adder_conv.js";
import { channelAffine } from "./ops/channel_affine.js";
import { concat } from "./ops/concat.js";
import { conv2d, dense, multiply } from "./ops/conv.js";
import { lut } from "./ops/lut.js";
import { pad } from "./ops/pad.js";
import { avgPool, globalAvgPool, maxPool } from "./ops/pool.js";
import { reshape } from "./ops/reshape.js";
import { logSoftmax, softmax } from "./ops/softmax.js";
import { accumulate, denseShape } from "./ops/window.js";

/** An op's definition (docs/SPEC.md): its input tensors and bytes (opInputs order) → its output bytes. */
type OpFunction = (op: QOp, inputs: QTensor[], output: QTensor, xs: Int8Array[]) => Int8Array;
type UnaryOp = (op: QOp, input: QTensor, output: QTensor, x: Int8Array) => Int8Array;
const unary = (f: UnaryOp): OpFunction => (op, inputs, output, xs) => f(op, inputs[0]!, output, xs[0]!);

/** Each op's definition (docs/SPEC.md). */
const OPS: Readonly<Record<QOp["kind"], OpFunction>> = {
  conv2d: unary(conv2d),
  adder_conv2d: unary(adderConv2d),
  dense: unary(dense),
  adder_dense: unary(adderDense),
  max_pool: unary(maxPool),
  avg_pool: unary(avgPool),
  global_avg_pool: unary(globalAvgPool),
  add: (op, [a, b], output, [xa, xb]) => add(op, a!, b!, output, xa!, xb!),
  reshape: (_op, _inputs, _output, [x]) => reshape(x!),
  depthwise_conv2d: unary(conv2d),
  adder_depthwise_conv2d: unary(adderConv2d),
  lut: (op, _inputs, _output, [x]) => lut(op, x!),
  channel_affine: unary(channelAffine),
  softmax: unary(softmax),
  log_softmax: unary(logSoftmax),
  pad: unary(pad),
  concat,
};

/** Runs one op of `model` on the bytes of its inputs (in opInputs order); returns the output bytes. */
export function runOp(model: QModel, op: QOp, xs: Int8Array[]): Int8Array {
  const inputs = opInputs(op);
  if (xs.length !== inputs.length) throw new Error(`${op.kind}: ${inputs.length} inputs' bytes expected, found ${xs.length}`);
  return OPS[op.kind](op, inputs.map((t) => model.tensors[t]!), model.tensors[op.output]!, xs);
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
    values[op.output] = runOp(model, op, opInputs(op).map(read));
  });
  return values.map((v, t) => v ?? new Int8Array(tensorBytes(model.tensors[t])));
}

/** The model output's bytes for `input` (int8 NHWC, the input tensor's shape). */
export function runReference(model: QModel, input: Int8Array): Int8Array {
  return runReferenceAll(model, input)[model.output];
}
