fn main() -> std::process::ExitCode {
    brigade::cli::run()
}
