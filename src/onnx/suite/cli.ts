// npm run onnx-suite -- [--json] [--write-docs] [--case TEXT]: the import suite's table.
import { parseArgs } from "node:util";
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from "../../format/constants.js";
import { writeFileAtomic } from "../../io/files.js";
import { DOCS_PATH, readDocs, runSuite, textTable, withDocsSection } from "./index.js";

const USAGE = `Usage: npm run onnx-suite -- [--json] [--write-docs] [--case TEXT]

Runs every case of the ONNX backend test data that PyTorch exported (pytorch-converted,
pytorch-operator; scripts/install-onnx-tests.sh installs it): import, float reference and int8
kernel against PyTorch's outputs, or the importer's refusal (docs/ONNX.md, "The import suite").
Prints the table; exits 1 if a case fails or mismatches.

  --json         print the results as JSON
  --write-docs   rewrite the suite's section of docs/ONNX.md (all cases only)
  --case TEXT    run only the cases whose name contains TEXT`;

export async function main(argv: string[]): Promise<number> {
  let values;
  try {
    values = parseArgs({ args: argv, options: { json: { type: "boolean" }, "write-docs": { type: "boolean" }, case: { type: "string" }, help: { type: "boolean", short: "h" } }, strict: true }).values;
  } catch (e) {
    console.error(`onnx-suite: ${(e as Error).message}\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  if (values.help) {
    console.log(USAGE);
    return EXIT_OK;
  }
  if (values["write-docs"] && values.case !== undefined) {
    console.error("onnx-suite: --write-docs needs every case (no --case)");
    return EXIT_USAGE;
  }
  const report = await runSuite(values.case);
  console.log(values.json ? JSON.stringify(report, null, 2) : textTable(report));
  if (values["write-docs"]) {
    writeFileAtomic(DOCS_PATH, withDocsSection(readDocs(), report));
    console.error(`wrote the suite's section of ${DOCS_PATH}`);
  }
  return report.cases.some((c) => c.status === "error" || c.status === "mismatch") ? EXIT_FAILURE : EXIT_OK;
}
