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
        let parsed = wasm3::Module::parse(&env, module_bytes.to_vec()).map_err(rt("parse"))?;
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
