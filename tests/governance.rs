//! Governance on the devnode: lrETH behind the ERC-1967 proxy, administered
//! by the Timelock program. The constructor through the proxy accepts only
//! the proxy's creator; a stranger can neither upgrade, schedule nor
//! execute; an operation cannot execute before its delay and does after
//! it (time travel); an upgrade keeps balances and roles; the timelock
//! changes its own delay through an operation (a re-entrant call of the
//! Stylus program); a call failing without data reverts with `FailedCall`;
//! the guardian pauses the vault at once and only the timelock unpauses;
//! the storage-layout snapshot names the slots the chain uses; the proxy's
//! cost per call stays bounded.

use std::sync::OnceLock;

use alloy_primitives::{Address, B256, U256};
use alloy_sol_types::{SolCall, SolError, SolValue};
use deploy::{
    abi::{ILrtToken, ITimelock, IVault},
    client::request,
    programs::{activate, construct, deploy_code},
    proxy::{
        admin_slot, deploy_implementation, deploy_proxy, implementation_slot, upgrade_calldata,
        with_custom_section,
    },
    transact, Artifacts, TxError, ETHER,
};
use devnode::{BlockTag, Devnode, DevnodeConfig};
use e2e::{artifacts, read, send};

const DELAY: u64 = 3 * 24 * 3600;

fn timelock_program() -> &'static Artifacts {
    static TIMELOCK: OnceLock<Artifacts> = OnceLock::new();
    TIMELOCK.get_or_init(|| {
        Artifacts::build(&stylus_build_contracts_dir(), &["lrt-timelock"])
            .expect("the timelock builds")
    })
}

fn stylus_build_contracts_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../contracts")
}

struct Governed {
    node: Devnode,
    deployer: Address,
    proposer: Address,
    executor: Address,
    stranger: Address,
    holder: Address,
    timelock: Address,
    token: Address,
    v1: Address,
}

fn slot_address(node: &Devnode, at: Address, slot: U256) -> Address {
    Address::from_word(node.storage(at, slot, BlockTag::Latest).unwrap())
}

fn reverted(result: Result<impl std::fmt::Debug, TxError>) -> Vec<u8> {
    match result {
        Err(TxError::Reverted(data)) => data.to_vec(),
        other => panic!("expected a revert, got {other:?}"),
    }
}

/// Schedules `data` to `target` on `timelock` from `proposer` with the
/// minimum delay, and returns the operation's id.
fn schedule(
    node: &mut Devnode,
    timelock: Address,
    proposer: Address,
    target: Address,
    data: Vec<u8>,
    salt: B256,
) -> B256 {
    let call = ITimelock::scheduleCall {
        target,
        value: U256::ZERO,
        data: data.clone().into(),
        predecessor: B256::ZERO,
        salt,
        delay: U256::from(DELAY),
    };
    send(node, proposer, timelock, U256::ZERO, &call);
    read(
        node,
        timelock,
        &ITimelock::hashOperationCall {
            target,
            value: U256::ZERO,
            data: data.into(),
            predecessor: B256::ZERO,
            salt,
        },
    )
}

fn execute_call(target: Address, data: Vec<u8>, salt: B256) -> ITimelock::executeCall {
    ITimelock::executeCall {
        target,
        value: U256::ZERO,
        payload: data.into(),
        predecessor: B256::ZERO,
        salt,
    }
}

/// The Timelock program with the minimum delay [`DELAY`], `proposer`
/// proposing and `executor` executing.
fn deploy_timelock(
    node: &mut Devnode,
    deployer: Address,
    proposer: Address,
    executor: Address,
) -> Address {
    let timelock_code = timelock_program().get("lrt-timelock").unwrap();
    let (timelock, _) = deploy_code(node, deployer, timelock_code).unwrap();
    activate(node, deployer, timelock).unwrap();
    let args = (
        U256::from(DELAY),
        vec![proposer],
        vec![executor],
        Vec::<Address>::new(),
    )
        .abi_encode_params();
    construct(node, deployer, timelock, &args).unwrap();
    timelock
}

