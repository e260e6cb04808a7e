//! The interfaces through which the protocol's contracts call each other and
//! the outside world. Each is the narrowest surface the caller needs.

#![allow(missing_docs)] // sol_interface! generates undocumented items.

use alloc::vec;

use stylus_sdk::prelude::sol_interface;

sol_interface! {
    /// The liquid restaking token, as the vault and the queue see it.
    interface ILrtToken {
        function mint(address to, uint256 amount) external;
        function burn(address from, uint256 amount) external;
        function totalSupply() external view returns (uint256);
    }

    /// The asset registry, as the vault sees it.
    interface IAssetRegistry {
        function refreshRate(address asset) external returns (uint256 rate, uint256 deposit_cap, bool enabled);
        function currentRate(address asset) external view returns (uint256 rate, uint256 deposit_cap, bool enabled);
        function assets() external view returns (address[] memory);
    }

    /// A source of an asset's rate: ETH per token (1e18 = 1:1) and the time
    /// the rate was last updated.
    interface IRateSource {
        function latestRate() external view returns (uint256 rate, uint256 updated_at);
    }

    /// The slice of ERC-20 the vault uses on deposited tokens.
    interface IErc20Balance {
        function balanceOf(address account) external view returns (uint256);
    }
}
