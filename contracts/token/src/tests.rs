use motsu::prelude::*;

use super::*;

#[motsu::test]
fn placeholder_builds(token: Contract<LrtToken>, admin: Address) {
    token.sender(admin).constructor(admin).motsu_unwrap();
    assert_eq!(token.sender(admin).admin(), admin);
}
