// Refusals known before anything is sent: the same rules the contracts
// apply, read from their state, so a person learns why at once.
import { formatAmount, formatDuration, isUnlimited } from "./format";

export interface DepositRules {
  depositsPaused: boolean;
  /** Smallest deposit, in ETH value (wei). */
  minDeposit: bigint;
  /** Most the vault takes of this asset for this receiver now (maxDeposit), `undefined` when the vault does not say. */
  maxDeposit?: bigint;
  asset: {
    symbol: string;
    decimals: number;
    isEth: boolean;
    enabled: boolean;
    /** Unix seconds of its last accepted rate and how old it may be (LSTs). */
    rateUpdatedAt?: number;
    maxStaleness?: number;
  };
  now: number;
}

/** Why a deposit of `amount` (worth `value` wei of ETH) would be refused, or `undefined` when it would go through. */
export function depositRefusal(rules: DepositRules, amount: bigint, value: bigint): string | undefined {
  const { asset } = rules;
  if (rules.depositsPaused) return "Deposits are paused.";
  if (!asset.enabled) return `Deposits of ${asset.symbol} are switched off.`;
  if (
    !asset.isEth &&
    asset.rateUpdatedAt !== undefined &&
    asset.maxStaleness !== undefined &&
    rules.now > asset.rateUpdatedAt + asset.maxStaleness
  ) {
    return `The rate of ${asset.symbol} is stale (older than ${formatDuration(asset.maxStaleness)}): its deposits wait for a fresh rate.`;
  }
  if (value < rules.minDeposit) {
    return `Below the minimum deposit of ${formatAmount(rules.minDeposit, 18, "ETH")}.`;
  }
  if (rules.maxDeposit !== undefined && amount > rules.maxDeposit) {
    if (rules.maxDeposit === 0n) return `The vault takes no more ${asset.symbol} now: its cap is reached.`;
    return `Above what the vault takes now: at most ${formatAmount(rules.maxDeposit, asset.decimals, asset.symbol)} (cap).`;
  }
  return undefined;
}

export interface RedeemRules {
  withdrawalsPaused: boolean;
  minRequestValue: bigint;
  maxRequestValue: bigint;
}

/** Why a redeem request worth `value` wei would be refused. */
export function redeemRefusal(rules: RedeemRules, value: bigint): string | undefined {
  if (rules.withdrawalsPaused) return "Withdrawals are paused.";
  if (value < rules.minRequestValue) {
    return `Below the smallest withdrawal of ${formatAmount(rules.minRequestValue, 18, "ETH")} in value.`;
  }
  if (!isUnlimited(rules.maxRequestValue) && rules.maxRequestValue > 0n && value > rules.maxRequestValue) {
    return `Above the largest withdrawal of ${formatAmount(rules.maxRequestValue, 18, "ETH")} in value; split it.`;
  }
  return undefined;
}
