export { buildDigitsNet, buildResNet20, randomNetwork } from "./zoo.js";
export { calibrationSamples, fitBatchNorms, SeededBuilder, type DenseSpec, type LayerSpec } from "./factory.js";
export { Rng } from "./random.js";
