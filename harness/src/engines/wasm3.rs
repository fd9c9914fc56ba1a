//! wasm3 (C interpreter, MVP only: runs the scalar build).

use crate::kernel::{check_range, Error, Instance};

/// wasm3's value stack in bytes.
const STACK_SIZE: u32 = 256 * 1024;

pub struct Wasm3Instance {
    // Declared before `_env` so the runtime is freed first.
    runtime: wasm3::Runtime,
    _env: wasm3::Environment,
}

fn rt<E: std::fmt::Debug>(context: &str) -> impl Fn(E) -> Error + '_ {
    move |e| Error::Runtime(format!("{context}: {e:?}"))
}

impl Wasm3Instance {
    pub fn new(module_bytes: &[u8]) -> Result<Self, Error> {
        let env = wasm3::Environment::new().map_err(rt("environment"))?;
        let runtime = wasm3::Runtime::new(&env, STACK_SIZE).map_err(rt("runtime"))?;
        let parsed = wasm3::Module::parse(&env, without_data_count(module_bytes)?).map_err(rt("parse"))?;
        runtime.load_module(parsed).map_err(rt("load_module"))?;
        Ok(Wasm3Instance { runtime, _env: env })
    }

    fn memory(&mut self) -> &mut [u8] {
        // The kernel never grows its memory, so the slice stays valid between calls.
        unsafe { &mut *self.runtime.memory_mut() }
    }
}

impl Instance for Wasm3Instance {
    fn call0(&mut self, name: &str) -> Result<i32, Error> {
        let f = self.runtime.find_function::<(), i32>(name).map_err(rt(name))?;
        f.call().map_err(rt(name))
    }
    fn call2(&mut self, name: &str, a: i32, b: i32) -> Result<i32, Error> {
        let f = self.runtime.find_function::<(i32, i32), i32>(name).map_err(rt(name))?;
        f.call(a, b).map_err(rt(name))
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
