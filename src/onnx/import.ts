// ONNX ModelProto -> float Graph (src/graph/ir.ts).
//
// The ONNX graph is NCHW with batch 1; the Graph is NHWC. Conv weights keep ONNX's OIHW layout.
// A flatten of a feature map with H·W > 1 yields NHWC order (h, w, c) instead of ONNX's (c, h, w),
// so the columns of the dense layer it feeds are permuted here. BatchNormalization is folded
// into the conv/adder/dense node before it, ReLU/ReLU6 (Relu, Clip) into the node before them.
import type {
  Activation,
  BatchNorm,
  ConvNode,
  DenseNode,
  Graph,
  GraphNode,
  PoolNode,
  Shape,
} from "../graph/ir.js";
import { OnnxImportError } from "./errors.js";
import { TensorDataType, decodeModel, has, int64ToNumber, type AttributeProto, type NodeProto, type ValueInfoProto } from "./proto.js";
import { readConstantNode, readTensor, type Constant } from "./tensors.js";

import { ADDER_DOMAIN, ADDER_OPSET_VERSION } from "./domain.js";

export { ADDER_DOMAIN, ADDER_OPSET_VERSION };

/** Standard ops (domain "" / ai.onnx) the importer understands. */
export const SUPPORTED_STANDARD_OPS = [
  "Conv",
  "Gemm",
  "MatMul",
  "BatchNormalization",
  "Relu",
  "Clip",
  "MaxPool",
  "AveragePool",
  "GlobalAveragePool",
  "Add",
  "Flatten",
  "Reshape",
  "Identity",
  "Constant",
] as const;

/** Ops of the com.addernet domain (opset version 1). */
export const SUPPORTED_ADDER_OPS = ["AdderConv", "AdderGemm"] as const;

const SUPPORTED_LIST = [...SUPPORTED_STANDARD_OPS, ...SUPPORTED_ADDER_OPS.map((op) => `${ADDER_DOMAIN}.${op}`)].join(", ");

export interface ImportOptions {
  /**
   * A batch dimension (dim 0 of the input) given as a dim_param or left without a value is
   * resolved to 1 by default ("resolve"); "error" rejects it like any other dynamic dim.
   */
  dynamicBatch?: "resolve" | "error";
}

/** What a value of the ONNX graph is: a feature map [1,C,H,W] or a vector [1,F]. */
type ValueShape =
  | { kind: "map"; channels: number; height: number; width: number }
  | {
      kind: "vector";
      features: number;
      /** Set when the vector is a flattened feature map with H·W > 1: its order is NHWC (h, w, c). */
      flattenedFrom?: { channels: number; height: number; width: number };
    };

interface ValueRecord {
  shape: ValueShape;
  /** The Graph node computing the value; undefined for the graph input. */
  producer?: GraphNode;
}

function shapeText(shape: ValueShape): string {
  return shape.kind === "map" ? `[1, ${shape.channels}, ${shape.height}, ${shape.width}]` : `[1, ${shape.features}]`;
}

/** Import an ONNX model (bytes of a ModelProto) as a float Graph. Throws OnnxImportError. */
export function importOnnx(bytes: Uint8Array, options: ImportOptions = {}): Graph {
  return new Importer(bytes, options).run();
}

class Importer {
  private readonly model;
  private readonly constants = new Map<string, Constant>();
  private readonly values = new Map<string, ValueRecord>();
  /** Identity outputs -> their input (resolved through chains). */
  private readonly aliases = new Map<string, string>();
  /** Number of node inputs and graph outputs reading each (alias-resolved) value. */
  private readonly consumers = new Map<string, number>();
  private readonly nodes: GraphNode[] = [];
  private readonly usedNames = new Set<string>();

  constructor(
    bytes: Uint8Array,
    private readonly options: ImportOptions,
  ) {
    this.model = decodeModel(bytes);
  }

  private get graph() {
    return this.model.graph!;
  }

