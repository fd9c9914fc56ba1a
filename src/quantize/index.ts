export { calibrate, widenToZero, type CalibrationMethod, type CalibrationOptions, type Range } from "./calibrate.js";
export { activationClamp, chooseShift, gridFromRange, multiplier, quantizeValue, roundHalfAway, type Grid } from "./grid.js";
export { quantizeAdderLayer, quantizeMultiplyLayer, type ConvLikeParams, type LayerStats } from "./layers.js";
export { formatQuantizationReport, quantizeGraph, type QuantizationReport, type QuantizeOptions, type QuantizeResult } from "./quantize.js";
export { dequantizeOutput, inputFromLayout, outputDims, outputInLayout, quantizeInput } from "./io.js";
