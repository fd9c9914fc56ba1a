//! wasmi (Rust interpreter) with its SIMD128 support enabled.

use crate::kernel::{check_range, read_model, Error, Instance, ModelSource};

pub struct WasmiInstance {
    store: wasmi::Store<()>,
    instance: wasmi::Instance,
    memory: wasmi::Memory,
    source: ModelSource,
}

fn rt<E: std::fmt::Display>(context: &str) -> impl Fn(E) -> Error + '_ {
    move |e| Error::Runtime(format!("{context}: {e}"))
}

impl WasmiInstance {
    pub fn new(module_bytes: &[u8]) -> Result<Self, Error> {
        let mut config = wasmi::Config::default();
        config.wasm_simd(true);
        let engine = wasmi::Engine::new(&config);
        let module = wasmi::Module::new(&engine, module_bytes).map_err(rt("compile"))?;
        let mut store = wasmi::Store::new(&engine, ());
        let mut linker = wasmi::Linker::<()>::new(&engine);
        // The stream flavour's one import (the arena flavour leaves it unused).
        let source = ModelSource::default();
        let model = source.clone();
        linker
            .func_wrap("addernet", "read_model", move |mut caller: wasmi::Caller<'_, ()>, dst: u32, len: u32, offset: u32| -> i32 {
                let Some(memory) = caller.get_export("memory").and_then(wasmi::Extern::into_memory) else { return 1 };
                read_model(&model.lock().unwrap(), memory.data_mut(&mut caller), dst, len, offset)
            })
            .map_err(rt("link addernet.read_model"))?;
        let instance = linker.instantiate_and_start(&mut store, &module).map_err(rt("instantiate"))?;
        let memory = instance
            .get_memory(&store, "memory")
            .ok_or_else(|| Error::Runtime("export `memory` not found".into()))?;
        Ok(WasmiInstance { store, instance, memory, source })
    }

    fn func<P: wasmi::WasmParams>(&self, name: &str) -> Result<wasmi::TypedFunc<P, i32>, Error> {
        self.instance.get_typed_func::<P, i32>(&self.store, name).map_err(rt(name))
    }
}

impl Instance for WasmiInstance {
    fn call0(&mut self, name: &str) -> Result<i32, Error> {
        self.func::<()>(name)?.call(&mut self.store, ()).map_err(rt(name))
    }
    fn call2(&mut self, name: &str, a: i32, b: i32) -> Result<i32, Error> {
        self.func::<(i32, i32)>(name)?.call(&mut self.store, (a, b)).map_err(rt(name))
    }
    fn write(&mut self, addr: u32, bytes: &[u8]) -> Result<(), Error> {
        check_range("write", addr, bytes.len() as u32, self.memory_bytes())?;
        self.memory.write(&mut self.store, addr as usize, bytes).map_err(rt("write"))
    }
    fn read(&mut self, addr: u32, len: u32) -> Result<Vec<u8>, Error> {
        check_range("read", addr, len, self.memory_bytes())?;
        let mut out = vec![0u8; len as usize];
        self.memory.read(&self.store, addr as usize, &mut out).map_err(rt("read"))?;
        Ok(out)
    }
    fn memory_bytes(&mut self) -> u64 {
        self.memory.data_size(&self.store) as u64
    }
    fn set_model_source(&mut self, model: &[u8]) {
        *self.source.lock().unwrap() = model.to_vec();
    }
}
