;; A stand-in for the stream-flavour kernel that tests the embedder's addernet.read_model:
;; it speaks the kernel ABI (docs/ABI.md) but, instead of running a model, performs the
;; reads its input asks for and returns their results.
;;
;;   load(0, len)   reads the model's first 16 bytes to 0x300; READ_FAILED (-16) if refused
;;   input          0x100: four requests of three u32 (dst, len, offset)
;;   invoke()       performs them in order: read_model(dst, len, offset) -> result i at 0x200 + 4i
;;   output         0x200 .. 0x400: the four results, then whatever the reads wrote
;;
;; Linear memory: one page declared, __heap_base = __data_end = 0x400 (1 KiB) touched (WAMR
;; trims the memory to __heap_base when both are exported, as the real kernels do), so a read
;; that ends past 0x400 is outside the memory the embedder allocates for it.
(module
  (import "addernet" "read_model" (func $read_model (param i32 i32 i32) (result i32)))
  (memory (export "memory") 1 1)
  (global $model_len (mut i32) (i32.const 0))
  (global $heap_base i32 (i32.const 0x400))
  (export "__heap_base" (global $heap_base))
  (export "__data_end" (global $heap_base))
  (func (export "abi_version") (result i32) (i32.const 1))
  (func (export "abi_flags") (result i32) (i32.const 1))
  (func (export "load") (param $ptr i32) (param $len i32) (result i32)
    (if (i32.ne (local.get $ptr) (i32.const 0)) (then (return (i32.const -14))))
    (global.set $model_len (local.get $len))
    (if (call $read_model (i32.const 0x300) (i32.const 16) (i32.const 0))
      (then (return (i32.const -16))))
    (i32.const 0))
  (func (export "error_offset") (result i32) (i32.const -1))
  (func (export "input_ptr") (result i32) (i32.const 0x100))
  (func (export "input_size") (result i32) (i32.const 48))
  (func (export "output_ptr") (result i32) (i32.const 0x200))
  (func (export "output_size") (result i32) (i32.const 0x200))
  (func (export "invoke") (result i32)
    (local $i i32) (local $req i32)
    (loop $next
      (local.set $req (i32.add (i32.const 0x100) (i32.mul (local.get $i) (i32.const 12))))
      (i32.store
        (i32.add (i32.const 0x200) (i32.shl (local.get $i) (i32.const 2)))
        (call $read_model
          (i32.load (local.get $req))
          (i32.load offset=4 (local.get $req))
          (i32.load offset=8 (local.get $req))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $next (i32.lt_u (local.get $i) (i32.const 4))))
    (i32.const 0)))
