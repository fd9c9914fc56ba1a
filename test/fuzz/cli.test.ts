// npm run fuzz: the table, JSON, a replay, usage errors, and exit code 1 with replay commands
// when a runtime disagrees or dies (stand-ins for the harness: one refuses every model as
// BAD_MAGIC, one kills itself during its second job).
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { fuzzBases, fuzzCase } from "../../src/fuzz/cases.js";
import type { FuzzReport } from "../../src/fuzz/run.js";
import { script } from "../cli/helpers.js";

const fuzz = (args: string[], env?: NodeJS.ProcessEnv) => script("scripts/fuzz.ts", args, env);
const dir = mkdtempSync(join(tmpdir(), "addernet-fuzz-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("npm run fuzz", () => {
  it("prints a table per column on stdout and progress on stderr; exit 0 without problems", async () => {
    const r = await fuzz(["--count", "40", "--seed", "5", "--runtime", "node-simd", "--flavour", "arena"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^fuzz: seed 5, cases 0\.\.39 \(40\), [\d.]+ s$/m);
    expect(r.stdout).toMatch(/^column +runs +traps +outside +disagree +mismatch +outputs +outside-checked +statuses$/m);
    expect(r.stdout).toMatch(/^node-simd\/arena +40 +0 +0 +0 +0 +\d+ +40 +\S/m);
    expect(r.stderr).toContain("fuzz seed 5: 40/40");
  });

  it("--json: the report, the same for the same seed", async () => {
    const runs = await Promise.all([1, 2].map(() => fuzz(["--count", "30", "--seed", "9", "--runtime", "node-scalar", "--json"])));
    const [a, b] = runs.map((r) => JSON.parse(r.stdout) as FuzzReport);
    expect(a!.columns.map((t) => [t.column, t.runs])).toEqual([["node-scalar/arena", 30], ["node-scalar/stream", 30]]);
    expect(a!.problems).toEqual([]);
    expect(b!.columns).toEqual(a!.columns);
    expect(b!.mutations).toEqual(a!.mutations);
  });

  it("--replay INDEX runs that case alone and says what each runtime did; --save writes the mutated model", async () => {
    const saved = join(dir, "case.addn");
    const r = await fuzz(["--seed", "5", "--replay", "17", "--runtime", "node-simd", "--save", saved]);
    expect(r.code, r.stderr).toBe(0);
    const c = fuzzCase(fuzzBases(5), 5, 17);
    expect(r.stdout).toContain(`case 17 of seed 5: ${c.base}, ${c.kind}: ${c.detail}`);
    expect(r.stdout).toMatch(/^node-simd\/arena +load /m);
    expect(r.stdout).toMatch(/^node-simd\/stream +load /m);
    expect(new Uint8Array(readFileSync(saved))).toEqual(c.blob);
  });

  it.each([
    [["--count", "0"], /--count must be an integer from 1/],
    [["--runtime", "v8"], /unknown runtime "v8"/],
    [["--flavour", "flash"], /--flavour must be arena or stream/],
    [["--save", "x.addn"], /--save goes with --replay/],
    [["--speed", "3"], /Unknown option '--speed'/],
  ])("usage error %j: exit 2 and the problem named", async (args, message) => {
    const r = await fuzz(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it("a runtime that disagrees with the reader: exit 1, the problems with the command that replays each", async () => {
    const c = fuzzCase(fuzzBases(5), 5, 0);
    expect(c.reader.status).not.toBe(-2); // case 0 is among them
    const fake = fakeHarness("refuses", `awk '{ print "job=" NR " stage=load status=-2 error_offset=0 outside_changed=0" }' "$manifest"`);
    const r = await fuzz(["--count", "20", "--seed", "5", "--runtime", "wamr-simd", "--flavour", "arena", "--show", "2"], { ADDERNET_HARNESS: fake });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/^wamr-simd\/arena +20 +0 +0 +(1\d|20) +0 /m);
    expect(r.stdout).toMatch(/problems; the first 2:/);
    expect(r.stdout).toMatch(/disagreement: load: BAD_MAGIC \(-2\) at byte 0; expected /);
    expect(r.stdout).toContain("replay: npm run fuzz -- --seed 5 --replay ");
    expect(r.stdout).toContain(`wamr-simd/arena case 0 (${c.base}: ${c.detail})`);
  });

  it("a harness that dies during a job: that job is a failure, the rest run in a new process", async () => {
    const fake = fakeHarness("dies", `echo "job=1 stage=load status=-2 error_offset=0 outside_changed=0"; kill -SEGV $$`);
    const r = await fuzz(["--count", "20", "--seed", "5", "--runtime", "wasm3-scalar", "--flavour", "stream"], { ADDERNET_HARNESS: fake });
    expect(r.code, r.stderr).toBe(1);
    // every second case: the first job of each process reports, the second kills it
    expect(r.stdout).toMatch(/^wasm3-scalar\/stream +20 +10 +0 /m);
    expect(r.stdout).toMatch(/trap: addernet-harness batch exited with 139 \(SIGSEGV\) during this job/);
  });
});

/** An executable standing in for addernet-harness: `list` as the real one, `batch` runs `body` ($manifest set). */
function fakeHarness(name: string, body: string): string {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh
if [ "$1" = list ]; then printf 'wamr simd=1\\nwasmi simd=1\\nwasm3 simd=0\\n'; exit 0; fi
while [ "$1" != --manifest ]; do shift; done
manifest="$2"
${body}
`);
  chmodSync(path, 0o755);
  return path;
}
