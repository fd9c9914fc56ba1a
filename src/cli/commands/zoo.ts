// addernet zoo: the MLPerf Tiny reference architectures (src/models/tiny.ts) with seeded weights,
// packed as the reference's multiply network and as an adder network, with an input for each.

import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { table } from "../../inspect/report.js";
import { writeFileAtomic } from "../../io/files.js";
import { writeNpy } from "../../io/npy.js";
import { TINY_MODELS, tinyInputs } from "../../models/index.js";
import { packZooModel, ZOO_FIGURE_COLUMNS, ZOO_VARIANTS, zooFigureCells, type ZooFigures } from "../../zoo.js";
import { type Command, parseCommandArgs } from "../command.js";
import { UsageError } from "../errors.js";

export const zooCommand: Command = {
  name: "zoo",
  summary: "pack the MLPerf Tiny architectures (seeded weights), multiply and adder, into a folder",
  help: `Usage: addernet zoo --out-dir DIR [--models NAMES] [--json]

Builds the four MLPerf Tiny reference architectures with seeded random weights:
${TINY_MODELS.map((m) => `  ${m.name.padEnd(13)} ${m.title}`).join("\n")}
quantizes each on seeded calibration images and writes, per model:
  NAME-multiply.addn  the reference's layers (int8 multiply conv, depthwise and dense)
  NAME-adder.addn     the same shapes with every conv-like layer an adder layer
  NAME-input.npy      one seeded float input, NHWC: addernet run DIR/NAME-adder.addn
                      DIR/NAME-input.npy --layout nhwc
The weights are random: the models measure size, memory and speed, not accuracy (docs/MODELS.md).
Prints each file's size against the reference model's int8 parameters, its activation arena,
and its multiplications and additions per inference.

Options:
  --out-dir DIR    where to write the files (created if missing; required)
  --models NAMES   comma-separated, from ${TINY_MODELS.map((m) => m.name).join(", ")} (default: all)
  --json           print the figures as JSON`,
  async run(argv) {
    const { values } = parseCommandArgs(argv, { "out-dir": { type: "string" }, models: { type: "string" }, json: { type: "boolean" } });
    const outDir = values["out-dir"];
    if (!outDir) throw new UsageError("--out-dir DIR is required");
    const names = values.models?.split(",") ?? TINY_MODELS.map((m) => m.name);
    const models = names.map((name) => {
      const model = TINY_MODELS.find((m) => m.name === name);
      if (!model) throw new UsageError(`--models: unknown model "${name}"; the zoo has ${TINY_MODELS.map((m) => m.name).join(", ")}`);
      return model;
    });
    mkdirSync(outDir, { recursive: true });
    const rows: ZooFigures[] = [];
    for (const model of models) {
      for (const variant of ZOO_VARIANTS) {
        if (!values.json) console.error(`packing ${model.name}-${variant}…`);
        const { bytes, figures } = packZooModel(model, variant);
        writeFileAtomic(join(outDir, `${model.name}-${variant}.addn`), bytes);
        rows.push(figures);
      }
      const { height, width, channels } = model.inputShape;
      writeFileAtomic(join(outDir, `${model.name}-input.npy`), writeNpy([1, height, width, channels], tinyInputs(model.inputShape, 1)[0]!));
    }
    console.log(values.json ? JSON.stringify(rows, null, 2) : `${outDir}:\n${table([ZOO_FIGURE_COLUMNS, ...rows.map(zooFigureCells)])}`);
    return 0;
  },
};