  run(): Graph {
    this.collectConstantsAndAliases();
    const input = this.graphInput();
    const outputs = this.graph.output ?? [];
    if (outputs.length !== 1) {
      throw new OnnxImportError(`the graph has ${outputs.length} outputs; exactly one is supported`);
    }
    this.countConsumers(outputs[0].name ?? "");

    const onnxNodes = this.graph.node ?? [];
    onnxNodes.forEach((node, index) => this.importNode(node, index));

    const outputName = this.resolve(outputs[0].name ?? "");
    const output = this.values.get(outputName);
    if (!output) throw new OnnxImportError(`graph output "${outputName}" is not computed by any node`);
    if (!output.producer) throw new OnnxImportError(`graph output "${outputName}" is the graph input: the graph has no supported ops`);
    return { inputName: input.name, inputShape: input.shape, nodes: this.nodes, outputName };
  }

  // ---- graph-level preparation ------------------------------------------------------------

  private collectConstantsAndAliases(): void {
    for (const tensor of this.graph.initializer ?? []) {
      const name = tensor.name ?? "";
      this.constants.set(name, readTensor(tensor, `initializer "${name}"`));
    }
    (this.graph.node ?? []).forEach((node, index) => {
      const op = node.opType ?? "";
      if (!isStandardDomain(node.domain)) return;
      if (op === "Constant") {
        const output = node.output?.[0] ?? "";
        this.constants.set(output, readConstantNode(node, this.describe(node, index)));
      } else if (op === "Identity") {
        // Each alias points at a name that is not itself an alias, so chains cannot form cycles.
        const output = node.output?.[0] ?? "";
        const target = this.resolve(node.input?.[0] ?? "");
        if (target === output) throw new OnnxImportError(`${this.describe(node, index)}: reads its own output "${output}"`);
        this.aliases.set(output, target);
      }
    });
  }

  private resolve(name: string): string {
    let current = name;
    while (this.aliases.has(current)) current = this.aliases.get(current)!;
    return current;
  }

  private countConsumers(outputName: string): void {
    const bump = (name: string) => {
      const resolved = this.resolve(name);
      this.consumers.set(resolved, (this.consumers.get(resolved) ?? 0) + 1);
    };
    for (const node of this.graph.node ?? []) {
      if (isStandardDomain(node.domain) && (node.opType === "Identity" || node.opType === "Constant")) continue;
      for (const input of node.input ?? []) if (input !== "") bump(input);
    }
    bump(outputName);
  }

  private graphInput(): { name: string; shape: Shape } {
    const inputs = (this.graph.input ?? []).filter((v) => !this.constants.has(v.name ?? ""));
    if (inputs.length !== 1) {
      const names = inputs.map((v) => `"${v.name}"`).join(", ");
      throw new OnnxImportError(`the graph has ${inputs.length} non-initializer inputs (${names}); exactly one is supported`);
    }
    const input = inputs[0];
    const name = input.name ?? "";
    const dims = this.inputDims(input);
    let shape: ValueShape;
    if (dims.length === 4) shape = { kind: "map", channels: dims[1], height: dims[2], width: dims[3] };
    else if (dims.length === 2) shape = { kind: "vector", features: dims[1] };
    else throw new OnnxImportError(`graph input "${name}" has rank ${dims.length}; supported: 4 (N, C, H, W) or 2 (N, F)`);
    this.values.set(name, { shape });
    const graphShape =
      shape.kind === "map"
        ? { height: shape.height, width: shape.width, channels: shape.channels }
        : { height: 1, width: 1, channels: shape.features };
    return { name, shape: graphShape };
  }

  private inputDims(input: ValueInfoProto): number[] {
    const name = input.name ?? "";
    const tensorType = input.type?.tensorType;
    if (!tensorType) throw new OnnxImportError(`graph input "${name}" is not a tensor`);
    if (tensorType.elemType !== TensorDataType.FLOAT) {
      throw new OnnxImportError(`graph input "${name}" has element type ${TensorDataType[tensorType.elemType ?? 0]}; only FLOAT is supported`);
    }
    if (!tensorType.shape) throw new OnnxImportError(`graph input "${name}" has no shape; a fixed shape is required`);
    return (tensorType.shape.dim ?? []).map((dim, index) => {
      const fixed = has(dim, "dimValue") ? int64ToNumber(dim.dimValue, `graph input "${name}" dim ${index}`) : undefined;
      if (fixed === undefined || fixed <= 0) {
        const what = dim.dimParam ? `dim_param "${dim.dimParam}"` : "no dim_value";
        if (index === 0 && (this.options.dynamicBatch ?? "resolve") === "resolve") return 1;
        throw new OnnxImportError(
          `graph input "${name}" dim ${index} is dynamic (${what}); export the model with a fixed input shape`,
        );
      }
      if (index === 0 && fixed !== 1) {
        throw new OnnxImportError(`graph input "${name}" has batch dimension ${fixed}; only batch 1 is supported`);
      }
      return fixed;
    });
  }

