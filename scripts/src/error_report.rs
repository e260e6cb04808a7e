//! How the deploy tool tells a person that something failed.
//!
//! A failure is one readable chain of causes ("building the contracts:
//! building contract `lrt-vault`: cargo failed"), never a stack backtrace,
//! even when RUST_BACKTRACE is set in the user's environment for some other
//! program. `--backtrace` asks for the backtrace explicitly.

use std::fmt::Write as _;

/// The environment variable that makes `anyhow` capture a backtrace without
/// making panics print one.
const LIBRARY_BACKTRACE_ENV: &str = "RUST_LIB_BACKTRACE";

/// Asks `anyhow` to capture backtraces for errors created from now on. Call
/// before any other thread starts (it sets an environment variable).
pub fn capture_backtraces() {
    std::env::set_var(LIBRARY_BACKTRACE_ENV, "1");
}

/// The text printed on stderr for `error`: `error: <cause>: <cause>…` on one
/// line, and with `with_backtrace` the backtrace `anyhow` captured after it.
pub fn render(error: &anyhow::Error, with_backtrace: bool) -> String {
    let mut text = format!("error: {error:#}");
    if with_backtrace {
        let _ = write!(text, "\n\n{}", error.backtrace());
    }
    text
}

#[cfg(test)]
mod tests {
    use anyhow::{anyhow, Context};

    use super::*;

    fn nested_error() -> anyhow::Error {
        Err::<(), _>(anyhow!("cargo failed (exit status: 101)"))
            .context("building contract `lrt-vault`")
            .context("building the contracts")
            .unwrap_err()
    }

    #[test]
    fn an_error_is_one_line_naming_every_cause_in_order() {
        let text = render(&nested_error(), false);
        assert_eq!(
            text,
            "error: building the contracts: building contract `lrt-vault`: cargo failed (exit status: 101)"
        );
    }

    #[test]
    fn the_backtrace_is_printed_only_when_asked_for() {
        // Whether anyhow captured one depends on this process's environment
        // (changing it here would race the other tests' threads); either way
        // the error line comes first and the backtrace section only on request.
        let error = nested_error();
        let plain = render(&error, false);
        assert_eq!(plain.lines().count(), 1);
        let with_backtrace = render(&error, true);
        assert!(with_backtrace.starts_with(&format!("{plain}\n\n")));
        assert!(with_backtrace.len() > plain.len() + 2, "{with_backtrace}");
    }
}
