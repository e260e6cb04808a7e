use motsu::prelude::*;

use super::*;

#[motsu::test]
fn smoke(vault: Contract<Vault>, admin: Address) {
    let err = vault.sender(admin).constructor(admin, Address::ZERO, Address::ZERO, Address::ZERO).motsu_unwrap_err();
    assert!(matches!(err, Error::InvalidAddress(_)));
}
