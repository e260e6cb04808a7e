//! The deployer's private key: read from the environment or from an
//! Ethereum JSON keystore, used to sign, never shown.
//!
//! [`DeployerKey`] prints as its address only, and every error about a key
//! says what was wrong without repeating any of the input, so the key
//! cannot reach a log through `{:?}`, `{}` or an error chain.

use std::{fmt, path::Path};

use alloy_primitives::{Address, Signature, B256};
use alloy_signer::SignerSync;
use alloy_signer_local::PrivateKeySigner;
use anyhow::{anyhow, Context, Result};

/// Environment variable holding the deployer's private key (hex, with or
/// without `0x`).
pub const KEY_ENV: &str = "LRT_DEPLOYER_KEY";

/// Environment variable holding the password of `--keystore`; without it
/// the password is prompted for on the terminal.
pub const KEYSTORE_PASSWORD_ENV: &str = "LRT_KEYSTORE_PASSWORD";

/// The key that signs every transaction of a deployment.
#[derive(Clone)]
pub struct DeployerKey {
    signer: PrivateKeySigner,
}

impl DeployerKey {
    /// A key from its hex form (32 bytes, `0x` optional).
    pub fn from_hex(hex: &str) -> Result<Self> {
        // The parser's own errors quote the offending character and its
        // position; only the length is safe to report.
        let hex = hex.trim();
        let digits = hex.strip_prefix("0x").unwrap_or(hex);
        let signer: PrivateKeySigner = digits.parse().map_err(|_| {
            anyhow!(
                "not a secp256k1 private key: expected 64 hex digits, got {} characters",
                digits.len()
            )
        })?;
        Ok(Self { signer })
    }

    /// The key in [`KEY_ENV`].
    pub fn from_env() -> Result<Self> {
        let hex = std::env::var(KEY_ENV).map_err(|_| {
            anyhow!("{KEY_ENV} is not set (or not UTF-8); set it or pass --keystore")
        })?;
        Self::from_hex(&hex).with_context(|| format!("reading {KEY_ENV}"))
    }

    /// The key in the keystore at `path`, decrypted with `password`.
    pub fn from_keystore(path: &Path, password: &str) -> Result<Self> {
        let signer = PrivateKeySigner::decrypt_keystore(path, password)
            .map_err(|e| anyhow!("{e}"))
            .with_context(|| format!("decrypting the keystore {}", path.display()))?;
        Ok(Self { signer })
    }

    /// The key in the keystore at `path`, with the password from
    /// [`KEYSTORE_PASSWORD_ENV`] or, without it, typed on the terminal.
    pub fn from_keystore_prompting(path: &Path) -> Result<Self> {
        let password = match std::env::var(KEYSTORE_PASSWORD_ENV) {
            Ok(password) => password,
            Err(_) => rpassword::prompt_password(format!("Password of {}: ", path.display()))
                .context("reading the keystore password")?,
        };
        Self::from_keystore(path, &password)
    }

    /// The account the key controls.
    pub fn address(&self) -> Address {
        self.signer.address()
    }

    /// Signs a transaction's signature hash.
    pub fn sign_hash(&self, hash: &B256) -> Result<Signature> {
        self.signer
            .sign_hash_sync(hash)
            .map_err(|e| anyhow!("signing: {e}"))
    }
}

impl fmt::Debug for DeployerKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DeployerKey")
            .field("address", &format_args!("{}", self.address()))
            .field("key", &format_args!("<redacted>"))
            .finish()
    }
}

impl fmt::Display for DeployerKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "key of {}", self.address())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use devnode::{DEV_ACCOUNT, DEV_PRIVATE_KEY};

    fn digits() -> &'static str {
        DEV_PRIVATE_KEY.trim_start_matches("0x")
    }

    #[test]
    fn parses_with_or_without_prefix() {
        assert_eq!(
            DeployerKey::from_hex(DEV_PRIVATE_KEY).unwrap().address(),
            DEV_ACCOUNT
        );
        assert_eq!(
            DeployerKey::from_hex(digits()).unwrap().address(),
            DEV_ACCOUNT
        );
    }

    #[test]
    fn debug_and_display_never_show_the_key() {
        let key = DeployerKey::from_hex(DEV_PRIVATE_KEY).unwrap();
        for shown in [format!("{key:?}"), format!("{key:#?}"), format!("{key}")] {
            assert!(shown.contains(&DEV_ACCOUNT.to_string()), "{shown}");
            // Any 8 consecutive digits of the key would be a leak.
            for window in 0..digits().len() - 8 {
                let part = &digits()[window..window + 8];
                assert!(
                    !shown.to_lowercase().contains(part),
                    "{shown} leaks the key"
                );
            }
        }
    }

    #[test]
    fn a_malformed_key_is_not_echoed_in_the_error() {
        // One digit replaced by a non-hex character: the parser would name it.
        let bad = format!("{}z", &digits()[..63]);
        let error = format!("{:#}", DeployerKey::from_hex(&bad).unwrap_err());
        assert!(!error.contains(&digits()[..16]), "{error}");
        assert!(!error.contains('z'), "{error}");
        assert!(error.contains("64 hex digits"), "{error}");
    }

    #[test]
    fn reads_a_keystore_and_refuses_a_wrong_password_without_echoing_it() {
        let dir = std::env::temp_dir().join(format!("lrt-keystore-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let key = alloy_primitives::hex::decode(digits()).unwrap();
        let password = "correct horse battery staple";
        PrivateKeySigner::encrypt_keystore(
            &dir,
            &mut rand::thread_rng(),
            key,
            password,
            Some("deployer.json"),
        )
        .unwrap();
        let path = dir.join("deployer.json");

        let read = DeployerKey::from_keystore(&path, password).unwrap();
        assert_eq!(read.address(), DEV_ACCOUNT);

        let wrong = "Tr0ub4dor&3";
        let error = format!(
            "{:#}",
            DeployerKey::from_keystore(&path, wrong).unwrap_err()
        );
        assert!(error.contains("decrypting the keystore"), "{error}");
        assert!(!error.contains(wrong), "{error}");
        assert!(!error.contains(password), "{error}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
