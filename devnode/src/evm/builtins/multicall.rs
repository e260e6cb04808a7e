//! Multicall3: batches of calls in one call (mds1/multicall's ABI and
//! behaviour; viem and wagmi send batched `eth_call` reads through
//! `aggregate3`).

use super::{decode, non_payable, selector, Env, Halt};
use crate::stylus::api::CallKind;
use alloy_primitives::{Bytes, B256, U256};
use alloy_sol_types::{sol, SolCall};

sol! {
    interface IMulticall3 {
        struct Call { address target; bytes callData; }
        struct Call3 { address target; bool allowFailure; bytes callData; }
        struct Call3Value { address target; bool allowFailure; uint256 value; bytes callData; }
        struct Result { bool success; bytes returnData; }

        function aggregate(Call[] calldata calls) external payable returns (uint256 blockNumber, bytes[] memory returnData);
        function tryAggregate(bool requireSuccess, Call[] calldata calls) external payable returns (Result[] memory returnData);
        function tryBlockAndAggregate(bool requireSuccess, Call[] calldata calls) external payable returns (uint256 blockNumber, bytes32 blockHash, Result[] memory returnData);
        function blockAndAggregate(Call[] calldata calls) external payable returns (uint256 blockNumber, bytes32 blockHash, Result[] memory returnData);
        function aggregate3(Call3[] calldata calls) external payable returns (Result[] memory returnData);
        function aggregate3Value(Call3Value[] calldata calls) external payable returns (Result[] memory returnData);
        function getBlockHash(uint256 blockNumber) external view returns (bytes32 blockHash);
        function getBlockNumber() external view returns (uint256 blockNumber);
        function getCurrentBlockCoinbase() external view returns (address coinbase);
        function getCurrentBlockDifficulty() external view returns (uint256 difficulty);
        function getCurrentBlockGasLimit() external view returns (uint256 gaslimit);
        function getCurrentBlockTimestamp() external view returns (uint256 timestamp);
        function getEthBalance(address addr) external view returns (uint256 balance);
        function getLastBlockHash() external view returns (bytes32 blockHash);
        function getBasefee() external view returns (uint256 basefee);
        function getChainId() external view returns (uint256 chainid);
    }
}

use IMulticall3::*;

/// What Multicall3 reverts with when a call that may not fail fails.
pub const CALL_FAILED: &str = "Multicall3: call failed";
/// What `aggregate3Value` reverts with when the values do not add up to `msg.value`.
pub const VALUE_MISMATCH: &str = "Multicall3: value mismatch";

