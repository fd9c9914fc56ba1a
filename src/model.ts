// The user-facing runtime API on Node: load a packed model, run it on int8 or float input.
//
//   const model = await Model.load(bytes);            // SIMD build by default
//   const logits = model.runFloat(image);              // NCHW in and out (the model's layout); quantize → kernel → dequantize
//   const raw = model.run(int8Input);                  // int8 NHWC in, int8 NHWC out

import { readModel } from "./format/reader.js";
import type { QModel, QTensor } from "./format/model.js";
import { tensorBytes } from "./format/model.js";
import { compileKernel, KernelInstance, type KernelBuild, type KernelFlavour } from "./runtime/kernel.js";
import type { ImageLayout } from "./io/layout.js";
import { dequantizeOutput, inputFromLayout, outputDims, outputInLayout, quantizeInput } from "./quantize/io.js";

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

  /** The output's dims (batch 1) in `layout`: by default the source model's own, e.g. [1, C, H, W] or [1, F]. */
  outputDims(layout: ImageLayout = "nchw"): number[] {
    return outputDims(this.info, layout);
  }

  /**
   * Quantizes a float input, runs, and dequantizes the output; both in `layout` order, by default
   * the model's own (NCHW, as ONNX/PyTorch: a vector in the order of ONNX's Flatten), or "nhwc".
   */
  runFloat(input: Float32Array, options: { layout?: ImageLayout } = {}): Float32Array {
    const layout = options.layout ?? "nchw";
    const output = dequantizeOutput(this.info, this.run(quantizeInput(this.info, inputFromLayout(this.info, input, layout))));
    return outputInLayout(this.info, output, layout);
  }
}
