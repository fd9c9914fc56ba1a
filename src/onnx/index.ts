export { importOnnx, ADDER_DOMAIN, ADDER_OPSET_VERSION, SUPPORTED_STANDARD_OPS, SUPPORTED_ADDER_OPS } from "./import.js";
export type { ImportOptions } from "./import.js";
export { OnnxImportError } from "./errors.js";
