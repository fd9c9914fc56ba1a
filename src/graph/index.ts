export type { Activation, BatchNorm, ConvNode, DenseNode, FlattenNode, Graph, GraphNode, PoolNode, Shape, SimpleNode, ValueRank } from "./ir.js";
export { GraphBuilder, type ConvOptions, type DenseOptions, type Padding, type PoolOptions } from "./builder.js";
export { GraphError, graphOutputRank, inferShapes, isDenseNode, nodeOutputShape, sameShape, shapeSize, windowOutput } from "./shapes.js";
export { applyActivation, convLikeRaw, finishConvLike, runNode } from "./float_ops.js";
export { FloatRunner, runFloat, runFloatAll } from "./float_reference.js";
export { channelAffine } from "./affine.js";
export { oihwToOhwi } from "./layout.js";
