// addernet inspect: what a .addn file holds.

import { buildReport, renderReport } from "../../inspect/report.js";
import { formatBudget, moduleBudget } from "../../modulegen/index.js";
import { type Command, parseCommandArgs, requirePositional } from "../command.js";
import { readFile } from "../../io/files.js";

export const inspectCommand: Command = {
  name: "inspect",
  summary: "show a model's layers, grids, arithmetic, arena map and file layout",
  help: `Usage: addernet inspect <model.addn> [--json]

Validates the file (errors name the field and its byte offset) and prints its layers with
shapes, geometry, output clamps and shifts; taps, multiplications and additions per inference;
every tensor's grid and place in the activation arena with its lifetime; the planned arena
against the lower bound; the file's sections and overhead; and the byte budget of a kernel
module sized for this model (static data, model, activations, slack, pages).

Options:
  --json       print the figures as JSON`,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, { json: { type: "boolean" } });
    const path = requirePositional(positionals, 0, "the model path");
    const bytes = readFile(path, "model");
    const report = buildReport(bytes);
    const budgets = (["simd", "scalar"] as const).map((build) => moduleBudget(bytes, { build }));
    if (values.json) {
      const { model, ...figures } = report;
      const ops = model.ops.map(({ weights, bias, mult, ...op }) => op);
      console.log(JSON.stringify({ ...figures, tensors: model.tensors, ops, activationBytes: model.activationBytes, moduleBudgets: budgets }, null, 2));
    } else {
      console.log(renderReport(report));
      for (const budget of budgets) console.log(`\nbyte budget of a module sized for this model (${budget.build} build):\n${formatBudget(budget)}`);
    }
    return 0;
  },
};
