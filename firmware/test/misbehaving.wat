;; An arena-flavour kernel that misbehaves on request, to test that the library reports
;; each failure instead of crashing or handing out a bad pointer. Input: one byte, the mode.
;;   1  a good run: the output is the first 16 bytes of the arena (where the library copied
;;      the model; the arena is 256 bytes, so a larger model is copied in part)
;;   0  invoke traps (unreachable)
;;   2  output_ptr() points outside linear memory
(module
  (memory (export "memory") 1 1)
  (global $heap_base i32 (i32.const 0x400))
  (export "__heap_base" (global $heap_base))
  (export "__data_end" (global $heap_base))
  (func (export "abi_version") (result i32) (i32.const 1))
  (func (export "arena_ptr") (result i32) (i32.const 0x100))
  (func (export "arena_size") (result i32) (i32.const 0x100))
  (func (export "load") (param i32 i32) (result i32) (i32.const 0))
  (func (export "error_offset") (result i32) (i32.const -1))
  (func (export "input_ptr") (result i32) (i32.const 0))
  (func (export "input_size") (result i32) (i32.const 1))
  (func (export "invoke") (result i32)
    (if (i32.eqz (i32.load8_u (i32.const 0))) (then unreachable))
    (i32.const 0))
  (func (export "output_ptr") (result i32)
    (select (i32.const 0xffffff00) (i32.const 0x100) (i32.eq (i32.load8_u (i32.const 0)) (i32.const 2))))
  (func (export "output_size") (result i32) (i32.const 16)))
