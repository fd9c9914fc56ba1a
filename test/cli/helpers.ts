// Running the addernet CLI as a user does: a real process, its exit code, stdout and stderr.
import { execFile } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const DIGITS = join(ROOT, "models/digits");
const MAIN = join(ROOT, "src/cli/main.ts");

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI from its TypeScript source (cwd: the repository, where tsx resolves); paths are absolute. */
export function cli(args: string[]): Promise<Result> {
  return new Promise((resolve) => {
    execFile(process.execPath, ["--import", "tsx", MAIN, ...args], { cwd: ROOT, maxBuffer: 1 << 24 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr });
    });
  });
}
