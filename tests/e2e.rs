//! End-to-end: the protocol deployed on the in-process devnode by the deploy
//! library, then exercised only through its ABI, as an integrator would.

use alloy_primitives::{Address, B256, U256};
use alloy_sol_types::{SolCall, SolValue};
use deploy::{
    abi::{roles, IArbWasm, IArbWasmCache, IAssetRegistry, IOperatorRegistry, IRoles, IVault},
    abi::{IDelegation, IErc20, IMockLst, IWithdrawalQueue, ARB_WASM, ARB_WASM_CACHE, ETH},
    simulate, transact, view, Config, Deployment, Mined, TxError, ETHER,
};
use devnode::{BlockTag, Devnode};
use e2e::{artifacts, deployed, event};

#[test]
fn only_the_creator_of_a_program_may_call_its_constructor() {
    let mut node = Devnode::new(devnode::DevnodeConfig::default());
    let deployer = node.dev_account();
    let watcher = node.accounts()[1];
    let vault = artifacts().get("lrt-vault").unwrap();
    let (address, _) = deploy::programs::deploy_code(&mut node, deployer, vault).unwrap();
    deploy::programs::activate(&mut node, deployer, address).unwrap();

    // Someone who saw the program created calls its constructor first, to
    // make themselves admin.
    let args = |admin: Address| {
        let links = Address::repeat_byte(0x11);
        (admin, links, links, links).abi_encode_params()
    };
    let error = deploy::programs::construct(&mut node, watcher, address, &args(watcher))
        .expect_err("a stranger's constructor call fails");
    let refused = error
        .decode::<IRoles::NotCreator>()
        .unwrap_or_else(|| panic!("{error}"));
    assert_eq!((refused.caller, refused.creator), (watcher, deployer));
    assert_eq!(
        view(&mut node, address, &IRoles::adminCall {}).unwrap(),
        Address::ZERO
    );

    // The creator constructs.
    deploy::programs::construct(&mut node, deployer, address, &args(deployer)).unwrap();
    assert_eq!(
        view(&mut node, address, &IRoles::adminCall {}).unwrap(),
        deployer
    );
}

