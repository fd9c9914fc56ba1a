// What each opcode's record holds: its traits, the bit flags src/format/constants.ts defines
// and src/ops/table.ts describes each op with. The loader checks records by these, so the
// kernel and the host reader judge an op by the same description.
import {
  OP_LAST, OP_CONV2D_TRAITS, OP_ADDER_CONV2D_TRAITS, OP_DENSE_TRAITS, OP_ADDER_DENSE_TRAITS, OP_MAX_POOL_TRAITS,
  OP_AVG_POOL_TRAITS, OP_GLOBAL_AVG_POOL_TRAITS, OP_ADD_TRAITS, OP_RESHAPE_TRAITS,
  OP_DEPTHWISE_CONV2D_TRAITS, OP_ADDER_DEPTHWISE_CONV2D_TRAITS,
  OP_LUT_TRAITS, OP_CHANNEL_AFFINE_TRAITS, OP_SOFTMAX_TRAITS, OP_LOG_SOFTMAX_TRAITS,
  OP_PAD_TRAITS, OP_CONCAT_TRAITS,
} from "../../src/format/constants";

/** Each opcode's traits, by opcode (0 for code 0): a table is smaller code than a switch. */
const TRAITS: usize = memory.data<u16>([
  0, <u16>OP_CONV2D_TRAITS, <u16>OP_ADDER_CONV2D_TRAITS, <u16>OP_DENSE_TRAITS, <u16>OP_ADDER_DENSE_TRAITS,
  <u16>OP_MAX_POOL_TRAITS, <u16>OP_AVG_POOL_TRAITS, <u16>OP_GLOBAL_AVG_POOL_TRAITS, <u16>OP_ADD_TRAITS, <u16>OP_RESHAPE_TRAITS,
  <u16>OP_DEPTHWISE_CONV2D_TRAITS, <u16>OP_ADDER_DEPTHWISE_CONV2D_TRAITS,
  <u16>OP_LUT_TRAITS, <u16>OP_CHANNEL_AFFINE_TRAITS, <u16>OP_SOFTMAX_TRAITS, <u16>OP_LOG_SOFTMAX_TRAITS,
  <u16>OP_PAD_TRAITS, <u16>OP_CONCAT_TRAITS,
]);

/** The traits of `code`, or 0 for an unknown opcode (every known op has at least one trait). */
export function opTraits(code: i32): i32 {
  return <u32>code <= <u32>OP_LAST ? <i32>load<u16>(TRAITS + (<usize>code << 1)) : 0;
}

/** Does `traits` have every bit of `trait`? */
@inline export function has(traits: i32, trait: i32): bool {
  return (traits & trait) == trait;
}
