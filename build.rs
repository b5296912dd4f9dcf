//! Link the `policypress` program as a position-dependent executable on Linux.
//!
//! Typst and its Unicode and font data bring some 130,000 pointers in read-only data. In a
//! position-independent executable the dynamic loader rewrites each of them at every start,
//! copying about 2,900 pages: 8 ms before `main`, on every `check` and `build`, for a run that
//! otherwise takes 10 ms on a small site (`perf stat -r 20 policypress --version`: 9.4 ms as
//! PIE, 1.4 ms without). The trade is address-space randomisation of the program image itself
//! (libraries, stack and heap are still randomised); PolicyPress is a local build tool whose
//! server binds to 127.0.0.1 by default. Only the binaries are affected, not the library.
fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if os == "linux" && env == "gnu" {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}
