// ONNX ModelProto -> float Graph (src/graph/ir.ts), in three passes:
//   1. each node through its converter (src/onnx/ops, one per op type), in graph order: Graph
//      nodes whose shapes come from src/graph/shapes.ts, aliases, constants, and the BatchNorms,
//      biases and activations to fuse;
//   2. the fusion pass (src/onnx/fuse.ts) folds those into the nodes before them;
//   3. the output is checked, its ONNX rank recorded and a trailing flatten undone; zero pads
//      fold into the windows that read them (src/graph/fold_pads.ts).
// The ONNX graph is NCHW, batch first; the Graph is NHWC, for one sample (docs/ONNX.md).
import type { Graph, GraphNode } from "../graph/ir.js";
import { ADDER_DOMAIN, ADDER_OPSET_VERSION } from "./domain.js";
import { OnnxImportError } from "./errors.js";
import { fuse } from "./fuse.js";
import { foldPads } from "../graph/fold_pads.js";
import { graphInput, type ImportOptions } from "./graph_input.js";
import { isStandardDomain, nodeName, OnnxNode } from "./node.js";
import { CONVERTERS, SUPPORTED_OPS } from "./ops/index.js";
import { decodeModel, int64ToNumber, type ModelProto, type NodeProto } from "./proto.js";
import { ImportState, type ValueInfo } from "./state.js";
import { readTensor } from "./tensors.js";

export { ADDER_DOMAIN, ADDER_OPSET_VERSION, type ImportOptions };

/** Standard ops (domain "" / ai.onnx) the importer understands. */
export const SUPPORTED_STANDARD_OPS: readonly string[] = SUPPORTED_OPS.filter((op) => !op.includes("."));
/** Ops of the com.addernet domain (opset version 1). */
export const SUPPORTED_ADDER_OPS: readonly string[] = SUPPORTED_OPS.filter((op) => op.startsWith(`${ADDER_DOMAIN}.`)).map((op) => op.slice(ADDER_DOMAIN.length + 1));

/**
 * Import an ONNX model (bytes of a ModelProto) as a float Graph for one sample. Throws
 * OnnxImportError; what the import assumed (a batch of N imported as 1) goes to options.onWarning.
 */
export function importOnnx(bytes: Uint8Array, options: ImportOptions = {}): Graph {
  const model = decodeModel(bytes);
  const graph = model.graph!;
  const state = new ImportState();
  const standard = (model.opsetImport ?? []).find((o) => isStandardDomain(o.domain));
  state.standardOpset = standard ? int64ToNumber(standard.version, "opset_import") : 0;
  for (const tensor of graph.initializer ?? []) state.constants.set(tensor.name ?? "", readTensor(tensor, `initializer "${tensor.name ?? ""}"`));
  const input = graphInput(graph.input ?? [], (name) => state.constants.has(name), options);
  state.values.set(input.name, input.info);
  state.batch = input.batch;
  const outputs = graph.output ?? [];
  if (outputs.length !== 1) throw new OnnxImportError(`the graph has ${outputs.length} outputs; exactly one is supported`);

  (graph.node ?? []).forEach((node, index) => convert(model, node, index, state));

  const rawOutput = outputs[0]!.name ?? "";
  const outputName = state.resolve(rawOutput);
  const outputInfo = state.values.get(rawOutput) ?? state.values.get(outputName);
  if (!outputInfo) throw new OnnxImportError(`graph output "${outputName}" is not computed by any node`);
  if (outputName === input.name) throw new OnnxImportError(`graph output "${outputName}" is the graph input: the graph has no supported ops`);
  const imported = { inputName: input.name, inputShape: input.info.shape, nodes: fuse(state.steps, outputName), outputName };
  return foldPads(withOutputInOnnxOrder(imported, outputInfo));
}

/**
 * The graph with its output's ONNX rank (Graph.outputRank). An output flattened from a map with
 * C > 1 and H·W > 1 holds its values in NHWC order; it becomes the map (with rank 2, "flattened
 * in (c, h, w) order": src/io/layout.ts gives ONNX's vector back):
 *   * when the graph ends with the flatten itself, the map is the output: the flatten goes and
 *     the map's producer takes the output's name (a flatten of the graph input becomes a copy);
 *   * otherwise (after an add of flattened vectors, say) a copy at the end gives the vector the
 *     map's shape again: the same bytes, which are the map's NHWC bytes.
 */
function withOutputInOnnxOrder(graph: Graph, info: ValueInfo): Graph {
  if (!info.flattenedFrom) return { ...graph, outputRank: info.rank };
  const producer = graph.nodes.find((node) => node.output === graph.outputName)!;
  const readers = (value: string) => graph.nodes.filter((node) => node.inputs.includes(value)).length;
  if (producer.op === "flatten" && !producer.shape && readers(graph.outputName) === 0) {
    const map = producer.inputs[0]!;
    if (map === graph.inputName) {
      producer.shape = { ...graph.inputShape };
      return { ...graph, outputRank: 2 };
    }
    const nodes = graph.nodes.filter((node) => node !== producer);
    // The map's producer writes the output under its ONNX name, unless other nodes read the map.
    if (readers(map) > 1) return { ...graph, nodes, outputName: map, outputRank: 2 };
    nodes.find((node) => node.output === map)!.output = graph.outputName;
    return { ...graph, nodes, outputRank: 2 };
  }
  // The copy writes the output's ONNX name unless other nodes read the vector under it.
  const shared = readers(graph.outputName) > 0;
  const vector = shared ? graph.outputName : `${graph.outputName}.nhwc`;
  const output = shared ? `${graph.outputName}.map` : graph.outputName;
  producer.output = vector;
  const names = new Set(graph.nodes.map((node) => node.name));
  let name = `${producer.name}_as_map`;
  for (let n = 1; names.has(name); n++) name = `${producer.name}_as_map_${n}`;
  const copy: GraphNode = { op: "flatten", name, inputs: [vector], output, activation: "none", shape: { ...info.flattenedFrom } };
  return { ...graph, nodes: [...graph.nodes, copy], outputName: output, outputRank: 2 };
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
