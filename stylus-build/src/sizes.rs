//! Program sizes against Stylus's limits, and their committed snapshot.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::Deployable;

/// Largest contract code (prefix + brotli stream) Arbitrum accepts: the
/// EIP-170 limit of 24 KiB.
pub const MAX_CODE_BYTES: usize = 24_576;

/// The project's own ceiling on contract code, below [`MAX_CODE_BYTES`] so
/// that a contract close to the limit is noticed before it stops deploying.
pub const SIZE_BUDGET_BYTES: usize = 24_000;

/// Largest uncompressed module Nitro activates (128 KiB).
pub const MAX_WASM_BYTES: usize = 128 * 1024;

/// Sizes of one contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContractSize {
    /// Length of the prepared module ([`crate::prepare_wasm`]'s output).
    pub wasm_bytes: usize,
    /// Length of the contract code ([`crate::compress`]'s output), *including*
    /// its 4-byte Stylus prefix: the number the code-size limit applies to.
    pub brotli_bytes: usize,
}

impl ContractSize {
    /// Measures a prepared and compressed contract.
    pub fn of(deployable: &Deployable) -> Self {
        Self {
            wasm_bytes: deployable.wasm.len(),
            brotli_bytes: deployable.code.len(),
        }
    }

    /// `brotli_bytes` as a percentage of [`MAX_CODE_BYTES`].
    pub fn percent_of_limit(&self) -> f64 {
        self.brotli_bytes as f64 * 100.0 / MAX_CODE_BYTES as f64
    }

    /// Why this contract cannot be shipped, if it cannot.
    pub fn violations(&self) -> Vec<String> {
        let mut violations = Vec::new();
        if self.brotli_bytes > SIZE_BUDGET_BYTES {
            violations.push(format!(
                "compressed code is {} bytes, over the {SIZE_BUDGET_BYTES}-byte budget \
                 (hard limit {MAX_CODE_BYTES})",
                self.brotli_bytes
            ));
        }
        if self.wasm_bytes > MAX_WASM_BYTES {
            violations.push(format!(
                "WASM is {} bytes, over Nitro's {MAX_WASM_BYTES}-byte activation limit",
                self.wasm_bytes
            ));
        }
        violations
    }
}

/// The sizes of every contract; serialises to `snapshots/sizes.json` as
/// `{"contracts": {"<name>": {"wasm_bytes": N, "brotli_bytes": N}}}`, keys
/// sorted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sizes {
    /// By contract name.
    pub contracts: BTreeMap<String, ContractSize>,
}

impl Sizes {
    /// Measures prepared and compressed contracts.
    pub fn measure<'a>(deployables: impl IntoIterator<Item = &'a Deployable>) -> Self {
        Self {
            contracts: deployables
                .into_iter()
                .map(|d| (d.name.clone(), ContractSize::of(d)))
                .collect(),
        }
    }

    /// The snapshot file's text: pretty-printed JSON with a final newline.
    pub fn to_json(&self) -> String {
        let mut json = serde_json::to_string_pretty(self).expect("sizes always serialise");
        json.push('\n');
        json
    }

    /// Parses a snapshot file's text.
    pub fn from_json(json: &str) -> serde_json::Result<Self> {
        serde_json::from_str(json)
    }

    /// Every contract that violates a limit, with the reasons.
    pub fn violations(&self) -> Vec<(String, String)> {
        self.contracts
            .iter()
            .flat_map(|(name, size)| {
                size.violations()
                    .into_iter()
                    .map(move |reason| (name.clone(), reason))
            })
            .collect()
    }

    /// Human-readable differences from an older snapshot (`self` is current).
    /// Empty when the two are equal.
    pub fn diff(&self, committed: &Sizes) -> Vec<String> {
        let mut changes = Vec::new();
        for (name, now) in &self.contracts {
            match committed.contracts.get(name) {
                None => changes.push(format!("{name}: missing from the snapshot")),
                Some(then) if then != now => changes.push(format!(
                    "{name}: snapshot has wasm {} / brotli {}, build gives wasm {} / brotli {}",
                    then.wasm_bytes, then.brotli_bytes, now.wasm_bytes, now.brotli_bytes
                )),
                Some(_) => {}
            }
        }
        for name in committed.contracts.keys() {
            if !self.contracts.contains_key(name) {
                changes.push(format!("{name}: in the snapshot but no longer built"));
            }
        }
        changes
    }

    /// The report table: name, WASM bytes, compressed bytes, % of the limit.
    pub fn table(&self) -> String {
        let width = self
            .contracts
            .keys()
            .map(String::len)
            .chain(["contract".len()])
            .max()
            .unwrap_or_default();
        let mut out = format!(
            "{:<width$}  {:>10}  {:>12}  {:>8}\n",
            "contract", "wasm bytes", "brotli bytes", "% limit"
        );
        for (name, size) in &self.contracts {
            out.push_str(&format!(
                "{name:<width$}  {:>10}  {:>12}  {:>7.1}%\n",
                size.wasm_bytes,
                size.brotli_bytes,
                size.percent_of_limit()
            ));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sizes(entries: &[(&str, usize, usize)]) -> Sizes {
        Sizes {
            contracts: entries
                .iter()
                .map(|&(name, wasm_bytes, brotli_bytes)| {
                    (
                        name.to_string(),
                        ContractSize {
                            wasm_bytes,
                            brotli_bytes,
                        },
                    )
                })
                .collect(),
        }
    }

    #[test]
    fn json_format_is_stable() {
        let s = sizes(&[("lrt-vault", 200, 20), ("lrt-token", 100, 10)]);
        let expected = r#"{
  "contracts": {
    "lrt-token": {
      "wasm_bytes": 100,
      "brotli_bytes": 10
    },
    "lrt-vault": {
      "wasm_bytes": 200,
      "brotli_bytes": 20
    }
  }
}
"#;
        assert_eq!(s.to_json(), expected);
        assert_eq!(Sizes::from_json(expected).unwrap(), s);
    }

    #[test]
    fn violations_and_diff() {
        let s = sizes(&[
            ("ok", 100_000, SIZE_BUDGET_BYTES),
            ("big", 90_000, SIZE_BUDGET_BYTES + 1),
            ("huge", MAX_WASM_BYTES + 1, 10),
        ]);
        let names: Vec<_> = s.violations().into_iter().map(|(n, _)| n).collect();
        assert_eq!(names, ["big", "huge"]);

        assert!(s.diff(&s).is_empty());
        let old = sizes(&[
            ("ok", 100_000, SIZE_BUDGET_BYTES),
            ("gone", 1, 1),
            ("big", 1, 1),
        ]);
        let diff = s.diff(&old);
        assert_eq!(diff.len(), 3, "{diff:?}");
        assert!(diff.iter().any(|d| d.starts_with("big:")));
        assert!(diff.iter().any(|d| d.starts_with("huge: missing")));
        assert!(diff.iter().any(|d| d.starts_with("gone: in the snapshot")));
    }

    #[test]
    fn percent_of_limit() {
        let size = ContractSize {
            wasm_bytes: 1,
            brotli_bytes: MAX_CODE_BYTES / 4,
        };
        assert_eq!(size.percent_of_limit(), 25.0);
        let table = sizes(&[("lrt-token", 50_000, 6_144)]).table();
        assert!(table.contains("lrt-token"));
        assert!(table.contains("25.0%"), "{table}");
    }
}