/// The timelock, and lrETH behind a proxy the timelock administers, its
/// roles with the deployer until [`hand_token_to_timelock`].
fn governed() -> Governed {
    let mut node = Devnode::new(DevnodeConfig::default());
    let accounts = node.accounts();
    let (deployer, proposer, executor, stranger, holder) = (
        accounts[0],
        accounts[1],
        accounts[2],
        accounts[3],
        accounts[4],
    );
    let timelock = deploy_timelock(&mut node, deployer, proposer, executor);

    let token_code = artifacts().get("lrt-token").unwrap();
    let v1 = deploy_implementation(&mut node, deployer, token_code).unwrap();
    let (token, _) = deploy_proxy(&mut node, deployer, v1, timelock).unwrap();
    // The constructor runs in the proxy's storage, which recorded the
    // proxy's creator: nobody else may construct.
    let err = reverted(construct(
        &mut node,
        stranger,
        token,
        &(stranger,).abi_encode_params(),
    ));
    assert_eq!(
        err,
        ILrtToken::NotCreator {
            caller: stranger,
            creator: deployer
        }
        .abi_encode()
    );
    construct(&mut node, deployer, token, &(deployer,).abi_encode_params()).unwrap();
    let minter = read(&mut node, token, &ILrtToken::MINTER_ROLECall {});
    send(
        &mut node,
        deployer,
        token,
        U256::ZERO,
        &ILrtToken::grantRoleCall {
            role: minter,
            account: deployer,
        },
    );
    send(
        &mut node,
        deployer,
        token,
        U256::ZERO,
        &ILrtToken::mintCall {
            to: holder,
            amount: ETHER,
        },
    );
    Governed {
        node,
        deployer,
        proposer,
        executor,
        stranger,
        holder,
        timelock,
        token,
        v1,
    }
}

/// The deployer offers lrETH's admin role to the timelock, which accepts
/// it through an operation after the delay.
fn hand_token_to_timelock(g: &mut Governed) {
    send(
        &mut g.node,
        g.deployer,
        g.token,
        U256::ZERO,
        &ILrtToken::beginAdminTransferCall {
            newAdmin: g.timelock,
        },
    );
    let accept = ILrtToken::acceptAdminTransferCall {}.abi_encode();
    schedule(
        &mut g.node,
        g.timelock,
        g.proposer,
        g.token,
        accept.clone(),
        B256::ZERO,
    );
    g.node.increase_time(DELAY);
    send(
        &mut g.node,
        g.executor,
        g.timelock,
        U256::ZERO,
        &execute_call(g.token, accept, B256::ZERO),
    );
}

#[test]
fn the_timelock_administers_the_proxy_and_the_program_behind_it() {
    let mut g = governed();
    assert_eq!(slot_address(&g.node, g.token, admin_slot()), g.timelock);
    assert_eq!(slot_address(&g.node, g.token, implementation_slot()), g.v1);
    hand_token_to_timelock(&mut g);
    assert_eq!(
        read(&mut g.node, g.token, &ILrtToken::adminCall {}),
        g.timelock
    );
    assert_eq!(
        read(&mut g.node, g.timelock, &ITimelock::adminCall {}),
        g.timelock,
        "the timelock administers itself"
    );
}

#[test]
fn a_stranger_cannot_upgrade_schedule_or_execute() {
    let mut g = governed();
    let v2 = deploy_implementation(
        &mut g.node,
        g.deployer,
        &with_custom_section(artifacts().get("lrt-token").unwrap(), "lrt.version", b"2"),
    )
    .unwrap();
    // Straight at the proxy: a stranger's upgradeToAndCall reaches lrETH,
    // which has no such function.
    let upgrade = upgrade_calldata(v2, vec![]);
    let err = deploy::client::send(
        &mut g.node,
        request(g.stranger, Some(g.token), U256::ZERO, upgrade.to_vec()),
    );
    assert!(err.is_err(), "lrETH does not route upgradeToAndCall");
    assert_eq!(slot_address(&g.node, g.token, implementation_slot()), g.v1);
    // Through the timelock: no role to schedule, none to execute.
    let schedule_call = ITimelock::scheduleCall {
        target: g.token,
        value: U256::ZERO,
        data: upgrade.clone(),
        predecessor: B256::ZERO,
        salt: B256::ZERO,
        delay: U256::from(DELAY),
    };
    let err = reverted(transact(
        &mut g.node,
        g.stranger,
        g.timelock,
        U256::ZERO,
        &schedule_call,
    ));
    let proposer_role = read(&mut g.node, g.timelock, &ITimelock::PROPOSER_ROLECall {});
    assert_eq!(
        err,
        ITimelock::AccessControlUnauthorizedAccount {
            account: g.stranger,
            neededRole: proposer_role
        }
        .abi_encode()
    );
    let token = g.token;
    schedule(
        &mut g.node,
        g.timelock,
        g.proposer,
        token,
        upgrade.to_vec(),
        B256::ZERO,
    );
    g.node.increase_time(DELAY);
    let err = reverted(transact(
        &mut g.node,
        g.stranger,
        g.timelock,
        U256::ZERO,
        &execute_call(g.token, upgrade.to_vec(), B256::ZERO),
    ));
    let executor_role = read(&mut g.node, g.timelock, &ITimelock::EXECUTOR_ROLECall {});
    assert_eq!(
        err,
        ITimelock::AccessControlUnauthorizedAccount {
            account: g.stranger,
            neededRole: executor_role
        }
        .abi_encode()
    );
    assert_eq!(slot_address(&g.node, g.token, implementation_slot()), g.v1);
}

