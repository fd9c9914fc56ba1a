// Graph → QModel: grids from calibrated ranges, conv-like layers quantized per SPEC.md, pools and
// reshapes on their input's grid, residual adds rescaled; element-wise functions tabulated on
// their input's grid, per-channel affines and softmaxes as src/quantize/elementwise.ts says. The tensors have no arena offsets yet:
// the planner (src/plan) places them, and src/pipeline.ts runs the stages in order.

import type { Graph, GraphNode, PadNode, PoolNode, Shape } from "../graph/ir.js";
import { channelsLast } from "../graph/layout.js";
import { graphOutputRank, inferShapes, isDenseNode, isFilterNode, readersOf } from "../graph/shapes.js";
import { TRAIT_INPUT_LIST, TRAIT_KEEPS_GRID, TRAIT_PADS, TRAIT_POOL, TRAIT_REQUANTIZES, TRAIT_TWO_INPUTS } from "../format/constants.js";
import { type Geometry, outputRankFlags, type QModel, type QOp, type QTensor } from "../format/model.js";
import { has, isAdder, isDepthwise, kindOfGraphOp, OPS } from "../ops/table.js";
import { calibrate, type CalibrationMethod, type Range } from "./calibrate.js";
import { activationClamp, chooseShift, type Grid, gridFromRange, multiplier, quantizeValue } from "./grid.js";
import { type LayerStats, quantizeAdderLayer, quantizeMultiplyLayer } from "./layers.js";
import { logSoftmaxParams, lutRange, lutTable, quantizeChannelAffine, softmaxExpBase } from "./elementwise.js";

export interface QuantizeOptions {
  /** Fold clamped adder weights' remainder into the bias (default true; false is an ablation). */
  foldClampedWeights?: boolean;
  /** Calibration method when samples are given (default "minmax"). */
  method?: CalibrationMethod;
  onProgress?: (done: number, total: number) => void;
}

export interface QuantizationReport {
  /** One row per conv-like layer, in execution order. */
  layers: LayerStats[];
  /** ADD and CONCAT ops: their shift. */
  adds: { name: string; op: "add" | "concat"; shift: number }[];
  warnings: string[];
}

export interface QuantizeResult {
  model: QModel;
  report: QuantizationReport;
  ranges: Map<string, Range>;
  /** The grid of every value. */
  grids: Map<string, Grid>;
}

const UNIT_GEOMETRY: Geometry = {
  kernelH: 1, kernelW: 1, strideH: 1, strideW: 1, dilationH: 1, dilationW: 1,
  padTop: 0, padLeft: 0, padBottom: 0, padRight: 0,
};

function windowGeometry(kernel: [number, number], stride: [number, number], dilation: [number, number], pads: [number, number, number, number]): Geometry {
  return {
    kernelH: kernel[0], kernelW: kernel[1], strideH: stride[0], strideW: stride[1], dilationH: dilation[0], dilationW: dilation[1],
    padTop: pads[0], padLeft: pads[1], padBottom: pads[2], padRight: pads[3],
  };
}

/** Ops whose output shares the input's grid (they copy, select or average bytes). */
const keepsGrid = (node: GraphNode): boolean => has(kindOfGraphOp(node.op), TRAIT_KEEPS_GRID);

/**
 * Each value's grid from its calibrated range; ops that keep their input's grid pass it on. A
 * constant pad's value widens its input's range, so that it lies on the grid. A value that
 * only a concat reads, made by an op that requantizes anyway, takes the concat's grid: it is
 * then requantized once, straight onto the grid the concat outputs (the concat copies it, or
 * finds it in place: src/plan/arena.ts), instead of twice.
 */
