//! `scim-precompile <component.wasm> <out-dir>`: writes the artefact and prints its path.

use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let (Some(wasm_path), Some(out_dir)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: scim-precompile <component.wasm> <out-dir>");
        return ExitCode::from(2);
    };
    let wasm = match std::fs::read(wasm_path) {
        Ok(w) => w,
        Err(e) => {
            eprintln!("scim-precompile: cannot read {wasm_path}: {e}");
            return ExitCode::FAILURE;
        }
    };
    match scim_precompile::precompile(&wasm, Path::new(out_dir)) {
        Ok(path) => {
            println!("{}", path.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("scim-precompile: {e:#}");
            ExitCode::FAILURE
        }
    }
}