#[test]
fn an_upgrade_waits_for_its_delay_and_keeps_balances_and_roles() {
    let mut g = governed();
    hand_token_to_timelock(&mut g);
    let v2_code = with_custom_section(artifacts().get("lrt-token").unwrap(), "lrt.version", b"2");
    assert_ne!(
        alloy_primitives::keccak256(&v2_code.code),
        alloy_primitives::keccak256(&artifacts().get("lrt-token").unwrap().code),
        "a distinct code hash"
    );
    let v2 = deploy_implementation(&mut g.node, g.deployer, &v2_code).unwrap();
    let upgrade = upgrade_calldata(v2, vec![]).to_vec();
    let salt = B256::repeat_byte(2);
    let token = g.token;
    let id = schedule(
        &mut g.node,
        g.timelock,
        g.proposer,
        token,
        upgrade.clone(),
        salt,
    );
    let ready_at = read(&mut g.node, g.timelock, &ITimelock::getTimestampCall { id });
    assert!(ready_at > U256::ZERO);
    assert_eq!(
        read(
            &mut g.node,
            g.timelock,
            &ITimelock::getOperationStateCall { id }
        ),
        1,
        "waiting"
    );

    // One hour short of the delay: refused with the timelock's typed error.
    g.node.increase_time(DELAY - 3600);
    let err = reverted(transact(
        &mut g.node,
        g.executor,
        g.timelock,
        U256::ZERO,
        &execute_call(g.token, upgrade.clone(), salt),
    ));
    assert_eq!(
        err,
        ITimelock::TimelockUnexpectedOperationState {
            operationId: id,
            expectedStates: B256::with_last_byte(1 << 2),
        }
        .abi_encode()
    );
    assert_eq!(slot_address(&g.node, g.token, implementation_slot()), g.v1);

    g.node.increase_time(3600);
    assert_eq!(
        read(
            &mut g.node,
            g.timelock,
            &ITimelock::getOperationStateCall { id }
        ),
        2,
        "ready"
    );
    send(
        &mut g.node,
        g.executor,
        g.timelock,
        U256::ZERO,
        &execute_call(g.token, upgrade, salt),
    );
    assert_eq!(slot_address(&g.node, g.token, implementation_slot()), v2);
    assert!(read(
        &mut g.node,
        g.timelock,
        &ITimelock::isOperationDoneCall { id }
    ));
    // State survives: balances, supply, roles, the admin.
    assert_eq!(
        read(
            &mut g.node,
            g.token,
            &ILrtToken::balanceOfCall { account: g.holder }
        ),
        ETHER
    );
    assert_eq!(
        read(&mut g.node, g.token, &ILrtToken::totalSupplyCall {}),
        ETHER
    );
    let minter = read(&mut g.node, g.token, &ILrtToken::MINTER_ROLECall {});
    assert!(read(
        &mut g.node,
        g.token,
        &ILrtToken::hasRoleCall {
            role: minter,
            account: g.deployer
        }
    ));
    assert_eq!(
        read(&mut g.node, g.token, &ILrtToken::adminCall {}),
        g.timelock
    );
    // And the upgraded program still works.
    send(
        &mut g.node,
        g.holder,
        g.token,
        U256::ZERO,
        &ILrtToken::transferCall {
            to: g.stranger,
            value: ETHER / U256::from(4),
        },
    );
    assert_eq!(
        read(
            &mut g.node,
            g.token,
            &ILrtToken::balanceOfCall {
                account: g.stranger
            }
        ),
        ETHER / U256::from(4)
    );
}

