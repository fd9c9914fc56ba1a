#!/usr/bin/env node
// addernet: the command-line entry point. Dispatches to one command per file in ./commands.

import { COMMON_HELP, type Command } from "./command.js";
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, UsageError } from "./errors.js";
import { benchCommand } from "./commands/bench.js";
import { demoCommand } from "./commands/demo.js";
import { evalCommand } from "./commands/eval.js";
import { inspectCommand } from "./commands/inspect.js";
import { packCommand } from "./commands/pack.js";
import { runCommand } from "./commands/run.js";
import { zooCommand } from "./commands/zoo.js";

const COMMANDS: Command[] = [packCommand, inspectCommand, runCommand, evalCommand, benchCommand, demoCommand, zooCommand];

const USAGE = `Usage: addernet <command> [options]

Runs AdderNet models as int8 WebAssembly. Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(8)} ${c.summary}`).join("\n")}

'addernet <command> --help' describes a command. Exit codes: 0 success, 1 failure, 2 usage error.`;

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const verbose = rest.includes("--verbose");
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    console.log(USAGE);
    return name === undefined ? EXIT_USAGE : EXIT_OK;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    console.error(`addernet: unknown command "${name}"\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    console.log(`${command.help}\n${COMMON_HELP}`);
    return EXIT_OK;
  }
  try {
    return await command.run(rest);
  } catch (err) {
    const error = err as Error;
    if (err instanceof UsageError) {
      console.error(`addernet ${name}: ${error.message}\n(see 'addernet ${name} --help')`);
      return EXIT_USAGE;
    }
    console.error(verbose && error.stack ? error.stack : `addernet ${name}: ${error.message}`);
    return EXIT_FAILURE;
  }
}

process.exitCode = await main(process.argv.slice(2));