#[test]
fn deployment_is_activated_and_wired() {
    let (mut node, d, config) = deployed(true);
    let admin = config.deployer;
    assert_eq!(d.programs.len(), deploy::dry_run::packages(&config).len());
    for program in &d.programs {
        let version = view(
            &mut node,
            ARB_WASM,
            &IArbWasm::programVersionCall {
                program: program.address,
            },
        )
        .unwrap();
        assert_eq!(version, program.activation.version, "{}", program.name);
        assert!(
            program.activation.data_fee > U256::ZERO,
            "{} paid a data fee",
            program.name
        );
        let cached = view(
            &mut node,
            ARB_WASM_CACHE,
            &IArbWasmCache::codehashIsCachedCall {
                codehash: program.code_hash,
            },
        )
        .unwrap();
        assert!(cached, "{} is cached", program.name);
        if deploy::protocol::has_admin(&program.name) {
            let owner = view(&mut node, program.address, &IRoles::adminCall {}).unwrap();
            assert_eq!(owner, admin, "{} admin", program.name);
        }
    }
    let has = |node: &mut Devnode, contract: Address, role, account| {
        view(node, contract, &IRoles::hasRoleCall { role, account }).unwrap()
    };
    assert!(has(&mut node, d.token, roles::minter(), d.vault));
    assert!(!has(&mut node, d.token, roles::minter(), admin));
    for role in [
        roles::pauser(),
        roles::asset_manager(),
        roles::rewards_reporter(),
        roles::delegation_manager(),
    ] {
        assert!(has(&mut node, d.vault, role, admin));
    }
    assert!(has(
        &mut node,
        d.asset_registry,
        roles::asset_manager(),
        admin
    ));
    assert!(has(
        &mut node,
        d.operator_registry,
        roles::operator_manager(),
        admin
    ));
    assert!(has(
        &mut node,
        d.delegation,
        roles::delegation_manager(),
        admin
    ));

    let links = view(&mut node, d.vault, &IVault::linksCall {}).unwrap();
    assert_eq!(
        (links.restakingLayer, links.withdrawalQueue),
        (d.delegation, d.withdrawal_queue)
    );
    assert_eq!(
        view(&mut node, d.vault, &IVault::shareCall {}).unwrap(),
        d.token
    );
    assert_eq!(
        view(&mut node, d.vault, &IVault::registryCall {}).unwrap(),
        d.asset_registry
    );
    assert_eq!(
        view(
            &mut node,
            d.operator_registry,
            &IOperatorRegistry::delegationCall {}
        )
        .unwrap(),
        d.delegation
    );
    let assets = view(&mut node, d.asset_registry, &IAssetRegistry::assetsCall {}).unwrap();
    assert_eq!(assets, vec![d.lst().unwrap()]);
    let rate = view(
        &mut node,
        d.asset_registry,
        &IAssetRegistry::currentRateCall {
            asset: d.lst().unwrap(),
        },
    )
    .unwrap();
    assert_eq!(rate.rate, config.lst.as_ref().unwrap().rate);
    assert!(rate.enabled);

    let manifest = d.manifest(node.chain_id(), &config);
    assert_eq!(manifest["chainId"], node.chain_id());
    assert_eq!(manifest["protocol"]["vault"], d.vault.to_string());
    for program in &d.programs {
        let entry = &manifest["programs"][program.name.as_str()];
        assert_eq!(entry["address"], program.address.to_string());
        assert_eq!(entry["codeHash"], program.code_hash.to_string());
        assert_eq!(entry["stylusVersion"], program.activation.version);
        assert!(entry["cacheTx"].is_string(), "{} was cached", program.name);
    }
    assert_eq!(manifest["wiring"].as_array().unwrap().len(), d.steps.len());
}

/// Virtual shares (and wei) the vault adds to supply and total assets
/// against the first-depositor inflation attack (README, "Accounting").
const VIRTUAL: u64 = 1_000;

/// A deployed protocol and the accounts that use it.
struct Env {
    node: Devnode,
    d: Deployment,
    admin: Address,
    alice: Address,
    bob: Address,
    slasher: Address,
}

impl Env {
    fn new() -> Self {
        let (node, d, config) = deployed(false);
        let accounts = node.accounts();
        Self {
            node,
            d,
            admin: config.deployer,
            alice: accounts[1],
            bob: accounts[2],
            slasher: accounts[3],
        }
    }

    fn send<C: SolCall>(&mut self, from: Address, to: Address, value: U256, call: &C) -> Mined {
        e2e::send(&mut self.node, from, to, value, call)
    }

    fn try_send<C: SolCall>(
        &mut self,
        from: Address,
        to: Address,
        value: U256,
        call: &C,
    ) -> Result<Mined, TxError> {
        transact(&mut self.node, from, to, value, call)
    }

    fn node_call(&mut self, request: &alloy_rpc_types_eth::TransactionRequest) -> deploy::Called {
        deploy::Backend::call(&mut self.node, request).expect("a call")
    }

    fn read<C: SolCall>(&mut self, to: Address, call: &C) -> C::Return {
        e2e::read(&mut self.node, to, call)
    }

    fn deposit_eth(&mut self, who: Address, assets: U256) -> Mined {
        self.send(
            who,
            self.d.vault,
            assets,
            &IVault::depositCall {
                assets,
                receiver: who,
            },
        )
    }

    fn balance(&mut self, who: Address) -> U256 {
        self.read(self.d.token, &IErc20::balanceOfCall { account: who })
    }

    fn supply(&mut self) -> U256 {
        self.read(self.d.token, &IErc20::totalSupplyCall {})
    }

    fn total_assets(&mut self) -> U256 {
        self.read(self.d.vault, &IVault::totalAssetsCall {})
    }

