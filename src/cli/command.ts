// What every CLI command provides, and the shared option parsing.

import { parseArgs } from "node:util";
import { getRuntime, KERNEL_FLAVOURS, type KernelFlavour, type Runtime } from "../runtime/index.js";
import type { ImageLayout } from "./data.js";
import { UsageError } from "./errors.js";

export interface Command {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** Full `--help` text. */
  help: string;
  /** Returns the exit code. */
  run(argv: string[]): Promise<number>;
}

type Options = Record<string, { type: "string" | "boolean"; short?: string }>;

/** Options every command accepts. */
export const COMMON_OPTIONS = {
  help: { type: "boolean", short: "h" },
  verbose: { type: "boolean" },
} as const satisfies Options;

/** The parsed values of options `O` (plus the common ones). */
export type ParsedOptions<O extends Options> = {
  [K in keyof O]?: O[K]["type"] extends "string" ? string : boolean;
} & { help?: boolean; verbose?: boolean };

/** parseArgs in strict mode; an unknown option or a missing value is a UsageError. */
export function parseCommandArgs<O extends Options>(argv: string[], options: O): { values: ParsedOptions<O>; positionals: string[] } {
  try {
    const parsed = parseArgs({ args: argv, options: { ...COMMON_OPTIONS, ...options }, allowPositionals: true, strict: true });
    return { values: parsed.values as ParsedOptions<O>, positionals: parsed.positionals };
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

export function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], option: string, fallback: T): T {
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`${option} must be one of ${allowed.join(", ")}; found "${value}"`);
}

export function positiveInt(value: string | undefined, option: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`${option} must be a positive integer; found "${value}"`);
  return n;
}

export function requirePositional(positionals: string[], index: number, what: string): string {
  const v = positionals[index];
  if (v === undefined) throw new UsageError(`missing ${what}`);
  return v;
}

/** --flavour: the kernel flavour (docs/ABI.md), "arena" unless given. */
export const flavourOption = (value: string | undefined): KernelFlavour => oneOf(value, KERNEL_FLAVOURS, "--flavour", "arena");

/** The --runtime option: a runtime name, checked against the known ones, running the `flavour` kernel. */
export function runtimeOption(value: string | undefined, flavour: KernelFlavour = "arena"): Runtime {
  try {
    return getRuntime(value ?? "node-simd", flavour);
  } catch (err) {
    throw new UsageError(`--runtime: ${(err as Error).message}`);
  }
}

/** --runtime for a command that runs now: the runtime must be installed and built. */
export async function usableRuntime(value: string | undefined, flavour: KernelFlavour = "arena"): Promise<Runtime> {
  const runtime = runtimeOption(value, flavour);
  const reason = await runtime.unavailableReason();
  if (reason) throw new Error(`runtime ${runtime.name} is not available: ${reason}`);
  return runtime;
}

/** --layout of .npy image arrays (default NCHW, as ONNX/PyTorch). */
export const layoutOption = (value: string | undefined): ImageLayout => oneOf(value, ["nchw", "nhwc"] as const, "--layout", "nchw");

/** The option lines every command's --help ends with (main.ts appends them). */
export const COMMON_HELP = `  -h, --help          this text
  --verbose           stack traces on errors`;