function assignGrids(graph: Graph, ranges: Map<string, Range>): Map<string, Grid> {
  const rangeOf = (value: string): Range => {
    const r = ranges.get(value);
    if (!r) throw new Error(`quantize: no calibrated range for value "${value}"`);
    const { min, max } = graph.nodes
      .filter((n): n is PadNode => n.op === "pad" && n.mode === "constant" && n.inputs[0] === value)
      .reduce((range, pad) => ({ min: Math.min(range.min, pad.value), max: Math.max(range.max, pad.value) }), r);
    return { min, max };
  };
  const grids = new Map<string, Grid>([[graph.inputName, gridFromRange(rangeOf(graph.inputName))]]);
  for (const node of graph.nodes) grids.set(node.output, outputGrid(node, grids.get(node.inputs[0]!)!, rangeOf));
  // a requantizing op read only by a concat writes straight onto the concat's grid, so the
  // concat can take its output in place
  const readers = readersOf(graph.nodes);
  for (const node of graph.nodes) {
    const [reader, ...others] = readers.get(node.output) ?? [];
    const requantizes = has(kindOfGraphOp(node.op), TRAIT_REQUANTIZES);
    if (reader?.op === "concat" && others.length === 0 && requantizes && node.output !== graph.outputName) grids.set(node.output, grids.get(reader.output)!);
  }
  return grids;
}

/**
 * An op's output grid: its input's (ops that keep it), the one its definition fixes (softmax),
 * the image of the input grid (a LUT: the function at 256 points), else the calibrated range's.
 */
function outputGrid(node: GraphNode, input: Grid, rangeOf: (value: string) => Range): Grid {
  const info = OPS[kindOfGraphOp(node.op)];
  if (keepsGrid(node)) return input;
  if (info.fixedGrid) return { ...info.fixedGrid };
  if (node.op === "elementwise") return gridFromRange(lutRange(node, input));
  return gridFromRange(rangeOf(node.output));
}

/** Calibrates (when given samples) and quantizes every node; the model's arena is not planned yet. */
export function quantizeGraph(graph: Graph, samplesOrRanges: readonly Float32Array[] | Map<string, Range>, options: QuantizeOptions = {}): QuantizeResult {
  const fold = options.foldClampedWeights ?? true;
  const shapes: Map<string, Shape> = inferShapes(graph);
  const ranges = samplesOrRanges instanceof Map
    ? samplesOrRanges
    : calibrate(graph, samplesOrRanges, { method: options.method ?? "minmax", ...(options.onProgress && { onProgress: options.onProgress }) });
  const grids = assignGrids(graph, ranges);

  const tensorIndex = new Map<string, number>();
  const tensors: QTensor[] = [];
  const addTensor = (value: string) => {
    const shape = shapes.get(value)!;
    const grid = grids.get(value)!;
    tensorIndex.set(value, tensors.length);
    tensors.push({ ...shape, zeroPoint: grid.zeroPoint, scale: grid.scale, offset: 0, name: value });
  };
  addTensor(graph.inputName);
  for (const node of graph.nodes) addTensor(node.output);

  const report: QuantizationReport = { layers: [], adds: [], warnings: [] };
  const ops: QOp[] = graph.nodes.map((node): QOp => {
    const x = grids.get(node.inputs[0]!)!;
    const out = grids.get(node.output)!;
    const op: QOp = {
      kind: kindOfGraphOp(node.op),
      input0: tensorIndex.get(node.inputs[0]!)!,
      output: tensorIndex.get(node.output)!,
      ...activationClamp(node.activation, out),
      shift: 0,
      ...UNIT_GEOMETRY,
      name: node.name,
    };
    if (isFilterNode(node)) {
      // a depthwise filter reads one channel: quantized filter by filter like any other, then
      // packed channel fastest
      const depthwise = isDepthwise(op.kind);
      const inChannels = depthwise ? 1 : shapes.get(node.inputs[0]!)!.channels;
      const params = isAdder(op.kind)
        ? quantizeAdderLayer(node, inChannels, x, out, { foldClampedWeights: fold })
        : quantizeMultiplyLayer(node, inChannels, x, out);
      if (!isDenseNode(node)) Object.assign(op, windowGeometry(node.kernel, node.stride, node.dilation, node.pads));
      const weights = depthwise ? channelsLast(params.weights, params.bias.length) : params.weights;
      Object.assign(op, { weights, bias: params.bias, mult: params.mult, shift: params.shift });
      report.layers.push(params.stats);
      report.warnings.push(...params.stats.warnings);
    } else if (has(op.kind, TRAIT_POOL)) {
      const pool = node as PoolNode;
      Object.assign(op, windowGeometry(pool.kernel, pool.stride, [1, 1], pool.pads));
    } else if (has(op.kind, TRAIT_TWO_INPUTS)) {
      // both inputs rescaled onto the output grid (docs/SPEC.md, ADD)
      const y = grids.get(node.inputs[1]!)!;
      const { shift } = chooseShift(Math.max(x.scale, y.scale) / out.scale);
      Object.assign(op, {
        input1: tensorIndex.get(node.inputs[1]!)!,
        shift,
        mult0: multiplier(x.scale / out.scale, shift),
        mult1: multiplier(y.scale / out.scale, shift),
      });
      report.adds.push({ name: node.name, op: "add", shift });
    } else if (node.op === "elementwise") {
      op.table = lutTable(node, x, out);
    } else if (node.op === "channel_affine") {
      const { warnings, ...params } = quantizeChannelAffine(node, x, out);
      Object.assign(op, params);
      report.warnings.push(...warnings);
    } else if (node.op === "softmax" || node.op === "log_softmax") {
      op.expBase = softmaxExpBase(x);
      if (node.op === "log_softmax") Object.assign(op, logSoftmaxParams(x, out));
    } else if (has(op.kind, TRAIT_PADS)) {
      const pad = node as PadNode;
      // constant mode: the value on the input's grid (0.0 is its zero point exactly)
      const padValue = pad.mode === "constant" ? quantizeValue(pad.value, x) : x.zeroPoint;
      const represented = x.scale * (padValue - x.zeroPoint);
      if (pad.mode === "constant" && Math.abs(represented - pad.value) > x.scale / 2) {
        const [lo, hi] = [x.scale * (-128 - x.zeroPoint), x.scale * (127 - x.zeroPoint)].map((v) => Number(v.toPrecision(4)));
        report.warnings.push(`${node.name}: the pad value ${pad.value} lies outside its input's grid [${lo}, ${hi}] (inherited from the node before); it becomes ${Number(represented.toPrecision(4))}`);
      }
      Object.assign(op, windowGeometry([1, 1], [1, 1], [1, 1], pad.pads), { padValue, padMode: pad.mode });
    } else if (has(op.kind, TRAIT_INPUT_LIST)) {
      // every input rescaled onto the output grid (docs/SPEC.md, CONCAT); an input on the
      // output's grid gets mult = 2^shift, which copies it
      const inputGrids = node.inputs.map((v) => grids.get(v)!);
      const { shift } = chooseShift(Math.max(...inputGrids.map((g) => g.scale)) / out.scale);
      Object.assign(op, {
        inputs: node.inputs.map((v) => tensorIndex.get(v)!),
        shift,
        mults: inputGrids.map((g) => multiplier(g.scale / out.scale, shift)),
      });
      report.adds.push({ name: node.name, op: "concat", shift });
    }
    return op;
  });

  const flags = outputRankFlags(graphOutputRank(graph));
  const model: QModel = { tensors, ops, input: tensorIndex.get(graph.inputName)!, output: tensorIndex.get(graph.outputName)!, activationBytes: 0, ...(flags !== 0 && { flags }) };
  return { model, report, ranges, grids };
}

