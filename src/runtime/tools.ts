// Where the command-line runtimes live, and running them.
import { execFile } from "node:child_process";
import { access, constants as fsConstants, mkdtemp, rm } from "node:fs/promises";
import { constants, tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";
import { KernelStatusError } from "./kernel.js";
import type { RunOutcome } from "./types.js";

/** The package's (or the repository's) root, resolved from this file (src/runtime or dist/runtime). */
const PACKAGE_ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** The install script ships with the package (and the harness sources it builds); it installs into <package root>/.tools. */
export const INSTALL_HINT = `run bash ${JSON.stringify(join(PACKAGE_ROOT, "scripts", "install-runtimes.sh"))}`;

export const TOOLS_BIN = join(PACKAGE_ROOT, ".tools", "bin");

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, fsConstants.X_OK);
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
  /** The exit code; 128 + the signal's number when a signal ended the process, as shells say. */
  code: number;
  /** The signal that ended the process ("SIGSEGV"), if one did. */
  signal?: string;
  stdout: string;
  stderr: string;
}

/** Runs a program to completion (no shell); never rejects on a non-zero exit or a signal, only when it cannot start. */
export function runProcess(file: string, args: readonly string[], cwd?: string): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { cwd, maxBuffer: 64 << 20, encoding: "utf8" }, (error, stdout, stderr) => {
      if (typeof error?.code === "string") {
        // it did not start (ENOENT, EACCES), or its output overflowed maxBuffer
        reject(new Error(`cannot run ${file}: ${error.message}`));
        return;
      }
      if (error?.signal) {
        resolve({ code: 128 + (constants.signals[error.signal] ?? 0), signal: error.signal, stdout, stderr });
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
