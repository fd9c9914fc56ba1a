// One ONNX node as its converter (src/onnx/ops) sees it: attributes with their defaults, its inputs
// as computed values or constants, and what it adds to the import — a Graph node, a step for the
// fusion pass, or an alias. Every error names the op and the node.
import type { GraphNode, Shape } from "../graph/ir.js";
import { GraphError, isDenseNode, isFilterNode, keepsValueOrder, nodeOutputShape } from "../graph/shapes.js";
import { OnnxImportError } from "./errors.js";
import type { Fusion } from "./fuse.js";
import { int64ToNumber, type AttributeProto, type NodeProto } from "./proto.js";
import { type ImportState, onnxShapeText, type ValueInfo } from "./state.js";
import type { Constant } from "./tensors.js";

export const isStandardDomain = (domain: string | null | undefined): boolean => !domain || domain === "ai.onnx";

/** The ONNX node's name, or `<op>_<index>` when it has none. */
export const nodeName = (node: NodeProto, index: number): string => (node.name ? node.name : `${node.opType ?? "node"}_${index}`);

export class OnnxNode {
  readonly op: string;
  /** `Conv (node "conv1")`: how errors name the node. */
  readonly where: string;
  /** The Graph node name: the ONNX name made unique. */
  readonly name: string;

  constructor(
    private readonly node: NodeProto,
    index: number,
    private readonly state: ImportState,
  ) {
    this.op = node.opType ?? "";
    this.where = `${this.op} (node "${nodeName(node, index)}")`;
    this.name = state.uniqueName(nodeName(node, index));
  }

  /** The opset version of the standard domain the model imports. */
  get opset(): number {
    return this.state.standardOpset;
  }

  error(detail: string): OnnxImportError {
    return new OnnxImportError(`${this.where}: ${detail}`);
  }

  // ---- attributes ---------------------------------------------------------------------------

  private attribute(name: string): AttributeProto | undefined {
    return (this.node.attribute ?? []).find((a) => a.name === name);
  }

  hasAttribute(name: string): boolean {
    return this.attribute(name) !== undefined;
  }

  int(name: string, fallback: number): number {
    const a = this.attribute(name);
    return a ? int64ToNumber(a.i, `${this.where} attribute ${name}`) : fallback;
  }

  ints(name: string, fallback: number[]): number[] {
    const a = this.attribute(name);
    return a ? (a.ints ?? []).map((v) => int64ToNumber(v, `${this.where} attribute ${name}`)) : fallback;
  }

  float(name: string, fallback: number): number {
    const a = this.attribute(name);
    return a ? (a.f ?? 0) : fallback;
  }

  string(name: string, fallback: string): string {
    const a = this.attribute(name);
    return a?.s ? new TextDecoder().decode(a.s) : fallback;
  }

  /** Every attribute, for ops that read them as data (Constant). */
  attributes(): readonly AttributeProto[] {
    return this.node.attribute ?? [];
  }

  // ---- inputs and outputs -------------------------------------------------------------------

  /** How many inputs the node lists (empty names included). */
  inputCount(): number {
    return this.node.input?.length ?? 0;
  }

  hasInput(position: number): boolean {
    return (this.node.input?.[position] ?? "") !== "";
  }

  inputName(position: number): string {
    const name = this.node.input?.[position] ?? "";
    if (name === "") throw this.error(`input ${position} is missing`);
    return name;
  }

  outputName(position: number): string {
    const name = this.node.output?.[position] ?? "";
    if (name === "") throw this.error(`output ${position} is missing`);
    return name;
  }

  extraOutputsUsed(): boolean {
    return (this.node.output ?? []).slice(1).some((name) => name !== "");
  }

  isConstant(position: number): boolean {
    return this.state.constants.has(this.state.resolve(this.inputName(position)));
  }

  /** A computed input: its Graph value (alias-resolved) and how ONNX sees it under this name. */
  value(position: number): { name: string; info: ValueInfo } {
    const raw = this.inputName(position);
    const name = this.state.resolve(raw);
    const info = this.state.values.get(raw) ?? this.state.values.get(name);
    if (info) return { name, info };
    if (this.state.constants.has(name)) throw this.error(`input ${position} "${raw}" is a constant; a computed tensor is expected there`);
    throw this.error(`input ${position} "${raw}" is not produced by an earlier node, the graph input or an initializer`);
  }

  /** A computed input that is a feature map: [1, C, H, W] (2 spatial axes) or [1, C, L] (1, as H = 1, W = L). */
  map(position: number): { name: string; shape: Shape; rank: 3 | 4; spatialAxes: 1 | 2 } {
    const { name, info } = this.value(position);
    if (info.rank === 2) throw this.error(`input "${name}" has shape ${onnxShapeText(info)}; a feature map [1, C, H, W] or [1, C, L] is expected`);
    return { name, shape: info.shape, rank: info.rank, spatialAxes: info.rank === 3 ? 1 : 2 };
  }