    fn rate(&mut self) -> U256 {
        self.read(self.d.vault, &IVault::getRateCall {})
    }

    fn add_operator(&mut self, operator: Address) {
        let call = IOperatorRegistry::addOperatorCall {
            operator,
            metadataUri: "https://operator.example/meta.json".into(),
            slasher: self.slasher,
            cap: U256::MAX,
        };
        self.send(self.admin, self.d.operator_registry, U256::ZERO, &call);
    }

    fn delegate(&mut self, operator: Address, amount: U256) -> Mined {
        let call = IVault::delegateCall {
            operator,
            asset: ETH,
            amount,
        };
        self.send(self.admin, self.d.vault, U256::ZERO, &call)
    }
}

fn operator(index: u8) -> Address {
    let mut bytes = [0x0a; 20];
    bytes[19] = index;
    Address::from(bytes)
}

#[test]
fn a_withdrawal_goes_from_request_to_claim_in_eth() {
    let mut env = Env::new();
    let (alice, queue) = (env.alice, env.d.withdrawal_queue);
    env.deposit_eth(alice, ETHER * U256::from(4));
    let shares = ETHER;
    let mined = env.send(
        alice,
        queue,
        U256::ZERO,
        &IWithdrawalQueue::requestRedeem_0Call {
            shares,
            controller: alice,
            owner: alice,
            payoutAsset: ETH,
        },
    );
    let request = event::<IWithdrawalQueue::RedeemRequest>(&mined);
    let id = request.requestId;
    assert_eq!(
        (request.controller, request.owner, request.shares),
        (alice, alice, shares)
    );
    assert_eq!(
        env.balance(alice),
        ETHER * U256::from(3),
        "the shares are in escrow"
    );
    // The controller's list, decoded by a standard ABI decoder (alloy) from
    // the program's return data.
    let ids = env.read(
        queue,
        &IWithdrawalQueue::requestsOfCall {
            controller: alice,
            offset: U256::ZERO,
            limit: U256::from(10),
        },
    );
    assert_eq!(ids, vec![id]);
    let count = env.read(
        queue,
        &IWithdrawalQueue::requestCountOfCall { controller: alice },
    );
    assert_eq!(count, U256::from(1));
    let pending = env.read(
        queue,
        &IWithdrawalQueue::pendingRedeemRequestCall {
            requestId: id,
            controller: alice,
        },
    );
    assert_eq!(pending, shares);

    env.send(
        alice,
        queue,
        U256::ZERO,
        &IWithdrawalQueue::finalizeCall {
            asset: ETH,
            maxRequests: U256::from(10),
        },
    );
    assert_eq!(
        env.supply(),
        ETHER * U256::from(3),
        "finalization burns the escrowed shares"
    );
    assert_eq!(
        env.total_assets(),
        ETHER * U256::from(3),
        "the payout left total assets"
    );
    assert_eq!(env.rate(), ETHER, "the rate of the others did not move");
    let claimable = env.read(
        queue,
        &IWithdrawalQueue::claimableRedeemRequestCall {
            requestId: id,
            controller: alice,
        },
    );
    assert_eq!(claimable, shares);

    let before = env.node.balance(alice, BlockTag::Latest).unwrap();
    let mined = env.send(
        alice,
        queue,
        U256::ZERO,
        &IWithdrawalQueue::claimCall { requestId: id },
    );
    let after = env.node.balance(alice, BlockTag::Latest).unwrap();
    let claimed = event::<IWithdrawalQueue::RedeemClaimed>(&mined);
    assert_eq!((claimed.receiver, claimed.amount), (alice, ETHER));
    // The devnode charges its constant base fee and no priority fee.
    let fee = U256::from(mined.gas_used) * U256::from(env.node.base_fee());
    assert_eq!(after + fee - before, ETHER, "alice received 1 ETH");
    let again = env.try_send(
        alice,
        queue,
        U256::ZERO,
        &IWithdrawalQueue::claimCall { requestId: id },
    );
    assert!(again.is_err(), "a second claim fails");
}

