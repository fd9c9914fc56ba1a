// A progress line on stderr for long steps (calibration, evaluation). On a terminal it rewrites
// one line in place (carriage return, clear the line, redraw); otherwise it prints a plain line at
// each quarter, so logs stay short.

/** What Progress writes to: process.stderr, or a stand-in in tests. */
export interface ProgressStream {
  isTTY?: boolean;
  write(text: string): unknown;
}

/** Carriage return, then ANSI "erase the whole line". */
const REWRITE_LINE = "\r\x1b[2K";

export class Progress {
  private lastQuarter = -1;

  constructor(
    private readonly label: string,
    private readonly quiet = false,
    private readonly stream: ProgressStream = process.stderr,
  ) {}

  update(done: number, total: number): void {
    if (this.quiet || total <= 0) return;
    const fraction = Math.min(1, done / total);
    if (this.stream.isTTY === true) {
      const width = 30;
      const filled = Math.round(fraction * width);
      this.stream.write(`${REWRITE_LINE}${this.label} [${"#".repeat(filled)}${".".repeat(width - filled)}] ${done}/${total}`);
      if (done >= total) this.stream.write("\n");
      return;
    }
    const quarter = Math.floor(fraction * 4);
    if (quarter !== this.lastQuarter) {
      this.lastQuarter = quarter;
      this.stream.write(`${this.label}: ${done}/${total}\n`);
    }
  }
}
