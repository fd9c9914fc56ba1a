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
import { flatten, reshape } from "./flatten.js";
import { adderGemm, gemm, matMul } from "./gemm.js";
import { identity } from "./identity.js";
import { pad } from "./pad.js";
import { globalAveragePool, pool } from "./pool.js";

export const CONVERTERS: ReadonlyMap<string, Converter> = new Map<string, Converter>([
  ["Conv", conv("conv2d")],
  ["Gemm", gemm],
  ["MatMul", matMul],
  ["BatchNormalization", batchNormalization],
  ["Relu", relu],
  ["Clip", clip],
  ["MaxPool", pool("max_pool")],
  ["AveragePool", pool("avg_pool")],
  ["GlobalAveragePool", globalAveragePool],
  ["Add", add],
  ["Pad", pad],
  ["Concat", concat],
  ["Flatten", flatten],
  ["Reshape", reshape],
  ["Identity", identity],
  ["Constant", constant],
  [`${ADDER_DOMAIN}.AdderConv`, conv("adder_conv2d")],
  [`${ADDER_DOMAIN}.AdderGemm`, adderGemm],
]);

/** Op types as errors list them: standard ops by name, others as "<domain>.<op>". */
export const SUPPORTED_OPS: readonly string[] = [...CONVERTERS.keys()];
