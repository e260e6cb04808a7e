//! Making sure the toolchain that builds the contracts can target WASM.
//!
//! `rust-toolchain.toml` pins the compiler, and rustup installs a pinned
//! toolchain's listed targets only when it installs the toolchain itself. A
//! machine that already had 1.95.0 without `wasm32-unknown-unknown` (or one
//! with `RUSTUP_AUTO_INSTALL=0`) would otherwise fail deep in the first
//! build with "can't find crate for `core`". The check costs one `rustc
//! --print sysroot` per process.

use std::{
    path::{Path, PathBuf},
    process::{Command, Stdio},
    sync::OnceLock,
};

use anyhow::{bail, Context, Result};

/// The target every Stylus program is compiled for.
pub const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// The command a person runs to add the target by hand.
pub const ADD_TARGET_COMMAND: &str = "rustup target add wasm32-unknown-unknown";

/// Where a sysroot keeps a target's standard library; it exists exactly when
/// the target is installed.
pub fn target_libdir(sysroot: &Path, target: &str) -> PathBuf {
    sysroot.join("lib").join("rustlib").join(target).join("lib")
}

/// Checks that the toolchain used in `dir` has the WASM target, adding it
/// with rustup (and saying so on stderr) when it is missing. Runs once per
/// process; later calls return the first answer.
pub fn ensure_wasm_target(dir: &Path) -> Result<()> {
    static CHECKED: OnceLock<std::result::Result<(), String>> = OnceLock::new();
    CHECKED
        .get_or_init(|| {
            ensure_target_with(|| sysroot(dir), || rustup_add_target(dir))
                .map_err(|error| format!("{error:#}"))
        })
        .clone()
        .map_err(anyhow::Error::msg)
}

/// The decision behind [`ensure_wasm_target`], with the probes passed in:
/// `sysroot` finds the active toolchain's sysroot, `add_target` installs the
/// target. Fails with one line naming the command to run when the target is
/// missing and cannot be added.
pub fn ensure_target_with(
    sysroot: impl Fn() -> Result<PathBuf>,
    add_target: impl FnOnce() -> Result<()>,
) -> Result<()> {
    let installed = |root: &Path| target_libdir(root, WASM_TARGET).is_dir();
    let root = sysroot()?;
    if installed(&root) {
        return Ok(());
    }
    eprintln!("The Rust target {WASM_TARGET} is missing; adding it: {ADD_TARGET_COMMAND}");
    if let Err(error) = add_target() {
        bail!("the Rust target {WASM_TARGET} is not installed and adding it failed ({error:#}); run `{ADD_TARGET_COMMAND}`");
    }
    if !installed(&sysroot()?) {
        bail!("the Rust target {WASM_TARGET} is still missing after rustup added it; run `{ADD_TARGET_COMMAND}`");
    }
    Ok(())
}

/// The sysroot of the toolchain `rustc` resolves to in `dir` (where
/// rust-toolchain.toml applies).
fn sysroot(dir: &Path) -> Result<PathBuf> {
    let output = Command::new("rustc")
        .current_dir(dir)
        .args(["--print", "sysroot"])
        .stderr(Stdio::inherit())
        .output()
        .context("failed to run rustc --print sysroot")?;
    if !output.status.success() {
        bail!("rustc --print sysroot failed ({})", output.status);
    }
    let text = String::from_utf8(output.stdout).context("rustc printed a non-UTF-8 sysroot")?;
    Ok(PathBuf::from(text.trim()))
}

/// `rustup target add` for the toolchain active in `dir`.
fn rustup_add_target(dir: &Path) -> Result<()> {
    let status = Command::new("rustup")
        .current_dir(dir)
        .args(["target", "add", WASM_TARGET])
        .status()
        .context("rustup is not available")?;
    if !status.success() {
        bail!("rustup exited with {status}");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use super::*;

    fn temp_sysroot(name: &str) -> PathBuf {
        let root = std::env::temp_dir().join(format!("stylus-build-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root).unwrap();
        root
    }

    #[test]
    fn an_installed_target_is_not_added_again() {
        let root = temp_sysroot("installed");
        std::fs::create_dir_all(target_libdir(&root, WASM_TARGET)).unwrap();
        let result = ensure_target_with(|| Ok(root.clone()), || panic!("must not add"));
        assert!(result.is_ok());
    }

    #[test]
    fn a_missing_target_is_added_and_checked_again() {
        let root = temp_sysroot("added");
        let added = Cell::new(false);
        let result = ensure_target_with(
            || Ok(root.clone()),
            || {
                std::fs::create_dir_all(target_libdir(&root, WASM_TARGET)).unwrap();
                added.set(true);
                Ok(())
            },
        );
        assert!(result.is_ok());
        assert!(added.get());
    }

    #[test]
    fn a_target_that_cannot_be_added_fails_with_the_command_to_run() {
        let root = temp_sysroot("refused");
        let error = ensure_target_with(
            || Ok(root.clone()),
            || bail!("installing toolchain components is disabled"),
        )
        .unwrap_err();
        let message = format!("{error:#}");
        assert!(message.contains(ADD_TARGET_COMMAND), "{message}");
        assert!(!message.contains('\n'), "one line: {message}");
    }

    #[test]
    fn a_rustup_that_reports_success_without_the_target_is_not_believed() {
        let root = temp_sysroot("silent");
        let error = ensure_target_with(|| Ok(root.clone()), || Ok(())).unwrap_err();
        assert!(format!("{error}").contains(ADD_TARGET_COMMAND));
    }

    #[test]
    fn the_toolchain_of_this_repository_has_the_target() {
        // Builds run through the same check; here it must find (or add) it.
        let dir = crate::default_contracts_dir();
        ensure_wasm_target(&dir).unwrap();
        assert!(target_libdir(&sysroot(&dir).unwrap(), WASM_TARGET).is_dir());
    }
}
