//! addernet-harness: runs the zero-import addernet kernel module on WAMR,
//! wasmi and wasm3 through each runtime's own embedding API.
//!
//! ```text
//! addernet-harness list
//! addernet-harness run    --runtime R --module M.wasm (--model F.addn | --embedded-model-len N) --input IN --output OUT [--repeat N]
//! addernet-harness memory --runtime R --module M.wasm [--model F.addn]
//! addernet-harness batch  --runtime R --manifest LIST
//! ```
//! `--embedded-model-len N` is for a module that carries its model as a data
//! segment at `arena_ptr()` (src/modulegen): nothing is copied, `load(arena_ptr(), N)`.
//! `--wamr-stack-bytes N` (any command) sets WAMR's exec-env stack (default 64 KiB).
//! `run` prints `key=value` lines on stdout. Exit codes: 0 ok, 2 usage or file
//! error, 3 `load` returned a negative status, 4 `invoke` did, 5 the runtime
//! failed (instantiation, missing export, trap).
//!
//! A batch manifest has one job per line, tab-separated:
//! `module<TAB>model<TAB>input<TAB>output`. For each line the harness prints
//! `<line> ok <output bytes>`, `<line> load <status> <error_offset>`,
//! `<line> invoke <status>` or `<line> error <message>`, and keeps going.

mod engines;
mod kernel;

use kernel::{load_model, run_once, Error, Instance};
use std::collections::HashMap;
use std::process::ExitCode;
use std::time::Instant;

const EXIT_USAGE: u8 = 2;
const EXIT_LOAD: u8 = 3;
const EXIT_INVOKE: u8 = 4;
const EXIT_RUNTIME: u8 = 5;

struct Args {
    command: String,
    options: HashMap<String, String>,
}

impl Args {
    fn parse() -> Result<Args, String> {
        let mut it = std::env::args().skip(1);
        let command = it.next().ok_or("missing command (list, run, memory, batch)")?;
        let mut options = HashMap::new();
        while let Some(key) = it.next() {
            let name = key.strip_prefix("--").ok_or_else(|| format!("unexpected argument `{key}`"))?;
            let value = it.next().ok_or_else(|| format!("option --{name} needs a value"))?;
            options.insert(name.to_string(), value);
        }
        Ok(Args { command, options })
    }
    fn get(&self, name: &str) -> Result<&str, String> {
        self.options.get(name).map(String::as_str).ok_or_else(|| format!("missing --{name}"))
    }
    fn read(&self, name: &str) -> Result<Vec<u8>, String> {
        let path = self.get(name)?;
        std::fs::read(path).map_err(|e| format!("cannot read --{name} {path}: {e}"))
    }
}

/// Peak resident set size of this process in KiB (Linux; 0 elsewhere).
fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn exit_code(e: &Error) -> u8 {
    match e {
        Error::Load { .. } => EXIT_LOAD,
        Error::Invoke { .. } => EXIT_INVOKE,
        Error::Runtime(_) | Error::Bounds { .. } => EXIT_RUNTIME,
    }
}

/// Prints the failure as `key=value` on stdout (for programs) and as text on stderr.
fn report(e: &Error) -> ExitCode {
    match e {
        Error::Load { status, error_offset } => println!("status={status}\nerror_offset={error_offset}"),
        Error::Invoke { status } => println!("status={status}"),
        _ => {}
    }
    eprintln!("addernet-harness: {e}");
    ExitCode::from(exit_code(e))
}

enum Model {
    Bytes(Vec<u8>),
    Embedded(u32),
}

