fn main() -> std::process::ExitCode {
    policypress::cli::main()
}