pub(super) fn run(env: &mut Env<'_>) -> std::result::Result<Bytes, Halt> {
    let input = env.call.input.clone();
    let block = env.call.block.clone();
    let number = U256::from(block.number);
    Ok(match selector(&input)? {
        aggregateCall::SELECTOR => {
            let call = decode::<aggregateCall>(&input)?;
            let mut return_data = Vec::with_capacity(call.calls.len());
            for c in call.calls {
                let (success, output) =
                    env.call(CallKind::Call, c.target, c.callData.to_vec(), U256::ZERO)?;
                if !success {
                    return Err(Halt::reason(CALL_FAILED));
                }
                return_data.push(output);
            }
            aggregateCall::abi_encode_returns(&aggregateReturn {
                blockNumber: number,
                returnData: return_data,
            })
        }
        tryAggregateCall::SELECTOR => {
            let call = decode::<tryAggregateCall>(&input)?;
            let results = try_calls(env, call.requireSuccess, call.calls)?;
            tryAggregateCall::abi_encode_returns(&results)
        }
        tryBlockAndAggregateCall::SELECTOR => {
            let call = decode::<tryBlockAndAggregateCall>(&input)?;
            let block_hash = env.host.block_hash(block.number);
            let return_data = try_calls(env, call.requireSuccess, call.calls)?;
            tryBlockAndAggregateCall::abi_encode_returns(&tryBlockAndAggregateReturn {
                blockNumber: number,
                blockHash: block_hash,
                returnData: return_data,
            })
        }
        blockAndAggregateCall::SELECTOR => {
            let call = decode::<blockAndAggregateCall>(&input)?;
            let block_hash = env.host.block_hash(block.number);
            let return_data = try_calls(env, true, call.calls)?;
            blockAndAggregateCall::abi_encode_returns(&blockAndAggregateReturn {
                blockNumber: number,
                blockHash: block_hash,
                returnData: return_data,
            })
        }
        aggregate3Call::SELECTOR => {
            let call = decode::<aggregate3Call>(&input)?;
            let mut results = Vec::with_capacity(call.calls.len());
            for c in call.calls {
                let (success, return_data) =
                    env.call(CallKind::Call, c.target, c.callData.to_vec(), U256::ZERO)?;
                if !success && !c.allowFailure {
                    return Err(Halt::reason(CALL_FAILED));
                }
                results.push(Result {
                    success,
                    returnData: return_data,
                });
            }
            aggregate3Call::abi_encode_returns(&results)
        }
        aggregate3ValueCall::SELECTOR => {
            let call = decode::<aggregate3ValueCall>(&input)?;
            let mut total = U256::ZERO;
            let mut results = Vec::with_capacity(call.calls.len());
            for c in call.calls {
                total = total
                    .checked_add(c.value)
                    .ok_or_else(|| Halt::panic(0x11))?;
                let (success, return_data) =
                    env.call(CallKind::Call, c.target, c.callData.to_vec(), c.value)?;
                if !success && !c.allowFailure {
                    return Err(Halt::reason(CALL_FAILED));
                }
                results.push(Result {
                    success,
                    returnData: return_data,
                });
            }
            if total != env.call.value {
                return Err(Halt::reason(VALUE_MISMATCH));
            }
            aggregate3ValueCall::abi_encode_returns(&results)
        }
        getBlockHashCall::SELECTOR => {
            non_payable(env)?;
            let call = decode::<getBlockHashCall>(&input)?;
            let hash = match u64::try_from(call.blockNumber) {
                Ok(n) => env.host.block_hash(n),
                Err(_) => B256::ZERO,
            };
            getBlockHashCall::abi_encode_returns(&hash)
        }
        getBlockNumberCall::SELECTOR => {
            non_payable(env)?;
            getBlockNumberCall::abi_encode_returns(&number)
        }
        getCurrentBlockCoinbaseCall::SELECTOR => {
            non_payable(env)?;
            getCurrentBlockCoinbaseCall::abi_encode_returns(&block.coinbase)
        }
        getCurrentBlockDifficultyCall::SELECTOR => {
            non_payable(env)?;
            getCurrentBlockDifficultyCall::abi_encode_returns(&block.prevrandao)
        }
        getCurrentBlockGasLimitCall::SELECTOR => {
            non_payable(env)?;
            getCurrentBlockGasLimitCall::abi_encode_returns(&U256::from(block.gas_limit))
        }
        getCurrentBlockTimestampCall::SELECTOR => {
            non_payable(env)?;
            getCurrentBlockTimestampCall::abi_encode_returns(&U256::from(block.timestamp))
        }
        getEthBalanceCall::SELECTOR => {
            non_payable(env)?;
            let call = decode::<getEthBalanceCall>(&input)?;
            let balance = env.balance(call.addr)?;
            getEthBalanceCall::abi_encode_returns(&balance)
        }
        getLastBlockHashCall::SELECTOR => {
            non_payable(env)?;
            let hash = match block.number.checked_sub(1) {
                Some(n) => env.host.block_hash(n),
                None => B256::ZERO,
            };
            getLastBlockHashCall::abi_encode_returns(&hash)
        }
        getBasefeeCall::SELECTOR => {
            non_payable(env)?;
            getBasefeeCall::abi_encode_returns(&block.basefee)
        }
        getChainIdCall::SELECTOR => {
            non_payable(env)?;
            getChainIdCall::abi_encode_returns(&U256::from(block.chain_id))
        }
        _ => return Err(Halt::Revert(Bytes::new())),
    }
    .into())
}

/// `tryAggregate`'s loop: every call runs; a failure reverts only when `require_success`.
fn try_calls(
    env: &mut Env<'_>,
    require_success: bool,
    calls: Vec<Call>,
) -> std::result::Result<Vec<Result>, Halt> {
    let mut results = Vec::with_capacity(calls.len());
    for c in calls {
        let (success, return_data) =
            env.call(CallKind::Call, c.target, c.callData.to_vec(), U256::ZERO)?;
        if require_success && !success {
            return Err(Halt::reason(CALL_FAILED));
        }
        results.push(Result {
            success,
            returnData: return_data,
        });
    }
    Ok(results)
}