  // ---- per-node import --------------------------------------------------------------------

  private describe(node: NodeProto, index: number): string {
    return `${node.opType ?? "?"} (node "${nodeName(node, index)}")`;
  }

  /** Node names are unique in the Graph: an empty ONNX name becomes "<op>_<index>", a repeated one gets a suffix. */
  uniqueNodeName(node: NodeProto, index: number): string {
    const base = nodeName(node, index);
    let name = base;
    for (let n = 1; this.usedNames.has(name); n++) name = `${base}_${n}`;
    this.usedNames.add(name);
    return name;
  }

  private importNode(node: NodeProto, index: number): void {
    const op = node.opType ?? "";
    const ctx = new NodeContext(this, node, index);
    if (node.domain === ADDER_DOMAIN) {
      this.checkAdderOpset(ctx);
      if (op === "AdderConv") return this.importConv(ctx, "adder_conv2d");
      if (op === "AdderGemm") return this.importDense(ctx, "adder_dense");
    } else if (isStandardDomain(node.domain)) {
      switch (op) {
        case "Constant":
        case "Identity":
          return; // handled in collectConstantsAndAliases
        case "Conv":
          return this.importConv(ctx, "conv2d");
        case "Gemm":
        case "MatMul":
          return this.importDense(ctx, "dense");
        case "BatchNormalization":
          return this.importBatchNorm(ctx);
        case "Relu":
          return this.fuseActivation(ctx, "relu");
        case "Clip":
          return this.fuseActivation(ctx, this.clipActivation(ctx));
        case "MaxPool":
        case "AveragePool":
          return this.importPool(ctx);
        case "GlobalAveragePool":
          return this.importGlobalAvgPool(ctx);
        case "Add":
          return this.importAdd(ctx);
        case "Flatten":
        case "Reshape":
          return this.importFlatten(ctx);
      }
    }
    const domain = isStandardDomain(node.domain) ? "" : `${node.domain}.`;
    throw new OnnxImportError(`unsupported op "${domain}${op}" (node "${nodeName(node, index)}"); supported: ${SUPPORTED_LIST}`);
  }

  private checkAdderOpset(ctx: NodeContext): void {
    const entry = (this.model.opsetImport ?? []).find((o) => o.domain === ADDER_DOMAIN);
    const version = entry ? int64ToNumber(entry.version, "opset_import") : undefined;
    if (version !== ADDER_OPSET_VERSION) {
      const found = version === undefined ? "the model does not import it" : `the model imports version ${version}`;
      throw new OnnxImportError(`${ctx.where}: needs opset ${ADDER_DOMAIN} version ${ADDER_OPSET_VERSION}; ${found}`);
    }
  }

  /** A non-constant input, alias-resolved. */
  valueInput(ctx: NodeContext, position: number): { name: string; record: ValueRecord } {
    const raw = ctx.inputName(position);
    const name = this.resolve(raw);
    const record = this.values.get(name);
    if (record) return { name, record };
    if (this.constants.has(name)) {
      throw new OnnxImportError(`${ctx.where}: input ${position} "${raw}" is a constant; a computed tensor is expected there`);
    }
    throw new OnnxImportError(`${ctx.where}: input ${position} "${raw}" is not produced by an earlier node, the graph input or an initializer`);
  }

