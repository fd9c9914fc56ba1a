// ONNX ModelProto -> float Graph (src/graph/ir.ts), in three passes:
//   1. each node through its converter (src/onnx/ops, one per op type), in graph order: Graph
//      nodes whose shapes come from src/graph/shapes.ts, aliases, constants, and the BatchNorms,
//      biases and activations to fuse;
//   2. the fusion pass (src/onnx/fuse.ts) folds those into the nodes before them;
//   3. the output is checked, and zero pads fold into the windows that read them
//      (src/graph/fold_pads.ts).
// The ONNX graph is NCHW with batch 1; the Graph is NHWC (docs/ONNX.md).
import type { Graph } from "../graph/ir.js";
import { ADDER_DOMAIN, ADDER_OPSET_VERSION } from "./domain.js";
import { OnnxImportError } from "./errors.js";
import { fuse } from "./fuse.js";
import { foldPads } from "../graph/fold_pads.js";
import { graphInput, type ImportOptions } from "./graph_input.js";
import { isStandardDomain, nodeName, OnnxNode } from "./node.js";
import { CONVERTERS, SUPPORTED_OPS } from "./ops/index.js";
import { decodeModel, int64ToNumber, type ModelProto, type NodeProto } from "./proto.js";
import { ImportState } from "./state.js";
import { readTensor } from "./tensors.js";

export { ADDER_DOMAIN, ADDER_OPSET_VERSION, type ImportOptions };

/** Standard ops (domain "" / ai.onnx) the importer understands. */
export const SUPPORTED_STANDARD_OPS: readonly string[] = SUPPORTED_OPS.filter((op) => !op.includes("."));
/** Ops of the com.addernet domain (opset version 1). */
export const SUPPORTED_ADDER_OPS: readonly string[] = SUPPORTED_OPS.filter((op) => op.startsWith(`${ADDER_DOMAIN}.`)).map((op) => op.slice(ADDER_DOMAIN.length + 1));

/** Import an ONNX model (bytes of a ModelProto) as a float Graph. Throws OnnxImportError. */
export function importOnnx(bytes: Uint8Array, options: ImportOptions = {}): Graph {
  const model = decodeModel(bytes);
  const graph = model.graph!;
  const state = new ImportState();
  const standard = (model.opsetImport ?? []).find((o) => isStandardDomain(o.domain));
  state.standardOpset = standard ? int64ToNumber(standard.version, "opset_import") : 0;
  for (const tensor of graph.initializer ?? []) state.constants.set(tensor.name ?? "", readTensor(tensor, `initializer "${tensor.name ?? ""}"`));
  const input = graphInput(graph.input ?? [], (name) => state.constants.has(name), options);
  state.values.set(input.name, input.info);
  const outputs = graph.output ?? [];
  if (outputs.length !== 1) throw new OnnxImportError(`the graph has ${outputs.length} outputs; exactly one is supported`);

  (graph.node ?? []).forEach((node, index) => convert(model, node, index, state));

  const outputName = state.resolve(outputs[0]!.name ?? "");
  if (!state.values.has(outputName)) throw new OnnxImportError(`graph output "${outputName}" is not computed by any node`);
  if (outputName === input.name) throw new OnnxImportError(`graph output "${outputName}" is the graph input: the graph has no supported ops`);
  return foldPads({ inputName: input.name, inputShape: input.info.shape, nodes: fuse(state.steps, outputName), outputName });
}

function convert(model: ModelProto, proto: NodeProto, index: number, state: ImportState): void {
  const node = new OnnxNode(proto, index, state);
  const type = isStandardDomain(proto.domain) ? node.op : `${proto.domain}.${node.op}`;
  const converter = CONVERTERS.get(type);
  if (!converter) {
    throw new OnnxImportError(`unsupported op "${type}" (node "${nodeName(proto, index)}"); supported: ${SUPPORTED_OPS.join(", ")}`);
  }
  if (proto.domain === ADDER_DOMAIN) {
    const entry = (model.opsetImport ?? []).find((o) => o.domain === ADDER_DOMAIN);
    const version = entry ? int64ToNumber(entry.version, "opset_import") : undefined;
    if (version !== ADDER_OPSET_VERSION) {
      const found = version === undefined ? "the model does not import it" : `the model imports version ${version}`;
      throw node.error(`needs opset ${ADDER_DOMAIN} version ${ADDER_OPSET_VERSION}; ${found}`);
    }
  }
  converter(node);
}
