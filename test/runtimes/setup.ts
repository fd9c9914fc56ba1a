// Builds the WASI command modules if they are missing (npm test builds them first).
import { existsSync, writeFileSync } from "node:fs";
import { KERNEL_BUILDS } from "../../src/runtime/kernel.js";
import { wasiModulePath } from "../../src/runtime/wasmtime.js";

let built: Promise<void> | undefined;

export function ensureWasiBuilt(): Promise<void> {
  built ??= (async () => {
    for (const build of KERNEL_BUILDS) {
      const path = wasiModulePath(build);
      if (existsSync(path)) continue;
      // @ts-expect-error: the build script is plain JavaScript
      const { buildWasi } = await import("../../scripts/build-wasm.mjs");
      writeFileSync(path, await buildWasi(build));
    }
  })();
  return built;
}