#[test]
fn the_timelock_changes_its_own_delay_only_through_an_operation() {
    let mut g = governed();
    let err = reverted(transact(
        &mut g.node,
        g.proposer,
        g.timelock,
        U256::ZERO,
        &ITimelock::updateDelayCall {
            newDelay: U256::ZERO,
        },
    ));
    assert_eq!(
        err,
        ITimelock::TimelockUnauthorizedCaller { caller: g.proposer }.abi_encode()
    );
    let data = ITimelock::updateDelayCall {
        newDelay: U256::from(2 * DELAY),
    }
    .abi_encode();
    let timelock = g.timelock;
    schedule(
        &mut g.node,
        timelock,
        g.proposer,
        timelock,
        data.clone(),
        B256::ZERO,
    );
    g.node.increase_time(DELAY);
    send(
        &mut g.node,
        g.executor,
        g.timelock,
        U256::ZERO,
        &execute_call(timelock, data, B256::ZERO),
    );
    assert_eq!(
        read(&mut g.node, g.timelock, &ITimelock::getMinDelayCall {}),
        U256::from(2 * DELAY)
    );
}

/// What the proxy adds to a user operation: the same lrETH transfer on an
/// immutable deployment and behind the proxy (both warm, same calldata).
/// docs/governance.md records the figures this prints.
#[test]
fn the_proxy_adds_a_bounded_cost_per_call() {
    let mut g = governed();
    let token_code = artifacts().get("lrt-token").unwrap();
    let direct = deploy::programs::deploy_program(
        &mut g.node,
        g.deployer,
        token_code,
        &(g.deployer,).abi_encode_params(),
        false,
    )
    .unwrap()
    .address;
    let minter = read(&mut g.node, direct, &ILrtToken::MINTER_ROLECall {});
    send(
        &mut g.node,
        g.deployer,
        direct,
        U256::ZERO,
        &ILrtToken::grantRoleCall {
            role: minter,
            account: g.deployer,
        },
    );
    send(
        &mut g.node,
        g.deployer,
        direct,
        U256::ZERO,
        &ILrtToken::mintCall {
            to: g.holder,
            amount: ETHER,
        },
    );
    let transfer = ILrtToken::transferCall {
        to: g.stranger,
        value: U256::from(1),
    };
    let mut gas = |to: Address| {
        // The first transfer creates the recipient's balance; the second
        // is the steady-state cost.
        send(&mut g.node, g.holder, to, U256::ZERO, &transfer);
        send(&mut g.node, g.holder, to, U256::ZERO, &transfer).gas_used
    };
    let immutable = gas(direct);
    let proxied = gas(g.token);
    println!("lrETH transfer: immutable {immutable} gas, behind the proxy {proxied} gas");
    assert!(proxied > immutable, "the proxy costs something");
    assert!(
        proxied - immutable < 5_000,
        "the proxy adds {} gas per call",
        proxied - immutable
    );
}

/// The guardian lane: with the vault's admin role at the timelock, the
/// guardian (holding `PAUSER_ROLE` directly) pauses at once but cannot
/// unpause; unpausing waits for the timelock's delay.
#[test]
fn the_guardian_pauses_at_once_and_only_the_timelock_unpauses() {
    let (mut node, d, config) = e2e::deployed(false);
    let deployer = config.admin;
    let accounts = node.accounts();
    let (proposer, executor, guardian) = (accounts[1], accounts[2], accounts[3]);
    let timelock = deploy_timelock(&mut node, deployer, proposer, executor);
    let pauser = deploy::abi::roles::pauser();
    send(
        &mut node,
        deployer,
        d.vault,
        U256::ZERO,
        &IVault::grantRoleCall {
            role: pauser,
            account: guardian,
        },
    );
    send(
        &mut node,
        deployer,
        d.vault,
        U256::ZERO,
        &IVault::beginAdminTransferCall { newAdmin: timelock },
    );
    let accept = IVault::acceptAdminTransferCall {}.abi_encode();
    schedule(
        &mut node,
        timelock,
        proposer,
        d.vault,
        accept.clone(),
        B256::ZERO,
    );
    node.increase_time(DELAY);
    send(
        &mut node,
        executor,
        timelock,
        U256::ZERO,
        &execute_call(d.vault, accept, B256::ZERO),
    );
    assert_eq!(read(&mut node, d.vault, &IVault::adminCall {}), timelock);

    send(
        &mut node,
        guardian,
        d.vault,
        U256::ZERO,
        &IVault::setDepositsPausedCall { paused: true },
    );
    assert!(read(&mut node, d.vault, &IVault::depositsPausedCall {}));
    for caller in [guardian, deployer] {
        let err = reverted(transact(
            &mut node,
            caller,
            d.vault,
            U256::ZERO,
            &IVault::setDepositsPausedCall { paused: false },
        ));
        assert_eq!(
            err,
            IVault::AccessControlUnauthorizedAccount {
                account: caller,
                neededRole: B256::ZERO
            }
            .abi_encode(),
            "only the admin unpauses"
        );
    }
    let unpause = IVault::setDepositsPausedCall { paused: false }.abi_encode();
    schedule(
        &mut node,
        timelock,
        proposer,
        d.vault,
        unpause.clone(),
        B256::ZERO,
    );
    let early = reverted(transact(
        &mut node,
        executor,
        timelock,
        U256::ZERO,
        &execute_call(d.vault, unpause.clone(), B256::ZERO),
    ));
    assert!(ITimelock::TimelockUnexpectedOperationState::abi_decode(&early).is_ok());
    assert!(read(&mut node, d.vault, &IVault::depositsPausedCall {}));
    node.increase_time(DELAY);
    send(
        &mut node,
        executor,
        timelock,
        U256::ZERO,
        &execute_call(d.vault, unpause, B256::ZERO),
    );
    assert!(!read(&mut node, d.vault, &IVault::depositsPausedCall {}));
}

