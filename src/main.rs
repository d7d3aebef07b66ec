//! The `leakhound` binary: parse the command line, run it, map the result to an exit status. A
//! broken pipe on stdout (`leakhound … | head`) ends the program quietly with success.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = leakhound::cli::Cli::parse();
    match leakhound::run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            if err.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
            }) {
                return ExitCode::SUCCESS;
            }
            leakhound::messages::error(&format!("{err:#}"));
            ExitCode::from(2)
        }
    }
}
