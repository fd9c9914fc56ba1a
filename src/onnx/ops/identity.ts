// Identity: another name for its input (a computed value or a constant); no node.
import type { Converter } from "../node.js";

export const identity: Converter = (node) => node.alias(node.inputName(0));
