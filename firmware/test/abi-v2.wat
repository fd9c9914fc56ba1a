;; A module that claims another version of the kernel ABI: the library must refuse it.
(module
  (memory (export "memory") 1 1)
  (global $heap_base i32 (i32.const 0x100))
  (export "__heap_base" (global $heap_base))
  (export "__data_end" (global $heap_base))
  (func (export "abi_version") (result i32) (i32.const 2)))
