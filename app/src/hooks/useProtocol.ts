// The protocol's state as react-query queries, refreshed after every transaction.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { usePublicClient } from "wagmi";
import type { Address, PublicClient } from "viem";
import { loadDeployment, loadIndex, type Deployment } from "../lib/manifest";
import { readHoldings, readOverview, readRateHistory, readRequests, readNextDue, type AssetInfo } from "../lib/protocol";

export function useDeployments() {
  return useQuery({
    queryKey: ["deployments"],
    queryFn: async () => {
      const chains = await loadIndex();
      const deployments = await Promise.all(chains.map((id) => loadDeployment(id).catch(() => undefined)));
      return deployments.filter((d): d is Deployment => d !== undefined);
    },
    staleTime: Infinity,
  });
}

function useClient(chainId: number | undefined): PublicClient | undefined {
  return usePublicClient({ chainId: chainId as never }) as PublicClient | undefined;
}

export function useOverview(d: Deployment | undefined) {
  const client = useClient(d?.chainId);
  return useQuery({
    queryKey: ["protocol", d?.chainId, "overview"],
    queryFn: () => readOverview(client!, d!),
    enabled: !!client && !!d,
    refetchInterval: 5_000,
  });
}

export function useHoldings(d: Deployment | undefined, account: Address | undefined, assets: readonly AssetInfo[] | undefined) {
  const client = useClient(d?.chainId);
  return useQuery({
    queryKey: ["protocol", d?.chainId, "holdings", account, assets?.length],
    queryFn: () => readHoldings(client!, d!, account!, assets!),
    enabled: !!client && !!d && !!account && !!assets,
    refetchInterval: 5_000,
  });
}

export function useRequests(d: Deployment | undefined, account: Address | undefined) {
  const client = useClient(d?.chainId);
  return useQuery({
    queryKey: ["protocol", d?.chainId, "requests", account],
    queryFn: () => readRequests(client!, d!, account!),
    enabled: !!client && !!d && !!account,
    refetchInterval: 5_000,
  });
}

export function useNextDue(d: Deployment | undefined, asset: Address | undefined) {
  const client = useClient(d?.chainId);
  return useQuery({
    queryKey: ["protocol", d?.chainId, "nextDue", asset],
    queryFn: () => readNextDue(client!, d!, asset!),
    enabled: !!client && !!d && !!asset,
    refetchInterval: 5_000,
  });
}

export function useRateHistory(d: Deployment | undefined) {
  const client = useClient(d?.chainId);
  return useQuery({
    queryKey: ["protocol", d?.chainId, "rateHistory"],
    queryFn: () => readRateHistory(client!, d!),
    enabled: !!client && !!d,
    refetchInterval: 15_000,
  });
}

/** Refetches every read of the protocol (after a transaction is mined). */
export function useRefreshProtocol() {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: ["protocol"] });
}
