// npm run fuzz -- --help: the fuzz command (src/fuzz/cli.ts, docs/FUZZ.md).
import { main } from "../src/fuzz/cli.js";

process.exitCode = await main(process.argv.slice(2));
