// The custom ONNX domain of the adder ops (docs/ONNX.md).
export const ADDER_DOMAIN = "com.addernet";
export const ADDER_OPSET_VERSION = 1;
