import { describe, expect, it } from "vitest";
import { BaseError, ContractFunctionExecutionError, ContractFunctionRevertedError, encodeErrorResult, UserRejectedRequestError } from "viem";
import { assetRegistryAbi, vaultAbi, withdrawalQueueAbi } from "../src/abi/generated";
import { decodeRevertData, explainError, findRevertData, isUserRejection, protocolErrors } from "../src/lib/errors";

const stETH = "0x00000000000000000000000000000000000057e7";
const ctx = {
  asset: (address: string) =>
    address.toLowerCase() === stETH ? { symbol: "stETH", decimals: 18 } : { symbol: "ETH", decimals: 18 },
};

function reverted(data: `0x${string}`) {
  // The shape viem gives a failed simulateContract: an execution error whose cause holds the revert data.
  const cause = new ContractFunctionRevertedError({ abi: vaultAbi, data, functionName: "deposit" });
  return new ContractFunctionExecutionError(cause as BaseError, { abi: vaultAbi, functionName: "deposit", args: [] });
}

describe("revert decoding", () => {
  it("knows every contract's errors once", () => {
    const names = protocolErrors.map((e) => e.name);
    expect(names).toContain("DepositsPaused");
    expect(names).toContain("StaleRate");
    expect(names).toContain("RequestNotDue");
    expect(new Set(protocolErrors.map((e) => `${e.name}(${e.inputs.map((i) => i.type)})`)).size).toBe(protocolErrors.length);
  });

  it("says a paused vault in words", () => {
    const data = encodeErrorResult({ abi: vaultAbi, errorName: "DepositsPaused" });
    expect(explainError(reverted(data), ctx)).toBe("Deposits are paused.");
  });

  it("names the asset and its cap in the token's units", () => {
    const data = encodeErrorResult({ abi: vaultAbi, errorName: "AssetCapExceeded", args: [stETH, 101n * 10n ** 18n, 100n * 10n ** 18n] });
    expect(explainError(reverted(data), ctx)).toBe("Above this asset's cap of 100 stETH.");
  });

  it("decodes an error raised by another contract than the one called", () => {
    const data = encodeErrorResult({ abi: assetRegistryAbi, errorName: "StaleRate", args: [stETH, 0n, 200_000n, 86_400n] });
    expect(decodeRevertData(data)?.name).toBe("StaleRate");
    expect(explainError(reverted(data), ctx)).toMatch(/^The rate of stETH is stale .* at most 1 d old is accepted/);
  });

  it("explains the queue's refusals", () => {
    const notDue = encodeErrorResult({ abi: withdrawalQueueAbi, errorName: "RequestNotDue", args: [3n, 86_400n, 100n] });
    expect(explainError({ data: notDue }, ctx)).toBe("Request #3 is due only at 1970-01-02 00:00 UTC.");
    const slippage = encodeErrorResult({ abi: vaultAbi, errorName: "SlippageExceeded", args: [9n * 10n ** 17n, 10n ** 18n] });
    expect(explainError({ cause: { data: { data: slippage } } }, ctx)).toMatch(/^The rate moved: you would get 0.9 lrETH, below your floor of 1 lrETH/);
  });

  it("explains the pricing and line refusals", () => {
    const closed = encodeErrorResult({ abi: vaultAbi, errorName: "RatesUnusable", args: [1n] });
    expect(explainError(reverted(closed), ctx)).toMatch(/^One asset's rate is unusable .* wait until it is fresh again/);
    const line = encodeErrorResult({
      abi: withdrawalQueueAbi,
      errorName: "RequestExceedsLine",
      args: [stETH, 12n * 10n ** 18n, 10n * 10n ** 18n],
    });
    expect(explainError({ data: line }, ctx)).toBe(
      "The vault holds 10 ETH of stETH in value and 12 ETH is already or would be waiting in its line: choose a smaller amount or another payout asset.",
    );
  });

  it("finds revert data in a wallet's or node's error shape", () => {
    const data = encodeErrorResult({ abi: vaultAbi, errorName: "ZeroAmount" });
    expect(findRevertData({ code: 3, message: "execution reverted", data })).toBe(data);
    expect(findRevertData(new Error("no data"))).toBeUndefined();
  });

  it("never shows raw hex for an unknown error", () => {
    const message = explainError({ data: "0xdeadbeef00" }, ctx);
    expect(message).toBe("The contract refused with an error this app does not know.");
    expect(message).not.toMatch(/0x/);
  });
});

describe("wallet rejection", () => {
  it("is recognised by EIP-1193 code 4001 anywhere in the chain", () => {
    expect(isUserRejection({ code: 4001, message: "User rejected the request." })).toBe(true);
    expect(isUserRejection(new UserRejectedRequestError(new Error("no")))).toBe(true);
    expect(isUserRejection({ cause: { cause: { code: 4001 } } })).toBe(true);
    expect(isUserRejection({ code: -32000 })).toBe(false);
  });
  it("says nothing was sent", () => {
    expect(explainError({ code: 4001 }, ctx)).toBe("You rejected the request in your wallet; nothing was sent.");
  });
});
