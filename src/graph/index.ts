export type { Activation, BatchNorm, ConvNode, DenseNode, Graph, GraphNode, PoolNode, Shape, SimpleNode } from "./ir.js";
export { GraphBuilder, type ConvOptions, type DenseOptions, type Padding, type PoolOptions } from "./builder.js";
export { GraphError, inferShapes, isDenseNode, nodeOutputShape, sameShape, shapeSize, windowOutput } from "./shapes.js";
export { applyActivation, channelAffine, convLikeRaw, finishConvLike, oihwToOhwi, runFloat, runFloatAll, runNode } from "./float_reference.js";
