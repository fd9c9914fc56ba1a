// The supported-op list is the converter table's keys, and docs/ONNX.md describes exactly those.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ADDER_DOMAIN, SUPPORTED_ADDER_OPS, SUPPORTED_STANDARD_OPS } from "../../src/onnx/index.js";
import { SUPPORTED_OPS } from "../../src/onnx/ops/index.js";

const doc = readFileSync(new URL("../../docs/ONNX.md", import.meta.url), "utf8");

describe("the converter table and docs/ONNX.md", () => {
  it("the error message's list in the doc is the table's", () => {
    expect(doc).toContain(`supported: ${SUPPORTED_OPS.join(", ")}`);
    expect([...SUPPORTED_STANDARD_OPS, ...SUPPORTED_ADDER_OPS.map((op) => `${ADDER_DOMAIN}.${op}`)]).toEqual(SUPPORTED_OPS);
  });

  it("the standard-op table has one row per standard op, and the adder ops a section each", () => {
    const section = doc.slice(doc.indexOf("## Standard ops"), doc.indexOf("**Standalone activations.**"));
    const rows = [...section.matchAll(/^\| (\w+) \|/gm)].map((m) => m[1]).filter((op) => op !== "op");
    expect(rows).toEqual(SUPPORTED_STANDARD_OPS);
    for (const op of SUPPORTED_ADDER_OPS) expect(doc).toContain(`### \`${op}\``);
  });
});
