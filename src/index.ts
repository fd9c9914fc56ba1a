// addernet-wasm: the package's public API, in pipeline order —
// import → quantize → plan → pack → load → run.

// the stages in order: quantize + plan (a QModel for packModel), or quantize → plan → pack at once
export { quantize, compileGraph, compileOnnxFile, type Compiled, type CalibrationFiles } from "./pipeline.js";

// import: ONNX (with com.addernet AdderConv/AdderGemm) or the builder, into a float graph
export { importOnnx, OnnxImportError, ADDER_DOMAIN, ADDER_OPSET_VERSION, type ImportOptions } from "./onnx/index.js";
export * from "./graph/index.js";
export { readNpy, writeNpy, npyToFloat32, npyToInt32, NpyError, type NpyArray } from "./io/npy.js";
export { fromNhwc, layoutDims, toNhwc, type ImageLayout } from "./io/layout.js";

// quantize: calibration and AdderNet-aware int8 quantization (docs/SPEC.md)
export * from "./quantize/index.js";

// plan: activation arena placement by liveness
export { planArena, applyArenaPlan, withArenaPlan, liveBytesLowerBound, placedSlices, tensorLifetimes, type ArenaPlan, type PlanOptions, type Slice } from "./plan/arena.js";

// pack: the .addn format (docs/FORMAT.md)
export * as formatConstants from "./format/constants.js";
export type { QModel, QOp, QTensor, OpKind, Geometry } from "./format/model.js";
export { packModel } from "./format/writer.js";
export { readModel } from "./format/reader.js";
export { describeLayout, type FileLayout } from "./format/describe.js";
export { ModelFormatError, ModelPackError, statusName } from "./format/errors.js";
export { buildModelModule, moduleBudget, formatBudget, type ModelModuleOptions, type ModuleBudget } from "./modulegen/index.js";

// reference: the integer golden model
export { runReference, runReferenceAll } from "./reference/interpreter.js";

// load and run: Node (either build) and the other runtimes
export { Model, type LoadOptions } from "./model.js";
export { KernelInstance, KernelStatusError, kernelWasmPath, type KernelBuild } from "./runtime/kernel.js";
export { getRuntime, listRuntimes, availableRuntimes, type Runtime, type RuntimeName } from "./runtime/index.js";

// inspect and evaluate
export { buildReport, renderReport, type ModelReport } from "./inspect/report.js";
export { countModel, countOp, type OpCount } from "./inspect/op_counts.js";
export { evaluate, type EvalResult } from "./eval/accuracy.js";

// seeded example models (tests, benchmarks)
export { buildDigitsNet, buildResNet20, randomNetwork, calibrationSamples } from "./models/index.js";
