// Where the command-line runtimes live, and running them.
import { execFile } from "node:child_process";
import { access, constants, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";
import { KernelStatusError } from "./kernel.js";
import type { RunOutcome } from "./types.js";

export const INSTALL_HINT = "run scripts/install-runtimes.sh";

/** The repository's .tools/bin, resolved from this file (src/runtime or dist/runtime). */
export const TOOLS_BIN = fileURLToPath(new URL("../../.tools/bin/", import.meta.url));

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Path of a tool: the environment variable `envVar` if set, else .tools/bin/<name>,
 * else <name> on PATH; undefined when none exists.
 */
export async function findTool(name: string, envVar: string): Promise<string | undefined> {
  const fromEnv = process.env[envVar];
  if (fromEnv) return (await isExecutable(fromEnv)) ? fromEnv : undefined;
  const candidates = [join(TOOLS_BIN, name), ...(process.env.PATH ?? "").split(delimiter).filter(Boolean).map((d) => join(d, name))];
  for (const path of candidates) if (await isExecutable(path)) return path;
  return undefined;
}

export interface ProcessResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a program to completion (no shell); never rejects on a non-zero exit. */
export function runProcess(file: string, args: readonly string[], cwd?: string): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { cwd, maxBuffer: 64 << 20, encoding: "utf8" }, (error, stdout, stderr) => {
      if (error && typeof error.code !== "number") {
        reject(new Error(`cannot run ${file}: ${error.message}`));
        return;
      }
      resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
    });
  });
}

/** `key=value` lines (what the WASI command, addernet-harness and the firmware print) → record. */
export function keyValues(text: string): Record<string, string> {
  return Object.fromEntries(text.split("\n").filter((l) => /^[a-z_][a-z0-9_]*=/.test(l)).map((l) => {
    const i = l.indexOf("=");
    return [l.slice(0, i), l.slice(i + 1).trim()];
  }));
}

/** Runs `body` with a fresh temporary directory, removed afterwards. */
export async function withTempDir<T>(body: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), "addernet-"));
  try {
    return await body(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** `run` semantics on top of `runMany`: the output, or a KernelStatusError. */
export function outcomeToOutput(outcome: RunOutcome): Int8Array {
  if (outcome.ok) return outcome.output;
  throw new KernelStatusError(outcome.stage, outcome.status, outcome.errorOffset);
}

export const toInt8 = (bytes: Uint8Array): Int8Array => new Int8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** Why a built module cannot be used: undefined when `path` exists. */
export async function missingModule(path: string): Promise<string | undefined> {
  try {
    await access(path);
    return undefined;
  } catch {
    return `${path} is missing: run \`npm run build:wasm\``;
  }
}
