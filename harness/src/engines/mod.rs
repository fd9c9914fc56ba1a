//! One adapter per runtime, each behind a cargo feature.

use crate::kernel::{Error, Instance};

#[cfg(feature = "wamr")]
pub mod wamr;
#[cfg(feature = "wasm3")]
pub mod wasm3;
#[cfg(feature = "wasmi")]
pub mod wasmi;

/// Runtimes compiled into this binary, with whether they run the SIMD build.
pub fn compiled_in() -> Vec<(&'static str, bool)> {
    let mut list = Vec::new();
    #[cfg(feature = "wamr")]
    list.push(("wamr", cfg!(feature = "wamr-simd")));
    #[cfg(feature = "wasmi")]
    list.push(("wasmi", true));
    #[cfg(feature = "wasm3")]
    list.push(("wasm3", false));
    list
}

pub fn instantiate(runtime: &str, module_bytes: &[u8]) -> Result<Box<dyn Instance>, Error> {
    match runtime {
        #[cfg(feature = "wamr")]
        "wamr" => Ok(Box::new(wamr::WamrInstance::new(module_bytes)?)),
        #[cfg(feature = "wasmi")]
        "wasmi" => Ok(Box::new(wasmi::WasmiInstance::new(module_bytes)?)),
        #[cfg(feature = "wasm3")]
        "wasm3" => Ok(Box::new(wasm3::Wasm3Instance::new(module_bytes)?)),
        other => {
            let names: Vec<_> = compiled_in().iter().map(|(n, _)| *n).collect();
            Err(Error::Runtime(format!("runtime `{other}` is not compiled in (have: {})", names.join(", "))))
        }
    }
}
