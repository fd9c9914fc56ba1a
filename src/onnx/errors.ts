/** Every problem found while importing an ONNX model. Messages name the op, node and input. */
export class OnnxImportError extends Error {
  override name = "OnnxImportError";
}
