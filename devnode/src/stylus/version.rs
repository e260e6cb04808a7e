//! The ArbOS version the chain runs, and every rule that depends on it.
//!
//! Nitro gates behaviour on `ArbOSVersion` constants (go-ethereum's
//! `params/config_arbitrum.go`, Nitro's `crates/arbutil/src/evm/mod.rs`); the
//! aliases that matter to Stylus are `ArbosVersion_Stylus` = 30,
//! `ArbosVersion_StylusContractLimit` = `ArbosVersion_StylusActivationGas` =
//! 60 and `ARBOS_VERSION_STYLUS_NO_MULTI_VALUE` = 60. A chain starts at one
//! version and stays there: the devnode has no upgrade path.

/// ArbOS versions a devnode can run.
pub const SUPPORTED: [u64; 3] = [50, 51, 61];
/// What `nitro --dev` starts at.
pub const DEFAULT: u64 = 51;

/// First version with Stylus (`ArbosVersion_Stylus`).
const STYLUS: u64 = 30;
/// First version with fragmented programs (`ArbosVersion_StylusContractLimit`).
const STYLUS_CONTRACT_LIMIT: u64 = 60;
/// First version with ArbWasm's `activationGas` (`ArbosVersion_StylusActivationGas`).
const STYLUS_ACTIVATION_GAS: u64 = 60;
/// First version whose validator refuses multi-value (`ARBOS_VERSION_STYLUS_NO_MULTI_VALUE`).
const STYLUS_NO_MULTI_VALUE: u64 = 60;
/// First version that prices the recently used programs as cached (`CallProgram`).
const RECENT_PROGRAMS_CACHE: u64 = 60;
/// `initialMaxFragmentCount`, set by the upgrade to `ArbosVersion_StylusContractLimit`.
const INITIAL_MAX_FRAGMENT_COUNT: u8 = 2;
/// What ArbSys adds to the ArbOS version it reports (Nitro `ArbSys.ArbOSVersion`).
const ARBSYS_VERSION_OFFSET: u64 = 55;

/// The chain's ArbOS version, one of [`SUPPORTED`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ArbosVersion(u64);

impl Default for ArbosVersion {
    fn default() -> Self {
        Self(DEFAULT)
    }
}

impl std::fmt::Display for ArbosVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ArbOS {}", self.0)
    }
}

impl std::str::FromStr for ArbosVersion {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let number: u64 = s
            .trim()
            .parse()
            .map_err(|_| format!("ArbOS version {s:?} is not a number"))?;
        Self::new(number)
    }
}

impl ArbosVersion {
    /// The version `number`, if the devnode emulates it.
    pub fn new(number: u64) -> Result<Self, String> {
        if SUPPORTED.contains(&number) {
            Ok(Self(number))
        } else {
            Err(format!(
                "ArbOS {number} is not emulated; choose one of {}",
                SUPPORTED.map(|v| v.to_string()).join(", ")
            ))
        }
    }

    /// The version number (e.g. 51).
    pub fn number(self) -> u64 {
        self.0
    }

    /// What ArbSys's `arbOSVersion()` returns: 55 + the version.
    pub fn arbsys_version(self) -> u64 {
        ARBSYS_VERSION_OFFSET + self.0
    }

    /// Whether root programs and fragments are Stylus code (deployable, activatable, callable).
    pub fn has_fragments(self) -> bool {
        self.0 >= STYLUS_CONTRACT_LIMIT
    }

    /// `MaxFragmentCount` of the Stylus parameters (0 before fragments exist).
    pub fn max_fragment_count(self) -> u8 {
        if self.has_fragments() {
            INITIAL_MAX_FRAGMENT_COUNT
        } else {
            0
        }
    }

    /// Whether the validator accepts WebAssembly multi-value at activation.
    pub fn allows_multi_value(self) -> bool {
        self.0 < STYLUS_NO_MULTI_VALUE
    }

    /// Whether a call to a program run earlier in the block pays the cached init price.
    pub fn has_recent_programs_cache(self) -> bool {
        self.0 >= RECENT_PROGRAMS_CACHE
    }

    /// Whether ArbWasm serves `activationGas()` (`ArbosVersion_StylusActivationGas`).
    pub fn has_activation_gas_method(self) -> bool {
        self.0 >= STYLUS_ACTIVATION_GAS
    }

    /// Whether ArbWasmCache serves `cacheCodehash` (only up to `ArbosVersion_Stylus`).
    pub fn has_cache_codehash(self) -> bool {
        self.0 <= STYLUS
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_emulated_versions_parse() {
        for number in SUPPORTED {
            assert_eq!(
                number.to_string().parse::<ArbosVersion>().unwrap().number(),
                number
            );
        }
        assert!("60".parse::<ArbosVersion>().is_err());
        assert!("fifty".parse::<ArbosVersion>().is_err());
        assert_eq!(ArbosVersion::default().number(), 51);
    }

    #[test]
    fn gates_follow_nitro_thresholds() {
        let v50 = ArbosVersion::new(50).unwrap();
        let v51 = ArbosVersion::new(51).unwrap();
        let v61 = ArbosVersion::new(61).unwrap();
        assert_eq!((v50.arbsys_version(), v61.arbsys_version()), (105, 116));
        for pre in [v50, v51] {
            assert!(!pre.has_fragments() && pre.allows_multi_value());
            assert!(!pre.has_activation_gas_method() && !pre.has_recent_programs_cache());
            assert_eq!(pre.max_fragment_count(), 0);
        }
        assert!(v61.has_fragments() && !v61.allows_multi_value());
        assert!(v61.has_activation_gas_method() && v61.has_recent_programs_cache());
        assert_eq!(v61.max_fragment_count(), 2);
        assert!(!v50.has_cache_codehash() && !v61.has_cache_codehash());
    }
}
