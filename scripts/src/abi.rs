//! The ABI of the protocol's contracts and of the Stylus precompiles, as the
//! deploy tool and integrators call them. The contracts' bindings are
//! generated from their exported ABI in `abi/`; the precompiles' and the
//! shared surfaces (`IRoles`, the ERC-20 subset used on any LST) are written
//! here, and a test checks the shared ones against every exported contract.

#![allow(missing_docs)]
// `sol!` generates undocumented items.
// `sol!` gives each multi-value return a constructor taking every value.
#![allow(clippy::too_many_arguments)]

use alloy_primitives::{address, Address, B256};
use alloy_sol_types::sol;

/// ArbWasm: activation of Stylus programs.
pub const ARB_WASM: Address = address!("0000000000000000000000000000000000000071");
/// ArbWasmCache: the program cache kept by the cache managers.
pub const ARB_WASM_CACHE: Address = address!("0000000000000000000000000000000000000072");
/// The address that stands for native ETH where an asset is expected.
pub const ETH: Address = address!("EeeeeEeeeEeEeeEeEeEeeEEEeeeeEeeeeeeeEEeE");

/// Selector of every stylus-sdk 0.9 `#[constructor]`:
/// `keccak256("stylus_constructor()")[..4]`; the arguments follow it
/// ABI-encoded. It runs once per program (a storage slot guards it).
pub const CONSTRUCTOR_SELECTOR: [u8; 4] = [0x55, 0x85, 0x25, 0x8d];

/// `keccak256(name)`, the protocol's role ids.
fn role(name: &str) -> B256 {
    alloy_primitives::keccak256(name.as_bytes())
}

/// Role ids, as `contracts/common/src/constants.rs` defines them.
pub mod roles {
    use super::*;

    /// May pause deposits and withdrawals.
    pub fn pauser() -> B256 {
        role("PAUSER_ROLE")
    }
    /// Lists assets, sets caps, rate sources and limits.
    pub fn asset_manager() -> B256 {
        role("ASSET_MANAGER_ROLE")
    }
    /// Sends rewards into the vault.
    pub fn rewards_reporter() -> B256 {
        role("REWARDS_REPORTER_ROLE")
    }
    /// Mints and burns lrETH.
    pub fn minter() -> B256 {
        role("MINTER_ROLE")
    }
    /// Moves idle assets to operators and back.
    pub fn delegation_manager() -> B256 {
        role("DELEGATION_MANAGER_ROLE")
    }
    /// Allow-lists and edits operators.
    pub fn operator_manager() -> B256 {
        role("OPERATOR_MANAGER_ROLE")
    }
    /// Sets the rate of the devnet rate source.
    pub fn rate_updater() -> B256 {
        role("RATE_UPDATER_ROLE")
    }
}

sol! {
    #[derive(Debug, PartialEq, Eq)]
    interface IArbWasm {
        function activateProgram(address program) external payable returns (uint16 version, uint256 dataFee);
        function stylusVersion() external view returns (uint16 version);
        function codehashVersion(bytes32 codehash) external view returns (uint16 version);
        function programVersion(address program) external view returns (uint16 version);
        function programInitGas(address program) external view returns (uint64 gas, uint64 gasWhenCached);

        event ProgramActivated(bytes32 indexed codehash, bytes32 moduleHash, address program, uint256 dataFee, uint16 version);

        error ProgramNotWasm();
        error ProgramNotActivated();
        error ProgramNeedsUpgrade(uint16 version, uint16 stylusVersion);
        error ProgramExpired(uint64 ageInSeconds);
        error ProgramUpToDate();
        error ProgramInsufficientValue(uint256 have, uint256 want);
    }

    #[derive(Debug, PartialEq, Eq)]
    interface IArbWasmCache {
        function isCacheManager(address manager) external view returns (bool);
        function cacheProgram(address addr) external;
        function codehashIsCached(bytes32 codehash) external view returns (bool);
    }

    /// Role-based access control with a two-step admin transfer: every
    /// contract of the protocol has it.
    #[derive(Debug, PartialEq, Eq)]
    interface IRoles {
        function hasRole(bytes32 role, address account) external view returns (bool);
        function admin() external view returns (address);
        function pendingAdmin() external view returns (address);
        function grantRole(bytes32 role, address account) external;
        function revokeRole(bytes32 role, address account) external;
        function renounceRole(bytes32 role, address confirmation) external;
        function beginAdminTransfer(address newAdmin) external;
        function acceptAdminTransfer() external;

        event RoleGranted(bytes32 indexed role, address indexed account, address indexed sender);

        error AccessControlUnauthorizedAccount(address account, bytes32 neededRole);
        error AccessControlBadConfirmation();
        error AdminRoleTransferOnly();
        error NotPendingAdmin(address caller, address pending);
        error InvalidAdmin(address admin);
        error NotCreator(address caller, address creator);
    }

    /// The slice of ERC-20 the tool uses on lrETH and on LSTs.
    #[derive(Debug, PartialEq, Eq)]
    interface IErc20 {
        function name() external view returns (string);
        function symbol() external view returns (string);
        function decimals() external view returns (uint8);
        function totalSupply() external view returns (uint256);
        function balanceOf(address account) external view returns (uint256);
        function transfer(address to, uint256 value) external returns (bool);
        function allowance(address owner, address spender) external view returns (uint256);
        function approve(address spender, uint256 value) external returns (bool);
        function transferFrom(address from, address to, uint256 value) external returns (bool);

        event Transfer(address indexed from, address indexed to, uint256 value);

        error ERC20InsufficientBalance(address sender, uint256 balance, uint256 needed);
    }
}