/// Creation code that deploys `runtime` as EVM code: copy it to memory and
/// return it.
fn evm_initcode(runtime: &[u8]) -> Vec<u8> {
    let len = u8::try_from(runtime.len()).expect("a runtime under 256 bytes");
    // PUSH1 len, DUP1, PUSH1 11 (this prologue's length), PUSH1 0, CODECOPY,
    // PUSH1 0, RETURN.
    let mut code = vec![
        0x60, len, 0x80, 0x60, 0x0b, 0x60, 0x00, 0x39, 0x60, 0x00, 0xf3,
    ];
    code.extend_from_slice(runtime);
    code
}

/// A receiver whose every call (a plain ETH transfer included) writes two
/// fresh storage slots, ~44,000 gas: far beyond the 2,300 a `transfer`-style
/// stipend would give it, as a multisig's `receive()` can be.
const COSTLY_RECEIVER: [u8; 11] = [
    0x60, 0x01, 0x60, 0x00, 0x55, // SSTORE(0, 1)
    0x60, 0x02, 0x60, 0x01, 0x55, // SSTORE(1, 2)
    0x00, // STOP
];

/// A receiver that, when paid, reads the vault's `totalAssets()` and reverts
/// if that read fails: while the vault is paying it, the vault is on the
/// call stack, so the read is a re-entry.
fn reentrant_receiver(vault: Address) -> Vec<u8> {
    let mut code = vec![0x63];
    code.extend_from_slice(&IVault::totalAssetsCall::SELECTOR); // PUSH4 selector
    code.extend_from_slice(&[0x60, 0xe0, 0x1b, 0x60, 0x00, 0x52]); // << 224, MSTORE at 0
    code.extend_from_slice(&[0x60, 0x00, 0x60, 0x00, 0x60, 0x04, 0x60, 0x00]); // ret 0,0; args 0,4
    code.push(0x73); // PUSH20 vault
    code.extend_from_slice(vault.as_slice());
    code.extend_from_slice(&[0x5a, 0xfa]); // GAS, STATICCALL
    code.extend_from_slice(&[0x60, 0x32, 0x57]); // JUMPI to the STOP below on success
    code.extend_from_slice(&[0x60, 0x00, 0x60, 0x00, 0xfd]); // REVERT(0, 0)
    code.extend_from_slice(&[0x5b, 0x00]); // JUMPDEST (offset 0x32), STOP
    assert_eq!(code.len(), 0x34);
    code
}

impl Env {
    fn deploy_evm(&mut self, runtime: &[u8]) -> Address {
        let request = deploy::client::request(self.admin, None, U256::ZERO, evm_initcode(runtime));
        let mined = deploy::client::send(&mut self.node, request).expect("EVM deployment");
        mined.contract_address.expect("a created contract")
    }

    /// Alice deposits, requests `shares` for ETH, and the request is
    /// finalized. Returns the request id.
    fn finalized_request(&mut self, shares: U256) -> U256 {
        let (alice, queue) = (self.alice, self.d.withdrawal_queue);
        self.deposit_eth(alice, shares * U256::from(2));
        let call = IWithdrawalQueue::requestRedeem_0Call {
            shares,
            controller: alice,
            owner: alice,
            payoutAsset: ETH,
        };
        let mined = self.send(alice, queue, U256::ZERO, &call);
        let id = event::<IWithdrawalQueue::RedeemRequest>(&mined).requestId;
        self.send(
            alice,
            queue,
            U256::ZERO,
            &IWithdrawalQueue::finalizeCall {
                asset: ETH,
                maxRequests: U256::from(10),
            },
        );
        id
    }
}

