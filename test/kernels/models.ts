// The seeded single-op models live in src/models/op_models.ts (the benchmark uses them too).
export * from "../../src/models/op_models.js";
