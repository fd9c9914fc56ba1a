// Runs once before the suite: builds the kernel modules if any is missing, so a bare
// `npx vitest run` works on a fresh clone (`npm test` builds them before vitest anyway).
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const MODULES = [
  "addernet.simd.wasm", "addernet.scalar.wasm", "addernet-wasi.simd.wasm", "addernet-wasi.scalar.wasm", "float-reference.wasm",
];

export default function setup(): void {
  if (MODULES.every((m) => existsSync(`${ROOT}build/${m}`))) return;
  execFileSync(process.execPath, ["scripts/build-wasm.mjs"], { cwd: ROOT, stdio: "inherit" });
}
