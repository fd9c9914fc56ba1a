// Every command the firmware docs show runs, from the repository root, and exits as the docs
// say: 0, or the status a trailing `# exit N` names. Commands are the lines of fenced code
// blocks and the inline `node firmware/scripts/measure.mjs …` commands above the figures,
// in document order (a later command may use an earlier one's files).
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
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

const reason = firmwareUnavailable(true);
const COMMANDS = DOCS.flatMap(docCommands).filter((c) => !ALREADY_RUN.some((p) => p.test(c.command)));

describe("the firmware docs' commands", () => {
  it("each doc shows commands, and the toolchain is installed (required in CI)", () => {
    for (const doc of DOCS) expect(COMMANDS.some((c) => c.doc === doc), doc).toBe(true);
    if (IN_CI) expect(reason).toBeUndefined();
  });

  describe.skipIf(reason !== undefined && !IN_CI)("run", () => {
    it.each(COMMANDS)("$doc:$line $command", ({ command, exit }) => {
      const [file, argv] = lockedArgv(["bash", "-c", command]);
      const r = spawnSync(file, argv, { cwd: ROOT, encoding: "utf8", maxBuffer: 64 << 20 });
      expect(r.status, `${command}\n${r.stdout}${r.stderr}`).toBe(exit);
    }, 900_000);
  });
});
