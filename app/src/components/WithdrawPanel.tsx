import { explorerOf } from "../lib/chains";
import { useId, useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { usePublicClient } from "wagmi";
import type { Address, PublicClient } from "viem";
import { vaultAbi, withdrawalQueueAbi } from "../abi/generated";
import { parseAmount, toInputText } from "../lib/amount";
import { formatAmount, formatDuration } from "../lib/format";
import { redeemRefusal } from "../lib/refusals";
import { estimatedPayout } from "../lib/requests";
import { txStep, useTx } from "../hooks/useTx";
import { TxStatus } from "./TxStatus";
import type { PanelProps } from "./panelProps";
import { RequestList } from "./RequestList";


export function WithdrawPanel({ deployment, overview, holdings, account, errorContext, onMined }: PanelProps) {
  const ids = { amount: useId(), asset: useId(), help: useId() };
  const [text, setText] = useState("");
  const [payout, setPayout] = useState<Address>(overview.assets[0].address);
  const client = usePublicClient({ chainId: deployment.chainId as never }) as PublicClient;
  const tx = useTx(deployment.chainId, errorContext, onMined);
  const asset = overview.assets.find((a) => a.address === payout) ?? overview.assets[0];

  const parsed = parseAmount(text, 18, "lrETH", { value: holdings.lreth, what: `your balance (${formatAmount(holdings.lreth, 18, "lrETH")})` });
  const shares = parsed.ok ? parsed.value : undefined;
  const value = useQuery({
    queryKey: ["protocol", deployment.chainId, "convertToAssets", shares?.toString()],
    queryFn: () => client.readContract({ address: deployment.vault, abi: vaultAbi, functionName: "convertToAssets", args: [shares!] }),
    enabled: shares !== undefined,
  });
  const refusal =
    value.data !== undefined
      ? redeemRefusal(
          { withdrawalsPaused: overview.withdrawalsPaused, minRequestValue: overview.minRequestValue, maxRequestValue: overview.maxRequestValue },
          value.data,
        )
      : overview.withdrawalsPaused
        ? "Withdrawals are paused."
        : undefined;
  const error = !parsed.ok && text !== "" ? parsed.reason : refusal;

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    if (shares === undefined || refusal || tx.busy) return;
    const step = txStep(`withdrawal request of ${formatAmount(shares, 18, "lrETH")} for ${asset.symbol}`, {
      address: deployment.withdrawalQueue,
      abi: withdrawalQueueAbi,
      functionName: "requestRedeem",
      args: [shares, account, account, asset.address],
    });
    if (await tx.run([step])) setText("");
  };

  return (
    <section className="card" aria-labelledby="withdraw-title">
      <h2 id="withdraw-title">Withdraw</h2>
      <form onSubmit={submit} noValidate>
        <label htmlFor={ids.amount}>lrETH to redeem</label>
        <div className="row">
          <input
            id={ids.amount}
            name="redeem-amount"
            inputMode="decimal"
            autoComplete="off"
            placeholder="0.0"
            value={text}
            onChange={(e) => setText(e.target.value)}
            aria-invalid={!!error}
            aria-describedby={ids.help}
          />
          <button type="button" onClick={() => setText(toInputText(holdings.lreth, 18))}>
            Max
          </button>
        </div>
        <label htmlFor={ids.asset}>Paid in</label>
        <select id={ids.asset} value={payout} onChange={(e) => setPayout(e.target.value as Address)}>
          {overview.assets.map((a) => (
            <option key={a.address} value={a.address}>
              {a.symbol}
            </option>
          ))}
        </select>
        <div id={ids.help} className="help">
          {error && (
            <p className="error" data-testid="redeem-refusal">
              {error}
            </p>
          )}
          {!error && value.data !== undefined && (
            <p data-testid="redeem-estimate">
              Worth {formatAmount(value.data, 18, "ETH")} now: about {formatAmount(estimatedPayout(value.data, asset.rate), asset.decimals, asset.symbol)}.
            </p>
          )}
          <p className="rules">
            Your lrETH goes into the queue's escrow at once. After {formatDuration(overview.withdrawalDelay)} anyone may finalize
            the request; you are then paid the lower of its value now and its value at finalization (a slash in between reduces it,
            rewards in between stay with the pool), and can claim it. Until it is finalized you may cancel and get your lrETH back.
          </p>
        </div>
        <button type="submit" disabled={shares === undefined || !!refusal || tx.busy}>
          Request withdrawal
        </button>
      </form>
      <TxStatus state={tx.state} explorer={explorerOf(deployment.chainId)} />
      <RequestList deployment={deployment} overview={overview} account={account} errorContext={errorContext} onMined={onMined} />
    </section>
  );
}