/// The committed storage-layout snapshot names the slots the chain uses:
/// lrETH's supply and admin read straight from the proxy's storage at the
/// snapshot's slots.
#[test]
fn the_layout_snapshot_matches_the_storage_on_chain() {
    let mut g = governed();
    hand_token_to_timelock(&mut g);
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../snapshots/storage-layout.json");
    let snapshot: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let slot_of = |field: &str| {
        let fields = snapshot["lrt-token"].as_array().unwrap();
        let entry = fields.iter().find(|f| f["field"] == field).unwrap();
        U256::from(entry["slot"].as_u64().unwrap())
    };
    let supply = g
        .node
        .storage(g.token, slot_of("erc20.total_supply"), BlockTag::Latest)
        .unwrap();
    assert_eq!(U256::from_be_bytes(supply.0), ETHER);
    assert_eq!(
        slot_address(&g.node, g.token, slot_of("roles.admin")),
        g.timelock
    );
    // A map's entry lives at keccak256(key . slot).
    let key = alloy_primitives::keccak256(
        [
            g.holder.into_word().as_slice(),
            &slot_of("erc20.balances").to_be_bytes::<32>(),
        ]
        .concat(),
    );
    let balance = g
        .node
        .storage(g.token, U256::from_be_bytes(key.0), BlockTag::Latest)
        .unwrap();
    assert_eq!(U256::from_be_bytes(balance.0), ETHER);
}

/// A call of an operation that fails without revert data (here: it sends
/// more ETH than the timelock holds) reverts the execution with
/// `FailedCall()` and leaves the operation ready.
#[test]
fn a_call_failing_without_data_reverts_with_failed_call() {
    let mut g = governed();
    let value = U256::from(1_000);
    let call = ITimelock::scheduleCall {
        target: g.holder,
        value,
        data: Vec::new().into(),
        predecessor: B256::ZERO,
        salt: B256::ZERO,
        delay: U256::from(DELAY),
    };
    send(&mut g.node, g.proposer, g.timelock, U256::ZERO, &call);
    g.node.increase_time(DELAY);
    let execute = ITimelock::executeCall {
        target: g.holder,
        value,
        payload: Vec::new().into(),
        predecessor: B256::ZERO,
        salt: B256::ZERO,
    };
    let err = reverted(transact(
        &mut g.node,
        g.executor,
        g.timelock,
        U256::ZERO,
        &execute,
    ));
    assert_eq!(err, ITimelock::FailedCall {}.abi_encode());
    let id = read(
        &mut g.node,
        g.timelock,
        &ITimelock::hashOperationCall {
            target: g.holder,
            value,
            data: Vec::new().into(),
            predecessor: B256::ZERO,
            salt: B256::ZERO,
        },
    );
    assert!(read(
        &mut g.node,
        g.timelock,
        &ITimelock::isOperationReadyCall { id }
    ));
    // Paid with the execution's own value, the same operation succeeds.
    let before = g.node.balance(g.holder, BlockTag::Latest).unwrap();
    send(&mut g.node, g.executor, g.timelock, value, &execute);
    assert_eq!(
        g.node.balance(g.holder, BlockTag::Latest).unwrap(),
        before + value
    );
    assert!(read(
        &mut g.node,
        g.timelock,
        &ITimelock::isOperationDoneCall { id }
    ));
}
