// File helpers of the CLI and the pipeline: reading inputs with errors that name the file, and
// writing outputs atomically so a failed command never leaves a half-written file behind.

import { readFileSync, renameSync, rmSync, writeFileSync, readdirSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";

export function readFile(path: string, what: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : (err as Error).message;
    throw new Error(`cannot read ${what} "${path}": ${reason}`);
  }
}

/** Writes to a temporary file beside `path`, then renames it over `path`. */
export function writeFileAtomic(path: string, bytes: Uint8Array | string): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, bytes);
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw new Error(`cannot write "${path}": ${(err as Error).message}`);
  }
}

/** A file, or every `*.npy` file of a folder (sorted by name). */
export function listNpyFiles(path: string): string[] {
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    throw new Error(`calibration data "${path}": no such file or folder`);
  }
  if (!isDir) return [path];
  const files = readdirSync(path).filter((f) => f.endsWith(".npy")).sort().map((f) => join(path, f));
  if (files.length === 0) throw new Error(`calibration folder "${path}" holds no .npy file`);
  return files;
}