#[test]
fn a_claim_pays_a_contract_whose_receive_costs_far_more_than_a_stipend() {
    let mut env = Env::new();
    let receiver = env.deploy_evm(&COSTLY_RECEIVER);
    let id = env.finalized_request(ETHER);
    let (alice, queue) = (env.alice, env.d.withdrawal_queue);
    env.send(
        alice,
        queue,
        U256::ZERO,
        &IWithdrawalQueue::claimToCall {
            requestId: id,
            receiver,
        },
    );
    assert_eq!(env.node.balance(receiver, BlockTag::Latest).unwrap(), ETHER);
    let wrote = env
        .node
        .storage(receiver, U256::from(1), BlockTag::Latest)
        .unwrap();
    assert_eq!(
        U256::from_be_bytes(wrote.0),
        U256::from(2),
        "the receiver's code ran to the end"
    );
}

#[test]
fn a_receiver_that_reenters_the_vault_makes_the_claim_revert_and_stay_claimable() {
    let mut env = Env::new();
    let vault = env.d.vault;
    let receiver = env.deploy_evm(&reentrant_receiver(vault));
    // Outside a payout the receiver's read of the vault succeeds.
    let probe = deploy::client::request(env.alice, Some(receiver), U256::ZERO, Vec::new());
    assert!(matches!(
        env.node_call(&probe),
        deploy::Called::Success { .. }
    ));

    let id = env.finalized_request(ETHER);
    let (alice, queue) = (env.alice, env.d.withdrawal_queue);
    let err = env
        .try_send(
            alice,
            queue,
            U256::ZERO,
            &IWithdrawalQueue::claimToCall {
                requestId: id,
                receiver,
            },
        )
        .expect_err("the re-entering receiver must make the claim fail");
    // The vault pays; the queue passes the vault's revert data through.
    let failed = err
        .decode::<IVault::EthTransferFailed>()
        .expect("EthTransferFailed");
    assert_eq!((failed.to, failed.amount), (receiver, ETHER));
    let claimable = env.read(
        queue,
        &IWithdrawalQueue::claimableRedeemRequestCall {
            requestId: id,
            controller: alice,
        },
    );
    assert_eq!(claimable, ETHER, "the request stays claimable");
    env.send(
        alice,
        queue,
        U256::ZERO,
        &IWithdrawalQueue::claimCall { requestId: id },
    );
    assert_eq!(
        env.read(
            queue,
            &IWithdrawalQueue::claimableRedeemRequestCall {
                requestId: id,
                controller: alice
            }
        ),
        U256::ZERO
    );
}

#[test]
fn eth_deposit_mints_one_to_one_at_rate_one() {
    let mut env = Env::new();
    assert_eq!(env.rate(), ETHER, "an empty vault prices lrETH at 1 ETH");
    let assets = ETHER * U256::from(3);
    let preview = env.read(
        env.d.vault,
        &IVault::previewDepositCall {
            asset: ETH,
            amount: assets,
        },
    );
    let mined = env.deposit_eth(env.alice, assets);

    assert_eq!(preview, assets);
    assert_eq!(env.balance(env.alice), assets);
    assert_eq!(env.supply(), assets);
    assert_eq!(env.total_assets(), assets);
    assert_eq!(env.rate(), ETHER);
    let deposit = event::<IVault::Deposit>(&mined);
    assert_eq!(
        (
            deposit.sender,
            deposit.receiver,
            deposit.asset,
            deposit.amount,
            deposit.value,
            deposit.shares
        ),
        (env.alice, env.alice, ETH, assets, assets, assets)
    );
    let minted = event::<IErc20::Transfer>(&mined);
    assert_eq!(
        (minted.from, minted.to, minted.value),
        (Address::ZERO, env.alice, assets)
    );
}

