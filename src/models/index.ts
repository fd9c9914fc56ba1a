export { buildDigitsNet, buildFireNet, buildResNet20, ELEMENTWISE_SAMPLES, randomActivationNetwork, randomNetwork, type ZooOptions } from "./zoo.js";
export { calibrationSamples, fitBatchNorms, SeededBuilder, type DenseSpec, type LayerSpec } from "./factory.js";
export { Rng } from "./random.js";
export { buildDsCnn, buildFcAutoencoder, buildMobileNetV1, buildResNet8, TINY_MODELS, tinyCalibration, tinyInputs, type MobileNetOptions, type TinyModel } from "./tiny.js";
