// Turning what went wrong into a sentence: a revert decoded with the
// protocol's typed errors, a rejection in the wallet, or anything else.
import { decodeErrorResult, type Abi, type Hex } from "viem";
import { allAbis } from "../abi/generated";
import { formatUnitsFixed, formatAmount, formatDuration, formatRate, formatTime, formatPercent } from "./format";

type AbiError = Extract<Abi[number], { type: "error" }>;

/** Every typed error of every contract, once: a call may revert with an error of a contract it calls. */
export const protocolErrors: readonly AbiError[] = (() => {
  const seen = new Map<string, AbiError>();
  for (const abi of allAbis as readonly Abi[]) {
    for (const item of abi) {
      if (item.type !== "error") continue;
      const key = `${item.name}(${item.inputs.map((i) => i.type).join(",")})`;
      if (!seen.has(key)) seen.set(key, item);
    }
  }
  return [...seen.values()];
})();

/** What the sentences need to know: a name and decimals for each asset address. */
export interface ErrorContext {
  asset(address: string): { symbol: string; decimals: number };
}

type Args = readonly unknown[];
const big = (v: unknown): bigint => BigInt(v as bigint);
const num = (v: unknown): number => Number(v as bigint);

/** One sentence per typed error a holder can meet. */
const sentences: Record<string, (args: Args, ctx: ErrorContext) => string> = {
  DepositsPaused: () => "Deposits are paused.",
  WithdrawalsPaused: () => "Withdrawals are paused.",
  AssetCapExceeded: ([asset, , cap], ctx) => {
    const a = ctx.asset(String(asset));
    return `Above this asset's cap of ${formatAmount(big(cap), a.decimals, a.symbol)}.`;
  },
  TotalCapExceeded: ([, cap]) => `Above the protocol's total deposit cap of ${formatAmount(big(cap), 18, "ETH")}.`,
  BelowMinimumDeposit: ([, minimum]) => `Below the minimum deposit of ${formatAmount(big(minimum), 18, "ETH")}.`,
  AssetDisabled: ([asset], ctx) => `Deposits of ${ctx.asset(String(asset)).symbol} are switched off.`,
  UnsupportedAsset: ([asset], ctx) => `${ctx.asset(String(asset)).symbol} is not accepted by the vault.`,
  UnknownAsset: ([asset], ctx) => `${ctx.asset(String(asset)).symbol} is not listed.`,
  StaleRate: ([asset, updatedAt, , maxStaleness], ctx) =>
    `The rate of ${ctx.asset(String(asset)).symbol} is stale (last updated ${formatTime(num(updatedAt))}, at most ${formatDuration(num(maxStaleness))} old is accepted); its deposits wait for a fresh rate.`,
  RateOutOfBounds: ([asset, accepted, reported, maxChangeBps], ctx) =>
    `The new rate of ${ctx.asset(String(asset)).symbol} (${formatRate(big(reported))} ETH) moved more than ${formatPercent(num(maxChangeBps) / 10_000)} from the last accepted ${formatRate(big(accepted))} ETH; its deposits wait for the admin.`,
  InvalidRate: ([asset], ctx) => `The rate source of ${ctx.asset(String(asset)).symbol} reports no valid rate.`,
  SlippageExceeded: ([shares, minShares]) =>
    `The rate moved: you would get ${formatAmount(big(shares), 18, "lrETH")}, below your floor of ${formatAmount(big(minShares), 18, "lrETH")}. Review the new preview and try again.`,
  ZeroAmount: () => "The amount must be more than zero.",
  ZeroShares: () => "That amount is too small to be worth any lrETH.",
  ValueMismatch: () => "The ETH sent does not match the amount.",
  ERC20InsufficientBalance: ([, balance, needed]) =>
    `Your balance of ${formatUnitsPlain(big(balance))} is below the ${formatUnitsPlain(big(needed))} needed.`,
  ERC20InsufficientAllowance: ([, allowance, needed]) =>
    `The vault may spend only ${formatUnitsPlain(big(allowance))} of your tokens, ${formatUnitsPlain(big(needed))} are needed: approve first.`,
  TokenTransferFailed: () => "The token refused the transfer.",
  EthTransferFailed: () => "Sending the ETH failed: the receiving account refused it.",
  RequestBelowMinimum: ([, minimum]) => `Below the smallest withdrawal of ${formatAmount(big(minimum), 18, "ETH")} in value.`,
  RequestAboveMaximum: ([, maximum]) => `Above the largest withdrawal of ${formatAmount(big(maximum), 18, "ETH")} in value; split it.`,
  UnsupportedPayoutAsset: ([asset], ctx) => `Withdrawals cannot be paid in ${ctx.asset(String(asset)).symbol}.`,
  NotController: () => "Only the account that made this request, or an operator it approved, can do that.",
  SelfOperator: () => "An account cannot be its own operator.",
  RatesUnusable: ([count]) =>
    `${num(count) === 1 ? "One asset's rate is" : `${num(count)} assets' rates are`} unusable (stale or moved beyond the daily bound): deposits, withdrawal requests and finalization wait until it is fresh again or the admin reprices it, so that no one trades at a wrong price.`,
  RequestExceedsLine: ([asset, lineValue, holdings], ctx) => {
    const a = ctx.asset(String(asset));
    return `The vault holds ${formatAmount(big(holdings), 18, "ETH")} of ${a.symbol} in value and ${formatAmount(big(lineValue), 18, "ETH")} is already or would be waiting in its line: choose a smaller amount or another payout asset.`;
  },
  RequestNotDue: ([id, dueAt]) => `Request #${big(id)} is due only at ${formatTime(num(dueAt))}.`,
  RequestNotFinalized: ([id]) => `Request #${big(id)} is not finalized yet: nothing to claim.`,
  RequestAlreadyClaimed: ([id]) => `Request #${big(id)} was claimed already.`,
  RequestAlreadyCancelled: ([id]) => `Request #${big(id)} was cancelled.`,
  RequestAlreadyFinalized: ([id]) => `Request #${big(id)} is finalized: it can no longer be cancelled, only claimed.`,
  UnknownRequest: ([id]) => `There is no request #${big(id)}.`,
  NothingToFinalize: ([asset], ctx) => `No ${ctx.asset(String(asset)).symbol} request is due yet.`,
  InsufficientLiquidity: ([asset, id, idle, needed], ctx) => {
    const a = ctx.asset(String(asset));
    return `The vault holds ${formatAmount(big(idle), a.decimals, a.symbol)} idle, request #${big(id)} needs ${formatAmount(big(needed), a.decimals, a.symbol)}: it waits for stake to return.`;
  },
  BatchSizeZero: () => "Finalize at least one request.",
  NoBackingAssets: () => "The vault has no assets backing its shares.",
  NoSharesOutstanding: () => "There is no lrETH outstanding.",
  MathOverflow: () => "The amount is too large.",
  AccessControlUnauthorizedAccount: () => "Your account is not allowed to do that.",
};

