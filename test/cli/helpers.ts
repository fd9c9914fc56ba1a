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

/** The built CLI (`npm test` builds dist/ before the suite). */
export const BUILT_MAIN = join(ROOT, "dist/cli/main.js");

function run(nodeArgs: string[], env?: NodeJS.ProcessEnv): Promise<Result> {
  return new Promise((resolve) => {
    execFile(process.execPath, nodeArgs, { cwd: ROOT, maxBuffer: 1 << 24, env }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

/** Runs the CLI from its TypeScript source (cwd: the repository, where tsx resolves); paths are absolute. */
export const cli = (args: string[]): Promise<Result> => run(["--import", "tsx", MAIN, ...args]);

/** Runs the built CLI, as the installed package runs. */
export const builtCli = (args: string[]): Promise<Result> => run([BUILT_MAIN, ...args]);

/** Runs a TypeScript script of the repository (`scripts/fuzz.ts`) as `npm run` does, with extra environment variables. */
export const script = (path: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Result> =>
  run(["--import", "tsx", join(ROOT, path), ...args], { ...process.env, ...env });
