// invoke(): run the loaded model's ops in table order.
import {
  O_OPCODE, OP_CONV2D, OP_ADDER_CONV2D, OP_DENSE, OP_ADDER_DENSE, OP_MAX_POOL, OP_AVG_POOL,
  OP_GLOBAL_AVG_POOL, OP_ADD, OP_RESHAPE, OP_DEPTHWISE_CONV2D, OP_ADDER_DEPTHWISE_CONV2D,
  OP_LUT, OP_CHANNEL_AFFINE, OP_SOFTMAX, OP_LOG_SOFTMAX, OP_PAD, OP_CONCAT,
  STATUS_OK, STATUS_NOT_LOADED, STATUS_READ_FAILED,
} from "../../src/format/constants";
import { loaded, opCount, fetchOp, clearOpSlots, modelTensor, tensorData, tensorSize, activationBase, scratchBase } from "./state";
import { STREAMED } from "./source";
import { convLike } from "../ops/conv";
import { pool2d, globalAvgPool } from "../ops/pool";
import { add } from "../ops/add";
import { reshape } from "../ops/reshape";
import { pointwise } from "../ops/pointwise";
import { pad } from "../ops/pad";
import { concat } from "../ops/concat";

/** STATUS_OK, STATUS_NOT_LOADED, or (stream flavour) STATUS_READ_FAILED from the embedder. */
export function runModel(): i32 {
  const status = runOps();
  if (STREAMED) clearOpSlots();
  return status;
}

function runOps(): i32 {
  if (!loaded) return STATUS_NOT_LOADED;
  // bytes no op writes read as 0, every invoke alike (docs/FORMAT.md): a strided output leaves
  // gaps, and a concat may read an input in place where its producer wrote nothing
  const record = modelTensor(false);
  const input = tensorData(record);
  const inputEnd = input + <usize>tensorSize(record);
  memory.fill(activationBase, 0, input - activationBase);
  memory.fill(inputEnd, 0, scratchBase - inputEnd);
  for (let i = 0; i < opCount; i++) {
    const op = fetchOp(i);
    if (op == 0) return STATUS_READ_FAILED;
    // ops that read parameters through the embedder (stream flavour) may report STATUS_READ_FAILED
    let status = STATUS_OK;
    switch (<i32>load<u8>(op + O_OPCODE)) {
      case OP_CONV2D:
      case OP_ADDER_CONV2D:
      case OP_DENSE:
      case OP_ADDER_DENSE:
      case OP_DEPTHWISE_CONV2D:
      case OP_ADDER_DEPTHWISE_CONV2D: status = convLike(op); break;
      case OP_MAX_POOL:
      case OP_AVG_POOL: pool2d(op); break;
      case OP_GLOBAL_AVG_POOL: globalAvgPool(op); break;
      case OP_ADD: add(op); break;
      case OP_RESHAPE: reshape(op); break;
      case OP_LUT:
      case OP_CHANNEL_AFFINE:
      case OP_SOFTMAX:
      case OP_LOG_SOFTMAX: status = pointwise(op); break;
      case OP_PAD: pad(op); break;
      case OP_CONCAT: status = concat(op); break;
    }
    if (status != STATUS_OK) return status;
  }
  return STATUS_OK;
}