#[test]
fn lst_deposit_is_valued_at_its_rate_and_counts_what_arrived() {
    let mut env = Env::new();
    let (vault, lst) = (env.d.vault, env.d.lst().unwrap());
    env.deposit_eth(env.bob, ETHER);
    let amount = ETHER * U256::from(2);
    env.send(
        env.alice,
        lst,
        U256::ZERO,
        &IMockLst::mintCall {
            to: env.alice,
            amount: amount * U256::from(2),
        },
    );
    env.send(
        env.alice,
        lst,
        U256::ZERO,
        &IErc20::approveCall {
            spender: vault,
            value: U256::MAX,
        },
    );

    // 2 stETH at 1.05 ETH each into a vault at rate 1: 2.1 lrETH.
    let deposit = IVault::depositAssetCall {
        asset: lst,
        amount,
        receiver: env.alice,
        minShares: U256::ZERO,
    };
    let expected = amount * U256::from(105) / U256::from(100);
    assert_eq!(
        simulate(&mut env.node, env.alice, vault, U256::ZERO, &deposit).unwrap(),
        expected
    );
    env.send(env.alice, vault, U256::ZERO, &deposit);
    assert_eq!(env.balance(env.alice), expected);
    let book = env.read(vault, &IVault::assetTotalsCall { asset: lst });
    assert_eq!((book.idle, book.value), (amount, expected));
    assert_eq!(env.total_assets(), ETHER + expected);
    assert_eq!(env.rate(), ETHER);

    // A token that delivers 2 wei less than asked mints for what arrived.
    env.send(
        env.admin,
        lst,
        U256::ZERO,
        &IMockLst::setTransferShortfallCall {
            shortfall: U256::from(2),
        },
    );
    let before = env.balance(env.alice);
    env.send(env.alice, vault, U256::ZERO, &deposit);
    let arrived = amount - U256::from(2);
    let book = env.read(vault, &IVault::assetTotalsCall { asset: lst });
    assert_eq!(book.idle, amount + arrived);
    assert_eq!(
        env.balance(env.alice) - before,
        arrived * U256::from(105) / U256::from(100)
    );
}

#[test]
fn typed_errors_come_back_decoded_and_change_nothing() {
    let mut env = Env::new();
    env.deposit_eth(env.alice, ETHER);
    let supply = env.supply();

    let assets = ETHER * U256::from(2);
    let error = env
        .try_send(
            env.alice,
            env.d.vault,
            ETHER,
            &IVault::depositCall {
                assets,
                receiver: env.alice,
            },
        )
        .unwrap_err();
    assert_eq!(
        error.decode::<IVault::ValueMismatch>(),
        Some(IVault::ValueMismatch {
            assets,
            value: ETHER
        })
    );
    assert!(matches!(
        error.decode_any::<IVault::IVaultErrors>(),
        Some(IVault::IVaultErrors::ValueMismatch(_))
    ));

    let error = env
        .try_send(
            env.bob,
            env.d.vault,
            U256::ZERO,
            &IVault::delegateCall {
                operator: operator(1),
                asset: ETH,
                amount: ETHER,
            },
        )
        .unwrap_err();
    assert_eq!(
        error.decode::<IRoles::AccessControlUnauthorizedAccount>(),
        Some(IRoles::AccessControlUnauthorizedAccount {
            account: env.bob,
            neededRole: roles::delegation_manager()
        })
    );

    // Mined anyway (a gas limit skips the dry run): it reverts on chain,
    // and supply, books and the sender's lrETH stay as they were.
    let mut failing = deploy::client::request(
        env.alice,
        Some(env.d.vault),
        ETHER,
        SolCall::abi_encode(&IVault::depositCall {
            assets,
            receiver: env.alice,
        }),
    );
    failing.gas = Some(1_000_000);
    let error = deploy::client::send(&mut env.node, failing).unwrap_err();
    assert!(
        matches!(error, TxError::FailedOnChain(ref mined) if !mined.status && mined.gas_used > 21_000)
    );
    assert_eq!(env.supply(), supply);
    assert_eq!(env.balance(env.alice), ETHER);
    assert_eq!(env.total_assets(), ETHER);
}

