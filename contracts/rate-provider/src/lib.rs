//! lrETH's rate for lending markets and AMMs, read from the vault.
//!
//! Two shapes of the same figure, ETH per lrETH with 18 decimals:
//! Balancer's `IRateProvider.getRate()`, and Chainlink's
//! `AggregatorV3Interface` (`latestRoundData`, `decimals`, `description`,
//! `version`), so Aave-, Morpho- and Balancer-style integrations need no
//! wrapper of their own. The rate is total assets × 1e18 / lrETH supply
//! (1e18 while no lrETH exists); `updatedAt` is when the vault's valuation
//! last moved or was confirmed (`Vault.valuationUpdatedAt`).
//!
//! The program holds no funds and has no privileged function: it only
//! reads the vault and the token. It is a program of its own so that the
//! vault keeps its size budget for the books.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
#![cfg_attr(all(target_arch = "wasm32", not(feature = "export-abi")), no_std)]
extern crate alloc;

use alloc::{string::String, vec, vec::Vec};

use alloy_primitives::{aliases::I256, Address, FixedBytes, Uint, U256};
use alloy_sol_types::SolCall;
use lrt_common::{
    access::{check_creator, NotCreator},
    constants::WAD,
    external::{first_word, static_call, ExternalRevert},
    interfaces::totalSupplyCall,
    introspection::{supports, AGGREGATOR_V3, ERC165, RATE_PROVIDER},
    math::{mul_div, Rounding},
};
use stylus_sdk::{prelude::*, storage::StorageAddress};

/// Solidity's `uint80`, the type of Chainlink round ids.
pub type U80 = Uint<80, 2>;

/// Decimals of every answer: the rate is a 1e18 fixed-point number.
pub const DECIMALS: u8 = 18;
/// Version of this feed's interface and semantics.
pub const VERSION: u64 = 1;
/// What the feed measures.
pub const DESCRIPTION: &str = "lrETH / ETH exchange rate";

mod calls {
    alloy_sol_types::sol! {
        function totalAssets() external view returns (uint256);
        function share() external view returns (address);
        function valuationUpdatedAt() external view returns (uint64);
    }
}

lrt_common::sol_declarations! {
    /// An address argument was the zero address.
    #[derive(Debug)]
    error InvalidAddress(address account);
    /// Only the latest round is kept: `round_id` is not it.
    #[derive(Debug)]
    error NoDataPresent(uint256 round_id);
    /// A result did not fit its type.
    #[derive(Debug)]
    error MathOverflow();
}

lrt_common::errors! {
    /// Why a rate-provider call failed.
    pub enum Error {
        /// See [`InvalidAddress`].
        InvalidAddress(InvalidAddress { account }),
        /// See [`NoDataPresent`].
        NoDataPresent(NoDataPresent { round_id }),
        /// See [`MathOverflow`].
        MathOverflow(MathOverflow {}),
        /// See [`NotCreator`]: the constructor was called by another
        /// account than the creator.
        NotCreator(NotCreator { caller, creator }),
    }
    nested {
        /// A call to the vault or the token reverted; its revert data is
        /// passed on unchanged.
        External(ExternalRevert),
    }
}

/// The ABI export's additions to what stylus-sdk derives (see
/// [`lrt_common::export`]): the errors' field names and named return values.
#[cfg(feature = "export-abi")]
pub const ABI_SECTIONS: &[lrt_common::export::Section] = {
    use lrt_common::export::Section;
    &[
        Section::Declarations(SOL_DECLARATIONS),
        Section::Declarations("error NotCreator(address caller, address creator);"),
        Section::NamedReturns(
            "
    function getRate() external view returns (uint256 rate);
    function decimals() external view returns (uint8 decimals);
    function description() external view returns (string memory description);
    function version() external view returns (uint256 version);
    function latestRoundData() external view returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound);
    function getRoundData(uint80 roundId) external view returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound);
    function vault() external view returns (address vault);
    function share() external view returns (address share);
    function supportsInterface(bytes4 interfaceId) external view returns (bool supported);
",
        ),
    ]
};

/// A Chainlink round: `(roundId, answer, startedAt, updatedAt, answeredInRound)`.
pub type Round = (U80, I256, U256, U256, U80);

