import { useMemo } from "react";
import { useChainId, useConnection } from "wagmi";
import { useDeployments, useHoldings, useOverview, useRefreshProtocol } from "./hooks/useProtocol";
import { WalletBar } from "./components/WalletBar";
import { NetworkPrompt } from "./components/NetworkPrompt";
import { Overview } from "./components/Overview";
import { DepositForm } from "./components/DepositForm";
import { WithdrawPanel } from "./components/WithdrawPanel";
import type { ErrorContext } from "./lib/errors";
import { shortAddress } from "./lib/format";

export function App() {
  const { address, isConnected, chainId: walletChain } = useConnection();
  const appChain = useChainId();
  const deployments = useDeployments();
  const list = deployments.data ?? [];
  // The wallet's chain when the protocol is there, else the first chain with a manifest.
  const deployment = list.find((d) => d.chainId === (isConnected ? walletChain : appChain)) ?? list[0];
  const onProtocolChain = !isConnected || walletChain === deployment?.chainId;
  const overview = useOverview(deployment);
  const assets = overview.data?.assets;
  const holdings = useHoldings(deployment, onProtocolChain ? address : undefined, assets);
  const refresh = useRefreshProtocol();

  const errorContext: ErrorContext = useMemo(
    () => ({
      asset(addr: string) {
        const found = assets?.find((a) => a.address.toLowerCase() === addr.toLowerCase());
        return found ? { symbol: found.symbol, decimals: found.decimals } : { symbol: shortAddress(addr), decimals: 18 };
      },
    }),
    [assets],
  );

  return (
    <>
      <header className="top">
        <h1>
          lrETH <span className="subtitle">liquid restaking</span>
        </h1>
        <WalletBar holdings={holdings.data} assets={assets} />
      </header>
      <main>
        {deployments.isLoading && <p>Looking for deployments…</p>}
        {deployments.isSuccess && list.length === 0 && (
          <p className="notice" role="alert">
            No deployment manifest was found next to the app. Start the devnode with the protocol:{" "}
            <code>cargo run --release -p deploy -- --serve</code>.
          </p>
        )}
        {deployment && isConnected && !onProtocolChain && <NetworkPrompt target={deployment.chainId} current={walletChain} />}
        {deployment && (
          <>
            <Overview deployment={deployment} overview={overview.data} error={overview.error} />
            {isConnected && onProtocolChain && address && overview.data && holdings.data && (
              <div className="actions">
                <DepositForm
                  deployment={deployment}
                  overview={overview.data}
                  holdings={holdings.data}
                  account={address}
                  errorContext={errorContext}
                  onMined={refresh}
                />
                <WithdrawPanel
                  deployment={deployment}
                  overview={overview.data}
                  holdings={holdings.data}
                  account={address}
                  errorContext={errorContext}
                  onMined={refresh}
                />
              </div>
            )}
            {!isConnected && <p className="notice">Connect a wallet to deposit, withdraw and claim.</p>}
          </>
        )}
      </main>
    </>
  );
}
