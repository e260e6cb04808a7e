// Reads of the protocol's state, straight from its contracts through viem.
import { type Abi, type Address, type PublicClient, parseAbiItem, zeroAddress } from "viem";
import { assetRegistryAbi, lrtTokenAbi, mockLstAbi, rateSourceAbi, vaultAbi, withdrawalQueueAbi } from "../abi/generated";
import type { Deployment } from "./manifest";
import type { RatePoint, RewardPoint } from "./rates";
import type { RequestView } from "./requests";

/** The vault's name for ETH (ERC-7535). */
export const ETH: Address = "0xEeeeeEeeeEeEeeEeEeEeeEEEeeeeEeeeeeeeEEeE";

/** Whether `abi` has a function `name`: another deployment may predate or extend it. */
export function hasFunction(abi: Abi, name: string): boolean {
  return abi.some((item) => item.type === "function" && item.name === name);
}

export interface AssetInfo {
  address: Address;
  symbol: string;
  decimals: number;
  isEth: boolean;
  enabled: boolean;
  /** ETH per unit, 1e18 = 1. */
  rate: bigint;
  /** Most units the vault may hold (the registry's cap; ETH: the total cap). */
  cap: bigint;
  /** Units the vault holds (idle + delegated). */
  held: bigint;
  rateUpdatedAt?: number;
  maxStaleness?: number;
}

export interface Overview {
  rate: bigint;
  totalAssets: bigint;
  supply: bigint;
  depositsPaused: boolean;
  withdrawalsPaused: boolean;
  minDeposit: bigint;
  totalCap: bigint;
  feeBps: bigint;
  withdrawalDelay: number;
  minRequestValue: bigint;
  maxRequestValue: bigint;
  assets: AssetInfo[];
  now: number;
}

export async function readOverview(client: PublicClient, d: Deployment): Promise<Overview> {
  const vault = { address: d.vault, abi: vaultAbi } as const;
  const [rate, totalAssets, supply, depositsPaused, withdrawalsPaused, limits, feeBps, queueConfig, listed, block] =
    await Promise.all([
      client.readContract({ ...vault, functionName: "getRate" }),
      client.readContract({ ...vault, functionName: "totalAssets" }),
      client.readContract({ address: d.token, abi: lrtTokenAbi, functionName: "totalSupply" }),
      client.readContract({ ...vault, functionName: "depositsPaused" }),
      client.readContract({ ...vault, functionName: "withdrawalsPaused" }),
      client.readContract({ ...vault, functionName: "depositLimits" }),
      client.readContract({ ...vault, functionName: "feeBps" }),
      client.readContract({ address: d.withdrawalQueue, abi: withdrawalQueueAbi, functionName: "config" }),
      client.readContract({ address: d.assetRegistry, abi: assetRegistryAbi, functionName: "assets" }),
      client.getBlock(),
    ]);
  const [minDeposit, totalCap] = limits;
  const ethTotals = await client.readContract({ ...vault, functionName: "assetTotals", args: [ETH] });
  const eth: AssetInfo = {
    address: ETH,
    symbol: "ETH",
    decimals: 18,
    isEth: true,
    enabled: true,
    rate: 10n ** 18n,
    cap: totalCap,
    held: ethTotals[0] + ethTotals[1],
  };
  const lsts = await Promise.all(
    listed.map(async (address): Promise<AssetInfo> => {
      const token = { address, abi: mockLstAbi } as const;
      const [symbol, decimals, config, totals] = await Promise.all([
        client.readContract({ ...token, functionName: "symbol" }),
        client.readContract({ ...token, functionName: "decimals" }),
        client.readContract({ address: d.assetRegistry, abi: assetRegistryAbi, functionName: "assetConfig", args: [address] }),
        client.readContract({ ...vault, functionName: "assetTotals", args: [address] }),
      ]);
      const [, enabled, rateSource, depositCap, maxStaleness, , assetRate, acceptedAt] = config;
      // A deposit takes the source's newest rate, so its age is what decides
      // staleness; the registry's accepted time stands in for a source that
      // cannot be read.
      const rateUpdatedAt = await client
        .readContract({ address: rateSource, abi: rateSourceAbi, functionName: "latestRate" })
        .then(([, updatedAt]) => updatedAt)
        .catch(() => acceptedAt);
      return {
        address,
        symbol,
        decimals,
        isEth: false,
        enabled,
        rate: assetRate,
        cap: depositCap,
        held: totals[0] + totals[1],
        rateUpdatedAt: Number(rateUpdatedAt),
        maxStaleness: Number(maxStaleness),
      };
    }),
  );
  return {
    rate,
    totalAssets,
    supply,
    depositsPaused,
    withdrawalsPaused,
    minDeposit,
    totalCap,
    feeBps,
    withdrawalDelay: Number(queueConfig[3]),
    minRequestValue: queueConfig[4],
    maxRequestValue: queueConfig[5],
    assets: [eth, ...lsts],
    now: Number(block.timestamp),
  };
}

