/// Counts the memory in use, so that no input can make a run use more than its limit (see
/// `watch`).
#[global_allocator]
static ALLOCATOR: policypress::watch::Counting = policypress::watch::Counting;

fn main() -> std::process::ExitCode {
    policypress::watch::init();
    // Every command runs on a thread with a known, large stack (and rayon's pool has the
    // same): see `limits`.
    policypress::limits::run_with_stack(policypress::cli::main)
}
