// Every command the firmware docs show runs, from the repository root, and exits as the docs
// say: 0, or the status a trailing `# exit N` names. Commands are the lines of fenced code
// blocks and the inline `node firmware/scripts/measure.mjs …` commands above the figures,
// in document order (a later command may use an earlier one's files).
import { describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { constants } from "node:os";
import { join } from "node:path";
import { firmwareUnavailable, IN_CI, lockedArgv, ROOT } from "./helpers.js";

const DOCS = ["firmware/README.md", "examples/firmware/README.md"];
/** What the suite itself is, or ran before it started: not run again from inside it. */
const ALREADY_RUN = [/^npm install/, /^npx vitest/];

interface DocCommand {
  doc: string;
  line: number;
  command: string;
  exit: number;
}

export function docCommands(doc: string): DocCommand[] {
  const commands: DocCommand[] = [];
  let fenced = false;
  readFileSync(join(ROOT, doc), "utf8").split("\n").forEach((text, i) => {
    if (text.startsWith("```")) {
      fenced = !fenced;
      return;
    }
    const found = fenced ? [text.trim()] : [...text.matchAll(/`(node firmware\/scripts\/measure\.mjs [^`]+)`/g)].map((m) => m[1]!);
    for (const line of found) {
      const m = /^(.*?)\s*#\s*exit (\d+)\s*$/.exec(line);
      const command = (m ? m[1]! : line.replace(/\s+#.*$/, "")).trim();
      if (!/^(make|node|bash|mkdir|npm|npx)\b/.test(command)) continue;
      commands.push({ doc, line: i + 1, command, exit: m ? Number(m[2]) : 0 });
    }
  });
  return commands;
}

/** Run a command to its end; its exit status and its stdout and stderr together. */
function runAsync(file: string, argv: string[]): Promise<{ status: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, argv, { cwd: ROOT });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ status: code ?? 128 + (signal ? constants.signals[signal] : 0), output }));
  });
}

const reason = firmwareUnavailable(true);
const COMMANDS = DOCS.flatMap(docCommands).filter((c) => !ALREADY_RUN.some((p) => p.test(c.command)));

describe("the firmware docs' commands", () => {
  it("each doc shows commands, and the toolchain is installed (required in CI)", () => {
    for (const doc of DOCS) expect(COMMANDS.some((c) => c.doc === doc), doc).toBe(true);
    if (IN_CI) expect(reason).toBeUndefined();
  });

  describe.skipIf(reason !== undefined && !IN_CI)("run", () => {
    // asynchronous: a measure.mjs command runs for a minute or more, and a worker that blocks
    // that long stops answering the test runner
    it.each(COMMANDS)("$doc:$line $command", async ({ command, exit }) => {
      const [file, argv] = lockedArgv(["bash", "-c", command]);
      const r = await runAsync(file, argv);
      expect(r.status, `${command}\n${r.output}`).toBe(exit);
    }, 900_000);
  });
});