  /** A constant input (initializer or Constant node), alias-resolved. */
  constantInput(ctx: NodeContext, position: number, role: string): Constant {
    const raw = ctx.inputName(position);
    const constant = this.constants.get(this.resolve(raw));
    if (constant) return constant;
    if (this.values.has(this.resolve(raw))) {
      throw new OnnxImportError(`${ctx.where}: input ${position} "${raw}" (${role}) is computed by the graph; it must be an initializer`);
    }
    throw new OnnxImportError(`${ctx.where}: missing initializer "${raw}" for input ${position} (${role})`);
  }

  private addNode(node: GraphNode, shape: ValueShape): void {
    this.nodes.push(node);
    this.values.set(node.output, { shape, producer: node });
  }

  private mapInput(ctx: NodeContext, position: number): { name: string; shape: Extract<ValueShape, { kind: "map" }> } {
    const { name, record } = this.valueInput(ctx, position);
    if (record.shape.kind !== "map") {
      throw new OnnxImportError(`${ctx.where}: input "${name}" has shape ${shapeText(record.shape)}; a 4-D feature map [1, C, H, W] is expected`);
    }
    return { name, shape: record.shape };
  }

  private importConv(ctx: NodeContext, op: ConvNode["op"]): void {
    const x = this.mapInput(ctx, 0);
    const w = this.constantInput(ctx, 1, "weights");
    if (w.dims.length !== 4) throw new OnnxImportError(`${ctx.where}: weights have dims [${w.dims}]; [M, C, kH, kW] expected`);
    const [outChannels, inChannels, kh, kw] = w.dims;
    const group = ctx.int("group", 1);
    if (group !== 1) throw new OnnxImportError(`${ctx.where}: group = ${group} is not supported (only group = 1)`);
    if (inChannels !== x.shape.channels) {
      throw new OnnxImportError(`${ctx.where}: weights have ${inChannels} input channels but input "${x.name}" has ${x.shape.channels}`);
    }
    const kernelAttr = ctx.ints("kernel_shape", [kh, kw]);
    if (kernelAttr[0] !== kh || kernelAttr[1] !== kw) {
      throw new OnnxImportError(`${ctx.where}: kernel_shape [${kernelAttr}] does not match the weights' [${kh}, ${kw}]`);
    }
    const window = windowGeometry(ctx, x.shape, [kh, kw]);
    let bias: Float32Array | undefined;
    if (ctx.hasInput(2)) bias = perChannel(ctx, this.constantInput(ctx, 2, "bias"), outChannels, "bias");
    const node: ConvNode = {
      op,
      name: ctx.name,
      inputs: [x.name],
      output: ctx.outputName(0),
      activation: "none",
      weights: Float32Array.from(w.values),
      outChannels,
      kernel: [kh, kw],
      stride: window.stride,
      dilation: window.dilation,
      pads: window.pads,
      ...(bias ? { bias } : {}),
    };
    this.addNode(node, { kind: "map", channels: outChannels, height: window.outHeight, width: window.outWidth });
  }