/// The rate provider's storage: what it reads.
#[entrypoint]
#[storage]
pub struct RateProvider {
    /// The vault: total assets and when they were last valued.
    vault: StorageAddress,
    /// lrETH, read from the vault at construction.
    token: StorageAddress,
}

#[public]
impl RateProvider {
    /// Points the provider at `vault` and its lrETH (the vault's `share()`).
    ///
    /// # Errors
    /// [`Error::InvalidAddress`], [`Error::NotCreator`], and the
    /// vault's revert data.
    #[constructor]
    pub fn constructor(&mut self, vault: Address) -> Result<(), Error> {
        check_creator(self.vm())?;
        if vault.is_zero() {
            return Err(InvalidAddress { account: vault }.into());
        }
        let token = Address::from_word(
            first_word(&static_call(vault, &calls::shareCall::SELECTOR)?).into(),
        );
        if token.is_zero() {
            return Err(InvalidAddress { account: token }.into());
        }
        self.vault.set(vault);
        self.token.set(token);
        Ok(())
    }

    /// Balancer's `IRateProvider`: ETH per lrETH, 1e18 = 1:1, rounded down;
    /// 1e18 while no lrETH exists.
    ///
    /// # Errors
    /// [`Error::MathOverflow`]; the vault's and the token's revert data.
    pub fn get_rate(&self) -> Result<U256, Error> {
        let total = self.read(self.vault.get(), calls::totalAssetsCall::SELECTOR)?;
        let supply = self.read(self.token.get(), totalSupplyCall::SELECTOR)?;
        if supply.is_zero() {
            return Ok(WAD);
        }
        mul_div(total, WAD, supply, Rounding::Down).ok_or_else(|| MathOverflow {}.into())
    }

    /// Decimals of the answer: 18.
    pub fn decimals(&self) -> u8 {
        DECIMALS
    }

    /// What the answer measures.
    pub fn description(&self) -> String {
        DESCRIPTION.into()
    }

    /// The feed's version.
    pub fn version(&self) -> U256 {
        U256::from(VERSION)
    }

    /// Chainlink's `latestRoundData`: the answer is `getRate()`; `updatedAt`
    /// and `startedAt` are when the vault's valuation last moved or was
    /// confirmed. A round is a valuation: its id is that time, so it grows
    /// with every new valuation, and `answeredInRound` equals it. The answer
    /// can move between valuations by deposits and withdrawals only by
    /// rounding, in the holders' favour.
    ///
    /// # Errors
    /// As [`Self::get_rate`].
    pub fn latest_round_data(&self) -> Result<Round, Error> {
        let updated_at = self.read(self.vault.get(), calls::valuationUpdatedAtCall::SELECTOR)?;
        let answer = I256::try_from(self.get_rate()?).map_err(|_| MathOverflow {})?;
        // `valuationUpdatedAt` is a uint64: it fits.
        let round_id = U80::from(updated_at.saturating_to::<u64>());
        Ok((round_id, answer, updated_at, updated_at, round_id))
    }

    /// Chainlink's `getRoundData`: only the latest round is kept, so any
    /// other id fails.
    ///
    /// # Errors
    /// [`Error::NoDataPresent`]; as [`Self::get_rate`].
    pub fn get_round_data(&self, round_id: U80) -> Result<Round, Error> {
        let round = self.latest_round_data()?;
        if round.0 != round_id {
            return Err(NoDataPresent {
                round_id: U256::from(round_id),
            }
            .into());
        }
        Ok(round)
    }

    /// The vault the rate is read from.
    pub fn vault(&self) -> Address {
        self.vault.get()
    }

    /// lrETH, the token the rate prices.
    pub fn share(&self) -> Address {
        self.token.get()
    }

    /// ERC-165: ERC-165, `IRateProvider` and `AggregatorV3Interface`.
    pub fn supports_interface(&self, interface_id: FixedBytes<4>) -> bool {
        supports(interface_id, &[ERC165, RATE_PROVIDER, AGGREGATOR_V3])
    }
}

impl RateProvider {
    /// The first word `target` answers to the argument-less view `selector`;
    /// an answer shorter than a word is refused like a revert without data.
    fn read(&self, target: Address, selector: [u8; 4]) -> Result<U256, Error> {
        let data = static_call(target, &selector)?;
        if data.len() < 32 {
            return Err(ExternalRevert(Vec::new()).into());
        }
        Ok(first_word(&data))
    }
}

#[cfg(test)]
mod tests;
