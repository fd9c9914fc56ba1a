// addernet inspect: what a .addn file holds.

import { buildReport, renderReport } from "../../inspect/report.js";
import { formatBudget, moduleBudget } from "../../modulegen/index.js";
import { streamArena } from "../../plan/stream.js";
import { type Command, parseCommandArgs, requirePositional } from "../command.js";
import { readFile } from "../../io/files.js";

export const inspectCommand: Command = {
  name: "inspect",
  summary: "show a model's layers, grids, arithmetic, arena map and file layout",
  help: `Usage: addernet inspect <model.addn> [--json]

Validates the file (errors name the field and its byte offset) and prints its layers with
shapes, geometry, output clamps and shifts; taps, multiplications and additions per inference;
every tensor's grid and place in the activation arena with its lifetime; the planned arena
against the lower bound; the file's sections and overhead; and the byte budget of kernel
modules sized for this model: the arena flavour (the model copied into linear memory) and the
stream flavour, which firmware uses (the model stays in flash: its flash and RAM budgets).

Options:
  --json       print the figures as JSON`,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, { json: { type: "boolean" } });
    const path = requirePositional(positionals, 0, "the model path");
    const bytes = readFile(path, "model");
    const report = buildReport(bytes);
    const budgets = (["arena", "stream"] as const).flatMap((flavour) => (["simd", "scalar"] as const).map((build) => moduleBudget(bytes, { build, flavour })));
    const stream = streamArena(report.model);
    if (values.json) {
      const { model, ...figures } = report;
      const ops = model.ops.map(({ weights, bias, mult, ...op }) => op);
      console.log(JSON.stringify({ ...figures, tensors: model.tensors, ops, activationBytes: model.activationBytes, moduleBudgets: budgets, streamArena: stream }, null, 2));
    } else {
      console.log(renderReport(report));
      for (const budget of budgets) console.log(`\nbyte budget of a module sized for this model (${budget.build} build, ${budget.flavour} flavour):\n${formatBudget(budget)}`);
      const scalar = budgets.find((b) => b.flavour === "stream" && b.build === "scalar")!;
      console.log(`\non a microcontroller (stream flavour, scalar build; the runtime's own RAM and code come on top, firmware/README.md):
  flash: model ${scalar.externalModelBytes} B + kernel module ${scalar.moduleFileBytes} B (interpreters) = ${scalar.externalModelBytes + scalar.moduleFileBytes} B
  RAM:   linear memory ${scalar.linearMemoryBytes} B (scratch ${stream.scratchBytes} B for four filters; with the least scratch ${scalar.linearMemoryBytes - stream.scratchBytes + stream.minScratchBytes} B, whole layers ${scalar.linearMemoryBytes - stream.scratchBytes + stream.layerScratchBytes} B)
         lower bound ${scalar.staticDataBytes + stream.lowerBound} B (kernel static data + two tensor records + live activations at the busiest op + one filter's scratch + read slack)`);
    }
    return 0;
  },
};