#[test]
fn delegation_moves_idle_eth_to_an_operator_without_moving_the_rate() {
    let mut env = Env::new();
    env.deposit_eth(env.alice, ETHER * U256::from(4));
    let op = operator(1);
    env.add_operator(op);
    let (status, slasher, _) = {
        let o = env.read(
            env.d.operator_registry,
            &IOperatorRegistry::operatorCall { operator: op },
        );
        (o.status, o.slasher, o.cap)
    };
    assert_eq!(
        (status, slasher),
        (1, env.slasher),
        "active, slashed by the slasher"
    );

    let amount = ETHER * U256::from(3);
    env.delegate(op, amount);
    let stake = env.read(
        env.d.delegation,
        &IDelegation::stakeOfCall {
            operator: op,
            asset: ETH,
        },
    );
    assert_eq!((stake.active, stake.unbonding), (amount, U256::ZERO));
    assert_eq!(
        env.read(
            env.d.delegation,
            &IDelegation::totalStakeCall { asset: ETH }
        ),
        amount
    );
    let book = env.read(env.d.vault, &IVault::assetTotalsCall { asset: ETH });
    assert_eq!((book.idle, book.delegated), (ETHER, amount));
    assert_eq!(env.total_assets(), ETHER * U256::from(4));
    assert_eq!(env.rate(), ETHER);

    // More than is idle: a typed error with the figures.
    let error = env
        .try_send(
            env.admin,
            env.d.vault,
            U256::ZERO,
            &IVault::delegateCall {
                operator: op,
                asset: ETH,
                amount,
            },
        )
        .unwrap_err();
    assert_eq!(
        error.decode::<IVault::InsufficientIdle>(),
        Some(IVault::InsufficientIdle {
            asset: ETH,
            idle: ETHER,
            amount
        })
    );
}

#[test]
fn slash_lowers_the_rate_by_the_loss_over_the_supply() {
    let mut env = Env::new();
    env.deposit_eth(env.alice, ETHER * U256::from(3));
    env.deposit_eth(env.bob, ETHER);
    let op = operator(1);
    env.add_operator(op);
    env.delegate(op, ETHER * U256::from(2));
    let (supply, total, rate) = (env.supply(), env.total_assets(), env.rate());
    assert_eq!(rate, ETHER);

    // Only the operator's slasher may slash it.
    let loss = ETHER / U256::from(2);
    let evidence = B256::repeat_byte(0xe1);
    let slash = IDelegation::slashCall {
        operator: op,
        amount: loss,
        evidence,
    };
    let error = env
        .try_send(env.bob, env.d.delegation, U256::ZERO, &slash)
        .unwrap_err();
    assert_eq!(
        error.decode::<IDelegation::NotSlasher>(),
        Some(IDelegation::NotSlasher {
            caller: env.bob,
            operator: op
        })
    );

    let mined = env.send(env.slasher, env.d.delegation, U256::ZERO, &slash);
    let slashed = event::<IDelegation::OperatorSlashed>(&mined);
    assert_eq!(
        (slashed.operator, slashed.slasher, slashed.evidence),
        (op, env.slasher, evidence)
    );
    assert_eq!((slashed.requested, slashed.valueLost), (loss, loss));

    assert_eq!(env.total_assets(), total - loss);
    assert_eq!(env.supply(), supply, "a slash burns no lrETH");
    let after = env.rate();
    // The vault prices lrETH as (total + V) / (supply + V) with V virtual
    // shares and wei, rounded down.
    let virtual_ = U256::from(VIRTUAL);
    assert_eq!(
        after,
        ETHER * (total - loss + virtual_) / (supply + virtual_)
    );
    // So the rate falls by loss / supply, up to the virtual position's share.
    let drop = rate - after;
    let per_share_loss = loss * ETHER / supply;
    assert!(
        drop <= per_share_loss
            && per_share_loss - drop <= per_share_loss / U256::from(1_000_000_000_000u64),
        "rate fell by {drop}, loss per share {per_share_loss}"
    );
    let stake = env.read(
        env.d.delegation,
        &IDelegation::stakeOfCall {
            operator: op,
            asset: ETH,
        },
    );
    assert_eq!(stake.active, ETHER * U256::from(2) - loss);
}

