// Errors the CLI reports as one line (no stack trace unless --verbose) with its exit code.

/** Wrong command-line usage: exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

export const EXIT_OK = 0;
/** The command ran and failed (bad model, bad input, runtime error). */
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
