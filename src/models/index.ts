export { buildDigitsNet, buildFireNet, buildResNet20, ELEMENTWISE_SAMPLES, randomActivationNetwork, randomNetwork, type ZooOptions } from "./zoo.js";
export { calibrationSamples, fitBatchNorms, SeededBuilder, type DenseSpec, type LayerSpec } from "./factory.js";
export { Rng } from "./random.js";
