// Conformance on the boards: the stream flavour (the weights in flash) on every board × backend
// gives the TypeScript reference's bytes for six of the conformance suite's random networks
// (random-3 has an adder depthwise layer, random-11 a multiply one) and for ResNet-20. ResNet-20
// runs in ~0.2 s of QEMU ahead of time (aot, aot-unchecked) but 5–15 s on an interpreter, so the
// interpreters run it on netduinoplus2 only (the bench measures the rest).
// firmware.test.ts covers the digits model in both flavours, malformed models and faults.
import { beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { EXIT_OK } from "../../src/format/constants.js";
import {
  BACKENDS, BOARDS, describeRun, firmwareUnavailable, IN_CI, isAot, make, OUT, outputsHex, readAssets, referenceHex, runQemu,
  type Backend, type Board,
} from "./helpers.js";

const RANDOM_MODELS = ["random-1", "random-2", "random-3", "random-4", "random-5", "random-11"];
const boardReason = firmwareUnavailable(true);

interface Image {
  board: Board;
  backend: Backend;
  model: string;
  build: "scalar" | "simd";
}

/** The scalar kernel on every backend, and WAMR's SIMD build with the SIMD kernel on netduinoplus2. */
const backendsOn = (board: Board): [Backend, "scalar" | "simd"][] => [
  ...BACKENDS.map((b): [Backend, "scalar"] => [b, "scalar"]),
  ...(board === "netduinoplus2" ? [["wamr-simd", "simd"] as [Backend, "simd"]] : []),
];

const IMAGES: Image[] = [
  ...RANDOM_MODELS.flatMap((model) => BOARDS.flatMap((board) => backendsOn(board).map(([backend, build]) => ({ board, backend, model, build })))),
  ...BOARDS.flatMap((board) => BACKENDS.filter(isAot).map((backend): Image => ({ board, backend, model: "resnet20", build: "scalar" }))),
  ...backendsOn("netduinoplus2").filter(([b]) => !isAot(b)).map(([backend, build]): Image => ({ board: "netduinoplus2", backend, model: "resnet20", build })),
];

const inputsFor = (model: string): number => (model === "resnet20" ? 1 : 2);
const assetId = (image: Image): string => `${image.model}-stream-${image.build}`;

describe("conformance on the QEMU boards (stream flavour)", () => {
  it("the toolchain and QEMU are installed (required in CI)", () => {
    if (IN_CI) expect(boardReason).toBeUndefined();
  });

  describe.skipIf(boardReason !== undefined && !IN_CI)("random networks and ResNet-20", () => {
    beforeAll(async () => {
      // one make per model and kernel build, every board × backend of it
      const groups = new Map<string, Image[]>();
      for (const image of IMAGES) groups.set(`${image.model} ${image.build}`, [...(groups.get(`${image.model} ${image.build}`) ?? []), image]);
      for (const images of groups.values()) {
        const { model, build } = images[0]!;
        await make([...images.map((i) => `${i.board}-${i.backend}`), `MODEL=${model}`, "FLAVOUR=stream", `KERNEL_BUILD=${build}`, `INPUTS=${inputsFor(model)}`]);
      }
    }, 600_000);

    it.each(IMAGES)("$board $backend $model: the reference's bytes", ({ board, backend, model, build }) => {
      const id = assetId({ board, backend, model, build });
      const a = readAssets(id);
      expect(a.inputs.length).toBe(inputsFor(model));
      const r = runQemu(board, join(OUT, board, backend, id, "fw.elf"));
      expect(r.status, describeRun(`${board} ${backend} ${model}`, r)).toBe(EXIT_OK);
      expect(r.kv.get("kernel_flavour")).toBe("stream");
      expect(outputsHex(r, a.inputs.length)).toEqual(referenceHex(a.model, a.inputs));
    });
  });
});
