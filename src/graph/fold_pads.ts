// Folding zero padding into the window that reads it. A constant pad of value 0 whose only
// reader is a convolution (multiply or adder) becomes part of that convolution's own padding:
// a padded tap is the real value 0 there too — the input's zero point in int8, contributing
// (z_x − z_x)·w = 0 to a multiply layer and |z_x − w| to an adder layer, exactly what the pad's
// bytes contribute (docs/SPEC.md). A max pool takes it too when its input is ≥ 0 (a ReLU or
// ReLU6 before the pad) and the pads stay below its kernel: a window's maximum over values ≥ 0
// with at least one in-bounds tap does not change when zeros join it. An average pool never
// does: the pad's zeros count in the mean, the pool's own padding does not. The folded graph
// computes the same values, float and int8, bit for bit (test/graph/fold_pads.test.ts).
import type { ConvNode, Graph, GraphNode, PadNode, PoolNode } from "./ir.js";
import { has, kindOfGraphOp } from "../ops/table.js";
import { TRAIT_FILTERS, TRAIT_WINDOW } from "../format/constants.js";
import { readersOf } from "./shapes.js";

/** The format's pad fields are u8 (docs/FORMAT.md). */
const MAX_PAD = 255;

type Pads = [number, number, number, number];
const sum = (a: Pads, b: Pads): Pads => [a[0] + b[0], a[1] + b[1], a[2] + b[2], a[3] + b[3]];

/** Values ≥ 0 for certain: the output of a node that ends in ReLU or ReLU6. */
const nonNegative = (node: GraphNode | undefined): boolean => node !== undefined && node.activation !== "none";

/** The reader with `pad`'s padding added to its own, or undefined when that would change what it computes. */
function folded(pad: PadNode, reader: GraphNode, producer: GraphNode | undefined): ConvNode | PoolNode | undefined {
  if (pad.mode !== "constant" || pad.value !== 0 || reader.inputs.length !== 1) return undefined;
  const conv = has(kindOfGraphOp(reader.op), TRAIT_FILTERS | TRAIT_WINDOW);
  if (!conv && !(reader.op === "max_pool" && nonNegative(producer))) return undefined;
  const window = reader as ConvNode | PoolNode;
  const pads = sum(window.pads, pad.pads);
  if (pads.some((p) => p > MAX_PAD)) return undefined;
  // every pool window keeps an in-bounds tap
  if (!conv && (pads[0] >= window.kernel[0] || pads[2] >= window.kernel[0] || pads[1] >= window.kernel[1] || pads[3] >= window.kernel[1])) return undefined;
  return { ...window, inputs: [pad.inputs[0]!], pads };
}

/** `graph` with every zero pad that can fold into the one node reading it folded (pads of pads too). */
export function foldPads(graph: Graph): Graph {
  const readers = readersOf(graph.nodes);
  const producers = new Map(graph.nodes.map((node) => [node.output, node]));
  const replaced = new Map<GraphNode, GraphNode>();
  const removed = new Set<GraphNode>();
  for (const node of graph.nodes) {
    const [reader, ...others] = readers.get(node.output) ?? [];
    if (node.op !== "pad" || !reader || others.length > 0 || node.output === graph.outputName) continue;
    const current = replaced.get(reader) ?? reader;
    const fold = folded(node, current, producers.get(node.inputs[0]!));
    if (!fold) continue;
    replaced.set(reader, fold);
    removed.add(node);
  }
  if (removed.size === 0) return graph;
  return foldPads({ ...graph, nodes: graph.nodes.filter((n) => !removed.has(n)).map((n) => replaced.get(n) ?? n) });
}
