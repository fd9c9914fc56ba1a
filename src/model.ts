// The user-facing runtime API on Node: load a packed model, run it on int8 or float input.
//
//   const model = await Model.load(bytes);            // SIMD build by default
//   const logits = model.runFloat(imageHWC);           // quantize → kernel → dequantize
//   const raw = model.run(int8Input);                  // int8 in, int8 out

import { readModel } from "./format/reader.js";
import type { QModel, QTensor } from "./format/model.js";
import { tensorBytes } from "./format/model.js";
import { compileKernel, KernelInstance, type KernelBuild, type KernelFlavour } from "./runtime/kernel.js";
import { dequantizeOutput, quantizeInput } from "./quantize/io.js";

export interface LoadOptions {
  /** Kernel build to run on (default "simd"). */
  build?: KernelBuild;
  /**
   * "arena" (default): the model is copied into the kernel's memory; "stream": the kernel reads
   * it in slices through its one import, as firmware does from flash (docs/ABI.md).
   */
  flavour?: KernelFlavour;
}

export class Model {
  private constructor(
    /** The decoded model (tensors, ops, quantization) as validated by the host reader. */
    readonly info: QModel,
    readonly build: KernelBuild,
    private readonly kernel: KernelInstance,
  ) {}

  /**
   * Validates `bytes` with the host reader first, so a malformed file raises a ModelFormatError
   * that names the field, its byte offset and the expected and found values; then loads it into
   * a fresh kernel instance.
   */
  static async load(bytes: Uint8Array, options: LoadOptions = {}): Promise<Model> {
    const info = readModel(bytes);
    const build = options.build ?? "simd";
    const kernel = await KernelInstance.create(build, await compileKernel(build, undefined, options.flavour ?? "arena"));
    kernel.load(bytes);
    return new Model(info, build, kernel);
  }

  get inputTensor(): QTensor {
    return this.info.tensors[this.info.input]!;
  }

  get outputTensor(): QTensor {
    return this.info.tensors[this.info.output]!;
  }

  get inputSize(): number {
    return tensorBytes(this.inputTensor);
  }

  get outputSize(): number {
    return tensorBytes(this.outputTensor);
  }

  /** Runs on an int8 NHWC input on the input tensor's grid; returns the int8 output bytes. */
  run(input: Int8Array): Int8Array {
    return this.kernel.run(input);
  }

  /** Quantizes a float NHWC input, runs, and dequantizes the output. */
  runFloat(input: Float32Array): Float32Array {
    return dequantizeOutput(this.info, this.run(quantizeInput(this.info, input)));
  }
}
