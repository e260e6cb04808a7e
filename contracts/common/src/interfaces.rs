//! The interfaces through which the protocol's contracts call each other and
//! the outside world. Each is the narrowest surface the caller needs.

#![allow(missing_docs)] // sol_interface! generates undocumented items.

use alloc::vec;

use stylus_sdk::prelude::sol_interface;

sol_interface! {
    /// A source of an asset's rate: ETH per token (1e18 = 1:1) and the time
    /// the rate was last updated.
    interface IRateSource {
        function latestRate() external view returns (uint256 rate, uint256 updated_at);
    }
}

alloy_sol_types::sol! {
    /// The restaking layer the vault delegates to (the built-in delegation
    /// contract, or later an adapter to an external restaking system). The
    /// vault sends ETH as the call's value, or approves the layer to pull the
    /// token, and passes its rate for the asset (ETH per unit, 1e18); the
    /// layer returns the units it received.
    function onDelegate(address operator, address asset, uint256 amount, uint256 rate) external payable returns (uint256 received);

    /// The vault, as the restaking layer calls it back: stake coming home
    /// (ETH as value, or tokens the vault pulls after the layer approved
    /// them) and stake lost to a slash.
    function onStakeReturned(address asset, uint256 amount) external payable;
    function onStakeSlashed(address asset, uint256 amount) external returns (uint256 value_lost);
    function assetTotals(address asset) external view returns (uint256 idle, uint256 delegated, uint256 rate, uint256 value, uint256 reserved);

    /// The operator registry, as the delegation contract reads it, and the
    /// delegation contract, as the registry asks it before a removal.
    function operator(address operator) external view returns (uint8 status, address slasher, uint256 cap);
    function operatorHasStake(address operator) external view returns (bool);

    /// The liquid restaking token, as the vault calls it.
    function mint(address to, uint256 amount) external;
    function totalSupply() external view returns (uint256);

    /// The asset registry, as the vault calls it: an asset's accepted rate
    /// (checked fresh and within bounds), its deposit cap and whether it is
    /// enabled.
    function refreshRate(address asset) external returns (uint256 rate, uint256 deposit_cap, bool enabled);
    function currentRate(address asset) external view returns (uint256 rate, uint256 deposit_cap, bool enabled);
    /// How many listed assets have a rate the registry marked unusable.
    function unusableAssets() external view returns (uint256);

    /// The vault, as the registry calls it: `asset`'s accepted rate is now
    /// `rate`, and `unusable_assets` listed assets have an unusable rate.
    function onRateUpdate(address asset, uint256 rate, uint256 unusable_assets) external;
}

/// Operator status: never registered.
pub const OPERATOR_UNKNOWN: u8 = 0;
/// Operator status: takes new stake.
pub const OPERATOR_ACTIVE: u8 = 1;
/// Operator status: takes no new stake; what it holds stays slashable.
pub const OPERATOR_PAUSED: u8 = 2;
/// Operator status: removed (it held no stake); may be added again.
pub const OPERATOR_REMOVED: u8 = 3;