  /** The batch the model was exported with (the Graph is for one sample). */
  get exportedBatch(): number {
    return this.state.batch;
  }

  /** Axes from the attribute `axes` (older opsets) or the constant input at `position` (newer ones); undefined if neither is given. */
  axes(position: number): number[] | undefined {
    if (this.hasAttribute("axes")) return this.ints("axes", []);
    if (!this.hasInput(position)) return undefined;
    return Array.from(this.constant(position, "axes").values);
  }

  /** A constant input (initializer or Constant node, alias-resolved). */
  constant(position: number, role: string): Constant {
    const raw = this.inputName(position);
    const constant = this.state.constants.get(this.state.resolve(raw));
    if (constant) return constant;
    if (this.state.values.has(this.state.resolve(raw))) {
      throw this.error(`input ${position} "${raw}" (${role}) is computed by the graph; it must be an initializer`);
    }
    throw this.error(`missing initializer "${raw}" for input ${position} (${role})`);
  }

  /** A constant input that must hold finite numbers (weights, biases, BatchNorm parameters). */
  finiteConstant(position: number, role: string): Constant {
    const constant = this.constant(position, role);
    const bad = constant.values.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) {
      throw this.error(`${role} "${this.inputName(position)}" holds ${constant.values[bad]} at index ${bad}; only finite values can be quantized`);
    }
    return constant;
  }

  /** A per-channel parameter: `count` finite values, or one value broadcast to all channels. */
  perChannel(position: number, role: string, count: number): Float32Array {
    const { values } = this.finiteConstant(position, role);
    if (values.length === count) return Float32Array.from(values);
    if (values.length === 1) return new Float32Array(count).fill(values[0]!);
    throw this.error(`${role} has ${values.length} values; ${count} expected`);
  }

  // ---- what the node adds to the import -------------------------------------------------------

  /** The fields every Graph node made from this one shares: its name, inputs, output 0, no activation yet. */
  nodeBase(inputs: string[]): { name: string; inputs: string[]; output: string; activation: "none" } {
    return { name: this.name, inputs, output: this.outputName(0), activation: "none" };
  }

  /**
   * A Graph node; its output shape comes from src/graph/shapes.ts. ONNX sees its output as
   * `view` says, by default with the rank of input 0 (a dense layer's: 2); an element-wise op
   * keeps a flattened vector's NHWC order.
   */
  emit(node: GraphNode, view?: Omit<ValueInfo, "shape">): void {
    const inputs = node.inputs.map((name) => this.state.values.get(name)!);
    let shape: Shape;
    try {
      shape = nodeOutputShape(node, inputs.map((info) => info.shape));
    } catch (e) {
      if (e instanceof GraphError) throw this.error(e.detail);
      throw e;
    }
    // as ONNX sees input 0 (an alias such as an Unsqueeze has a rank of its own)
    const input = this.value(0).info;
    const seen = view ?? {
      rank: isFilterNode(node) && isDenseNode(node) ? 2 : input.rank,
      ...(keepsValueOrder(node) && input.flattenedFrom ? { flattenedFrom: input.flattenedFrom } : {}),
    };
    this.state.steps.push(node);
    this.state.values.set(node.output, { ...seen, shape });
  }

  /**
   * A Graph node between this node's input and the node it becomes (e.g. the pad in front of an
   * AveragePool that counts padding): named `<node>_<role>`, made unique; returns its output value.
   */
  emitBefore(role: string, make: (base: { name: string; output: string; activation: "none" }) => GraphNode): string {
    let name = this.state.uniqueName(`${this.name}_${role}`);
    while (this.state.values.has(name) || this.state.constants.has(name)) name = this.state.uniqueName(`${this.name}_${role}`);
    this.emit(make({ name, output: name, activation: "none" }));
    return name;
  }

  /** A BatchNorm, bias or activation on the input at `position`, which the fusion pass folds into the node before. */
  fuse(fusion: Fusion, position = 0): void {
    const { name: input, info } = this.value(position);
    const output = this.outputName(0);
    this.state.steps.push({ where: this.where, name: this.name, input, output, fusion });
    this.state.values.set(output, info);
  }

  /**
   * Output 0 becomes another name of `value` (a Graph value or a constant; no node), seen as
   * `info` (by default as `value` is). Pass an input's ONNX name (inputName), not the value it
   * resolves to, for the output to keep how ONNX sees that input (an alias's own rank).
   */
  alias(value: string, info?: ValueInfo): void {
    const output = this.outputName(0);
    if (this.state.resolve(value) === output) throw this.error(`reads its own output "${output}"`);
    // A constant has no ValueInfo: its alias is another name of the constant.
    this.state.alias(output, value, info ?? this.state.values.get(value) ?? this.state.values.get(this.state.resolve(value)));
  }

  defineConstant(constant: Constant): void {
    this.state.constants.set(this.outputName(0), constant);
  }
}

/** Turns one ONNX node into what it adds to the import (src/onnx/ops, one per op). */
export type Converter = (node: OnnxNode) => void;
