// The chains the app knows how to add to a wallet. Which of them has the
// protocol comes from the manifests, not from here.
import { defineChain, type Chain } from "viem";
import { arbitrum, arbitrumSepolia } from "viem/chains";

/** The local Stylus devnode (and nitro-devnode, which uses the same id and port). */
export const devnode = defineChain({
  id: 412_346,
  name: "Stylus devnode",
  nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
  rpcUrls: { default: { http: ["http://127.0.0.1:8547"] } },
  testnet: true,
});

export const knownChains = [devnode, arbitrumSepolia, arbitrum] as const satisfies readonly Chain[];

export function chainName(id: number): string {
  return knownChains.find((c) => c.id === id)?.name ?? `chain ${id}`;
}

/** The block explorer of a known chain, for links to transactions (none for the devnode). */
export function explorerOf(id: number): string | undefined {
  const chain: Chain | undefined = knownChains.find((c) => c.id === id);
  return chain?.blockExplorers?.default.url;
}
