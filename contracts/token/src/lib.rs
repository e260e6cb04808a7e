//! lrETH, the liquid restaking token.
//!
//! A plain, non-rebasing ERC-20 with EIP-2612 permit: a holder's balance
//! never changes by itself; its value in ETH is `balance × vault.getRate()`
//! and moves with rewards and slashing. Only accounts holding
//! [`MINTER_ROLE`] (the vault, and the withdrawal queue) may mint and burn;
//! the admin grants that role once the vault is deployed.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
#![cfg_attr(all(target_arch = "wasm32", not(feature = "export-abi")), no_std)]
extern crate alloc;

use alloc::{string::String, vec, vec::Vec};

use alloy_primitives::{Address, FixedBytes, B256, U256, U8};
pub use lrt_common::constants::MINTER_ROLE;
use lrt_common::{
    access::{AccessError, IRoles, Roles},
    introspection::{supports, ERC165, ERC20, ERC20_METADATA, ERC2612},
};
use openzeppelin_stylus::{
    token::erc20::{
        self,
        extensions::{permit, Erc20Permit, IErc20Permit},
        Erc20, IErc20,
    },
    utils::{
        cryptography::eip712::IEip712,
        nonces::{INonces, Nonces},
    },
};
use stylus_sdk::prelude::*;

/// The token's name, also its EIP-712 domain name.
pub const NAME: &str = "Liquid Restaked ETH";
/// The token's symbol.
pub const SYMBOL: &str = "lrETH";

use erc20::{
    ERC20InsufficientAllowance, ERC20InsufficientBalance, ERC20InvalidApprover,
    ERC20InvalidReceiver, ERC20InvalidSender, ERC20InvalidSpender,
};
use openzeppelin_stylus::utils::cryptography::ecdsa::{
    ECDSAInvalidSignature, ECDSAInvalidSignatureS,
};
use permit::{ERC2612ExpiredSignature, ERC2612InvalidSigner};

lrt_common::errors! {
    /// Why a token call failed: a permit or ERC-20 error, or access control.
    pub enum Error {
        /// The permit's deadline has passed.
        ExpiredSignature(ERC2612ExpiredSignature { deadline }),
        /// The permit was not signed by the owner.
        InvalidSigner(ERC2612InvalidSigner { signer, owner }),
        /// The sender's balance is too low.
        InsufficientBalance(ERC20InsufficientBalance { sender, balance, needed }),
        /// The sender is the zero address.
        InvalidSender(ERC20InvalidSender { sender }),
        /// The receiver is the zero address.
        InvalidReceiver(ERC20InvalidReceiver { receiver }),
        /// The spender's allowance is too low.
        InsufficientAllowance(ERC20InsufficientAllowance { spender, allowance, needed }),
        /// The spender is the zero address.
        InvalidSpender(ERC20InvalidSpender { spender }),
        /// The approver is the zero address.
        InvalidApprover(ERC20InvalidApprover { approver }),
        /// The permit signature is malformed.
        InvalidSignature(ECDSAInvalidSignature {}),
        /// The permit signature's `s` is in the upper half of the curve order.
        InvalidSignatureS(ECDSAInvalidSignatureS { s }),
    }
    nested {
        /// An access-control failure.
        Access(AccessError),
    }
}

impl From<permit::Error> for Error {
    fn from(value: permit::Error) -> Self {
        match value {
            permit::Error::ExpiredSignature(e) => Error::ExpiredSignature(e),
            permit::Error::InvalidSigner(e) => Error::InvalidSigner(e),
            permit::Error::InsufficientBalance(e) => Error::InsufficientBalance(e),
            permit::Error::InvalidSender(e) => Error::InvalidSender(e),
            permit::Error::InvalidReceiver(e) => Error::InvalidReceiver(e),
            permit::Error::InsufficientAllowance(e) => Error::InsufficientAllowance(e),
            permit::Error::InvalidSpender(e) => Error::InvalidSpender(e),
            permit::Error::InvalidApprover(e) => Error::InvalidApprover(e),
            permit::Error::InvalidSignature(e) => Error::InvalidSignature(e),
            permit::Error::InvalidSignatureS(e) => Error::InvalidSignatureS(e),
        }
    }
}

impl From<erc20::Error> for Error {
    fn from(value: erc20::Error) -> Self {
        Error::from(permit::Error::from(value))
    }
}

/// The ABI export's additions to what stylus-sdk derives (see
/// [`lrt_common::export`]): the ERC-20, permit and roles functions of the
/// implemented traits, ERC-20's events and the errors' field names.
#[cfg(feature = "export-abi")]
pub const ABI_SECTIONS: &[lrt_common::export::Section] = {
    use lrt_common::export::{self as abi, Section};
    &[
        Section::Declarations(abi::ERC20_DECLARATIONS),
        Section::Declarations(abi::PERMIT_DECLARATIONS),
        Section::Declarations(lrt_common::access::SOL_DECLARATIONS),
        Section::TraitFunctions(abi::ERC20_FUNCTIONS),
        Section::TraitFunctions(abi::PERMIT_FUNCTIONS),
        Section::TraitFunctions(lrt_common::access::ROLES_FUNCTIONS),
    ]
};

/// The token's storage.
#[entrypoint]
#[storage]
pub struct LrtToken {
    /// Balances, allowances and supply (OpenZeppelin layout).
    erc20: Erc20,
    /// Permit nonces.
    nonces: Nonces,
    /// EIP-2612 permit.
    permit: Erc20Permit<Eip712>,
    /// Admin and minters.
    roles: Roles,
}

