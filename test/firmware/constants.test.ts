// firmware/include/addernet_constants.h is generated from src/format/constants.ts: it must be
// up to date, and it must carry every constant (the C library takes its status codes from it).
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import * as C from "../../src/format/constants.js";
import { ROOT } from "./helpers.js";

// @ts-expect-error: a plain ESM script without type declarations
const { renderConstantsHeader } = (await import("../../scripts/gen-c-constants.mjs")) as {
  renderConstantsHeader(source: string): string;
};

const source = readFileSync(join(ROOT, "src/format/constants.ts"), "utf8");
const header = readFileSync(join(ROOT, "firmware/include/addernet_constants.h"), "utf8");

describe("firmware/include/addernet_constants.h", () => {
  it("is what scripts/gen-c-constants.mjs makes of src/format/constants.ts (run it after changing the constants)", () => {
    expect(header).toBe(renderConstantsHeader(source));
    execFileSync(process.execPath, [join(ROOT, "scripts/gen-c-constants.mjs"), "--check"], { stdio: "pipe" });
  });

  it("defines every constant with its value, and lists every status in ADDERNET_STATUS_LIST", () => {
    const entries = Object.entries(C).filter(([, v]) => typeof v === "number") as [string, number][];
    expect(entries.length).toBeGreaterThan(50);
    for (const [name, value] of entries) {
      const m = new RegExp(`^#define ADDERNET_${name} \\((-?(?:0x[0-9a-f]+|\\d+))\\)$`, "m").exec(header);
      expect(m, name).not.toBeNull();
      expect(Number(m![1]), name).toBe(value);
    }
    const list = header.slice(header.indexOf("#define ADDERNET_STATUS_LIST"));
    const statuses = entries.filter(([n]) => n.startsWith("STATUS_"));
    expect(statuses.map(([n]) => n)).toContain("STATUS_READ_FAILED");
    for (const [name, value] of statuses) expect(list).toContain(`X(${name.slice("STATUS_".length)}, ${value})`);
  });

  it("refuses a constants file with anything but integer constants, naming the line", () => {
    expect(() => renderConstantsHeader("// x\nexport const A = 1;\nexport const B = A + 1;\n")).toThrow(/constants\.ts:3: .*B = A \+ 1/);
  });
});
