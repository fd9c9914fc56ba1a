// The functions of `elementwise` nodes, as ONNX defines them, in float64. Each maps one value to
// one value, so the quantizer can tabulate it on the 256 points of its input's grid (a LUT op).
import type { ElementwiseFunction, ElementwiseName } from "./ir.js";

type ParamName = "alpha" | "beta" | "gamma" | "min" | "max";
type Params = Record<ParamName, number>;

interface FunctionDefinition {
  /** The parameters it reads, with ONNX's defaults. */
  defaults: Partial<Params>;
  apply(x: number, p: Params): number;
}

const SELU_ALPHA = 1.67326319217681884765625;
const SELU_GAMMA = 1.05070102214813232421875;

export const ELEMENTWISE_FUNCTIONS: Readonly<Record<ElementwiseName, FunctionDefinition>> = {
  sigmoid: { defaults: {}, apply: (x) => 1 / (1 + Math.exp(-x)) },
  tanh: { defaults: {}, apply: (x) => Math.tanh(x) },
  hard_sigmoid: { defaults: { alpha: 0.2, beta: 0.5 }, apply: (x, p) => Math.max(0, Math.min(1, p.alpha * x + p.beta)) },
  hard_swish: { defaults: {}, apply: (x) => x * Math.max(0, Math.min(1, x / 6 + 0.5)) },
  leaky_relu: { defaults: { alpha: 0.01 }, apply: (x, p) => (x >= 0 ? x : p.alpha * x) },
  clip: { defaults: { min: -Infinity, max: Infinity }, apply: (x, p) => Math.min(Math.max(x, p.min), p.max) },
  elu: { defaults: { alpha: 1 }, apply: (x, p) => (x >= 0 ? x : p.alpha * Math.expm1(x)) },
  selu: { defaults: { alpha: SELU_ALPHA, gamma: SELU_GAMMA }, apply: (x, p) => p.gamma * (x > 0 ? x : p.alpha * Math.expm1(x)) },
  softplus: { defaults: {}, apply: (x) => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x))) },
  softsign: { defaults: {}, apply: (x) => x / (1 + Math.abs(x)) },
  neg: { defaults: {}, apply: (x) => -x },
  exp: { defaults: {}, apply: (x) => Math.exp(x) },
  abs: { defaults: {}, apply: (x) => Math.abs(x) },
};

/** The parameters `fn` is evaluated with: its own, ONNX's defaults for the others. */
export function elementwiseParams(fn: ElementwiseFunction): Params {
  const defaults = ELEMENTWISE_FUNCTIONS[fn.name].defaults;
  const value = (name: ParamName): number => fn[name] ?? defaults[name] ?? NaN;
  return { alpha: value("alpha"), beta: value("beta"), gamma: value("gamma"), min: value("min"), max: value("max") };
}

/** A problem with `fn` (unknown name, a parameter it does not take or that is not a number), or undefined. */
export function elementwiseProblem(fn: ElementwiseFunction): string | undefined {
  const definition = Object.hasOwn(ELEMENTWISE_FUNCTIONS, fn.name) ? ELEMENTWISE_FUNCTIONS[fn.name] : undefined;
  if (!definition) return `unknown element-wise function "${String(fn.name)}"; known: ${Object.keys(ELEMENTWISE_FUNCTIONS).join(", ")}`;
  for (const name of ["alpha", "beta", "gamma", "min", "max"] as const) {
    const v = fn[name];
    if (v === undefined) continue;
    if (!(name in definition.defaults)) return `${fn.name} takes no parameter ${name}`;
    if (Number.isNaN(v) || (name !== "min" && name !== "max" && !Number.isFinite(v))) return `${fn.name} parameter ${name} is ${v}; a finite number is expected`;
  }
  const p = elementwiseParams(fn);
  if (fn.name === "clip" && !(p.min <= p.max)) return `clip range [${p.min}, ${p.max}] is empty`;
  return undefined;
}

/** The function as a float64 → float64 map (its parameters resolved once). */
export function elementwiseFunction(fn: ElementwiseFunction): (x: number) => number {
  const { apply } = ELEMENTWISE_FUNCTIONS[fn.name];
  const p = elementwiseParams(fn);
  return (x) => apply(x, p);
}
