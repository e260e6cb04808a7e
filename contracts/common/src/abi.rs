//! Compact ABI encoding of events and errors.
//!
//! Every event and error of the protocol has only static fields (addresses,
//! integers, booleans, 32-byte words), so each field is one 32-byte word.
//! Encoding them through one shared, non-generic routine instead of a
//! monomorphised `abi_encode` per type keeps several kilobytes out of every
//! program (Stylus programs must fit in 24 KB compressed). The events and
//! errors are still declared with `sol!`, which gives their signatures and
//! selectors, and each contract's tests check the compact encoding against
//! alloy's.

use alloc::vec::Vec;

use alloy_primitives::{Address, B256, U256, U64};
use stylus_sdk::stylus_core::Host;

/// A value that is one ABI word.
pub trait Word {
    /// The value as its ABI word.
    fn word(&self) -> B256;
}

impl Word for B256 {
    fn word(&self) -> B256 {
        *self
    }
}

impl Word for U256 {
    fn word(&self) -> B256 {
        B256::from(*self)
    }
}

impl Word for Address {
    fn word(&self) -> B256 {
        self.into_word()
    }
}

impl Word for bool {
    fn word(&self) -> B256 {
        B256::with_last_byte(u8::from(*self))
    }
}

impl Word for alloy_primitives::I256 {
    fn word(&self) -> B256 {
        B256::from(self.into_raw())
    }
}

impl Word for u64 {
    fn word(&self) -> B256 {
        B256::from(U256::from(*self))
    }
}

impl Word for U64 {
    fn word(&self) -> B256 {
        B256::from(U256::from(*self))
    }
}

/// Emits a log with `signature` and `topics` as topics and `data` as its
/// data words.
pub fn emit_log(vm: &dyn Host, signature: B256, topics: &[B256], data: &[B256]) {
    let mut bytes = Vec::with_capacity(32 * (1 + topics.len() + data.len()));
    bytes.extend_from_slice(signature.as_slice());
    for word in topics.iter().chain(data) {
        bytes.extend_from_slice(word.as_slice());
    }
    vm.emit_log(&bytes, 1 + topics.len());
}

/// A selector followed by words: the revert data of an error, or the
/// calldata of a call with static arguments.
#[must_use]
pub fn encode_words(selector: [u8; 4], words: &[B256]) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(4 + 32 * words.len());
    bytes.extend_from_slice(&selector);
    for word in words {
        bytes.extend_from_slice(word.as_slice());
    }
    bytes
}

/// Declares events and errors with `sol!` and, in the ABI export build
/// (feature `export-abi`), keeps the same declarations as Solidity source in
/// `SOL_DECLARATIONS`: the exported ABI (`abi/`) then names every event and
/// error field exactly as the contract declares it.
#[macro_export]
macro_rules! sol_declarations {
    ($($item:tt)*) => {
        alloy_sol_types::sol! { $($item)* }

        /// The events and errors above as Solidity source, for the ABI export.
        #[cfg(feature = "export-abi")]
        pub const SOL_DECLARATIONS: &str = stringify!($($item)*);
    };
}

/// The ABI export's sections of a contract with roles (see
/// `lrt_common::export`): its own `sol!` declarations (`SOL_DECLARATIONS`
/// in scope), the roles' events and errors, any other `declarations`, the
/// roles' functions, and `named_returns`: its functions restated with named
/// return values. Defines `ABI_SECTIONS` in the `export-abi` build.
#[macro_export]
macro_rules! roles_contract_abi {
    (named_returns: $named:literal $(, declarations: [$($extra:path),* $(,)?])? $(,)?) => {
        /// The ABI export's additions to what stylus-sdk derives: events,
        /// error field names, the roles' functions and named return values.
        #[cfg(feature = "export-abi")]
        pub const ABI_SECTIONS: &[$crate::export::Section] = &[
            $crate::export::Section::Declarations(SOL_DECLARATIONS),
            $crate::export::Section::Declarations($crate::access::SOL_DECLARATIONS),
            $($($crate::export::Section::Declarations($extra),)*)?
            $crate::export::Section::TraitFunctions($crate::access::ROLES_FUNCTIONS),
            $crate::export::Section::NamedReturns($named),
        ];
    };
}

