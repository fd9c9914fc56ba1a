//! WAMR (fast interpreter) through its C embedding API, `wasm_export.h`.
//!
//! This file is also the worked example of examples/firmware/README.md: a C
//! firmware makes the same calls in the same order.

use crate::kernel::{check_range, read_model, Error, Instance, ModelSource};
use std::ffi::{CStr, CString};
use std::os::raw::c_char;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Once;
use wamrx_sys as sys;

/// Operand stack of the exec env. The kernel's call depth is small (invoke →
/// op → inner loop): 64 KiB by default leaves a wide margin; `--wamr-stack-bytes`
/// (see main.rs) finds the real need.
pub const DEFAULT_EXEC_STACK_SIZE: u32 = 64 * 1024;
static EXEC_STACK_SIZE: AtomicU32 = AtomicU32::new(DEFAULT_EXEC_STACK_SIZE);

pub fn set_exec_stack_size(bytes: u32) {
    EXEC_STACK_SIZE.store(bytes, Ordering::Relaxed);
}
/// App heap that WAMR may append to linear memory for `malloc` from the host
/// (`wasm_runtime_module_malloc`). The kernel allocates nothing: 0, so the
/// linear memory stays exactly what the module declares (trimmed to __heap_base).
pub const HOST_MANAGED_HEAP_SIZE: u32 = 0;

static INIT: Once = Once::new();

/// The stream flavour's one import, `addernet.read_model(dst, len, offset) -> i32`: the
/// instance's custom data points at its model source.
unsafe extern "C" fn native_read_model(exec_env: sys::wasm_exec_env_t, dst: u32, len: u32, offset: u32) -> i32 {
    let inst = sys::wasm_runtime_get_module_inst(exec_env);
    let source = sys::wasm_runtime_get_custom_data(inst) as *const ModelSource;
    if source.is_null() || !sys::wasm_runtime_validate_app_addr(inst, dst as u64, len as u64) {
        return 1;
    }
    // read_model checks the range against the slice; the slice is the validated range.
    let memory = std::slice::from_raw_parts_mut(sys::wasm_runtime_addr_app_to_native(inst, dst as u64) as *mut u8, len as usize);
    read_model(&(*source).lock().unwrap(), memory, 0, len, offset)
}

/// WAMR keeps the pointer to the symbol table: it lives for the process.
static mut NATIVES: [sys::NativeSymbol; 1] = [sys::NativeSymbol {
    symbol: c"read_model".as_ptr(),
    func_ptr: native_read_model as *mut std::ffi::c_void,
    signature: c"(iii)i".as_ptr(),
    attachment: std::ptr::null_mut(),
}];

fn init_runtime() -> Result<(), Error> {
    let mut ok = true;
    // wasm_runtime_init(): system allocator; then the one native symbol the stream
    // flavour imports (the arena flavour imports nothing).
    INIT.call_once(|| {
        ok = unsafe {
            sys::wasm_runtime_init()
                && sys::wasm_runtime_register_natives(c"addernet".as_ptr(), std::ptr::addr_of_mut!(NATIVES) as *mut sys::NativeSymbol, 1)
        }
    });
    if ok { Ok(()) } else { Err(Error::Runtime("wasm_runtime_init failed".into())) }
}

pub struct WamrInstance {
    /// WAMR keeps pointers into the bytes it loaded: they live as long as the module.
    _bytes: Vec<u8>,
    module: sys::wasm_module_t,
    inst: sys::wasm_module_inst_t,
    exec_env: sys::wasm_exec_env_t,
    /// Boxed so its address, given to WAMR as the instance's custom data, stays put.
    source: Box<ModelSource>,
}

fn error_text(buf: &[c_char]) -> String {
    unsafe { CStr::from_ptr(buf.as_ptr()) }.to_string_lossy().into_owned()
}

