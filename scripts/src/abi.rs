//! The ABI of the protocol's contracts and of the Stylus precompiles, as the
//! deploy tool and integrators call them. Written from the contracts' public
//! functions (stylus-sdk names them in lowerCamelCase); every call the tool
//! makes goes through these bindings, so a changed selector fails loudly.

#![allow(missing_docs)] // `sol!` generates undocumented items.

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

    /// lrETH beyond ERC-20.
    #[derive(Debug, PartialEq, Eq)]
    interface ILrtToken {
        function MINTER_ROLE() external view returns (bytes32);
        function mint(address to, uint256 amount) external;
        function burn(address from, uint256 amount) external;
        function nonces(address owner) external view returns (uint256);
        function DOMAIN_SEPARATOR() external view returns (bytes32);
    }

    /// The devnet LST: an open faucet.
    #[derive(Debug, PartialEq, Eq)]
    interface IMockLst {
        function mint(address to, uint256 amount) external;
        function setTransferShortfall(uint256 shortfall) external;
        function transferShortfall() external view returns (uint256);
    }

    /// The devnet rate source.
    #[derive(Debug, PartialEq, Eq)]
    interface IRateSource {
        function setRate(uint256 rate) external;
        function setRateAt(uint256 rate, uint256 updatedAt) external;
        function latestRate() external view returns (uint256 rate, uint256 updatedAt);
    }

    #[derive(Debug, PartialEq, Eq)]
    interface IAssetRegistry {
        function addAsset(address asset, address rateSource, uint256 depositCap, uint64 maxStaleness, uint256 maxChangeBps) external;
        function setAssetEnabled(address asset, bool enabled) external;
        function setDepositCap(address asset, uint256 depositCap) external;
        function currentRate(address asset) external view returns (uint256 rate, uint256 depositCap, bool enabled);
        function assets() external view returns (address[]);

        error UnknownAsset(address asset);
        error StaleRate(address asset, uint256 updatedAt, uint256 now, uint64 maxStaleness);
        error RateOutOfBounds(address asset, uint256 accepted, uint256 reported, uint256 maxChangeBps);
    }

    #[derive(Debug, PartialEq, Eq)]
    interface IWithdrawalQueue {
        function requestRedeem(uint256 shares, address controller, address owner, address payoutAsset) external returns (uint256 requestId);
        function finalize(address asset, uint256 maxRequests) external returns (uint256 count);
        function claim(uint256 requestId) external returns (uint256 amount);
        function claimTo(uint256 requestId, address receiver) external returns (uint256 amount);
        function cancel(uint256 requestId) external;
        function pendingRedeemRequest(uint256 requestId, address controller) external view returns (uint256 shares);
        function claimableRedeemRequest(uint256 requestId, address controller) external view returns (uint256 shares);

        event RedeemRequest(address indexed controller, address indexed owner, uint256 indexed requestId, address sender, uint256 shares);
        event RedeemClaimed(uint256 indexed requestId, address indexed controller, address indexed receiver, address asset, uint256 amount);

        error EthTransferFailed(address to, uint256 amount);
    }

    #[derive(Debug, PartialEq, Eq)]
    interface IVault {
        function deposit(uint256 assets, address receiver) external payable returns (uint256 shares);
        function depositAsset(address asset, uint256 amount, address receiver, uint256 minShares) external returns (uint256 shares);
        function syncAssetRate(address asset) external returns (uint256 rate);
        function link(address restakingLayer, address withdrawalQueue) external;
        function delegate(address operator, address asset, uint256 amount) external returns (uint256 received);
        function distributeRewards() external payable;
        function setFee(uint256 feeBps) external;
        function setTreasury(address treasury) external;
        function setRewardLimits(uint256 maxRewardBps, uint64 minReportInterval) external;
        function setDepositLimits(uint256 minDeposit, uint256 totalCap) external;
        function setDepositsPaused(bool paused) external;

        function totalAssets() external view returns (uint256);
        function convertToShares(uint256 assets) external view returns (uint256);
        function convertToAssets(uint256 shares) external view returns (uint256);
        function getRate() external view returns (uint256);
        function previewDeposit(address asset, uint256 amount) external view returns (uint256);
        function maxDeposit(address asset, address receiver) external view returns (uint256);
        function share() external view returns (address);
        function asset() external view returns (address);
        function registry() external view returns (address);
        function assetTotals(address asset) external view returns (uint256 idle, uint256 delegated, uint256 rate, uint256 value, uint256 reserved);
        function links() external view returns (address restakingLayer, address withdrawalQueue);
        function treasury() external view returns (address);
        function feeBps() external view returns (uint256);
        function depositsPaused() external view returns (bool);

        event Deposit(address indexed sender, address indexed receiver, address indexed asset, uint256 amount, uint256 value, uint256 shares);
        event RewardsDistributed(uint256 rewards, uint256 fee, uint256 feeShares, uint256 rate);
        event StakeSlashed(address indexed asset, uint256 amount, uint256 valueLost);

        error ZeroAmount();
        error ValueMismatch(uint256 assets, uint256 value);
        error InvalidAddress(address account);
        error UnsupportedAsset(address asset);
        error DepositsPaused();
        error ZeroShares();
        error NoBackingAssets(uint256 supply);
        error RewardAboveBound(uint256 rewards, uint256 maxRewards);
        error InsufficientIdle(address asset, uint256 idle, uint256 amount);
        error AlreadyLinked(address restakingLayer);
    }

    #[derive(Debug, PartialEq, Eq)]
    interface IOperatorRegistry {
        function setDelegation(address delegation) external;
        function addOperator(address operator, string metadataUri, address slasher, uint256 cap) external;
        function setOperatorCap(address operator, uint256 cap) external;
        function setOperatorPaused(address operator, bool paused) external;
        function removeOperator(address operator) external;
        function operators(uint256 offset, uint256 limit) external view returns (address[]);
        function operatorCount() external view returns (uint256);
        function operator(address operator) external view returns (uint8 status, address slasher, uint256 cap);
        function delegation() external view returns (address);

        error UnknownOperator(address operator);
        error OperatorAlreadyRegistered(address operator);
    }

    #[derive(Debug, PartialEq, Eq)]
    interface IDelegation {
        function setSlashRecipient(address recipient) external;
        function setUnbondingDelay(uint64 delay) external;
        function undelegate(address operator, address asset, uint256 amount) external returns (uint256 id);
        function completeUnbonding(uint256 id) external returns (uint256 amount);
        function slash(address operator, uint256 amount, bytes32 evidence) external returns (uint256 valueLost);
        function operatorHasStake(address operator) external view returns (bool);
        function stakeOf(address operator, address asset) external view returns (uint256 active, uint256 unbonding);
        function operatorStakeValue(address operator) external view returns (uint256);
        function totalStake(address asset) external view returns (uint256);
        function config() external view returns (address vault, address operatorRegistry, address slashRecipient, uint64 unbondingDelay);

        event OperatorSlashed(address indexed operator, address indexed slasher, bytes32 indexed evidence, uint256 requested, uint256 valueLost);

        error NotSlasher(address caller, address operator);
        error NothingToSlash(address operator);
        error OperatorCapExceeded(address operator, uint256 stakeValueAfter, uint256 cap);
    }
}

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
