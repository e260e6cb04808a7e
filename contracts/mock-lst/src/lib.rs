//! A liquid staking token for devnets and tests.
//!
//! An ERC-20 with an open faucet (`mint`) and an optional transfer
//! shortfall: when set to `n`, every transfer debits the full amount from the
//! sender but delivers `n` wei less to the receiver (the difference is
//! burned), as stETH does by 1-2 wei through share rounding. The vault must
//! count what arrived, not what was asked.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
#![cfg_attr(all(target_arch = "wasm32", not(feature = "export-abi")), no_std)]
extern crate alloc;
// Links the shared panic handler into the program.
extern crate lrt_common as _;

use alloc::{string::String, vec, vec::Vec};

use alloy_primitives::{Address, U256, U8};
use openzeppelin_stylus::token::erc20::{self, Erc20, IErc20};
use stylus_sdk::{
    prelude::*,
    storage::{StorageAddress, StorageString, StorageU256},
    stylus_core::log,
};

lrt_common::sol_declarations! {
    /// Only the deployer may set the shortfall.
    #[derive(Debug)]
    error NotOwner(address caller);

    /// Transfers now deliver `shortfall` wei less than asked.
    #[derive(Debug)]
    event TransferShortfallSet(uint256 shortfall);
}

/// Why a mock-token call failed.
#[derive(SolidityError, Debug)]
pub enum Error {
    /// The sender's balance is too low.
    InsufficientBalance(erc20::ERC20InsufficientBalance),
    /// The sender is the zero address.
    InvalidSender(erc20::ERC20InvalidSender),
    /// The receiver is the zero address.
    InvalidReceiver(erc20::ERC20InvalidReceiver),
    /// The spender's allowance is too low.
    InsufficientAllowance(erc20::ERC20InsufficientAllowance),
    /// The spender is the zero address.
    InvalidSpender(erc20::ERC20InvalidSpender),
    /// The approver is the zero address.
    InvalidApprover(erc20::ERC20InvalidApprover),
    /// See [`NotOwner`].
    NotOwner(NotOwner),
}

impl From<erc20::Error> for Error {
    fn from(value: erc20::Error) -> Self {
        match value {
            erc20::Error::InsufficientBalance(e) => Error::InsufficientBalance(e),
            erc20::Error::InvalidSender(e) => Error::InvalidSender(e),
            erc20::Error::InvalidReceiver(e) => Error::InvalidReceiver(e),
            erc20::Error::InsufficientAllowance(e) => Error::InsufficientAllowance(e),
            erc20::Error::InvalidSpender(e) => Error::InvalidSpender(e),
            erc20::Error::InvalidApprover(e) => Error::InvalidApprover(e),
        }
    }
}

/// The ABI export's additions to what stylus-sdk derives (see
/// [`lrt_common::export`]): ERC-20's functions and events, and the errors'
/// field names.
#[cfg(feature = "export-abi")]
pub const ABI_SECTIONS: &[lrt_common::export::Section] = {
    use lrt_common::export::{self as abi, Section};
    &[
        Section::Declarations(SOL_DECLARATIONS),
        Section::Declarations(abi::ERC20_DECLARATIONS),
        Section::TraitFunctions(abi::ERC20_FUNCTIONS),
    ]
};

/// The mock token's storage.
#[entrypoint]
#[storage]
pub struct MockLst {
    /// Balances, allowances and supply.
    erc20: Erc20,
    /// Token name.
    name: StorageString,
    /// Token symbol.
    symbol: StorageString,
    /// The deployer, who may set the shortfall.
    owner: StorageAddress,
    /// Wei withheld from every transfer.
    shortfall: StorageU256,
}

#[public]
#[implements(IErc20<Error = Error>)]
impl MockLst {
    /// Names the token; the caller becomes its owner.
    #[constructor]
    pub fn constructor(&mut self, name: String, symbol: String) {
        self.name.set_str(name);
        self.symbol.set_str(symbol);
        let owner = self.vm().msg_sender();
        self.owner.set(owner);
    }

    /// The token's name.
    pub fn name(&self) -> String {
        self.name.get_string()
    }

    /// The token's symbol.
    pub fn symbol(&self) -> String {
        self.symbol.get_string()
    }

    /// 18.
    pub fn decimals(&self) -> U8 {
        U8::from(18)
    }

    /// Faucet: anyone may mint any amount to anyone.
    ///
    /// # Errors
    /// [`Error::InvalidReceiver`] for the zero address.
    pub fn mint(&mut self, to: Address, amount: U256) -> Result<(), Error> {
        Ok(self.erc20._mint(to, amount)?)
    }

