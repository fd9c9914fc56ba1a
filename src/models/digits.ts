// The bundled digits models (models/digits: trained by examples/pytorch/train_digits.py).
import { fileURLToPath } from "node:url";

/** models/digits of the package (two levels above src/models or dist/models). */
export const DIGITS_DIR = fileURLToPath(new URL("../../models/digits/", import.meta.url));
