//! wasm3 (C interpreter, MVP only: runs the scalar build).

use crate::kernel::{check_range, read_model, Error, Instance, ModelSource};
use std::collections::HashMap;

/// wasm3's value stack in bytes.
const STACK_SIZE: u32 = 256 * 1024;

pub struct Wasm3Instance {
    // Declared before `_env` so the runtime is freed first.
    runtime: wasm3::Runtime,
    _env: wasm3::Environment,
    source: ModelSource,
    /// Export name → function index. wasm3 names a function after its first export only,
    /// and the optimizer merges identical functions (abi_version and abi_flags both return
    /// 1 in the stream flavour), so exports are looked up by index.
    exports: HashMap<String, usize>,
}

fn rt<E: std::fmt::Debug>(context: &str) -> impl Fn(E) -> Error + '_ {
    move |e| Error::Runtime(format!("{context}: {e:?}"))
}

impl Wasm3Instance {
    pub fn new(module_bytes: &[u8]) -> Result<Self, Error> {
        let env = wasm3::Environment::new().map_err(rt("environment"))?;
        let runtime = wasm3::Runtime::new(&env, STACK_SIZE).map_err(rt("runtime"))?;
        let parsed = wasm3::Module::parse(&env, without_data_count(module_bytes)?).map_err(rt("parse"))?;
        let mut module = runtime.load_module(parsed).map_err(rt("load_module"))?;
        let source = ModelSource::default();
        // The stream flavour's one import; the arena flavour has no import to link.
        let model = source.clone();
        let linked = module.link_closure("addernet", "read_model", move |cc, (dst, len, offset): (u32, u32, u32)| -> Result<i32, wasm3::error::Trap> {
            Ok(read_model(&model.lock().unwrap(), unsafe { &mut *cc.memory_mut() }, dst, len, offset))
        });
        match linked {
            Ok(()) | Err(wasm3::error::Error::FunctionNotFound) => {}
            Err(e) => return Err(rt("link addernet.read_model")(e)),
        }
        let exports = function_exports(module_bytes)?;
        Ok(Wasm3Instance { runtime, _env: env, source, exports })
    }

    fn function<Args: wasm3::WasmArgs, Ret: wasm3::WasmType>(&self, name: &str) -> Result<wasm3::Function<'_, Args, Ret>, Error> {
        let index = *self.exports.get(name).ok_or_else(|| Error::Runtime(format!("export `{name}` not found")))?;
        let module = self.runtime.modules().next().ok_or_else(|| Error::Runtime("no module loaded".into()))?;
        module.function::<Args, Ret>(index).map_err(rt(name))
    }

    fn memory(&mut self) -> &mut [u8] {
        // The kernel never grows its memory, so the slice stays valid between calls.
        unsafe { &mut *self.runtime.memory_mut() }
    }
}

impl Instance for Wasm3Instance {
    fn call0(&mut self, name: &str) -> Result<i32, Error> {
        self.function::<(), i32>(name)?.call().map_err(rt(name))
    }
    fn call2(&mut self, name: &str, a: i32, b: i32) -> Result<i32, Error> {
        self.function::<(i32, i32), i32>(name)?.call(a, b).map_err(rt(name))
    }
    fn write(&mut self, addr: u32, bytes: &[u8]) -> Result<(), Error> {
        let mem = self.memory();
        check_range("write", addr, bytes.len() as u32, mem.len() as u64)?;
        mem[addr as usize..addr as usize + bytes.len()].copy_from_slice(bytes);
        Ok(())
    }
    fn read(&mut self, addr: u32, len: u32) -> Result<Vec<u8>, Error> {
        let mem = self.memory();
        check_range("read", addr, len, mem.len() as u64)?;
        Ok(mem[addr as usize..(addr + len) as usize].to_vec())
    }
    fn memory_bytes(&mut self) -> u64 {
        self.memory().len() as u64
    }
    fn set_model_source(&mut self, model: &[u8]) {
        *self.source.lock().unwrap() = model.to_vec();
    }
}

/// Returns the module without its DataCount section (id 12).
///
/// The wasm3 release these crates vendor (0.5.0) rejects any module that has one
/// ("out of order Wasm section": its order check never admits section 12), and
/// AssemblyScript emits one whenever bulk memory is enabled. The section only
/// lets a validator check `memory.init`/`data.drop` indices ahead of the code;
/// dropping it changes nothing about how the module runs.
fn without_data_count(module: &[u8]) -> Result<Vec<u8>, Error> {
    const DATA_COUNT: u8 = 12;
    let malformed = |what: &str| Error::Runtime(format!("malformed module: {what}"));
    if module.len() < 8 || &module[..4] != b"\0asm" {
        return Err(malformed("no wasm header"));
    }
    let mut out = module[..8].to_vec();
    let mut pos = 8;
    while pos < module.len() {
        let id = module[pos];
        let (size, leb_len) = read_leb_u32(&module[pos + 1..]).ok_or_else(|| malformed("section size"))?;
        let end = pos + 1 + leb_len + size as usize;
        if end > module.len() {
            return Err(malformed("section past the end"));
        }
        if id != DATA_COUNT {
            out.extend_from_slice(&module[pos..end]);
        }
        pos = end;
    }
    Ok(out)
}

/// The function exports of a module: name → function index (imports count first).
fn function_exports(module: &[u8]) -> Result<HashMap<String, usize>, Error> {
    const EXPORT: u8 = 7;
    const KIND_FUNCTION: u8 = 0;
    let malformed = |what: &str| Error::Runtime(format!("malformed module: {what}"));
    let mut exports = HashMap::new();
    let mut pos = 8;
    while pos < module.len() {
        let id = module[pos];
        let (size, leb_len) = read_leb_u32(&module[pos + 1..]).ok_or_else(|| malformed("section size"))?;
        let body = pos + 1 + leb_len;
        pos = body + size as usize;
        if id != EXPORT {
            continue;
        }
        let section = module.get(body..pos).ok_or_else(|| malformed("export section past the end"))?;
        let (count, mut at) = read_leb_u32(section).ok_or_else(|| malformed("export count"))?;
        for _ in 0..count {
            let (len, n) = read_leb_u32(&section[at..]).ok_or_else(|| malformed("export name"))?;
            let name = section.get(at + n..at + n + len as usize).ok_or_else(|| malformed("export name"))?;
            at += n + len as usize;
            let kind = *section.get(at).ok_or_else(|| malformed("export kind"))?;
            let (index, n) = read_leb_u32(&section[at + 1..]).ok_or_else(|| malformed("export index"))?;
            at += 1 + n;
            if kind == KIND_FUNCTION {
                exports.insert(String::from_utf8_lossy(name).into_owned(), index as usize);
            }
        }
    }
    Ok(exports)
}

fn read_leb_u32(bytes: &[u8]) -> Option<(u32, usize)> {
    let mut value: u32 = 0;
    for (i, &b) in bytes.iter().take(5).enumerate() {
        value |= ((b & 0x7f) as u32) << (7 * i);
        if b & 0x80 == 0 {
            return Some((value, i + 1));
        }
    }
    None
}