  private importDense(ctx: NodeContext, op: DenseNode["op"]): void {
    const { name: inputName, record } = this.valueInput(ctx, 0);
    const x = record.shape;
    if (x.kind !== "vector") {
      throw new OnnxImportError(`${ctx.where}: input "${inputName}" has shape ${shapeText(x)}; a 2-D [1, K] input is expected (add a Flatten)`);
    }
    const isMatMul = ctx.op === "MatMul";
    const b = this.constantInput(ctx, 1, "weights");
    if (b.dims.length !== 2) throw new OnnxImportError(`${ctx.where}: weights have dims [${b.dims}]; a 2-D matrix is expected`);
    if (!isMatMul) {
      if (ctx.int("transA", 0) !== 0) throw new OnnxImportError(`${ctx.where}: transA = 1 is not supported`);
    }
    const transB = isMatMul ? 0 : ctx.int("transB", 0);
    const alpha = isMatMul ? 1 : ctx.float("alpha", 1);
    const beta = isMatMul ? 1 : ctx.float("beta", 1);
    if (op === "adder_dense" && (alpha !== 1 || beta !== 1)) {
      throw new OnnxImportError(`${ctx.where}: alpha/beta are not defined for AdderGemm (found alpha ${alpha}, beta ${beta})`);
    }
    const [rows, cols] = b.dims;
    const inFeatures = transB ? cols : rows;
    const outFeatures = transB ? rows : cols;
    if (inFeatures !== x.features) {
      throw new OnnxImportError(`${ctx.where}: weights take ${inFeatures} inputs but input "${inputName}" has ${x.features}`);
    }
    // weights[o][k] in ONNX (NCHW-flatten) column order, then permuted to NHWC order if needed.
    const weights = new Float32Array(outFeatures * inFeatures);
    for (let o = 0; o < outFeatures; o++) {
      for (let k = 0; k < inFeatures; k++) {
        weights[o * inFeatures + k] = alpha * b.values[transB ? o * inFeatures + k : k * outFeatures + o];
      }
    }
    let bias: Float32Array | undefined;
    if (!isMatMul && ctx.hasInput(2)) {
      bias = perChannel(ctx, this.constantInput(ctx, 2, "bias"), outFeatures, "bias").map((v) => v * beta);
    }
    const node: DenseNode = {
      op,
      name: ctx.name,
      inputs: [inputName],
      output: ctx.outputName(0),
      activation: "none",
      weights: x.flattenedFrom ? permuteColumnsToNhwc(weights, outFeatures, x.flattenedFrom) : weights,
      outFeatures,
      ...(bias ? { bias } : {}),
    };
    this.addNode(node, { kind: "vector", features: outFeatures });
  }

  /** The producing node of `name` when this node is its only reader (so it may be fused into). */
  private soleProducer(name: string): GraphNode | undefined {
    const record = this.values.get(name);
    if (!record?.producer || this.consumers.get(name) !== 1) return undefined;
    return record.producer;
  }

  private importBatchNorm(ctx: NodeContext): void {
    const { name, record } = this.valueInput(ctx, 0);
    const channels = record.shape.kind === "map" ? record.shape.channels : record.shape.features;
    if (ctx.int("training_mode", 0) !== 0) throw new OnnxImportError(`${ctx.where}: training_mode = 1 is not supported; export in eval mode`);
    if (ctx.extraOutputsUsed()) throw new OnnxImportError(`${ctx.where}: the running-statistics outputs are not supported`);
    const producer = this.soleProducer(name);
    const foldable =
      producer &&
      (producer.op === "conv2d" || producer.op === "adder_conv2d" || producer.op === "dense" || producer.op === "adder_dense") &&
      producer.activation === "none" &&
      !producer.batchNorm;
    if (!foldable) {
      const after = producer ? `${producer.op} node "${producer.name}"` : record.producer ? `node "${record.producer.name}" (also read elsewhere)` : "the graph input";
      throw new OnnxImportError(
        `${ctx.where}: BatchNormalization is supported only folded into a directly preceding Conv, AdderConv, Gemm, MatMul or AdderGemm ` +
          `that it alone reads and that has no activation yet; its input "${name}" comes from ${after}`,
      );
    }
    const param = (position: number, role: string) => perChannel(ctx, this.constantInput(ctx, position, role), channels, role);
    const batchNorm: BatchNorm = {
      gamma: param(1, "scale"),
      beta: param(2, "B"),
      mean: param(3, "input_mean"),
      variance: param(4, "input_var"),
      epsilon: ctx.float("epsilon", 1e-5),
    };
    (producer as ConvNode | DenseNode).batchNorm = batchNorm;
    this.rename(producer, ctx.outputName(0), record.shape);
  }

  /** Fused ops take over the output name of the op fused into them. */
  private rename(node: GraphNode, output: string, shape: ValueShape): void {
    node.output = output;
    this.values.set(output, { shape, producer: node });
  }

  private fuseActivation(ctx: NodeContext, activation: Activation): void {
    const { name, record } = this.valueInput(ctx, 0);
    const producer = this.soleProducer(name);
    if (!producer) {
      const why = record.producer ? `its input "${name}" is also read by other nodes` : `its input "${name}" is the graph input`;
      throw new OnnxImportError(`${ctx.where}: activations are fused into the node before them, but ${why}`);
    }
    producer.activation = strongerActivation(producer.activation, activation);
    this.rename(producer, ctx.outputName(0), record.shape);
  }