/// The EIP-712 domain of permits.
#[storage]
pub struct Eip712;

impl IEip712 for Eip712 {
    const NAME: &'static str = NAME;
    const VERSION: &'static str = "1";
}

#[public]
#[implements(IErc20<Error = Error>, INonces, IErc20Permit<Error = Error>, IRoles)]
impl LrtToken {
    /// Sets the admin, who then grants [`MINTER_ROLE`] to the vault and the
    /// queue.
    ///
    /// # Errors
    /// [`AccessError::InvalidAdmin`] if `admin` is zero.
    #[constructor]
    pub fn constructor(&mut self, admin: Address) -> Result<(), Error> {
        Ok(self.roles.init(admin)?)
    }

    /// The token's name.
    pub fn name(&self) -> String {
        NAME.into()
    }

    /// The token's symbol.
    pub fn symbol(&self) -> String {
        SYMBOL.into()
    }

    /// 18, like ETH.
    pub fn decimals(&self) -> U8 {
        U8::from(18)
    }

    /// The role that may mint and burn.
    #[selector(name = "MINTER_ROLE")]
    pub fn minter_role(&self) -> B256 {
        MINTER_ROLE
    }

    /// ERC-165: ERC-165, ERC-20 and its metadata (`name`, `symbol`,
    /// `decimals`), and EIP-2612 permit.
    pub fn supports_interface(&self, interface_id: FixedBytes<4>) -> bool {
        supports(interface_id, &[ERC165, ERC20, ERC20_METADATA, ERC2612])
    }

    /// Mints `amount` to `to`. Minters only.
    ///
    /// # Errors
    /// [`Error::Access`] for a caller without [`MINTER_ROLE`];
    /// [`Error::InvalidReceiver`] for the zero address.
    ///
    /// # Events
    /// `Transfer(0, to, amount)`.
    pub fn mint(&mut self, to: Address, amount: U256) -> Result<(), Error> {
        self.roles.check(MINTER_ROLE, self.vm().msg_sender())?;
        Ok(self.erc20._mint(to, amount)?)
    }

    /// Burns `amount` from `from`. Minters only: the queue burns the shares
    /// it holds in escrow when it pays a withdrawal.
    ///
    /// # Errors
    /// [`Error::Access`] for a caller without [`MINTER_ROLE`];
    /// [`Error::InsufficientBalance`] when `from` holds less than `amount`.
    ///
    /// # Events
    /// `Transfer(from, 0, amount)`.
    pub fn burn(&mut self, from: Address, amount: U256) -> Result<(), Error> {
        self.roles.check(MINTER_ROLE, self.vm().msg_sender())?;
        Ok(self.erc20._burn(from, amount)?)
    }

    /// Moves `amount` from `owner` to the caller, a minter (the withdrawal
    /// queue taking shares into escrow). When `spender` is not `owner`, it
    /// spends `spender`'s allowance from `owner` first, as `transferFrom`
    /// would have: the queue passes on whoever called it. Returns the lrETH
    /// supply, which the escrow leaves as it was, so that the queue prices
    /// the request without another call.
    ///
    /// # Errors
    /// [`Error::Access`] for a caller without [`MINTER_ROLE`];
    /// [`Error::InsufficientAllowance`], [`Error::InsufficientBalance`].
    ///
    /// # Events
    /// `Transfer(owner, caller, amount)`, and `Approval` when an allowance
    /// is spent.
    pub fn escrow_from(
        &mut self,
        owner: Address,
        spender: Address,
        amount: U256,
    ) -> Result<U256, Error> {
        let caller = self.vm().msg_sender();
        self.roles.check(MINTER_ROLE, caller)?;
        if spender != owner {
            self.erc20._spend_allowance(owner, spender, amount)?;
        }
        self.erc20._update(owner, caller, amount)?;
        Ok(self.erc20.total_supply())
    }
}

#[public]
impl IErc20 for LrtToken {
    type Error = Error;

    fn total_supply(&self) -> U256 {
        self.erc20.total_supply()
    }

    fn balance_of(&self, account: Address) -> U256 {
        self.erc20.balance_of(account)
    }

    fn transfer(&mut self, to: Address, value: U256) -> Result<bool, Error> {
        Ok(self.erc20.transfer(to, value)?)
    }

    fn allowance(&self, owner: Address, spender: Address) -> U256 {
        self.erc20.allowance(owner, spender)
    }

    fn approve(&mut self, spender: Address, value: U256) -> Result<bool, Error> {
        Ok(self.erc20.approve(spender, value)?)
    }

    fn transfer_from(&mut self, from: Address, to: Address, value: U256) -> Result<bool, Error> {
        Ok(self.erc20.transfer_from(from, to, value)?)
    }
}

#[public]
impl INonces for LrtToken {
    fn nonces(&self, owner: Address) -> U256 {
        self.nonces.nonces(owner)
    }
}

#[public]
impl IErc20Permit for LrtToken {
    type Error = Error;

    #[selector(name = "DOMAIN_SEPARATOR")]
    fn domain_separator(&self) -> B256 {
        self.permit.domain_separator()
    }

    fn permit(
        &mut self,
        owner: Address,
        spender: Address,
        value: U256,
        deadline: U256,
        v: u8,
        r: B256,
        s: B256,
    ) -> Result<(), Error> {
        Ok(self.permit.permit(
            owner,
            spender,
            value,
            deadline,
            v,
            r,
            s,
            &mut self.erc20,
            &mut self.nonces,
        )?)
    }
}

lrt_common::public_roles!(LrtToken, roles);

#[cfg(test)]
mod tests;
