// What the npm package holds for a user who installed it: the runtimes' install script, the
// harness sources it builds, and a "not installed" message that names the script where it lies.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { INSTALL_HINT } from "../../src/runtime/tools.js";
import { ROOT } from "./helpers.js";

describe("the npm package", () => {
  const packed = JSON.parse(execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: ROOT, encoding: "utf8" })) as [{ files: { path: string }[] }];
  const files = new Set(packed[0].files.map((f) => f.path));

  it("ships scripts/install-runtimes.sh and every harness file git tracks (build output excluded)", () => {
    const harness = execFileSync("git", ["ls-files", "harness"], { cwd: ROOT, encoding: "utf8" }).trim().split("\n");
    expect(harness).toContain("harness/Cargo.lock");
    for (const file of ["scripts/install-runtimes.sh", ...harness]) expect(files, file).toContain(file);
    expect([...files].filter((f) => f.startsWith("harness/target"))).toEqual([]);
  });

  it("the not-installed message runs the shipped script by its full path", () => {
    const script = /^run bash "(.+)"$/.exec(INSTALL_HINT)?.[1];
    expect(script).toBeDefined();
    expect(existsSync(script!)).toBe(true);
    expect(files).toContain(relative(ROOT, script!));
    expect(script).toBe(join(ROOT, "scripts", "install-runtimes.sh"));
  });
});