  /** Clip's range as an activation: [0, 6] is ReLU6, [0, +inf) is ReLU; anything else is rejected. */
  private clipActivation(ctx: NodeContext): Activation {
    // Opset < 11: attributes min/max; opset >= 11: optional constant inputs 1 and 2.
    const bound = (position: number, attribute: string, fallback: number): number => {
      if (ctx.hasAttribute(attribute)) return ctx.float(attribute, fallback);
      if (!ctx.hasInput(position)) return fallback;
      const constant = this.constantInput(ctx, position, attribute);
      if (constant.values.length !== 1) throw new OnnxImportError(`${ctx.where}: ${attribute} must be a scalar`);
      return constant.values[0];
    };
    const min = bound(1, "min", -Infinity);
    const max = bound(2, "max", Infinity);
    if (min === 0 && max === 6) return "relu6";
    if (min === 0 && max === Infinity) return "relu";
    throw new OnnxImportError(
      `${ctx.where}: Clip range [${min}, ${max}] is not supported; supported: [0, 6] (ReLU6) and [0, +inf) (ReLU)`,
    );
  }

  private importPool(ctx: NodeContext): void {
    const x = this.mapInput(ctx, 0);
    const isMax = ctx.op === "MaxPool";
    const kernel = ctx.ints("kernel_shape", []);
    if (kernel.length !== 2) throw new OnnxImportError(`${ctx.where}: kernel_shape [${kernel}] must have 2 entries`);
    if (ctx.int("ceil_mode", 0) !== 0) throw new OnnxImportError(`${ctx.where}: ceil_mode = 1 is not supported`);
    const window = windowGeometry(ctx, x.shape, [kernel[0], kernel[1]]);
    if (window.dilation[0] !== 1 || window.dilation[1] !== 1) {
      throw new OnnxImportError(`${ctx.where}: dilations [${window.dilation}] are not supported for pooling`);
    }
    if (isMax && ctx.extraOutputsUsed()) throw new OnnxImportError(`${ctx.where}: the Indices output is not supported`);
    // count_include_pad = 1 only matters where there is padding.
    if (!isMax && ctx.int("count_include_pad", 0) !== 0 && window.pads.some((p) => p !== 0)) {
      throw new OnnxImportError(`${ctx.where}: count_include_pad = 1 with padding is not supported (padding must be excluded from the average)`);
    }
    const node: PoolNode = {
      op: isMax ? "max_pool" : "avg_pool",
      name: ctx.name,
      inputs: [x.name],
      output: ctx.outputName(0),
      activation: "none",
      kernel: [kernel[0], kernel[1]],
      stride: window.stride,
      pads: window.pads,
    };
    this.addNode(node, { kind: "map", channels: x.shape.channels, height: window.outHeight, width: window.outWidth });
  }

  private importGlobalAvgPool(ctx: NodeContext): void {
    const x = this.mapInput(ctx, 0);
    const node: GraphNode = { op: "global_avg_pool", name: ctx.name, inputs: [x.name], output: ctx.outputName(0), activation: "none" };
    this.addNode(node, { kind: "map", channels: x.shape.channels, height: 1, width: 1 });
  }

  private importAdd(ctx: NodeContext): void {
    const constantSide = [0, 1].find((p) => this.constants.has(this.resolve(ctx.inputName(p))));
    if (constantSide !== undefined) return this.foldBiasAdd(ctx, constantSide);
    const a = this.valueInput(ctx, 0);
    const b = this.valueInput(ctx, 1);
    if (JSON.stringify(a.record.shape) !== JSON.stringify(b.record.shape)) {
      throw new OnnxImportError(
        `${ctx.where}: inputs "${a.name}" ${shapeText(a.record.shape)} and "${b.name}" ${shapeText(b.record.shape)} differ; broadcasting is not supported`,
      );
    }
    const node: GraphNode = { op: "add", name: ctx.name, inputs: [a.name, b.name], output: ctx.outputName(0), activation: "none" };
    this.addNode(node, a.record.shape);
  }

