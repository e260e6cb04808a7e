//! The ABI export of a contract (feature `export-abi`): what stylus-sdk
//! derives from the `#[public]` functions, plus what it cannot see.
//!
//! stylus-sdk's export lists a contract's own functions, its constructor and
//! the errors of its error types, with unnamed error fields and unnamed
//! return values; it leaves out the functions of implemented traits (the
//! roles, ERC-20, permit) and every event. [`print`] writes the SDK's
//! interface followed by sections that fill those gaps; `stylus-build`'s
//! `abi` command merges them into `abi/<Contract>.json` and
//! `abi/<Contract>.sol`, checking each addition against the SDK's view.

extern crate std;

use core::fmt;
use std::println;

use stylus_sdk::abi::GenerateAbi;

/// Solidity source that extends a contract's exported ABI.
#[derive(Clone, Copy, Debug)]
pub enum Section {
    /// `sol!` event and error declarations (a module's `SOL_DECLARATIONS`):
    /// every event, and the field names of errors the SDK lists unnamed.
    Declarations(&'static str),
    /// Functions of implemented traits, which the SDK's export omits.
    TraitFunctions(&'static str),
    /// Functions the SDK exports, restated with named return values; the
    /// export fails if a restated function differs in any type.
    NamedReturns(&'static str),
}

struct Formatted(fn(&mut fmt::Formatter<'_>) -> fmt::Result);

impl fmt::Display for Formatted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        (self.0)(f)
    }
}

/// Prints the export of contract `T`.
///
/// With no argument: the interface with `sections`, in the format
/// `stylus-build`'s `abi` command reads (one `@@<kind>` line before each
/// part). With `constructor` or `abi`, what cargo-stylus asks the SDK's
/// export for: the constructor's signature (so `cargo stylus deploy`
/// constructs the program through StylusDeployer in the deploying
/// transaction) or the SDK's Solidity interface (`cargo stylus export-abi`;
/// the complete one, with events and inherited functions, is
/// `abi/<Contract>.sol`).
pub fn print<T: GenerateAbi>(sections: &[Section]) {
    match std::env::args().nth(1).as_deref() {
        Some("constructor") => println!("{}", Formatted(T::fmt_constructor_signature)),
        Some("abi") => println!("{}", Formatted(T::fmt_abi)),
        _ => print_sections::<T>(sections),
    }
}

fn print_sections<T: GenerateAbi>(sections: &[Section]) {
    println!("@@interface");
    println!("{}", Formatted(T::fmt_abi));
    println!("@@constructor");
    println!("{}", Formatted(T::fmt_constructor_signature));
    for section in sections {
        let (kind, source) = match section {
            Section::Declarations(source) => ("declarations", source),
            Section::TraitFunctions(source) => ("trait-functions", source),
            Section::NamedReturns(source) => ("named-returns", source),
        };
        println!("@@{kind}");
        println!("{source}");
    }
}

/// ERC-20's functions, implemented through OpenZeppelin's `IErc20` trait.
pub const ERC20_FUNCTIONS: &str = "
    function totalSupply() external view returns (uint256);
    function balanceOf(address account) external view returns (uint256);
    function transfer(address to, uint256 value) external returns (bool);
    function allowance(address owner, address spender) external view returns (uint256);
    function approve(address spender, uint256 value) external returns (bool);
    function transferFrom(address from, address to, uint256 value) external returns (bool);
";

/// ERC-20's events and OpenZeppelin's ERC-20 errors (ERC-6093), with the
/// field names OpenZeppelin gives them.
pub const ERC20_DECLARATIONS: &str = "
    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);
    error ERC20InsufficientBalance(address sender, uint256 balance, uint256 needed);
    error ERC20InvalidSender(address sender);
    error ERC20InvalidReceiver(address receiver);
    error ERC20InsufficientAllowance(address spender, uint256 allowance, uint256 needed);
    error ERC20InvalidSpender(address spender);
    error ERC20InvalidApprover(address approver);
";

/// EIP-2612 permit and its nonces, implemented through OpenZeppelin's
/// `IErc20Permit` and `INonces` traits.
pub const PERMIT_FUNCTIONS: &str = "
    function nonces(address owner) external view returns (uint256);
    function DOMAIN_SEPARATOR() external view returns (bytes32);
    function permit(address owner, address spender, uint256 value, uint256 deadline, uint8 v, bytes32 r, bytes32 s) external;
";

/// OpenZeppelin's permit and signature errors, with their field names.
pub const PERMIT_DECLARATIONS: &str = "
    error ERC2612ExpiredSignature(uint256 deadline);
    error ERC2612InvalidSigner(address signer, address owner);
    error ECDSAInvalidSignature();
    error ECDSAInvalidSignatureS(bytes32 s);
";