/// Emits a `sol!` event through [`emit_log`]: indexed fields before the `;`,
/// data fields after it, each in declaration order (the event is built
/// first, so every field must be named and typed right; the contracts'
/// tests check the order against alloy's encoding).
#[macro_export]
macro_rules! emit {
    ($vm:expr, $event:ident { $($topic:ident : $topic_value:expr),* ; $($field:ident : $field_value:expr),* $(,)? }) => {{
        let event = $event { $($topic: $topic_value,)* $($field: $field_value,)* };
        $crate::abi::emit_log(
            $vm,
            <$event as alloy_sol_types::SolEvent>::SIGNATURE_HASH,
            &[$($crate::abi::Word::word(&event.$topic)),*],
            &[$($crate::abi::Word::word(&event.$field)),*],
        );
    }};
}

/// Declares a contract's error enum over `sol!` errors, with the compact
/// encoding of [`encode_words`]: `Variant(SolError { field, ... })` lists the
/// error's fields in declaration order; variants after `nested` wrap another
/// error type that encodes itself (access control, a callee's revert data).
///
/// Off-chain builds (tests) also get `reference_encoding()`, alloy's
/// encoding of the same error, to check the compact one against.
#[macro_export]
macro_rules! errors {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$variant_meta:meta])* $variant:ident ( $error:ident { $($field:ident),* } ) ),* $(,)?
        }
        nested {
            $( $(#[$nested_meta:meta])* $nested:ident ( $nested_type:ty ) ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug)]
        pub enum $name {
            $( $(#[$variant_meta])* $variant($error), )*
            $( $(#[$nested_meta])* $nested($nested_type), )*
        }

        $( impl From<$error> for $name {
            fn from(error: $error) -> Self {
                $name::$variant(error)
            }
        } )*

        $( impl From<$nested_type> for $name {
            fn from(error: $nested_type) -> Self {
                $name::$nested(error)
            }
        } )*

        impl From<$name> for alloc::vec::Vec<u8> {
            #[allow(unused_variables)]
            fn from(error: $name) -> Self {
                match error {
                    $( $name::$variant(error) => $crate::abi::encode_words(
                        <$error as alloy_sol_types::SolError>::SELECTOR,
                        &[$($crate::abi::Word::word(&error.$field)),*],
                    ), )*
                    $( $name::$nested(error) => stylus_sdk::call::MethodError::encode(error), )*
                }
            }
        }

        impl stylus_sdk::call::MethodError for $name {
            fn encode(self) -> alloc::vec::Vec<u8> {
                self.into()
            }
        }

        // The ABI export (`--features export-abi`) lists every error a
        // function can return.
        #[cfg(feature = "export-abi")]
        impl stylus_sdk::abi::export::internal::InnerTypes for $name {
            fn inner_types() -> alloc::vec::Vec<stylus_sdk::abi::export::internal::InnerType> {
                #[allow(unused_mut)]
                let mut types = alloc::vec![
                    $( stylus_sdk::abi::export::internal::InnerType {
                        name: alloc::format!("error {};", <$error as alloy_sol_types::SolError>::SIGNATURE.replace(',', ", ")),
                        id: core::any::TypeId::of::<$error>(),
                    }, )*
                ];
                $( types.extend(<$nested_type as stylus_sdk::abi::export::internal::InnerTypes>::inner_types()); )*
                types
            }
        }

        #[cfg(not(target_arch = "wasm32"))]
        impl $name {
            /// Alloy's encoding of this error (for a nested one, its own).
            pub fn reference_encoding(&self) -> alloc::vec::Vec<u8> {
                match self {
                    $( $name::$variant(error) => alloy_sol_types::SolError::abi_encode(error), )*
                    $( $name::$nested(_) => alloc::vec::Vec::new(), )*
                }
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use alloy_primitives::address;
    use alloy_sol_types::{sol, SolError};

    use super::*;

    sol! {
        error Sample(address who, uint256 amount, bool flag, bytes32 tag, uint64 when);
    }

    #[test]
    fn error_encoding_matches_alloy() {
        let error = Sample {
            who: address!("0x00000000000000000000000000000000000000aa"),
            amount: U256::from(123_456_789u64),
            flag: true,
            tag: B256::repeat_byte(7),
            when: 99,
        };
        let compact = encode_words(
            Sample::SELECTOR,
            &[
                error.who.word(),
                error.amount.word(),
                error.flag.word(),
                error.tag.word(),
                error.when.word(),
            ],
        );
        assert_eq!(compact, error.abi_encode());
    }
}
