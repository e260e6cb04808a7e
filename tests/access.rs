//! Access control on the deployed programs, through the exported ABI: every
//! function of every contract is called by an account that holds no role,
//! with zero-valued arguments, and exactly the privileged ones refuse it with
//! a typed error naming the caller.

use std::collections::BTreeSet;

use alloy_primitives::{Address, U256};
use alloy_sol_types::SolError;
use deploy::{
    abi::{IDelegation, IMockLst, IVault},
    client::request,
    Backend, Called,
};
use deploy::{deploy_protocol, Config, OperatorConfig, ETHER};
use devnode::{Devnode, DevnodeConfig};
use e2e::{artifacts, exported};

/// Whether `data` is a refusal of `caller`: a missing role, or a hook or
/// slash that only a given contract or account may call.
fn refuses(data: &[u8], caller: Address) -> bool {
    if let Ok(e) = IVault::AccessControlUnauthorizedAccount::abi_decode(data) {
        return e.account == caller;
    }
    if let Ok(e) = IVault::NotAuthorizedContract::abi_decode(data) {
        return e.caller == caller;
    }
    if let Ok(e) = IDelegation::NotVault::abi_decode(data) {
        return e.caller == caller;
    }
    if let Ok(e) = IDelegation::NotSlasher::abi_decode(data) {
        return e.caller == caller;
    }
    if let Ok(e) = IMockLst::NotOwner::abi_decode(data) {
        return e.caller == caller;
    }
    false
}

#[test]
fn exactly_the_privileged_functions_refuse_a_caller_without_roles() {
    let mut node = Devnode::new(DevnodeConfig::default());
    let stranger = node.accounts()[7];
    let mut config = Config::devnet_with_chainlink(node.dev_account());
    // An operator at the address the "ones" arguments name, so that a
    // slash of it reaches the slasher check.
    config.operators = vec![OperatorConfig {
        operator: Address::with_last_byte(1),
        slasher: node.accounts()[4],
        cap: ETHER,
        metadata_uri: String::new(),
    }];
    let d = deploy_protocol(&mut node, artifacts(), &config).expect("deployment");
    let contracts = exported::programs(&d);
    let mut refused = BTreeSet::new();
    for (contract, address) in contracts {
        for function in exported::abi(contract).functions() {
            // Zeros trip input checks that some functions make before the
            // caller's rights (the admin role is role zero): each function
            // is called with zeros and with ones.
            for word in [0, 1] {
                let calldata = exported::calldata(function, word);
                let call = request(stranger, Some(address), U256::ZERO, calldata);
                if let Called::Revert(data) = Backend::call(&mut node, &call).expect("a call") {
                    if refuses(&data, stranger) {
                        refused.insert(format!("{contract}.{}", function.name));
                    }
                }
            }
        }
    }
    let refused: Vec<&str> = refused.iter().map(String::as_str).collect();
    assert_eq!(
        refused, PRIVILEGED,
        "the functions that refuse a caller without roles changed"
    );
}

/// Every function of the protocol that only a role holder, a given contract
/// of the protocol, an operator's slasher or the mock's deployer may call.
/// Everything else is open to anyone.
const PRIVILEGED: &[&str] = &[
    "AssetRegistry.addAsset",
    "AssetRegistry.beginAdminTransfer",
    "AssetRegistry.grantRole",
    "AssetRegistry.revokeRole",
    "AssetRegistry.setAssetEnabled",
    "AssetRegistry.setDepositCap",
    "AssetRegistry.setRateLimits",
    "AssetRegistry.setRateSource",
    "AssetRegistry.setVault",
    "Delegation.beginAdminTransfer",
    "Delegation.grantRole",
    "Delegation.onDelegate",
    "Delegation.revokeRole",
    "Delegation.setSlashRecipient",
    "Delegation.setUnbondingDelay",
    "Delegation.slash",
    "Delegation.undelegate",
    "LrtToken.beginAdminTransfer",
    "LrtToken.burn",
    "LrtToken.escrowFrom",
    "LrtToken.grantRole",
    "LrtToken.mint",
    "LrtToken.revokeRole",
    "MockAggregator.beginAdminTransfer",
    "MockAggregator.grantRole",
    "MockAggregator.revokeRole",
    "MockAggregator.setAnswer",
    "MockAggregator.setRoundData",
    "MockLst.setTransferShortfall",
    "OperatorRegistry.addOperator",
    "OperatorRegistry.beginAdminTransfer",
    "OperatorRegistry.grantRole",
    "OperatorRegistry.removeOperator",
    "OperatorRegistry.revokeRole",
    "OperatorRegistry.setDelegation",
    "OperatorRegistry.setOperatorCap",
    "OperatorRegistry.setOperatorMetadata",
    "OperatorRegistry.setOperatorPaused",
    "OperatorRegistry.setOperatorSlasher",
    "RateSource.beginAdminTransfer",
    "RateSource.grantRole",
    "RateSource.revokeRole",
    "RateSource.setRate",
    "RateSource.setRateAt",
    "Vault.beginAdminTransfer",
    "Vault.delegate",
    "Vault.distributeRewards",
    "Vault.grantRole",
    "Vault.link",
    "Vault.onRateUpdate",
    "Vault.onStakeReturned",
    "Vault.onStakeSlashed",
    "Vault.payWithdrawal",
    "Vault.reserveWithdrawal",
    "Vault.revokeRole",
    "Vault.setDepositLimits",
    "Vault.setDepositsPaused",
    "Vault.setFee",
    "Vault.setRewardLimits",
    "Vault.setTreasury",
    "Vault.setWithdrawalsPaused",
    "WithdrawalQueue.beginAdminTransfer",
    "WithdrawalQueue.grantRole",
    "WithdrawalQueue.revokeRole",
    "WithdrawalQueue.setBatchCap",
    "WithdrawalQueue.setRequestLimits",
    "WithdrawalQueue.setWithdrawalDelay",
];
