// The progress line: rewritten in place on a terminal, plain lines (one a quarter) otherwise.
import { describe, expect, it } from "vitest";
import { Progress } from "../../src/cli/progress.js";

function record(isTTY: boolean, total: number, quiet = false): string {
  let text = "";
  const progress = new Progress("calibrating", quiet, { isTTY, write: (t: string) => (text += t) });
  for (let done = 1; done <= total; done++) progress.update(done, total);
  return text;
}

describe("Progress", () => {
  it("on a terminal: one line, each update a carriage return, a line clear and the bar; a newline at the end", () => {
    const text = record(true, 4);
    expect(text.split("\r\x1b[2K")).toEqual([
      "",
      "calibrating [########......................] 1/4",
      "calibrating [###############...............] 2/4",
      "calibrating [#######################.......] 3/4",
      "calibrating [##############################] 4/4\n",
    ]);
  });

  it("elsewhere: plain lines, at most one per quarter, no control characters", () => {
    const text = record(false, 100);
    expect(text).toBe("calibrating: 1/100\ncalibrating: 25/100\ncalibrating: 50/100\ncalibrating: 75/100\ncalibrating: 100/100\n");
  });

  it("quiet: nothing", () => {
    expect(record(true, 3, true)).toBe("");
  });
});
