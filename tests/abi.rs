//! The exported ABI (`abi/`) against the deployed programs: every function
//! an integrator finds in a contract's JSON ABI is routed by its program.
//!
//! Each function is called (read-only, from an account without roles) with
//! zero-valued arguments. A routed function answers with a result, a typed
//! error or a trap; a selector the program does not know reverts with empty
//! data, which is what this test rejects.

use alloy_primitives::U256;
use deploy::{client::request, Backend, Called};
use deploy::{deploy_protocol, Config};
use devnode::{Devnode, DevnodeConfig};
use e2e::{artifacts, exported};

#[test]
fn every_exported_function_is_routed_by_its_program() {
    let mut node = Devnode::new(DevnodeConfig::default());
    let config = Config::devnet_with_chainlink(node.dev_account());
    let d = deploy_protocol(&mut node, artifacts(), &config).expect("deployment");
    let caller = node.accounts()[5];
    let contracts = exported::programs(&d);
    let mut checked = 0;
    for (contract, address) in contracts {
        let abi = exported::abi(contract);
        assert!(abi.functions().count() > 0, "{contract} exports functions");
        for function in abi.functions() {
            let calldata = exported::calldata(function, 0);
            let call = request(caller, Some(address), U256::ZERO, calldata);
            let answer = Backend::call(&mut node, &call).expect("the devnode runs the call");
            assert!(
                !matches!(&answer, Called::Revert(data) if data.is_empty()),
                "{contract}.{} is in the exported ABI but its program does not route it",
                function.signature()
            );
            checked += 1;
        }
    }
    println!("{checked} exported functions routed");
}
