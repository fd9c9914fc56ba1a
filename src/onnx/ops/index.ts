// Every ONNX op the importer reads, one converter each, keyed by op type (domain-qualified for
// the com.addernet ops). The supported-op list of errors and docs/ONNX.md is this table's keys.
import { ADDER_DOMAIN } from "../domain.js";
import type { Converter } from "../node.js";
import { clip, relu } from "./activation.js";
import { add } from "./add.js";
import { batchNormalization } from "./batch_norm.js";
import { concat } from "./concat.js";
import { constant } from "./constant.js";
import { conv } from "./conv.js";
import { adderGemm, gemm, matMul } from "./gemm.js";
import { elementwise } from "./elementwise.js";
import { identity } from "./identity.js";
import { pad } from "./pad.js";
import { globalAveragePool, pool } from "./pool.js";
import { prelu } from "./prelu.js";
import { softmax } from "./softmax.js";
import { reduceMean } from "./reduce_mean.js";
import { flatten, reshape, squeeze, unsqueeze } from "./reshape.js";
import { transpose } from "./transpose.js";

export const CONVERTERS: ReadonlyMap<string, Converter> = new Map<string, Converter>([
  ["Conv", conv("conv2d")],
  ["Gemm", gemm],
  ["MatMul", matMul],
  ["BatchNormalization", batchNormalization],
  ["Relu", relu],
  ["Clip", clip],
  ["LeakyRelu", elementwise("leaky_relu", ["alpha"])],
  ["PRelu", prelu],
  ["Sigmoid", elementwise("sigmoid")],
  ["Tanh", elementwise("tanh")],
  ["HardSigmoid", elementwise("hard_sigmoid", ["alpha", "beta"])],
  ["HardSwish", elementwise("hard_swish")],
  ["Elu", elementwise("elu", ["alpha"])],
  ["Selu", elementwise("selu", ["alpha", "gamma"])],
  ["Softplus", elementwise("softplus")],
  ["Softsign", elementwise("softsign")],
  ["Neg", elementwise("neg")],
  ["Exp", elementwise("exp")],
  ["Abs", elementwise("abs")],
  ["Softmax", softmax("softmax")],
  ["LogSoftmax", softmax("log_softmax")],
  ["MaxPool", pool("max_pool")],
  ["AveragePool", pool("avg_pool")],
  ["GlobalAveragePool", globalAveragePool],
  ["Add", add],
  ["Pad", pad],
  ["Concat", concat],
  ["ReduceMean", reduceMean],
  ["Flatten", flatten],
  ["Reshape", reshape],
  ["Squeeze", squeeze],
  ["Unsqueeze", unsqueeze],
  ["Transpose", transpose],
  ["Identity", identity],
  ["Constant", constant],
  [`${ADDER_DOMAIN}.AdderConv`, conv("adder_conv2d")],
  [`${ADDER_DOMAIN}.AdderGemm`, adderGemm],
]);

/** Op types as errors list them: standard ops by name, others as "<domain>.<op>". */
export const SUPPORTED_OPS: readonly string[] = [...CONVERTERS.keys()];