  /** Add(dense output, constant): the bias of a MatMul (or Gemm) exported as a separate Add. */
  private foldBiasAdd(ctx: NodeContext, constantSide: number): void {
    const { name, record } = this.valueInput(ctx, 1 - constantSide);
    const producer = this.soleProducer(name);
    if (!producer || producer.op !== "dense" || producer.activation !== "none" || producer.batchNorm) {
      throw new OnnxImportError(
        `${ctx.where}: an Add with a constant input is supported only as the bias of a directly preceding MatMul/Gemm; input "${name}" is not one`,
      );
    }
    const add = perChannel(ctx, this.constantInput(ctx, constantSide, "bias"), producer.outFeatures, "bias");
    producer.bias = producer.bias ? producer.bias.map((v, i) => v + add[i]) : add;
    this.rename(producer, ctx.outputName(0), record.shape);
  }

  private importFlatten(ctx: NodeContext): void {
    const { name, record } = this.valueInput(ctx, 0);
    const x = record.shape;
    const inputDims = x.kind === "map" ? [1, x.channels, x.height, x.width] : [1, x.features];
    const total = inputDims.reduce((p, d) => p * d, 1);
    if (ctx.op === "Flatten") {
      const axis = ctx.int("axis", 1);
      if (axis !== 0 && axis !== 1) throw new OnnxImportError(`${ctx.where}: axis = ${axis} is not supported (only 0 or 1, flattening to [1, N])`);
    } else {
      const target = Array.from(this.constantInput(ctx, 1, "shape").values);
      const resolved = target.map((d, i) => (d === 0 ? inputDims[i] : d));
      const known = resolved.filter((d) => d !== -1).reduce((p, d) => p * d, 1);
      const dims = resolved.map((d) => (d === -1 ? total / known : d));
      if (dims.length !== 2 || dims[0] !== 1 || dims[1] !== total) {
        throw new OnnxImportError(
          `${ctx.where}: reshape of ${shapeText(x)} to [${target.join(", ")}] is not supported; only flattening to [1, -1] or [1, ${total}]`,
        );
      }
    }
    if (x.kind === "vector") {
      // Already flat: a no-op. Its readers become readers of its input.
      const output = ctx.outputName(0);
      this.aliases.set(output, name);
      this.consumers.set(name, (this.consumers.get(name) ?? 0) - 1 + (this.consumers.get(output) ?? 0));
      return;
    }
    const node: GraphNode = { op: "flatten", name: ctx.name, inputs: [name], output: ctx.outputName(0), activation: "none" };
    const flattenedFrom = x.height * x.width > 1 ? { channels: x.channels, height: x.height, width: x.width } : undefined;
    this.addNode(node, { kind: "vector", features: total, ...(flattenedFrom ? { flattenedFrom } : {}) });
  }

}

/** Accessors for one ONNX node: attributes with defaults, inputs, outputs, a name for errors. */
class NodeContext {
  readonly op: string;
  readonly where: string;
  readonly name: string;

  constructor(
    importer: Importer,
    private readonly node: NodeProto,
    index: number,
  ) {
    this.op = node.opType ?? "";
    this.where = `${this.op} (node "${nodeName(node, index)}")`;
    this.name = importer.uniqueNodeName(node, index);
  }

  hasInput(position: number): boolean {
    return (this.node.input?.[position] ?? "") !== "";
  }

  inputName(position: number): string {
    const name = this.node.input?.[position] ?? "";
    if (name === "") throw new OnnxImportError(`${this.where}: input ${position} is missing`);
    return name;
  }

  outputName(position: number): string {
    const name = this.node.output?.[position] ?? "";
    if (name === "") throw new OnnxImportError(`${this.where}: output ${position} is missing`);
    return name;
  }

  extraOutputsUsed(): boolean {
    return (this.node.output ?? []).slice(1).some((name) => name !== "");
  }

