/*
 * The firmware's data, placed in flash as they are (never copied to RAM by the startup):
 * the kernel .wasm (interpreters; absent with the aot backend), the .addn model and the
 * inputs. Each has its own section so the map file attributes its bytes.
 * The Makefile defines ASSET_KERNEL (optional), ASSET_MODEL and ASSET_INPUTS as paths.
 */
  .section .rodata.addernet_kernel, "a"
  .balign 16
  .global asset_kernel, asset_kernel_end
asset_kernel:
#ifdef ASSET_KERNEL
  .incbin ASSET_KERNEL
#endif
asset_kernel_end:

  .section .rodata.addernet_model, "a"
  .balign 16
  .global asset_model, asset_model_end
asset_model:
  .incbin ASSET_MODEL
asset_model_end:

  .section .rodata.addernet_inputs, "a"
  .balign 16
  .global asset_inputs, asset_inputs_end
asset_inputs:
  .incbin ASSET_INPUTS
asset_inputs_end:
