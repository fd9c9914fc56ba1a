// Errors the CLI reports as one line (no stack trace unless --verbose) with its exit code.

/** Wrong command-line usage: exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** The exit codes, defined once for every tool (src/format/constants.ts). */
export { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from "../format/constants.js";
