// The deploy tool's manifest (deployments/<chain-id>.json): where the
// protocol's contracts are on each chain. Served next to the app.
import { getAddress, type Address } from "viem";

export interface Deployment {
  chainId: number;
  token: Address;
  vault: Address;
  assetRegistry: Address;
  withdrawalQueue: Address;
  /** Other roles the manifest names (lst, rateSource, delegation, …). */
  others: Record<string, Address>;
}

const REQUIRED = ["token", "vault", "assetRegistry", "withdrawalQueue"] as const;

/** The deployment a manifest describes, or an error saying what is missing. */
export function parseManifest(json: unknown): Deployment {
  if (!json || typeof json !== "object") throw new Error("the manifest is not a JSON object");
  const { chainId, protocol } = json as { chainId?: unknown; protocol?: unknown };
  if (typeof chainId !== "number") throw new Error("the manifest has no chainId");
  if (!protocol || typeof protocol !== "object") throw new Error("the manifest lists no contracts");
  const roles = protocol as Record<string, unknown>;
  for (const role of REQUIRED) {
    if (typeof roles[role] !== "string") throw new Error(`the manifest has no ${role} address: the deployment is unfinished`);
  }
  const others: Record<string, Address> = {};
  for (const [role, address] of Object.entries(roles)) {
    if (!(REQUIRED as readonly string[]).includes(role) && typeof address === "string") others[role] = getAddress(address);
  }
  return {
    chainId,
    token: getAddress(roles.token as string),
    vault: getAddress(roles.vault as string),
    assetRegistry: getAddress(roles.assetRegistry as string),
    withdrawalQueue: getAddress(roles.withdrawalQueue as string),
    others,
  };
}

/** The chain ids with a manifest next to the app. */
export async function loadIndex(base = "deployments"): Promise<number[]> {
  const response = await fetch(`${base}/index.json`);
  if (!response.ok) return [];
  const { chains } = (await response.json()) as { chains?: number[] };
  return chains ?? [];
}

export async function loadDeployment(chainId: number, base = "deployments"): Promise<Deployment> {
  const response = await fetch(`${base}/${chainId}.json`);
  if (!response.ok) throw new Error(`no manifest for chain ${chainId}`);
  return parseManifest(await response.json());
}