fn cmd_run(args: &Args) -> Result<ExitCode, String> {
    let runtime = args.get("runtime")?;
    let module = args.read("module")?;
    let model = match args.options.get("embedded-model-len") {
        Some(n) => Model::Embedded(n.parse().map_err(|_| format!("--embedded-model-len {n} is not a byte count"))?),
        None => Model::Bytes(args.read("model")?),
    };
    let input = args.read("input")?;
    let output_path = args.get("output")?;
    let repeat: u32 = match args.options.get("repeat") {
        Some(n) => n.parse().map_err(|_| format!("--repeat {n} is not a count"))?,
        None => 0,
    };
    let result = (|| -> Result<(Vec<u8>, Option<f64>, u64), Error> {
        let mut inst = engines::instantiate(runtime, &module)?;
        let loaded = match &model {
            Model::Bytes(bytes) => load_model(inst.as_mut(), bytes)?,
            Model::Embedded(len) => kernel::load_embedded(inst.as_mut(), *len)?,
        };
        let output = run_once(inst.as_mut(), &loaded, &input)?;
        let mean_ms = if repeat > 0 {
            let start = Instant::now();
            for _ in 0..repeat {
                kernel::invoke(inst.as_mut())?;
            }
            Some(start.elapsed().as_secs_f64() * 1e3 / repeat as f64)
        } else {
            None
        };
        Ok((output, mean_ms, inst.memory_bytes()))
    })();
    match result {
        Ok((output, mean_ms, memory_bytes)) => {
            std::fs::write(output_path, &output).map_err(|e| format!("cannot write --output {output_path}: {e}"))?;
            println!("status=0\noutput_size={}", output.len());
            if let Some(ms) = mean_ms {
                println!("repeat={repeat}\nmean_ms={ms:.6}");
            }
            println!("memory_bytes={memory_bytes}\npeak_rss_kib={}", peak_rss_kib());
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => Ok(report(&e)),
    }
}

fn cmd_memory(args: &Args) -> Result<ExitCode, String> {
    let runtime = args.get("runtime")?;
    let module = args.read("module")?;
    let model = if args.options.contains_key("model") { Some(args.read("model")?) } else { None };
    let result = (|| -> Result<(), Error> {
        let mut inst = engines::instantiate(runtime, &module)?;
        println!("memory_bytes={}", inst.memory_bytes());
        println!("arena_ptr={}\narena_size={}", inst.call0("arena_ptr")?, inst.call0("arena_size")?);
        if let Some(model) = model {
            load_model(inst.as_mut(), &model)?;
            println!("status=0");
        }
        println!("peak_rss_kib={}", peak_rss_kib());
        Ok(())
    })();
    Ok(result.map_or_else(|e| report(&e), |()| ExitCode::SUCCESS))
}

fn batch_job(runtime: &str, fields: &[&str], modules: &mut HashMap<String, Vec<u8>>) -> Result<usize, Error> {
    let read = |p: &str| std::fs::read(p).map_err(|e| Error::Runtime(format!("cannot read {p}: {e}")));
    if !modules.contains_key(fields[0]) {
        modules.insert(fields[0].to_string(), read(fields[0])?);
    }
    let mut inst: Box<dyn Instance> = engines::instantiate(runtime, &modules[fields[0]])?;
    let loaded = load_model(inst.as_mut(), &read(fields[1])?)?;
    let output = run_once(inst.as_mut(), &loaded, &read(fields[2])?)?;
    std::fs::write(fields[3], &output).map_err(|e| Error::Runtime(format!("cannot write {}: {e}", fields[3])))?;
    Ok(output.len())
}

fn cmd_batch(args: &Args) -> Result<ExitCode, String> {
    let runtime = args.get("runtime")?;
    let manifest = args.get("manifest")?;
    let text = std::fs::read_to_string(manifest).map_err(|e| format!("cannot read --manifest {manifest}: {e}"))?;
    let mut modules = HashMap::new();
    for (index, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let fields: Vec<&str> = line.split('\t').collect();
        if fields.len() != 4 {
            return Err(format!("{manifest}:{}: expected 4 tab-separated fields, found {}", index + 1, fields.len()));
        }
        let line_no = index + 1;
        match batch_job(runtime, &fields, &mut modules) {
            Ok(n) => println!("{line_no} ok {n}"),
            Err(Error::Load { status, error_offset }) => println!("{line_no} load {status} {error_offset}"),
            Err(Error::Invoke { status }) => println!("{line_no} invoke {status}"),
            Err(e) => println!("{line_no} error {}", e.to_string().replace('\n', " ")),
        }
    }
    println!("peak_rss_kib={}", peak_rss_kib());
    Ok(ExitCode::SUCCESS)
}

fn main() -> ExitCode {
    let outcome = Args::parse().and_then(|args| {
        #[cfg(feature = "wamr")]
        if let Some(n) = args.options.get("wamr-stack-bytes") {
            engines::wamr::set_exec_stack_size(n.parse().map_err(|_| format!("--wamr-stack-bytes {n} is not a byte count"))?);
        }
        dispatch(&args)
    });
    outcome.unwrap_or_else(|msg| {
        eprintln!("addernet-harness: {msg}");
        ExitCode::from(EXIT_USAGE)
    })
}

fn dispatch(args: &Args) -> Result<ExitCode, String> {
    match args.command.as_str() {
        "list" => {
            for (name, simd) in engines::compiled_in() {
                println!("{name} simd={}", simd as u8);
            }
            Ok(ExitCode::SUCCESS)
        }
        "run" => cmd_run(args),
        "memory" => cmd_memory(args),
        "batch" => cmd_batch(args),
        other => Err(format!("unknown command `{other}` (list, run, memory, batch)")),
    }
}
