export type {
  Activation, BatchNorm, ChannelAffineNode, ConvNode, DenseNode, ElementwiseFunction, ElementwiseName, ElementwiseNode, FlattenNode, Graph, GraphNode,
  PadMode, PadNode, PoolNode, Shape, SimpleNode, ValueRank,
} from "./ir.js";
export { ELEMENTWISE_FUNCTIONS, elementwiseFunction } from "./elementwise.js";
export { GraphBuilder, type ConvOptions, type DenseOptions, type Padding, type PadOptions, type PoolOptions } from "./builder.js";
export { GraphError, graphOutputRank, inferShapes, isDenseNode, nodeOutputShape, sameShape, shapeSize, windowOutput } from "./shapes.js";
export { applyActivation, convLikeRaw, finishConvLike, runNode } from "./float_ops.js";
export { FloatRunner, runFloat, runFloatAll } from "./float_reference.js";
export { channelAffine } from "./affine.js";
export { oihwToOhwi } from "./layout.js";
export { foldPads } from "./fold_pads.js";