#[test]
fn deposit_gas_is_the_same_with_1_and_50_operators() {
    let mut env = Env::new();
    env.deposit_eth(env.alice, ETHER * U256::from(10));
    env.add_operator(operator(0));
    env.delegate(operator(0), ETHER);

    let start = env.node.snapshot();
    let one = env.deposit_eth(env.bob, ETHER).gas_used;
    env.node.revert(start).unwrap();

    for index in 1..50 {
        env.add_operator(operator(index));
        env.delegate(operator(index), ETHER / U256::from(100));
    }
    let count = env.read(
        env.d.operator_registry,
        &IOperatorRegistry::operatorCountCall {},
    );
    assert_eq!(count, U256::from(50));
    let stake = env.read(
        env.d.delegation,
        &IDelegation::stakeOfCall {
            operator: operator(49),
            asset: ETH,
        },
    );
    assert_eq!(stake.active, ETHER / U256::from(100));
    let fifty = env.deposit_eth(env.bob, ETHER).gas_used;
    assert_eq!(one, fifty, "deposit gas with 1 operator vs 50");
    assert!(one > 21_000, "a deposit costs more than a plain transfer");
}

#[test]
fn a_second_copy_of_activated_code_is_not_activated_again() {
    let (mut node, d, config) = deployed(false);
    let token = artifacts().get("lrt-token").unwrap();
    let first = d.programs.iter().find(|p| p.name == "lrt-token").unwrap();
    let args = alloy_sol_types::SolValue::abi_encode_params(&(config.deployer,));
    let copy = deploy::programs::deploy_program(&mut node, config.deployer, token, &args, false)
        .expect("deploying the same code again");
    assert_ne!(copy.address, first.address);
    assert_eq!(copy.code_hash, first.code_hash);
    assert!(
        copy.activation.tx.is_none(),
        "ArbWasm answered ProgramUpToDate: nothing sent"
    );
    assert_eq!(copy.activation.version, first.activation.version);
    assert_eq!(copy.activation.data_fee, U256::ZERO);
    // It runs: its constructor set the admin, and it answers calls.
    assert_eq!(
        view(&mut node, copy.address, &IRoles::adminCall {}).unwrap(),
        config.deployer
    );
    assert_eq!(
        view(&mut node, copy.address, &IErc20::totalSupplyCall {}).unwrap(),
        U256::ZERO
    );
    // The constructor runs once.
    let again = deploy::programs::construct(&mut node, config.deployer, copy.address, &args);
    assert!(again.is_err(), "a second constructor call is refused");
}

#[test]
fn a_stale_lst_rate_blocks_that_asset_only_with_the_registrys_error() {
    let mut env = Env::new();
    let (vault, lst) = (env.d.vault, env.d.lst().unwrap());
    env.send(
        env.alice,
        lst,
        U256::ZERO,
        &IMockLst::mintCall {
            to: env.alice,
            amount: ETHER,
        },
    );
    env.send(
        env.alice,
        lst,
        U256::ZERO,
        &IErc20::approveCall {
            spender: vault,
            value: U256::MAX,
        },
    );
    let max_staleness = Config::devnet(env.admin).lst.unwrap().max_staleness;
    env.node.increase_time(max_staleness + 60);

    let deposit = IVault::depositAssetCall {
        asset: lst,
        amount: ETHER,
        receiver: env.alice,
        minShares: U256::ZERO,
    };
    let error = env
        .try_send(env.alice, vault, U256::ZERO, &deposit)
        .unwrap_err();
    // Raised by the registry two calls down, passed through the vault unchanged.
    let stale = error
        .decode::<IAssetRegistry::StaleRate>()
        .expect("StaleRate");
    assert_eq!((stale.asset, stale.maxStaleness), (lst, max_staleness));
    assert!(stale.now - stale.updatedAt > U256::from(max_staleness));

    // ETH deposits go on.
    env.deposit_eth(env.alice, ETHER);
    assert_eq!(env.balance(env.alice), ETHER);
}
