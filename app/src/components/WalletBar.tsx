import { useConnect, useConnection, useConnectors, useDisconnect } from "wagmi";
import { chainName } from "../lib/chains";
import { formatAmount, shortAddress } from "../lib/format";
import type { AssetInfo, Holdings } from "../lib/protocol";

/** Connect / disconnect, the account, its balances and its network. */
export function WalletBar({ holdings, assets }: { holdings?: Holdings; assets?: readonly AssetInfo[] }) {
  const { address, isConnected, chainId } = useConnection();
  const connectors = useConnectors();
  const connect = useConnect();
  const disconnect = useDisconnect();

  if (!isConnected || !address) {
    // The generic "Injected" entry is kept only when no wallet announced itself (EIP-6963).
    const announced = connectors.filter((c) => c.id !== "injected");
    const shown = announced.length > 0 ? announced : connectors;
    return (
      <div className="wallet" aria-label="Wallet">
        {shown.map((connector) => (
          <button key={connector.uid} onClick={() => connect.mutate({ connector })} disabled={connect.isPending}>
            {connector.icon && <img src={connector.icon} alt="" width={16} height={16} />} Connect {connector.name}
          </button>
        ))}
        {connect.error && (
          <p className="error" role="alert">
            {connect.error.name === "UserRejectedRequestError" ? "You rejected the connection." : connect.error.message.split("\n")[0]}
          </p>
        )}
      </div>
    );
  }
  return (
    <div className="wallet" aria-label="Wallet">
      <dl className="balances" data-testid="balances">
        <div>
          <dt>Account</dt>
          <dd title={address} data-testid="account">{shortAddress(address)}</dd>
        </div>
        <div>
          <dt>Network</dt>
          <dd data-testid="network">{chainId !== undefined ? chainName(chainId) : "unknown"}</dd>
        </div>
        {holdings && (
          <>
            <div>
              <dt>ETH</dt>
              <dd data-testid="balance-ETH">{formatAmount(holdings.eth, 18, "ETH")}</dd>
            </div>
            {assets
              ?.filter((a) => !a.isEth)
              .map((a) => (
                <div key={a.address}>
                  <dt>{a.symbol}</dt>
                  <dd data-testid={`balance-${a.symbol}`}>{formatAmount(holdings.tokens[a.address] ?? 0n, a.decimals, a.symbol)}</dd>
                </div>
              ))}
            <div>
              <dt>lrETH</dt>
              <dd data-testid="balance-lrETH">{formatAmount(holdings.lreth, 18, "lrETH")}</dd>
            </div>
          </>
        )}
      </dl>
      <button onClick={() => disconnect.mutate()}>Disconnect</button>
    </div>
  );
}
