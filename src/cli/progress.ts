// A progress bar on stderr for long steps (calibration, evaluation). On a terminal it redraws
// one line; otherwise it prints a line at each quarter, so CI logs stay short.

export class Progress {
  private lastQuarter = -1;
  private readonly tty = process.stderr.isTTY === true;

  constructor(private readonly label: string, private readonly quiet = false) {}

  update(done: number, total: number): void {
    if (this.quiet || total <= 0) return;
    const fraction = Math.min(1, done / total);
    if (this.tty) {
      const width = 30;
      const filled = Math.round(fraction * width);
      process.stderr.write(`\r${this.label} [${"#".repeat(filled)}${".".repeat(width - filled)}] ${done}/${total}`);
      if (done >= total) process.stderr.write("\n");
      return;
    }
    const quarter = Math.floor(fraction * 4);
    if (quarter !== this.lastQuarter) {
      this.lastQuarter = quarter;
      process.stderr.write(`${this.label}: ${done}/${total}\n`);
    }
  }
}
