//! ERC-165 interface ids of the standards the protocol's programs implement.
//!
//! An interface id is the XOR of the selectors of the interface's functions
//! (ERC-165). Each id here is computed at compile time from the functions'
//! canonical signatures, so a typo in a signature changes the id; the tests
//! check every id against the value its standard publishes.

use alloy_primitives::FixedBytes;

/// The first four bytes of keccak256(`signature`).
const fn selector(signature: &str) -> u32 {
    let hash = keccak_const::Keccak256::new()
        .update(signature.as_bytes())
        .finalize();
    u32::from_be_bytes([hash[0], hash[1], hash[2], hash[3]])
}

/// The ERC-165 id of an interface made of `functions` (canonical signatures).
const fn interface_id(functions: &[&str]) -> u32 {
    let mut id = 0;
    let mut i = 0;
    while i < functions.len() {
        id ^= selector(functions[i]);
        i += 1;
    }
    id
}

/// ERC-165 itself: `supportsInterface(bytes4)`.
pub const ERC165: u32 = interface_id(&["supportsInterface(bytes4)"]);

/// ERC-20's functions.
pub const ERC20: u32 = interface_id(&[
    "totalSupply()",
    "balanceOf(address)",
    "transfer(address,uint256)",
    "allowance(address,address)",
    "approve(address,uint256)",
    "transferFrom(address,address,uint256)",
]);

/// ERC-20's optional metadata (OpenZeppelin's `IERC20Metadata` less ERC-20).
pub const ERC20_METADATA: u32 = interface_id(&["name()", "symbol()", "decimals()"]);

/// EIP-2612 permit.
pub const ERC2612: u32 = interface_id(&[
    "permit(address,address,uint256,uint256,uint8,bytes32,bytes32)",
    "nonces(address)",
    "DOMAIN_SEPARATOR()",
]);

/// ERC-7540's asynchronous redemption.
pub const ERC7540_REDEEM: u32 = interface_id(&[
    "requestRedeem(uint256,address,address)",
    "pendingRedeemRequest(uint256,address)",
    "claimableRedeemRequest(uint256,address)",
]);

/// ERC-7540's operator methods, which every asynchronous vault implements.
pub const ERC7540_OPERATOR: u32 =
    interface_id(&["setOperator(address,bool)", "isOperator(address,address)"]);

/// Balancer's `IRateProvider`: `getRate()`.
pub const RATE_PROVIDER: u32 = interface_id(&["getRate()"]);

/// Chainlink's `AggregatorV3Interface`.
pub const AGGREGATOR_V3: u32 = interface_id(&[
    "decimals()",
    "description()",
    "version()",
    "getRoundData(uint80)",
    "latestRoundData()",
]);

/// Whether `interface_id` is one of `supported` (a program's
/// `supportsInterface`). `0xffffffff` is never supported, as ERC-165 requires.
#[must_use]
pub fn supports(interface_id: FixedBytes<4>, supported: &[u32]) -> bool {
    let id = u32::from_be_bytes(interface_id.0);
    id != u32::MAX && supported.contains(&id)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The ids as the standards publish them (ERC-165, ERC-7540, ERC-7575's
    /// share, OpenZeppelin's `type(I).interfaceId` for ERC-20 and
    /// ERC-2612).
    #[test]
    fn ids_match_the_published_values() {
        assert_eq!(ERC165, 0x01ff_c9a7);
        assert_eq!(ERC20, 0x3637_2b07);
        assert_eq!(ERC2612, 0x9d8f_f7da);
        assert_eq!(ERC7540_REDEEM, 0x620e_e8e4);
        assert_eq!(ERC7540_OPERATOR, 0xe3bc_4e65);
        assert_eq!(ERC20_METADATA, 0xa219_a025);
        assert_eq!(AGGREGATOR_V3, 0x7385_1258);
    }

    #[test]
    fn single_function_ids_are_their_selectors() {
        assert_eq!(RATE_PROVIDER, 0x679a_efce);
        assert_eq!(ERC165, selector("supportsInterface(bytes4)"));
    }

    #[test]
    fn an_id_is_the_xor_of_its_selectors() {
        let decimals = selector("decimals()");
        assert_eq!(decimals, 0x313c_e567);
        assert_eq!(
            AGGREGATOR_V3,
            decimals
                ^ selector("description()")
                ^ selector("version()")
                ^ selector("getRoundData(uint80)")
                ^ selector("latestRoundData()")
        );
        assert_eq!(
            ERC20_METADATA,
            selector("name()") ^ selector("symbol()") ^ decimals
        );
    }

    #[test]
    fn supports_only_the_listed_ids_and_never_all_ones() {
        let listed = [ERC165, RATE_PROVIDER];
        assert!(supports(FixedBytes(ERC165.to_be_bytes()), &listed));
        assert!(supports(FixedBytes(RATE_PROVIDER.to_be_bytes()), &listed));
        assert!(!supports(FixedBytes(ERC20.to_be_bytes()), &listed));
        assert!(!supports(FixedBytes([0xff; 4]), &[u32::MAX]));
    }
}
