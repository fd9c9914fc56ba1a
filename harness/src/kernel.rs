//! The embedder's side of the kernel ABI (docs/ABI.md), written once over a
//! minimal per-runtime interface so every runtime runs the same steps.
//!
//! Both kernel flavours: the arena flavour gets the model copied to `arena_ptr()`;
//! the stream flavour (`abi_flags()` bit 0) reads it through its one import,
//! `addernet.read_model(dst, len, offset)`, which each adapter links to
//! [`read_model`] over the bytes given to [`Instance::set_model_source`].

use std::fmt;
use std::sync::{Arc, Mutex};

/// `abi_flags()` bit: the kernel reads the model through `addernet.read_model`.
pub const ABI_FLAG_STREAMED_MODEL: i32 = 1;

/// The model a stream-flavour kernel reads from, shared with the import the adapter links.
pub type ModelSource = Arc<Mutex<Vec<u8>>>;

/// What each runtime adapter provides: call an exported `() -> i32` or
/// `(i32, i32) -> i32` function, copy bytes in and out of linear memory, and
/// hold the model a stream-flavour kernel reads.
pub trait Instance {
    fn call0(&mut self, name: &str) -> Result<i32, Error>;
    fn call2(&mut self, name: &str, a: i32, b: i32) -> Result<i32, Error>;
    fn write(&mut self, addr: u32, bytes: &[u8]) -> Result<(), Error>;
    fn read(&mut self, addr: u32, len: u32) -> Result<Vec<u8>, Error>;
    /// Bytes of linear memory the runtime actually allocated for this instance.
    fn memory_bytes(&mut self) -> u64;
    /// The bytes `addernet.read_model` serves from now on.
    fn set_model_source(&mut self, model: &[u8]);
}

/// `addernet.read_model(dst, len, offset)`: copy model bytes `[offset, offset+len)` to
/// linear memory at `dst`; 0 on success, 1 (nothing written) when either range is out
/// of bounds. Every adapter's import calls this.
pub fn read_model(model: &[u8], memory: &mut [u8], dst: u32, len: u32, offset: u32) -> i32 {
    let (dst, len, offset) = (dst as usize, len as usize, offset as usize);
    if offset.checked_add(len).map_or(true, |end| end > model.len()) || dst.checked_add(len).map_or(true, |end| end > memory.len()) {
        return 1;
    }
    memory[dst..dst + len].copy_from_slice(&model[offset..offset + len]);
    0
}

#[derive(Debug)]
pub enum Error {
    /// The module could not be loaded/instantiated, an export is missing, or a call trapped.
    Runtime(String),
    /// `load` returned a negative status.
    Load { status: i32, error_offset: i32 },
    /// `invoke` returned a negative status.
    Invoke { status: i32 },
    /// An address range reported by the module lies outside its linear memory.
    Bounds { what: &'static str, addr: u32, len: u32 },
    /// The input does not have the model's input size.
    Input { expected: u32, found: usize },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Runtime(msg) => write!(f, "runtime error: {msg}"),
            Error::Load { status, error_offset } => {
                write!(f, "load failed: status={status} error_offset={error_offset}")
            }
            Error::Invoke { status } => write!(f, "invoke failed: status={status}"),
            Error::Bounds { what, addr, len } => {
                write!(f, "{what} [{addr}, {addr}+{len}) is outside linear memory")
            }
            Error::Input { expected, found } => {
                write!(f, "input has {found} bytes, the model expects input_size()={expected}")
            }
        }
    }
}

/// The model is loaded into `inst`; the input size and output location are known.
pub struct Loaded {
    pub input_ptr: u32,
    pub input_size: u32,
    pub output_ptr: u32,
    pub output_size: u32,
}

/// Steps 2–3 of docs/ABI.md: copy the model to `arena_ptr()` and `load` it (arena
/// flavour), or hand it to the import and `load(0, len)` (stream flavour).
pub fn load_model(inst: &mut dyn Instance, model: &[u8]) -> Result<Loaded, Error> {
    let status = if inst.call0("abi_flags")? & ABI_FLAG_STREAMED_MODEL != 0 {
        inst.set_model_source(model);
        inst.call2("load", 0, model.len() as i32)?
    } else {
        let arena_ptr = inst.call0("arena_ptr")? as u32;
        let arena_size = inst.call0("arena_size")? as u32;
        // A blob larger than the arena cannot be copied whole: copy what fits and
        // let load() give its own verdict (BAD_BUFFER), as it would on any runtime.
        let fits = model.len().min(arena_size as usize);
        inst.write(arena_ptr, &model[..fits])?;
        inst.call2("load", arena_ptr as i32, model.len() as i32)?
    };
    if status < 0 {
        let error_offset = inst.call0("error_offset")?;
        return Err(Error::Load { status, error_offset });
    }
    located(inst)
}

/// For a module with the model embedded as a data segment at `arena_ptr()`
/// (src/modulegen): nothing to copy, `load` it where it already is.
pub fn load_embedded(inst: &mut dyn Instance, len: u32) -> Result<Loaded, Error> {
    let arena_ptr = inst.call0("arena_ptr")?;
    let status = inst.call2("load", arena_ptr, len as i32)?;
    if status < 0 {
        let error_offset = inst.call0("error_offset")?;
        return Err(Error::Load { status, error_offset });
    }
    located(inst)
}

fn located(inst: &mut dyn Instance) -> Result<Loaded, Error> {
    Ok(Loaded {
        input_ptr: inst.call0("input_ptr")? as u32,
        input_size: inst.call0("input_size")? as u32,
        output_ptr: inst.call0("output_ptr")? as u32,
        output_size: inst.call0("output_size")? as u32,
    })
}

/// Steps 4–5 of docs/ABI.md: copy the input, `invoke`, read the output.
pub fn run_once(inst: &mut dyn Instance, loaded: &Loaded, input: &[u8]) -> Result<Vec<u8>, Error> {
    if input.len() != loaded.input_size as usize {
        return Err(Error::Input { expected: loaded.input_size, found: input.len() });
    }
    inst.write(loaded.input_ptr, input)?;
    invoke(inst)?;
    inst.read(loaded.output_ptr, loaded.output_size)
}

pub fn invoke(inst: &mut dyn Instance) -> Result<(), Error> {
    let status = inst.call0("invoke")?;
    if status < 0 {
        return Err(Error::Invoke { status });
    }
    Ok(())
}

/// Checks `[addr, addr+len)` against a memory of `size` bytes.
pub fn check_range(what: &'static str, addr: u32, len: u32, size: u64) -> Result<(), Error> {
    if addr as u64 + len as u64 > size {
        return Err(Error::Bounds { what, addr, len });
    }
    Ok(())
}
