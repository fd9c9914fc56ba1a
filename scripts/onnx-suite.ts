// npm run onnx-suite -- --help: the import suite (src/onnx/suite/cli.ts, docs/ONNX.md).
import { main } from "../src/onnx/suite/cli.js";

process.exitCode = await main(process.argv.slice(2));
