// The import suite (docs/ONNX.md, "The import suite") on the ONNX backend test data that
// scripts/install-onnx-tests.sh installs (npm test runs it first): every case matches or is
// refused with the importer's reason, and the docs' section is what the suite gives now.
import { beforeAll, describe, expect, it } from "vitest";
import { readDocs, runSuite, withDocsSection, type CaseResult, type SuiteReport } from "../../src/onnx/suite/index.js";

let report: SuiteReport;
const byName = (name: string): CaseResult => {
  const found = report.cases.find((c) => c.name === name);
  if (!found) throw new Error(`no case ${name}`);
  return found;
};

beforeAll(async () => {
  report = await runSuite();
});

describe("the ONNX import suite", () => {
  it("runs both PyTorch suites, every case matching or refused with a reason (no crash, no mismatch)", () => {
    expect(report.suites.map((s) => s.suite)).toEqual(["pytorch-converted", "pytorch-operator"]);
    expect(report.cases.length).toBe(117);
    const bad = report.cases.filter((c) => c.status !== "matched" && c.status !== "refused");
    expect(bad.map((c) => `${c.name}: ${c.status} at ${c.stage}: ${c.reason}`)).toEqual([]);
    for (const c of report.cases.filter((r) => r.status === "refused")) {
      // The importer's messages name the op and node, or the graph input at fault; the packer's, the op and the field.
      if (c.stage === "import") expect(c.reason, c.name).toMatch(/\(node "[^"]+"\)|^graph input "|^the graph has /);
      else expect([c.stage, c.reason], c.name).toEqual(["pack", expect.stringMatching(/^cannot pack model: /)]);
    }
  });

  it("matches Conv2d, Conv1d (grouped too), the pools, Linear with and without bias, a trailing Flatten and ReduceMean, all exported with a batch > 1 where PyTorch did", () => {
    const names = [
      "test_Conv2d", "test_Conv2d_padding", "test_Conv2d_groups", "test_Conv1d", "test_Conv1d_stride", "test_Conv1d_groups", "test_AvgPool1d", "test_MaxPool1d", "test_MaxPool2d",
      "test_Linear", "test_Linear_no_bias", "test_ReLU", "test_operator_flatten", "test_operator_reduced_mean", "test_operator_conv",
    ];
    for (const name of names) expect(byName(name).status, name).toBe("matched");
    expect(byName("test_Conv2d")).toMatchObject({ samples: 2, warnings: ['graph input "0" has a fixed batch of 2: imported as a model of one sample (run it on each sample)'] });
    expect(byName("test_operator_conv").samples).toBe(20);
    // ONNX's Flatten order, not NHWC's: the values come back exactly.
    expect(byName("test_operator_flatten").float!.maxAbsError).toBe(0);
  });

  it("docs/ONNX.md holds the table the suite gives now", () => {
    const doc = readDocs();
    expect(withDocsSection(doc, report), "run `npm run onnx-suite -- --write-docs`").toBe(doc);
  });
});
