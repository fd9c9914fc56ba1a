//! addernet-harness: runs the zero-import addernet kernel module on WAMR,
//! wasmi and wasm3 through each runtime's own embedding API.
//!
//! ```text
//! addernet-harness list
//! addernet-harness run    --runtime R --module M.wasm (--model F.addn | --embedded-model-len N) --input IN --output OUT [--repeat N]
//! addernet-harness memory --runtime R --module M.wasm [--model F.addn]
//! addernet-harness batch  --runtime R --manifest LIST [--check-outside WARMUP.addn]
//! ```
//! `--embedded-model-len N` is for a module that carries its model as a data
//! segment at `arena_ptr()` (src/modulegen): nothing is copied, `load(arena_ptr(), N)`.
//! Either kernel flavour runs: a stream-flavour module (`abi_flags()` bit 0) gets the model
//! through its `addernet.read_model` import instead of a copy in its arena.
//! `--wamr-stack-bytes N` (any command) sets WAMR's exec-env stack (default 64 KiB).
//!
//! Results are `key=value` lines on stdout (times in ns, sizes in bytes); sentences go to
//! stderr. Exit codes are the shared EXIT_* of src/format/constants.ts: 0 ok, 1 a file
//! cannot be read or written, 2 usage, 3 `load` returned a negative status (prints
//! `status=` and `error_offset=`), 4 `invoke` did (`status=`), 5 the runtime failed
//! (instantiation, missing export, trap), 6 the input is not the model's input size.
//!
//! A batch manifest has one job per line, tab-separated:
//! `module<TAB>model<TAB>input<TAB>output`. For each the harness prints one line of
//! space-separated `key=value`: `job=<line> status=0 output_size=<bytes>`,
//! `job=<line> stage=load status=<s> error_offset=<o>`, `job=<line> stage=invoke status=<s>`
//! or `job=<line> error=<message to the end of the line>`, and keeps going.
//! With `--check-outside WARMUP.addn` each job's fresh instance first loads and invokes that
//! model, then the memory outside the arena is compared before and after the job: each line
//! gets `outside_changed=0|1` (before `error=`; absent when the warm-up failed).

mod engines;
mod kernel;

use kernel::{load_model, run_once, Error, Instance};
use std::collections::HashMap;
use std::process::ExitCode;
use std::time::Instant;

// The shared EXIT_* of src/format/constants.ts (test/runtimes/commands.test.ts provokes each).
const EXIT_FAILURE: u8 = 1;
const EXIT_USAGE: u8 = 2;
const EXIT_LOAD: u8 = 3;
const EXIT_INVOKE: u8 = 4;
const EXIT_RUNTIME: u8 = 5;
const EXIT_INPUT: u8 = 6;

/// A failure before any runtime ran: bad usage, or a file that cannot be read or written.
enum Refusal {
    Usage(String),
    File(String),
}

struct Args {
    command: String,
    options: HashMap<String, String>,
}

