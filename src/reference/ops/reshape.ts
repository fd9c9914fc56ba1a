// RESHAPE (Flatten, Reshape), docs/SPEC.md: the bytes are copied unchanged (NHWC order).
export const reshape = (x: Int8Array): Int8Array => x.slice();