    /// Makes every later transfer deliver `shortfall` wei less than asked.
    /// Owner only.
    ///
    /// # Errors
    /// [`Error::NotOwner`].
    ///
    /// # Events
    /// `TransferShortfallSet`.
    pub fn set_transfer_shortfall(&mut self, shortfall: U256) -> Result<(), Error> {
        let caller = self.vm().msg_sender();
        if caller != self.owner.get() {
            return Err(NotOwner { caller }.into());
        }
        self.shortfall.set(shortfall);
        log(self.vm(), TransferShortfallSet { shortfall });
        Ok(())
    }

    /// Wei withheld from every transfer.
    pub fn transfer_shortfall(&self) -> U256 {
        self.shortfall.get()
    }
}

impl MockLst {
    /// Moves `value` out of `from`, of which `value - shortfall` reaches `to`
    /// and the rest is burned.
    fn move_tokens(&mut self, from: Address, to: Address, value: U256) -> Result<(), Error> {
        if to.is_zero() {
            return Err(erc20::ERC20InvalidReceiver { receiver: to }.into());
        }
        let withheld = self.shortfall.get().min(value);
        self.erc20._update(from, to, value - withheld)?;
        if !withheld.is_zero() {
            self.erc20._update(from, Address::ZERO, withheld)?;
        }
        Ok(())
    }
}

#[public]
impl IErc20 for MockLst {
    type Error = Error;

    fn total_supply(&self) -> U256 {
        self.erc20.total_supply()
    }

    fn balance_of(&self, account: Address) -> U256 {
        self.erc20.balance_of(account)
    }

    fn transfer(&mut self, to: Address, value: U256) -> Result<bool, Error> {
        let from = self.vm().msg_sender();
        self.move_tokens(from, to, value)?;
        Ok(true)
    }

    fn allowance(&self, owner: Address, spender: Address) -> U256 {
        self.erc20.allowance(owner, spender)
    }

    fn approve(&mut self, spender: Address, value: U256) -> Result<bool, Error> {
        Ok(self.erc20.approve(spender, value)?)
    }

    fn transfer_from(&mut self, from: Address, to: Address, value: U256) -> Result<bool, Error> {
        let spender = self.vm().msg_sender();
        self.erc20._spend_allowance(from, spender, value)?;
        self.move_tokens(from, to, value)?;
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use motsu::prelude::*;

    use super::*;

    fn deployed(token: &Contract<MockLst>, owner: Address) {
        token
            .sender(owner)
            .constructor("Staked Ether".into(), "stETH".into());
    }

    #[motsu::test]
    fn transfers_in_full_without_shortfall(token: Contract<MockLst>, alice: Address, bob: Address) {
        deployed(&token, alice);
        token
            .sender(alice)
            .mint(alice, U256::from(100))
            .motsu_unwrap();
        token
            .sender(alice)
            .transfer(bob, U256::from(40))
            .motsu_unwrap();
        assert_eq!(token.sender(alice).balance_of(alice), U256::from(60));
        assert_eq!(token.sender(alice).balance_of(bob), U256::from(40));
    }

    #[motsu::test]
    fn shortfall_delivers_less_and_burns_the_rest(
        token: Contract<MockLst>,
        alice: Address,
        bob: Address,
        vault: Address,
    ) {
        deployed(&token, alice);
        token
            .sender(alice)
            .mint(alice, U256::from(100))
            .motsu_unwrap();
        token
            .sender(alice)
            .set_transfer_shortfall(U256::from(2))
            .motsu_unwrap();
        token
            .sender(alice)
            .approve(vault, U256::from(50))
            .motsu_unwrap();
        token
            .sender(vault)
            .transfer_from(alice, bob, U256::from(50))
            .motsu_unwrap();
        assert_eq!(token.sender(alice).balance_of(alice), U256::from(50));
        assert_eq!(token.sender(alice).balance_of(bob), U256::from(48));
        assert_eq!(token.sender(alice).total_supply(), U256::from(98));
        assert_eq!(token.sender(alice).allowance(alice, vault), U256::ZERO);
    }

    #[motsu::test]
    fn only_owner_sets_shortfall(token: Contract<MockLst>, alice: Address, bob: Address) {
        deployed(&token, alice);
        let err = token
            .sender(bob)
            .set_transfer_shortfall(U256::from(1))
            .motsu_unwrap_err();
        assert!(matches!(err, Error::NotOwner(_)));
        assert_eq!(token.sender(bob).transfer_shortfall(), U256::ZERO);
    }
}
