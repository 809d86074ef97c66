//! The few WASI imports the component really uses: stdout/stderr as output streams whose bytes are
//! captured (stderr carries the guest's panic message). Every other import traps when called.

use wasmtime::component::{Component, Linker, Resource, ResourceType, Val};
use wasmtime::{Engine, Result, StoreContextMut};

use crate::host::HostState;

/// Host side of `wasi:io/streams.output-stream`; all instances write into `HostState::stderr`.
pub struct OutputStream;

/// Most bytes of guest output kept per call.
const CAPTURE_LIMIT: usize = 64 * 1024;

fn capture(mut store: StoreContextMut<'_, HostState>, params: &[Val]) {
    if let Some(Val::List(bytes)) = params.get(1) {
        let buf = &mut store.data_mut().stderr;
        for b in bytes {
            if buf.len() >= CAPTURE_LIMIT {
                break;
            }
            if let Val::U8(b) = b {
                buf.push(*b);
            }
        }
    }
}

/// Defines output streams for every version of the interfaces the component imports, then traps the rest.
pub fn define(linker: &mut Linker<HostState>, component: &Component, engine: &Engine) -> Result<()> {
    let imports: Vec<String> = component.component_type().imports(engine).map(|(n, _)| n.to_string()).collect();
    for name in &imports {
        if name.starts_with("wasi:io/streams@") {
            let mut inst = linker.instance(name)?;
            inst.resource("output-stream", ResourceType::host::<OutputStream>(), |_, _| Ok(()))?;
            inst.func_new("[method]output-stream.check-write", |_, _, _, results| {
                set(results, Val::Result(Ok(Some(Box::new(Val::U64(CAPTURE_LIMIT as u64))))));
                Ok(())
            })?;
            for method in ["write", "blocking-write-and-flush"] {
                inst.func_new(&format!("[method]output-stream.{method}"), |store, _, params, results| {
                    capture(store, params);
                    set(results, Val::Result(Ok(None)));
                    Ok(())
                })?;
            }
            for method in ["flush", "blocking-flush"] {
                inst.func_new(&format!("[method]output-stream.{method}"), |_, _, _, results| {
                    set(results, Val::Result(Ok(None)));
                    Ok(())
                })?;
            }
        }
    }
    for name in &imports {
        for (prefix, func) in [("wasi:cli/stderr@", "get-stderr"), ("wasi:cli/stdout@", "get-stdout")] {
            if name.starts_with(prefix) {
                let mut inst = linker.instance(name)?;
                // The interface re-exports the `output-stream` type it `use`s: it must be the same resource.
                inst.resource("output-stream", ResourceType::host::<OutputStream>(), |_, _| Ok(()))?;
                inst.func_wrap(func, |_, ()| Ok((Resource::<OutputStream>::new_own(0),)))?;
            }
        }
    }
    linker.define_unknown_imports_as_traps(component)?;
    Ok(())
}

fn set(results: &mut [Val], val: Val) {
    if let Some(slot) = results.first_mut() {
        *slot = val;
    }
}
