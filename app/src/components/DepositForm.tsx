import { explorerOf } from "../lib/chains";
import { useId, useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { usePublicClient } from "wagmi";
import type { Address, PublicClient } from "viem";
import { mockLstAbi, vaultAbi } from "../abi/generated";
import { hasFunction } from "../lib/protocol";
import { minimumAfterSlippage, parseAmount, toInputText } from "../lib/amount";
import { formatAmount, isUnlimited } from "../lib/format";
import { depositRefusal } from "../lib/refusals";
import { txStep, useTx, type TxStep } from "../hooks/useTx";
import { TxStatus } from "./TxStatus";
import type { PanelProps } from "./panelProps";

/** The slippage floor under the preview, in basis points. */
export const SLIPPAGE_BPS = 50n;


export function DepositForm({ deployment, overview, holdings, account, errorContext, onMined }: PanelProps) {
  const ids = { asset: useId(), amount: useId(), help: useId() };
  const [assetAddress, setAssetAddress] = useState<Address>(overview.assets[0].address);
  const [text, setText] = useState("");
  const client = usePublicClient({ chainId: deployment.chainId as never }) as PublicClient;
  const tx = useTx(deployment.chainId, errorContext, onMined);
  const asset = overview.assets.find((a) => a.address === assetAddress) ?? overview.assets[0];
  const balance = asset.isEth ? holdings.eth : (holdings.tokens[asset.address] ?? 0n);

  const maxDeposit = useQuery({
    queryKey: ["protocol", deployment.chainId, "maxDeposit", asset.address, account],
    queryFn: () => client.readContract({ address: deployment.vault, abi: vaultAbi, functionName: "maxDeposit", args: [asset.address, account] }),
    enabled: hasFunction(vaultAbi, "maxDeposit"),
  });
  const allowance = useQuery({
    queryKey: ["protocol", deployment.chainId, "allowance", asset.address, account],
    queryFn: () => client.readContract({ address: asset.address, abi: mockLstAbi, functionName: "allowance", args: [account, deployment.vault] }),
    enabled: !asset.isEth,
  });

  const parsed = parseAmount(text, asset.decimals, asset.symbol, { value: balance, what: `your balance (${formatAmount(balance, asset.decimals, asset.symbol)})` });
  const amount = parsed.ok ? parsed.value : undefined;
  const preview = useQuery({
    queryKey: ["protocol", deployment.chainId, "preview", asset.address, amount?.toString()],
    queryFn: () => client.readContract({ address: deployment.vault, abi: vaultAbi, functionName: "previewDeposit", args: [asset.address, amount!] }),
    enabled: amount !== undefined && hasFunction(vaultAbi, "previewDeposit"),
  });
  const value = amount !== undefined ? (amount * asset.rate) / 10n ** 18n : 0n;
  const refusal =
    amount !== undefined
      ? depositRefusal(
          {
            depositsPaused: overview.depositsPaused,
            minDeposit: overview.minDeposit,
            maxDeposit: maxDeposit.data,
            asset,
            now: overview.now,
          },
          amount,
          value,
        )
      : undefined;
  const minShares = preview.data !== undefined ? minimumAfterSlippage(preview.data, SLIPPAGE_BPS) : undefined;
  const needsApproval = !asset.isEth && amount !== undefined && (allowance.data ?? 0n) < amount;

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    if (amount === undefined || refusal || tx.busy) return;
    const steps: TxStep[] = [];
    if (asset.isEth) {
      steps.push(
        txStep(`deposit of ${formatAmount(amount, 18, "ETH")}`, {
          address: deployment.vault,
          abi: vaultAbi,
          functionName: "deposit",
          args: [amount, account],
          value: amount,
        }),
      );
    } else {
      if (needsApproval) {
        steps.push(
          txStep(`approval of ${formatAmount(amount, asset.decimals, asset.symbol)}`, {
            address: asset.address,
            abi: mockLstAbi,
            functionName: "approve",
            args: [deployment.vault, amount],
          }),
        );
      }
      steps.push(
        txStep(`deposit of ${formatAmount(amount, asset.decimals, asset.symbol)}`, {
          address: deployment.vault,
          abi: vaultAbi,
          functionName: "depositAsset",
          args: [asset.address, amount, account, minShares ?? 0n],
        }),
      );
    }
    // The form keeps its input unless everything went through.
    if (await tx.run(steps)) setText("");
  };

  const error = !parsed.ok && text !== "" ? parsed.reason : refusal;
  return (
    <section className="card" aria-labelledby="deposit-title">
      <h2 id="deposit-title">Deposit</h2>
      <form onSubmit={submit} noValidate>
        <label htmlFor={ids.asset}>Asset</label>
        <select
          id={ids.asset}
          value={assetAddress}
          onChange={(e) => {
            setAssetAddress(e.target.value as Address);
            tx.reset();
          }}
        >
          {overview.assets.map((a) => (
            <option key={a.address} value={a.address}>
              {a.symbol}
            </option>
          ))}
        </select>
        <label htmlFor={ids.amount}>Amount ({asset.symbol})</label>
        <div className="row">
          <input
            id={ids.amount}
            name="deposit-amount"
            inputMode="decimal"
            autoComplete="off"
            placeholder="0.0"
            value={text}
            onChange={(e) => setText(e.target.value)}
            aria-invalid={!!error}
            aria-describedby={ids.help}
          />
          <button
            type="button"
            onClick={() => {
              const max = maxDeposit.data !== undefined && maxDeposit.data < balance ? maxDeposit.data : balance;
              setText(toInputText(max, asset.decimals));
            }}
          >
            Max
          </button>
        </div>
        <div id={ids.help} className="help">
          <p>
            Balance: {formatAmount(balance, asset.decimals, asset.symbol)}
            {maxDeposit.data !== undefined && !isUnlimited(maxDeposit.data) && ` · the vault takes at most ${formatAmount(maxDeposit.data, asset.decimals, asset.symbol)} now`}
          </p>
          {error && (
            <p className="error" data-testid="deposit-refusal">
              {error}
            </p>
          )}
          {!error && preview.data !== undefined && (
            <p data-testid="deposit-preview">
              You receive about {formatAmount(preview.data, 18, "lrETH")}
              {!asset.isEth && minShares !== undefined && <> (at least {formatAmount(minShares, 18, "lrETH")}, or the deposit reverts)</>}.
            </p>
          )}
          {needsApproval && !error && <p>Two steps: approve the vault to take {asset.symbol}, then deposit.</p>}
        </div>
        <button type="submit" disabled={amount === undefined || !!refusal || tx.busy}>
          {needsApproval ? `Approve and deposit ${asset.symbol}` : `Deposit ${asset.symbol}`}
        </button>
      </form>
      <TxStatus state={tx.state} explorer={explorerOf(deployment.chainId)} />
    </section>
  );
}
