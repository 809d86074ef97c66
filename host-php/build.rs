//! Links the cdylib with `-z nodelete`: it stays mapped even if PHP unloads it, so wasmtime's signal
//! handlers never point into unmapped code.

fn main() {
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-z,nodelete");
    }
}
