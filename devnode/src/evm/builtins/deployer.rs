//! StylusDeployer: deploys, activates and constructs a Stylus program in one
//! transaction (OffchainLabs/nitro-contracts' `StylusDeployer`: its ABI,
//! errors, event and order of steps), so nobody can call the constructor
//! between deployment and construction. cargo-stylus deploys every program
//! with a constructor through it and reads the new address from its
//! `ContractDeployed` event.

use super::{decode, non_payable, selector, Env, Halt};
use crate::evm::precompiles::ARB_WASM;
use crate::stylus::api::CallKind;
use alloy_primitives::{keccak256, Address, Bytes, B256, U256};
use alloy_sol_types::{sol, SolCall, SolEvent};

sol! {
    interface IStylusDeployer {
        event ContractDeployed(address deployedContract);

        error ContractDeploymentError(bytes bytecode);
        error ContractInitializationError(address newContract, bytes data);
        error RefundExcessValueError(uint256 excessValue);
        error EmptyBytecode();
        error InitValueButNotInitData();

        function deploy(bytes calldata bytecode, bytes calldata initData, uint256 initValue, bytes32 salt) external payable returns (address);
        function initSalt(bytes32 salt, bytes calldata initData) external pure returns (bytes32);
        function requiresActivation(address addr) external view returns (bool);
    }

    interface IArbWasmForDeployer {
        function activateProgram(address program) external payable returns (uint16 version, uint256 dataFee);
        function stylusVersion() external view returns (uint16 version);
        function codehashVersion(bytes32 codehash) external view returns (uint16 version);
    }
}

use IArbWasmForDeployer as ArbWasm;
use IStylusDeployer::*;

pub(super) fn run(env: &mut Env<'_>) -> Result<Bytes, Halt> {
    let input = env.call.input.clone();
    Ok(match selector(&input)? {
        deployCall::SELECTOR => {
            let call = decode::<deployCall>(&input)?;
            let address = deploy(env, call)?;
            deployCall::abi_encode_returns(&address)
        }
        initSaltCall::SELECTOR => {
            non_payable(env)?;
            let call = decode::<initSaltCall>(&input)?;
            initSaltCall::abi_encode_returns(&init_salt(call.salt, &call.initData))
        }
        requiresActivationCall::SELECTOR => {
            non_payable(env)?;
            let call = decode::<requiresActivationCall>(&input)?;
            let requires = requires_activation(env, call.addr)?;
            requiresActivationCall::abi_encode_returns(&requires)
        }
        _ => return Err(Halt::Revert(Bytes::new())),
    }
    .into())
}

/// The CREATE2 salt for a user's salt: hashed with the init data, so wherever
/// the address is seen, it was constructed with the same arguments.
pub fn init_salt(salt: B256, init_data: &[u8]) -> B256 {
    let mut preimage = salt.to_vec();
    preimage.extend_from_slice(init_data);
    keccak256(preimage)
}

fn deploy(env: &mut Env<'_>, call: deployCall) -> Result<Address, Halt> {
    env.require_writable()?;
    if call.bytecode.is_empty() {
        return Err(Halt::error(EmptyBytecode {}));
    }
    let salt = (call.salt != B256::ZERO).then(|| init_salt(call.salt, &call.initData));
    let gas = env.gas_left();
    let created = env
        .host
        .create(call.bytecode.clone(), U256::ZERO, salt, gas)
        .map_err(|_| Halt::Revert(Bytes::new()))?;
    env.charge(created.cost)?;
    if created.address.is_zero() {
        // A reverted init code's data is bubbled up, as the Solidity contract does.
        if !created.output.is_empty() {
            return Err(Halt::Revert(created.output));
        }
        return Err(Halt::error(ContractDeploymentError {
            bytecode: call.bytecode,
        }));
    }
    let program = created.address;
    let msg_value = env.call.value;

    let mut data_fee = U256::ZERO;
    if requires_activation(env, program)? {
        // Keep what the constructor needs; ArbWasm returns the unused value.
        let activation_value = msg_value
            .checked_sub(call.initValue)
            .ok_or_else(|| Halt::panic(0x11))?;
        let output = env.call_or_bubble(
            CallKind::Call,
            ARB_WASM,
            ArbWasm::activateProgramCall { program }.abi_encode(),
            activation_value,
        )?;
        data_fee = ArbWasm::activateProgramCall::abi_decode_returns(&output)
            .map_err(|_| Halt::Revert(Bytes::new()))?
            .dataFee;
    }

    if !call.initData.is_empty() {
        let (success, data) = env.call(
            CallKind::Call,
            program,
            call.initData.to_vec(),
            call.initValue,
        )?;
        if !success {
            return Err(Halt::error(ContractInitializationError {
                newContract: program,
                data,
            }));
        }
    } else if !call.initValue.is_zero() {
        return Err(Halt::error(InitValueButNotInitData {}));
    }

    let excess = msg_value
        .checked_sub(data_fee)
        .and_then(|rest| rest.checked_sub(call.initValue))
        .ok_or_else(|| Halt::panic(0x11))?;
    if !excess.is_zero() {
        let (sent, _) = env.call(CallKind::Call, env.call.caller, Vec::new(), excess)?;
        if !sent {
            return Err(Halt::error(RefundExcessValueError {
                excessValue: excess,
            }));
        }
    }

    let event = ContractDeployed {
        deployedContract: program,
    };
    env.log(vec![ContractDeployed::SIGNATURE_HASH], event.encode_data())?;
    Ok(program)
}

/// Whether `program`'s code hash is not yet activated at the current Stylus version.
fn requires_activation(env: &mut Env<'_>, program: Address) -> Result<bool, Halt> {
    let codehash = env.codehash(program)?;
    let (ok, output) = env.call(
        CallKind::StaticCall,
        ARB_WASM,
        ArbWasm::codehashVersionCall { codehash }.abi_encode(),
        U256::ZERO,
    )?;
    let version = if ok {
        ArbWasm::codehashVersionCall::abi_decode_returns(&output).unwrap_or(0)
    } else {
        0
    };
    let current = env.call_or_bubble(
        CallKind::StaticCall,
        ARB_WASM,
        ArbWasm::stylusVersionCall {}.abi_encode(),
        U256::ZERO,
    )?;
    let current = ArbWasm::stylusVersionCall::abi_decode_returns(&current)
        .map_err(|_| Halt::Revert(Bytes::new()))?;
    Ok(version != current)
}