export interface Holdings {
  eth: bigint;
  lreth: bigint;
  /** Balance of each LST by address. */
  tokens: Record<Address, bigint>;
}

export async function readHoldings(client: PublicClient, d: Deployment, account: Address, assets: readonly AssetInfo[]): Promise<Holdings> {
  const [eth, lreth, ...balances] = await Promise.all([
    client.getBalance({ address: account }),
    client.readContract({ address: d.token, abi: lrtTokenAbi, functionName: "balanceOf", args: [account] }),
    ...assets
      .filter((a) => !a.isEth)
      .map((a) => client.readContract({ address: a.address, abi: mockLstAbi, functionName: "balanceOf", args: [account] })),
  ]);
  const tokens: Record<Address, bigint> = {};
  assets.filter((a) => !a.isEth).forEach((a, i) => (tokens[a.address] = balances[i]));
  return { eth, lreth, tokens };
}

/** The account's requests, newest first (at most the last `limit`). */
export async function readRequests(client: PublicClient, d: Deployment, account: Address, limit = 50n): Promise<RequestView[]> {
  const queue = { address: d.withdrawalQueue, abi: withdrawalQueueAbi } as const;
  const count = await client.readContract({ ...queue, functionName: "requestCountOf", args: [account] });
  const ids = await client.readContract({
    ...queue,
    functionName: "requestsOf",
    args: [account, count > limit ? count - limit : 0n, limit],
  });
  const requests = await Promise.all(
    ids.map(async (id): Promise<RequestView> => {
      const [, payoutAsset, shares, valueAtRequest, requestedAt, status, reserved] = await client.readContract({
        ...queue,
        functionName: "getRequest",
        args: [id],
      });
      return { id, payoutAsset, shares, valueAtRequest, requestedAt: Number(requestedAt), storedStatus: status, reserved };
    }),
  );
  return requests.reverse();
}

/** Whether the next request of `asset` is due, for the "finalize the queue" action. */
export async function readNextDue(client: PublicClient, d: Deployment, asset: Address): Promise<{ found: boolean; requestId: bigint; dueAt: number } | undefined> {
  if (!hasFunction(withdrawalQueueAbi, "nextFinalizable")) return undefined;
  const [found, requestId, dueAt] = await client.readContract({
    address: d.withdrawalQueue,
    abi: withdrawalQueueAbi,
    functionName: "nextFinalizable",
    args: [asset],
  });
  return { found, requestId, dueAt: Number(dueAt) };
}

const rateEvents = [
  parseAbiItem("event RewardsDistributed(uint256 rewards, uint256 fee, uint256 feeShares, uint256 rate)"),
  parseAbiItem("event StakeSlashed(address indexed asset, uint256 amount, uint256 valueLost)"),
  parseAbiItem("event AssetRevalued(address indexed asset, uint256 rate, uint256 value)"),
] as const;

/** Every rate-moving event of the vault as a chart point (rate read at its block), plus the rewards for the APR. */
export async function readRateHistory(client: PublicClient, d: Deployment): Promise<{ points: RatePoint[]; rewards: RewardPoint[] }> {
  const logs = await client.getLogs({ address: d.vault, events: rateEvents, fromBlock: 0n, toBlock: "latest" });
  const blocks = [...new Set(logs.map((l) => l.blockNumber))];
  const at = new Map<bigint, { time: number; rate: bigint; before: bigint }>();
  await Promise.all(
    blocks.map(async (blockNumber) => {
      const [block, rate, before] = await Promise.all([
        client.getBlock({ blockNumber }),
        client.readContract({ address: d.vault, abi: vaultAbi, functionName: "getRate", blockNumber }),
        blockNumber > 0n
          ? client.readContract({ address: d.vault, abi: vaultAbi, functionName: "getRate", blockNumber: blockNumber - 1n }).catch(() => 10n ** 18n)
          : Promise.resolve(10n ** 18n),
      ]);
      at.set(blockNumber, { time: Number(block.timestamp), rate, before });
    }),
  );
  const points: RatePoint[] = [];
  const rewards: RewardPoint[] = [];
  const seen = new Set<bigint>();
  for (const log of logs) {
    const state = at.get(log.blockNumber);
    if (!state) continue;
    const kind = log.eventName === "RewardsDistributed" ? "reward" : log.eventName === "StakeSlashed" ? "slash" : "revalue";
    if (kind === "reward") rewards.push({ time: state.time, before: state.before, after: state.rate });
    if (seen.has(log.blockNumber)) continue;
    seen.add(log.blockNumber);
    points.push({ time: state.time, rate: state.rate, kind });
  }
  return { points, rewards };
}

export { zeroAddress };