impl Args {
    fn parse() -> Result<Args, Refusal> {
        let usage = |m: String| Refusal::Usage(m);
        let mut it = std::env::args().skip(1);
        let command = it.next().ok_or_else(|| usage("missing command (list, run, memory, batch)".into()))?;
        let mut options = HashMap::new();
        while let Some(key) = it.next() {
            let name = key.strip_prefix("--").ok_or_else(|| usage(format!("unexpected argument `{key}`")))?;
            let value = it.next().ok_or_else(|| usage(format!("option --{name} needs a value")))?;
            options.insert(name.to_string(), value);
        }
        Ok(Args { command, options })
    }
    fn get(&self, name: &str) -> Result<&str, Refusal> {
        self.options.get(name).map(String::as_str).ok_or_else(|| Refusal::Usage(format!("missing --{name}")))
    }
    fn number<T: std::str::FromStr>(&self, name: &str) -> Result<Option<T>, Refusal> {
        self.options
            .get(name)
            .map(|v| v.parse().map_err(|_| Refusal::Usage(format!("--{name} {v} is not a number"))))
            .transpose()
    }
    fn read(&self, name: &str) -> Result<Vec<u8>, Refusal> {
        let path = self.get(name)?;
        std::fs::read(path).map_err(|e| Refusal::File(format!("cannot read --{name} {path}: {e}")))
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
        Error::Input { .. } => EXIT_INPUT,
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

/// --runtime: one of the runtimes compiled in.
fn runtime_option(args: &Args) -> Result<&str, Refusal> {
    let runtime = args.get("runtime")?;
    let names: Vec<&str> = engines::compiled_in().iter().map(|(n, _)| *n).collect();
    if !names.contains(&runtime) {
        return Err(Refusal::Usage(format!("runtime `{runtime}` is not compiled in (have: {})", names.join(", "))));
    }
    Ok(runtime)
}

fn cmd_run(args: &Args) -> Result<ExitCode, Refusal> {
    let runtime = runtime_option(args)?;
    let module = args.read("module")?;
    let model = match args.number::<u32>("embedded-model-len")? {
        Some(n) => Model::Embedded(n),
        None => Model::Bytes(args.read("model")?),
    };
    let input = args.read("input")?;
    let output_path = args.get("output")?;
    let repeat: u32 = args.number("repeat")?.unwrap_or(0);
    let result = (|| -> Result<(Vec<u8>, Option<u128>, u64), Error> {
        let mut inst = engines::instantiate(runtime, &module)?;
        let loaded = match &model {
            Model::Bytes(bytes) => load_model(inst.as_mut(), bytes)?,
            Model::Embedded(len) => kernel::load_embedded(inst.as_mut(), *len)?,
        };
        let output = run_once(inst.as_mut(), &loaded, &input)?;
        let mean_ns = if repeat > 0 {
            let start = Instant::now();
            for _ in 0..repeat {
                kernel::invoke(inst.as_mut())?;
            }
            Some(start.elapsed().as_nanos() / repeat as u128)
        } else {
            None
        };
        Ok((output, mean_ns, inst.memory_bytes()))
    })();
    match result {
        Ok((output, mean_ns, memory_bytes)) => {
            std::fs::write(output_path, &output).map_err(|e| Refusal::File(format!("cannot write --output {output_path}: {e}")))?;
            println!("status=0\noutput_size={}", output.len());
            if let Some(ns) = mean_ns {
                println!("repeat={repeat}\nmean_ns={ns}");
            }
            println!("memory_bytes={memory_bytes}\npeak_rss_kib={}", peak_rss_kib());
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => Ok(report(&e)),
    }
}

fn cmd_memory(args: &Args) -> Result<ExitCode, Refusal> {
    let runtime = runtime_option(args)?;
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

/// Linear memory outside the arena: `[0, arena_ptr)` and `[arena_ptr + arena_size, end)`.
fn outside_arena(inst: &mut dyn Instance) -> Result<Vec<u8>, Error> {
    let arena_ptr = inst.call0("arena_ptr")? as u32;
    let arena_end = arena_ptr as u64 + inst.call0("arena_size")? as u32 as u64;
    let size = inst.memory_bytes();
    let mut bytes = inst.read(0, arena_ptr)?;
    if arena_end < size {
        bytes.extend(inst.read(arena_end as u32, (size - arena_end) as u32)?);
    }
    Ok(bytes)
}

/// One job; with `warmup`, first load and invoke that model (on an all-zero input) so the
/// kernel's lazily filled constants are in place, snapshot the memory outside the arena,
/// run the job and say whether that memory changed (None without a warm-up, or when it failed).
fn batch_job(
    runtime: &str,
    fields: &[&str],
    modules: &mut HashMap<String, Vec<u8>>,
    warmup: Option<&[u8]>,
) -> (Result<usize, Error>, Option<bool>) {
    let read = |p: &str| std::fs::read(p).map_err(|e| Error::Runtime(format!("cannot read {p}: {e}")));
    if !modules.contains_key(fields[0]) {
        match read(fields[0]) {
            Ok(bytes) => modules.insert(fields[0].to_string(), bytes),
            Err(e) => return (Err(e), None),
        };
    }
    let mut inst: Box<dyn Instance> = match engines::instantiate(runtime, &modules[fields[0]]) {
        Ok(inst) => inst,
        Err(e) => return (Err(e), None),
    };
    let snapshot = match warmup {
        None => None,
        Some(model) => {
            let warmed = (|| {
                let loaded = load_model(inst.as_mut(), model)?;
                run_once(inst.as_mut(), &loaded, &vec![0u8; loaded.input_size as usize])?;
                outside_arena(inst.as_mut())
            })();
            match warmed {
                Ok(bytes) => Some(bytes),
                Err(e) => return (Err(Error::Runtime(format!("warm-up model: {e}"))), None),
            }
        }
    };
    let result = (|| {
        let loaded = load_model(inst.as_mut(), &read(fields[1])?)?;
        let output = run_once(inst.as_mut(), &loaded, &read(fields[2])?)?;
        std::fs::write(fields[3], &output).map_err(|e| Error::Runtime(format!("cannot write {}: {e}", fields[3])))?;
        Ok(output.len())
    })();
    // after a trap too: the instance's memory is still there to compare
    let changed = snapshot.and_then(|before| outside_arena(inst.as_mut()).ok().map(|after| after != before));
    (result, changed)
}

fn cmd_batch(args: &Args) -> Result<ExitCode, Refusal> {
    let runtime = runtime_option(args)?;
    let manifest = args.get("manifest")?;
    let text = std::fs::read_to_string(manifest).map_err(|e| Refusal::File(format!("cannot read --manifest {manifest}: {e}")))?;
    let warmup = if args.options.contains_key("check-outside") { Some(args.read("check-outside")?) } else { None };
    let mut modules = HashMap::new();
    for (index, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let fields: Vec<&str> = line.split('\t').collect();
        if fields.len() != 4 {
            return Err(Refusal::Usage(format!("{manifest}:{}: expected 4 tab-separated fields, found {}", index + 1, fields.len())));
        }
        let job = index + 1;
        let (result, changed) = batch_job(runtime, &fields, &mut modules, warmup.as_deref());
        // before error=, which runs to the end of the line
        let outside = changed.map_or(String::new(), |c| format!(" outside_changed={}", c as u8));
        match result {
            Ok(n) => println!("job={job} status=0 output_size={n}{outside}"),
            Err(Error::Load { status, error_offset }) => println!("job={job} stage=load status={status} error_offset={error_offset}{outside}"),
            Err(Error::Invoke { status }) => println!("job={job} stage=invoke status={status}{outside}"),
            Err(e) => println!("job={job}{outside} error={}", e.to_string().replace('\n', " ")),
        }
    }
    println!("peak_rss_kib={}", peak_rss_kib());
    Ok(ExitCode::SUCCESS)
}

fn main() -> ExitCode {
    let outcome = Args::parse().and_then(|args| {
        #[cfg(feature = "wamr")]
        if let Some(n) = args.number::<u32>("wamr-stack-bytes")? {
            engines::wamr::set_exec_stack_size(n);
        }
        dispatch(&args)
    });
    outcome.unwrap_or_else(|refusal| {
        let (code, msg) = match refusal {
            Refusal::Usage(m) => (EXIT_USAGE, m),
            Refusal::File(m) => (EXIT_FAILURE, m),
        };
        eprintln!("addernet-harness: {msg}");
        ExitCode::from(code)
    })
}

fn dispatch(args: &Args) -> Result<ExitCode, Refusal> {
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
        other => Err(Refusal::Usage(format!("unknown command `{other}` (list, run, memory, batch)"))),
    }
}
