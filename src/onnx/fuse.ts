// The fusion pass over the imported steps: a BatchNormalization folds into the conv-like node
// before it, an Add of a constant into the MatMul/Gemm before it (its bias), a Relu or Clip into
// the node before it (its output clamp). A node can take a fusion only when the fused op is its
// output's sole reader; an activation after a flatten acts on the map before it. What cannot fuse
// stands alone: an activation (after the graph input, a pad, or a value read elsewhere) becomes a
// 1×1 max pool with that activation, which on the int8 grid copies each value and clamps it,
// ReLU/ReLU6 exactly; a BatchNorm becomes a channel_affine node (docs/ONNX.md).
import type { Activation, BatchNorm, ChannelAffineNode, GraphNode, PoolNode } from "../graph/ir.js";
import { OnnxImportError } from "./errors.js";
import { isFilterNode } from "../graph/shapes.js";

export type Fusion =
  | { kind: "batch_norm"; batchNorm: BatchNorm }
  | { kind: "bias"; bias: Float32Array }
  | { kind: "activation"; activation: Activation };

/** An ONNX op that folds into the node producing its input. */
export interface FusionStep {
  /** How errors name the ONNX node, and its Graph node name. */
  where: string;
  name: string;
  input: string;
  output: string;
  fusion: Fusion;
}

export type Step = GraphNode | FusionStep;

const isFusion = (step: Step): step is FusionStep => "fusion" in step;


/** How many steps read each value, the graph output counting as one reader. */
function countReaders(steps: readonly Step[], outputName: string): Map<string, number> {
  const readers = new Map<string, number>([[outputName, 1]]);
  for (const step of steps) {
    for (const input of isFusion(step) ? [step.input] : step.inputs) readers.set(input, (readers.get(input) ?? 0) + 1);
  }
  return readers;
}

function strongerActivation(a: Activation, b: Activation): Activation {
  if (a === "relu6" || b === "relu6") return "relu6";
  if (a === "relu" || b === "relu") return "relu";
  return "none";
}

/** The Graph nodes of `steps`, every fusion folded in. */
export function fuse(steps: readonly Step[], outputName: string): GraphNode[] {
  const readers = countReaders(steps, outputName);
  const producers = new Map<string, GraphNode>();
  const nodes: GraphNode[] = [];
  const add = (node: GraphNode) => {
    nodes.push(node);
    producers.set(node.output, node);
  };
  for (const step of steps) {
    if (!isFusion(step)) {
      add(step);
      continue;
    }
    const producer = producers.get(step.input);
    const sole = producer && readers.get(step.input) === 1 ? producer : undefined;
    const target = sole?.op === "flatten" && step.fusion.kind === "activation"
      ? activateBeforeFlatten(sole, step.fusion.activation, step, { nodes, producers, readers })
      : foldTarget(step, sole, producer);
    if (target) {
      // The fused node takes over the output name of the op fused into it.
      target.output = step.output;
      producers.set(step.output, target);
    } else {
      add(standalone(step));
    }
  }
  return nodes;
}

/** Folds the step into `sole` (the producer of its input, if the step is its only reader) and returns it, or undefined for a standalone activation. */
function foldTarget(step: FusionStep, sole: GraphNode | undefined, producer: GraphNode | undefined): GraphNode | undefined {
  const { fusion } = step;
  switch (fusion.kind) {
    case "batch_norm": {
      if (!sole || !isFilterNode(sole) || sole.activation !== "none" || sole.batchNorm) return undefined;
      sole.batchNorm = fusion.batchNorm;
      return sole;
    }
    case "bias": {
      if (!sole || sole.op !== "dense" || sole.activation !== "none" || sole.batchNorm) {
        throw new OnnxImportError(
          `${step.where}: an Add with a constant input is supported only as the bias of a directly preceding MatMul/Gemm; input "${step.input}" is not one`,
        );
      }
      const bias = sole.bias;
      sole.bias = bias ? bias.map((v, i) => v + fusion.bias[i]!) : fusion.bias;
      return sole;
    }
    case "activation": {
      // A pad copies bytes and has no output clamp (docs/SPEC.md, PAD).
      if (!sole || sole.op === "pad") return undefined;
      sole.activation = strongerActivation(sole.activation, fusion.activation);
      return sole;
    }
  }
}

/**
 * A fusion on its own: an activation as a 1×1 max pool, which keeps its input's grid and clamps;
 * a BatchNorm as a channel_affine node, y = a·x + b with a = γ/√(σ² + ε), b = β − a·μ.
 */
function standalone(step: FusionStep): PoolNode | ChannelAffineNode {
  const base = { name: step.name, inputs: [step.input], output: step.output };
  const { fusion } = step;
  switch (fusion.kind) {
    case "activation":
      return standaloneActivation(step.name, step.input, step.output, fusion.activation);
    case "batch_norm": {
      const { gamma, beta, mean, variance, epsilon } = fusion.batchNorm;
      const scale = gamma.map((g, c) => g / Math.sqrt(variance[c]! + epsilon));
      const bias = beta.map((b, c) => b - scale[c]! * mean[c]!);
      return { op: "channel_affine", ...base, activation: "none", scale, negativeScale: scale.slice(), bias };
    }
    case "bias":
      throw new Error("unreachable: a constant Add is folded or rejected");
  }
}

/** The Graph nodes made so far, who made each value, and how many steps read it. */
interface FuseContext {
  nodes: GraphNode[];
  producers: Map<string, GraphNode>;
  readers: Map<string, number>;
}

/**
 * An activation after a flatten (which copies bytes and has no output clamp, docs/SPEC.md,
 * RESHAPE) acts on the map before it: it is element-wise, so the flatten then carries it. The
 * map's producer takes it as its clamp when the flatten alone reads it; otherwise a standalone
 * activation goes in front of the flatten. Returns the flatten, which takes the step's output.
 */
function activateBeforeFlatten(flatten: GraphNode, activation: Activation, step: FusionStep, context: FuseContext): GraphNode {
  const map = flatten.inputs[0]!;
  const producer = context.producers.get(map);
  if (producer && producer.op !== "flatten" && producer.op !== "pad" && context.readers.get(map) === 1) {
    producer.activation = strongerActivation(producer.activation, activation);
    return flatten;
  }
  const activated = standaloneActivation(step.name, map, `${map}.${step.name}`, activation);
  context.nodes.splice(context.nodes.indexOf(flatten), 0, activated);
  context.producers.set(activated.output, activated);
  flatten.inputs[0] = activated.output;
  return flatten;
}

/** An activation on its own: a 1×1 max pool, which keeps its input's grid and clamps. */
function standaloneActivation(name: string, input: string, output: string, activation: Activation): PoolNode {
  return { op: "max_pool", name, inputs: [input], output, activation, kernel: [1, 1], stride: [1, 1], pads: [0, 0, 0, 0] };
}
