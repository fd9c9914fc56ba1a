// What each opcode's record holds: its traits, the bit flags src/format/constants.ts defines
// and src/ops/table.ts describes each op with. The loader checks records by these, so the
// kernel and the host reader judge an op by the same description.
import {
  OP_CONV2D, OP_ADDER_CONV2D, OP_DENSE, OP_ADDER_DENSE, OP_MAX_POOL, OP_AVG_POOL, OP_GLOBAL_AVG_POOL,
  OP_ADD, OP_RESHAPE, OP_DEPTHWISE_CONV2D, OP_ADDER_DEPTHWISE_CONV2D,
  OP_CONV2D_TRAITS, OP_ADDER_CONV2D_TRAITS, OP_DENSE_TRAITS, OP_ADDER_DENSE_TRAITS, OP_MAX_POOL_TRAITS,
  OP_AVG_POOL_TRAITS, OP_GLOBAL_AVG_POOL_TRAITS, OP_ADD_TRAITS, OP_RESHAPE_TRAITS,
  OP_DEPTHWISE_CONV2D_TRAITS, OP_ADDER_DEPTHWISE_CONV2D_TRAITS,
} from "../../src/format/constants";

/** The traits of `code`, or 0 for an unknown opcode (every known op has at least one trait). */
export function opTraits(code: i32): i32 {
  switch (code) {
    case OP_CONV2D: return OP_CONV2D_TRAITS;
    case OP_ADDER_CONV2D: return OP_ADDER_CONV2D_TRAITS;
    case OP_DENSE: return OP_DENSE_TRAITS;
    case OP_ADDER_DENSE: return OP_ADDER_DENSE_TRAITS;
    case OP_MAX_POOL: return OP_MAX_POOL_TRAITS;
    case OP_AVG_POOL: return OP_AVG_POOL_TRAITS;
    case OP_GLOBAL_AVG_POOL: return OP_GLOBAL_AVG_POOL_TRAITS;
    case OP_ADD: return OP_ADD_TRAITS;
    case OP_RESHAPE: return OP_RESHAPE_TRAITS;
    case OP_DEPTHWISE_CONV2D: return OP_DEPTHWISE_CONV2D_TRAITS;
    case OP_ADDER_DEPTHWISE_CONV2D: return OP_ADDER_DEPTHWISE_CONV2D_TRAITS;
    default: return 0;
  }
}

/** Does `traits` have every bit of `trait`? */
@inline export function has(traits: i32, trait: i32): bool {
  return (traits & trait) == trait;
}