impl WamrInstance {
    pub fn new(module_bytes: &[u8]) -> Result<Self, Error> {
        init_runtime()?;
        let stack = EXEC_STACK_SIZE.load(Ordering::Relaxed);
        let mut bytes = module_bytes.to_vec();
        let mut err = [0 as c_char; 256];
        // 1. Load (parse and validate) the module from a byte buffer.
        let module = unsafe {
            sys::wasm_runtime_load(bytes.as_mut_ptr(), bytes.len() as u32, err.as_mut_ptr(), err.len() as u32)
        };
        if module.is_null() {
            return Err(Error::Runtime(format!("wasm_runtime_load: {}", error_text(&err))));
        }
        // 2. Instantiate: the linear memory comes from the module's memory section.
        let inst = unsafe {
            sys::wasm_runtime_instantiate(module, stack, HOST_MANAGED_HEAP_SIZE, err.as_mut_ptr(), err.len() as u32)
        };
        if inst.is_null() {
            unsafe { sys::wasm_runtime_unload(module) };
            return Err(Error::Runtime(format!("wasm_runtime_instantiate: {}", error_text(&err))));
        }
        // 3. One execution environment, reused for every call.
        let exec_env = unsafe { sys::wasm_runtime_create_exec_env(inst, stack) };
        if exec_env.is_null() {
            unsafe {
                sys::wasm_runtime_deinstantiate(inst);
                sys::wasm_runtime_unload(module);
            }
            return Err(Error::Runtime("wasm_runtime_create_exec_env failed".into()));
        }
        let source = Box::new(ModelSource::default());
        unsafe { sys::wasm_runtime_set_custom_data(inst, &*source as *const ModelSource as *mut std::ffi::c_void) };
        Ok(WamrInstance { _bytes: bytes, module, inst, exec_env, source })
    }

    fn call(&mut self, name: &str, argv: &mut [u32]) -> Result<i32, Error> {
        let cname = CString::new(name).unwrap();
        // 4. Find the export by name.
        let func = unsafe { sys::wasm_runtime_lookup_function(self.inst, cname.as_ptr()) };
        if func.is_null() {
            return Err(Error::Runtime(format!("export `{name}` not found")));
        }
        // argv holds the arguments on entry and the result in argv[0] on return.
        let mut cells = [0u32; 2];
        cells[..argv.len()].copy_from_slice(argv);
        let ok = unsafe { sys::wasm_runtime_call_wasm(self.exec_env, func, argv.len() as u32, cells.as_mut_ptr()) };
        if !ok {
            let msg = unsafe { CStr::from_ptr(sys::wasm_runtime_get_exception(self.inst)) }.to_string_lossy().into_owned();
            unsafe { sys::wasm_runtime_clear_exception(self.inst) };
            return Err(Error::Runtime(format!("`{name}` trapped: {msg}")));
        }
        Ok(cells[0] as i32)
    }

    /// 5. Translate an app offset (what the kernel's exports return) to a host
    /// pointer, after checking the whole range lies in linear memory.
    fn native(&mut self, what: &'static str, addr: u32, len: u32) -> Result<*mut u8, Error> {
        let valid = unsafe { sys::wasm_runtime_validate_app_addr(self.inst, addr as u64, len as u64) };
        check_range(what, addr, len, if valid { u64::MAX } else { 0 })?;
        Ok(unsafe { sys::wasm_runtime_addr_app_to_native(self.inst, addr as u64) } as *mut u8)
    }
}

impl Instance for WamrInstance {
    fn call0(&mut self, name: &str) -> Result<i32, Error> {
        self.call(name, &mut [])
    }
    fn call2(&mut self, name: &str, a: i32, b: i32) -> Result<i32, Error> {
        self.call(name, &mut [a as u32, b as u32])
    }
    fn write(&mut self, addr: u32, bytes: &[u8]) -> Result<(), Error> {
        let dst = self.native("write", addr, bytes.len() as u32)?;
        unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), dst, bytes.len()) };
        Ok(())
    }
    fn read(&mut self, addr: u32, len: u32) -> Result<Vec<u8>, Error> {
        let src = self.native("read", addr, len)?;
        Ok(unsafe { std::slice::from_raw_parts(src, len as usize) }.to_vec())
    }
    fn memory_bytes(&mut self) -> u64 {
        // WAMR folds a memory that never grows into one page of the trimmed size,
        // so pages × bytes-per-page is the real allocation.
        unsafe {
            let mem = sys::wasm_runtime_get_default_memory(self.inst);
            if mem.is_null() {
                return 0;
            }
            sys::wasm_memory_get_cur_page_count(mem) * sys::wasm_memory_get_bytes_per_page(mem)
        }
    }
    fn set_model_source(&mut self, model: &[u8]) {
        *self.source.lock().unwrap() = model.to_vec();
    }
}

impl Drop for WamrInstance {
    fn drop(&mut self) {
        unsafe {
            sys::wasm_runtime_destroy_exec_env(self.exec_env);
            sys::wasm_runtime_deinstantiate(self.inst);
            sys::wasm_runtime_unload(self.module);
        }
    }
}