  private attribute(name: string): AttributeProto | undefined {
    return (this.node.attribute ?? []).find((a) => a.name === name);
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

  hasAttribute(name: string): boolean {
    return this.attribute(name) !== undefined;
  }
}

function isStandardDomain(domain: string | null | undefined): boolean {
  return !domain || domain === "ai.onnx";
}

function nodeName(node: NodeProto, index: number): string {
  return node.name ? node.name : `${node.opType ?? "node"}_${index}`;
}

interface Window {
  stride: [number, number];
  dilation: [number, number];
  pads: [number, number, number, number];
  outHeight: number;
  outWidth: number;
}

/** Strides, dilations, pads (incl. auto_pad) and the output size of a Conv/pooling window. */
function windowGeometry(ctx: NodeContext, x: { height: number; width: number }, kernel: [number, number]): Window {
  const stride = pair(ctx, "strides");
  const dilation = pair(ctx, "dilations");
  const autoPad = ctx.string("auto_pad", "NOTSET");
  const inSize = [x.height, x.width];
  const span = [0, 1].map((i) => (kernel[i] - 1) * dilation[i] + 1);
  let pads: [number, number, number, number];
  if (autoPad === "NOTSET") {
    const p = ctx.ints("pads", [0, 0, 0, 0]);
    if (p.length !== 4 || p.some((v) => v < 0)) throw new OnnxImportError(`${ctx.where}: pads [${p}] must be 4 non-negative values`);
    pads = [p[0], p[1], p[2], p[3]];
  } else if (autoPad === "VALID") {
    pads = [0, 0, 0, 0];
  } else if (autoPad === "SAME_UPPER" || autoPad === "SAME_LOWER") {
    const total = [0, 1].map((i) => Math.max(0, (Math.ceil(inSize[i] / stride[i]) - 1) * stride[i] + span[i] - inSize[i]));
    const small = total.map((t) => Math.floor(t / 2));
    const begin = autoPad === "SAME_UPPER" ? small : total.map((t, i) => t - small[i]);
    pads = [begin[0], begin[1], total[0] - begin[0], total[1] - begin[1]];
  } else {
    throw new OnnxImportError(`${ctx.where}: auto_pad "${autoPad}" is not supported`);
  }
  const out = [0, 1].map((i) => Math.floor((inSize[i] + pads[i] + pads[i + 2] - span[i]) / stride[i]) + 1);
  if (out[0] < 1 || out[1] < 1) {
    throw new OnnxImportError(`${ctx.where}: window ${kernel[0]}x${kernel[1]} does not fit the ${x.height}x${x.width} input`);
  }
  return { stride, dilation, pads, outHeight: out[0], outWidth: out[1] };
}

function pair(ctx: NodeContext, name: string): [number, number] {
  const values = ctx.ints(name, [1, 1]);
  if (values.length !== 2 || values.some((v) => v < 1)) throw new OnnxImportError(`${ctx.where}: ${name} [${values}] must be 2 positive values`);
  return [values[0], values[1]];
}

/** A per-channel parameter: `count` values, or one value broadcast to all channels. */
function perChannel(ctx: NodeContext, constant: Constant, count: number, role: string): Float32Array {
  const n = constant.values.length;
  if (n === count) return Float32Array.from(constant.values);
  if (n === 1) return new Float32Array(count).fill(constant.values[0]);
  throw new OnnxImportError(`${ctx.where}: ${role} has ${n} values; ${count} expected`);
}

function strongerActivation(a: Activation, b: Activation): Activation {
  if (a === "relu6" || b === "relu6") return "relu6";
  if (a === "relu" || b === "relu") return "relu";
  return "none";
}

/** Re-order dense weight columns from NCHW flatten order (c, h, w) to NHWC order (h, w, c). */
function permuteColumnsToNhwc(
  weights: Float32Array,
  outFeatures: number,
  map: { channels: number; height: number; width: number },
): Float32Array {
  const { channels, height, width } = map;
  const inFeatures = channels * height * width;
  const out = new Float32Array(weights.length);
  for (let o = 0; o < outFeatures; o++) {
    const row = o * inFeatures;
    for (let h = 0; h < height; h++) {
      for (let w = 0; w < width; w++) {
        for (let c = 0; c < channels; c++) {
          out[row + (h * width + w) * channels + c] = weights[row + (c * height + h) * width + w];
        }
      }
    }
  }
  return out;
}
