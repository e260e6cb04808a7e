// wagmi: one injected connector for window.ethereum, plus every wallet that
// announces itself through EIP-6963 (MetaMask, Rabby, Coinbase Wallet, …).
import { createConfig, http, injected } from "wagmi";
import { knownChains, devnode } from "./lib/chains";
import { arbitrum, arbitrumSepolia } from "viem/chains";

export const wagmiConfig = createConfig({
  chains: knownChains,
  connectors: [injected()],
  multiInjectedProviderDiscovery: true,
  transports: {
    [devnode.id]: http(),
    [arbitrumSepolia.id]: http(),
    [arbitrum.id]: http(),
  },
  pollingInterval: 1_000,
});

declare module "wagmi" {
  interface Register {
    config: typeof wagmiConfig;
  }
}
