import { describe, expect, it } from "vitest";
import { depositRefusal, redeemRefusal, type DepositRules } from "../src/lib/refusals";

const E = 10n ** 18n;
const rules = (over: Partial<DepositRules> = {}, asset: Partial<DepositRules["asset"]> = {}): DepositRules => ({
  depositsPaused: false,
  minDeposit: E / 100n,
  maxDeposit: 100n * E,
  now: 1_000_000,
  ...over,
  asset: { symbol: "stETH", decimals: 18, isEth: false, enabled: true, rateUpdatedAt: 999_000, maxStaleness: 86_400, ...asset },
});

describe("deposit refusals known before sending", () => {
  it("lets a deposit within every rule through", () => {
    expect(depositRefusal(rules(), E, E)).toBeUndefined();
  });
  it("refuses while deposits are paused", () => {
    expect(depositRefusal(rules({ depositsPaused: true }), E, E)).toBe("Deposits are paused.");
  });
  it("refuses a disabled asset", () => {
    expect(depositRefusal(rules({}, { enabled: false }), E, E)).toBe("Deposits of stETH are switched off.");
  });
  it("refuses an LST whose rate is stale, but not ETH", () => {
    const stale = rules({ now: 999_000 + 86_401 });
    expect(depositRefusal(stale, E, E)).toMatch(/^The rate of stETH is stale/);
    expect(depositRefusal({ ...stale, asset: { ...stale.asset, isEth: true, symbol: "ETH" } }, E, E)).toBeUndefined();
  });
  it("refuses below the minimum, in ETH value", () => {
    expect(depositRefusal(rules(), E / 1000n, E / 1000n)).toBe("Below the minimum deposit of 0.01 ETH.");
  });
  it("refuses above maxDeposit and says the most", () => {
    expect(depositRefusal(rules(), 101n * E, 101n * E)).toBe("Above what the vault takes now: at most 100 stETH (cap).");
    expect(depositRefusal(rules({ maxDeposit: 0n }), E, E)).toBe("The vault takes no more stETH now: its cap is reached.");
  });
});

describe("redeem refusals", () => {
  const limits = { withdrawalsPaused: false, minRequestValue: E / 100n, maxRequestValue: 2n ** 256n - 1n };
  it("refuses while withdrawals are paused", () => {
    expect(redeemRefusal({ ...limits, withdrawalsPaused: true }, E)).toBe("Withdrawals are paused.");
  });
  it("refuses outside the request limits", () => {
    expect(redeemRefusal(limits, E / 1000n)).toBe("Below the smallest withdrawal of 0.01 ETH in value.");
    expect(redeemRefusal({ ...limits, maxRequestValue: 10n * E }, 11n * E)).toBe("Above the largest withdrawal of 10 ETH in value; split it.");
    expect(redeemRefusal(limits, 1000n * E)).toBeUndefined();
  });
});
