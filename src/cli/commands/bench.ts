// addernet bench: latency of one model on each runtime, measured in one run.

import { formatLatencies, measureLatencies, type Repeats } from "../../eval/latency.js";
import { listRuntimes } from "../../runtime/index.js";
import { type Command, parseCommandArgs, runtimeOption, positiveInt, requirePositional } from "../command.js";
import { readFile } from "../../io/files.js";

export const benchCommand: Command = {
  name: "bench",
  summary: "latency of a model on each runtime (ratios to node-simd from the same run)",
  help: `Usage: addernet bench <model.addn> [options]

Times inferences of the model (after a warm-up) on each runtime and prints the mean latency
and its ratio to node-simd measured in the same run. Runtimes that are not installed are
listed with the reason.

Options:
  --runtime LIST   comma-separated runtimes or "all" (default all): ${listRuntimes().join(", ")}
  --repeat N       inferences per runtime (default: as many as fill about 1 s)
  --json           print the figures as JSON`,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, {
      runtime: { type: "string" },
      repeat: { type: "string" },
      json: { type: "boolean" },
    });
    const packed = readFile(requirePositional(positionals, 0, "the model path"), "model");
    const names = !values.runtime || values.runtime === "all" ? listRuntimes() : values.runtime.split(",");
    const runtimes = names.map((n) => runtimeOption(n.trim()));
    const repeats: Repeats = values.repeat === undefined ? { targetMs: 1000 } : { count: positiveInt(values.repeat, "--repeat", 1) };
    const rows = await measureLatencies(packed, runtimes, repeats, values.json ? undefined : (l) => console.error(l));
    console.log(values.json ? JSON.stringify(rows) : formatLatencies(rows));
    return 0;
  },
};