// The protocol's contracts, from their exported ABI (`abi/`, written by
// `cargo run --release -p stylus-build --bin abi` and checked in CI): a
// changed function, event or error changes these bindings.
sol!(
    #[sol(all_derives)]
    "../abi/LrtToken.sol"
);
sol!(
    #[sol(all_derives)]
    "../abi/Vault.sol"
);
sol!(
    #[sol(all_derives)]
    "../abi/AssetRegistry.sol"
);
sol!(
    #[sol(all_derives)]
    "../abi/RateSource.sol"
);
sol!(
    #[sol(all_derives)]
    "../abi/MockLst.sol"
);
sol!(
    #[sol(all_derives)]
    "../abi/ChainlinkRateSource.sol"
);
sol!(
    #[sol(all_derives)]
    "../abi/MockAggregator.sol"
);
sol!(
    #[sol(all_derives)]
    "../abi/OperatorRegistry.sol"
);
sol!(
    #[sol(all_derives)]
    "../abi/Delegation.sol"
);
sol!(
    #[sol(all_derives)]
    "../abi/WithdrawalQueue.sol"
);
sol!(
    #[sol(all_derives)]
    "../abi/RateProvider.sol"
);
sol!(
    #[sol(all_derives)]
    "../abi/Timelock.sol"
);

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::keccak256;

    #[test]
    fn constructor_selector_is_stylus_sdks() {
        assert_eq!(
            CONSTRUCTOR_SELECTOR,
            keccak256(b"stylus_constructor()")[..4]
        );
    }

    /// `IRoles` is every contract's access control and `IErc20` the token
    /// surface the tool uses on lrETH and the devnet LST: each of their
    /// functions, events and errors must be in those contracts' exported ABI.
    #[test]
    fn shared_interfaces_are_part_of_each_exported_abi() {
        fn contains<T: PartialEq>(all: &[T], part: &[T]) -> bool {
            part.iter().all(|item| all.contains(item))
        }
        let roles_calls = IRoles::IRolesCalls::SELECTORS;
        let roles_errors = IRoles::IRolesErrors::SELECTORS;
        let roles_events = IRoles::IRolesEvents::SELECTORS;
        /// A contract's name and its functions', errors' and events' selectors.
        type Selectors = (
            &'static str,
            &'static [[u8; 4]],
            &'static [[u8; 4]],
            &'static [[u8; 32]],
        );
        let with_roles: [Selectors; 7] = [
            (
                "LrtToken",
                ILrtToken::ILrtTokenCalls::SELECTORS,
                ILrtToken::ILrtTokenErrors::SELECTORS,
                ILrtToken::ILrtTokenEvents::SELECTORS,
            ),
            (
                "Vault",
                IVault::IVaultCalls::SELECTORS,
                IVault::IVaultErrors::SELECTORS,
                IVault::IVaultEvents::SELECTORS,
            ),
            (
                "AssetRegistry",
                IAssetRegistry::IAssetRegistryCalls::SELECTORS,
                IAssetRegistry::IAssetRegistryErrors::SELECTORS,
                IAssetRegistry::IAssetRegistryEvents::SELECTORS,
            ),
            (
                "RateSource",
                IRateSource::IRateSourceCalls::SELECTORS,
                IRateSource::IRateSourceErrors::SELECTORS,
                IRateSource::IRateSourceEvents::SELECTORS,
            ),
            (
                "OperatorRegistry",
                IOperatorRegistry::IOperatorRegistryCalls::SELECTORS,
                IOperatorRegistry::IOperatorRegistryErrors::SELECTORS,
                IOperatorRegistry::IOperatorRegistryEvents::SELECTORS,
            ),
            (
                "Delegation",
                IDelegation::IDelegationCalls::SELECTORS,
                IDelegation::IDelegationErrors::SELECTORS,
                IDelegation::IDelegationEvents::SELECTORS,
            ),
            (
                "WithdrawalQueue",
                IWithdrawalQueue::IWithdrawalQueueCalls::SELECTORS,
                IWithdrawalQueue::IWithdrawalQueueErrors::SELECTORS,
                IWithdrawalQueue::IWithdrawalQueueEvents::SELECTORS,
            ),
        ];
        for (name, calls, errors, events) in with_roles {
            assert!(
                contains(calls, roles_calls),
                "{name} exports IRoles' functions"
            );
            assert!(
                contains(errors, roles_errors),
                "{name} exports IRoles' errors"
            );
            assert!(
                contains(events, roles_events),
                "{name} exports IRoles' events"
            );
        }
        for (name, calls, errors, events) in [
            (
                "LrtToken",
                ILrtToken::ILrtTokenCalls::SELECTORS,
                ILrtToken::ILrtTokenErrors::SELECTORS,
                ILrtToken::ILrtTokenEvents::SELECTORS,
            ),
            (
                "MockLst",
                IMockLst::IMockLstCalls::SELECTORS,
                IMockLst::IMockLstErrors::SELECTORS,
                IMockLst::IMockLstEvents::SELECTORS,
            ),
        ] {
            assert!(
                contains(calls, IErc20::IErc20Calls::SELECTORS),
                "{name} is an ERC-20"
            );
            assert!(
                contains(errors, IErc20::IErc20Errors::SELECTORS),
                "{name}'s ERC-20 errors"
            );
            assert!(
                contains(events, IErc20::IErc20Events::SELECTORS),
                "{name}'s ERC-20 events"
            );
        }
    }

    #[test]
    fn role_ids_are_keccak_of_their_names() {
        // The contracts' constants are compile-time keccaks of these names;
        // one known value pins the hashing.
        assert_eq!(
            roles::minter(),
            alloy_primitives::b256!(
                "9f2df0fed2c77648de5860a4cc508cd0818c85b8b8a1ab4ceeef8d981c8956a6"
            )
        );
        assert_ne!(roles::pauser(), roles::asset_manager());
    }
}
