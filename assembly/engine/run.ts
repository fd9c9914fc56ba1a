// invoke(): run the loaded model's ops in table order.
import {
  O_OPCODE, OP_CONV2D, OP_ADDER_CONV2D, OP_DENSE, OP_ADDER_DENSE, OP_MAX_POOL, OP_AVG_POOL,
  OP_GLOBAL_AVG_POOL, OP_ADD, OP_RESHAPE, OP_DEPTHWISE_CONV2D, OP_ADDER_DEPTHWISE_CONV2D,
  STATUS_OK, STATUS_NOT_LOADED, STATUS_READ_FAILED,
} from "../../src/format/constants";
import { loaded, opCount, fetchOp, clearOpSlots } from "./state";
import { STREAMED } from "./source";
import { convLike } from "../ops/conv";
import { pool2d, globalAvgPool } from "../ops/pool";
import { add } from "../ops/add";
import { reshape } from "../ops/reshape";

/** STATUS_OK, STATUS_NOT_LOADED, or (stream flavour) STATUS_READ_FAILED from the embedder. */
export function runModel(): i32 {
  const status = runOps();
  if (STREAMED) clearOpSlots();
  return status;
}

function runOps(): i32 {
  if (!loaded) return STATUS_NOT_LOADED;
  for (let i = 0; i < opCount; i++) {
    const op = fetchOp(i);
    if (op == 0) return STATUS_READ_FAILED;
    switch (<i32>load<u8>(op + O_OPCODE)) {
      case OP_CONV2D:
      case OP_ADDER_CONV2D:
      case OP_DENSE:
      case OP_ADDER_DENSE:
      case OP_DEPTHWISE_CONV2D:
      case OP_ADDER_DEPTHWISE_CONV2D: {
        const status = convLike(op);
        if (status != STATUS_OK) return status;
        break;
      }
      case OP_MAX_POOL:
      case OP_AVG_POOL: pool2d(op); break;
      case OP_GLOBAL_AVG_POOL: globalAvgPool(op); break;
      case OP_ADD: add(op); break;
      case OP_RESHAPE: reshape(op); break;
    }
  }
  return STATUS_OK;
}