function formatUnitsPlain(value: bigint): string {
  return formatUnitsFixed(value, 18);
}

/** The error's name and arguments decoded from revert data, `undefined` when it is no error of the protocol. */
export function decodeRevertData(data: Hex): { name: string; args: Args } | undefined {
  try {
    const decoded = decodeErrorResult({ abi: protocolErrors, data });
    return { name: decoded.errorName, args: (decoded.args ?? []) as Args };
  } catch {
    return undefined;
  }
}

/** A decoded error as a sentence. */
export function describeProtocolError(name: string, args: Args, ctx: ErrorContext): string {
  const sentence = sentences[name];
  if (sentence) return sentence(args, ctx);
  // An error without a sentence yet still reads as words, not hex.
  return `The contract refused: ${name.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase()}.`;
}

interface ErrorLike {
  code?: unknown;
  name?: unknown;
  data?: unknown;
  raw?: unknown;
  cause?: unknown;
  shortMessage?: unknown;
  message?: unknown;
}

function chain(error: unknown): ErrorLike[] {
  const out: ErrorLike[] = [];
  let current: unknown = error;
  while (current && typeof current === "object" && out.length < 20) {
    out.push(current as ErrorLike);
    current = (current as ErrorLike).cause;
  }
  return out;
}

/** Whether the person said no in the wallet (EIP-1193 code 4001). */
export function isUserRejection(error: unknown): boolean {
  return chain(error).some((e) => e.code === 4001 || e.name === "UserRejectedRequestError");
}

const isHex = (v: unknown): v is Hex => typeof v === "string" && /^0x[0-9a-fA-F]{8,}$/.test(v);

/** Revert data found anywhere in an error's chain (viem's, a wallet's or a node's error shapes). */
export function findRevertData(error: unknown): Hex | undefined {
  for (const e of chain(error)) {
    if (isHex(e.raw)) return e.raw;
    if (isHex(e.data)) return e.data;
    if (e.data && typeof e.data === "object") {
      const inner = (e.data as { data?: unknown }).data;
      if (isHex(inner)) return inner;
    }
  }
  return undefined;
}

/** What went wrong, as a sentence for the person. */
export function explainError(error: unknown, ctx: ErrorContext): string {
  if (isUserRejection(error)) return "You rejected the request in your wallet; nothing was sent.";
  const data = findRevertData(error);
  if (data) {
    const decoded = decodeRevertData(data);
    if (decoded) return describeProtocolError(decoded.name, decoded.args, ctx);
    return "The contract refused with an error this app does not know.";
  }
  for (const e of chain(error)) {
    if (e.name === "InsufficientFundsError" || /insufficient funds/i.test(String(e.message ?? ""))) {
      return "Your account does not have enough ETH for this transaction and its gas.";
    }
  }
  const first = chain(error)[0];
  const message = first?.shortMessage ?? first?.message;
  return typeof message === "string" ? message.split("\n")[0] : "Something went wrong.";
}