/** The report as a fixed-width text table. */
export function formatQuantizationReport(report: QuantizationReport): string {
  const width = Math.max(5, ...report.layers.map((l) => l.name.length), ...report.adds.map((a) => a.name.length));
  const opWidth = Math.max(13, ...report.layers.map((l) => l.op.length));
  const header = ["layer".padEnd(width), "op".padEnd(opWidth), "shift", "  clamped ", "  folded(Σr)", " dropped(Σr)"].join(" ");
  const rows = report.layers.map((l) =>
    [
      l.name.padEnd(width), l.op.padEnd(opWidth), String(l.shift).padStart(5),
      (100 * l.clampedFraction).toFixed(2).padStart(9) + "%",
      l.foldedRemainder.toFixed(1).padStart(12), l.droppedRemainder.toFixed(1).padStart(12),
    ].join(" "),
  );
  const adds = report.adds.map((a) => `${a.name.padEnd(width)} ${a.op.padEnd(opWidth)} ${String(a.shift).padStart(5)}`);
  const constants = report.layers
    .filter((l) => l.constantChannels.length > 0)
    .map((l) => `${l.name}: channels [${l.constantChannels.join(", ")}] are constant (their output varies less than half a step)`);
  return [header, ...rows, ...adds, ...constants, ...report.warnings.map((w) => `warning: ${w}`)].join("\n");
}
