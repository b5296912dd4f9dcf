fn main() -> std::process::ExitCode {
    // Every command runs on a thread with a known, large stack (and rayon's pool has the
    // same): see `limits`.
    policypress::limits::run_with_stack(policypress::cli::main)
}
