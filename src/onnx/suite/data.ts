// The ONNX backend test data that scripts/install-onnx-tests.sh unpacks from the `onnx` wheel:
// one folder per case, with model.onnx and test_data_set_<k>/{input,output}_<i>.pb (TensorProto).
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { onnx } from "../proto.js";
import { type Constant, readTensor } from "../tensors.js";

/** The suites the script unpacks, in the order the table lists them (the wheel may lack some). */
export const SUITES = ["pytorch-converted", "pytorch-operator", "node"] as const;

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const INSTALL_SCRIPT = "scripts/install-onnx-tests.sh";

/** The pinned onnx version, read from the install script (its one definition). */
export function onnxTestsVersion(): string {
  const script = readFileSync(join(ROOT, INSTALL_SCRIPT), "utf8");
  const match = /^ONNX_VERSION="([^"]+)"/m.exec(script);
  if (!match) throw new Error(`${INSTALL_SCRIPT} does not define ONNX_VERSION`);
  return match[1]!;
}

/** Where the data of the pinned version lives; throws, naming the install command, when it is missing. */
export function onnxTestsRoot(): string {
  const root = join(ROOT, ".tools/onnx-tests", `onnx-${onnxTestsVersion()}`);
  if (!existsSync(join(root, ".installed"))) throw new Error(`the ONNX test data is not installed in ${root}: run \`bash ${INSTALL_SCRIPT}\``);
  return root;
}

export interface SuiteCase {
  suite: string;
  name: string;
  dir: string;
}

/** Every case of every suite present under `root`, by suite then name. */
export function listCases(root: string): SuiteCase[] {
  return SUITES.filter((suite) => existsSync(join(root, suite))).flatMap((suite) =>
    readdirSync(join(root, suite), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort()
      .map((name) => ({ suite, name, dir: join(root, suite, name) })),
  );
}

/** One test data set: the graph's inputs and its expected outputs, in order. */
export interface DataSet {
  inputs: Constant[];
  outputs: Constant[];
}

function readTensorFile(path: string): Constant {
  const tensor = onnx.TensorProto.decode(readFileSync(path));
  return readTensor(tensor, path);
}

/** The tensors of `<dir>/test_data_set_*` in order. */
export function readDataSets(dir: string): DataSet[] {
  const indexOf = (file: string) => Number(/_(\d+)\.pb$/.exec(file)?.[1] ?? -1);
  const tensors = (set: string, prefix: string) =>
    readdirSync(set)
      .filter((f) => f.startsWith(prefix) && f.endsWith(".pb"))
      .sort((a, b) => indexOf(a) - indexOf(b))
      .map((f) => readTensorFile(join(set, f)));
  const SET = "test_data_set_";
  return readdirSync(dir)
    .filter((f) => f.startsWith(SET))
    .sort((a, b) => Number(a.slice(SET.length)) - Number(b.slice(SET.length)))
    .map((set) => ({ inputs: tensors(join(dir, set), "input_"), outputs: tensors(join(dir, set), "output_") }));
}

export const readModelFile = (dir: string): Uint8Array => new Uint8Array(readFileSync(join(dir, "model.onnx")));
