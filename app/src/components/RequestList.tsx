import { explorerOf } from "../lib/chains";
import { useState } from "react";
import type { Address } from "viem";
import { withdrawalQueueAbi } from "../abi/generated";
import type { Deployment } from "../lib/manifest";
import { hasFunction, type AssetInfo, type Overview } from "../lib/protocol";
import { formatAmount, formatDuration, formatTime } from "../lib/format";
import { canCancel, dueAt, estimatedPayout, requestStatus, secondsUntilDue, STATUS_LABEL, type RequestView } from "../lib/requests";
import type { ErrorContext } from "../lib/errors";
import { useNextDue, useRequests } from "../hooks/useProtocol";
import { txStep, useTx, type TxStep } from "../hooks/useTx";
import { TxStatus } from "./TxStatus";

/** Most requests one finalize call takes. */
const FINALIZE_BATCH = 10n;

interface Props {
  deployment: Deployment;
  overview: Overview;
  account: Address;
  errorContext: ErrorContext;
  onMined: () => void;
}

export function RequestList({ deployment, overview, account, errorContext, onMined }: Props) {
  const requests = useRequests(deployment, account);
  const tx = useTx(deployment.chainId, errorContext, onMined);
  const [selected, setSelected] = useState<Set<bigint>>(new Set());
  const list = requests.data ?? [];
  const statusOf = (r: RequestView) => requestStatus(r, overview.withdrawalDelay, overview.now);
  const assetOf = (address: string): AssetInfo | undefined => overview.assets.find((a) => a.address.toLowerCase() === address.toLowerCase());
  const claimable = list.filter((r) => statusOf(r) === "claimable");
  const dueAssets = [...new Set(list.filter((r) => statusOf(r) === "finalizable").map((r) => r.payoutAsset))];

  const claim = (ids: bigint[]) => {
    const steps: TxStep[] =
      ids.length > 1 && hasFunction(withdrawalQueueAbi, "claimBatch")
        ? [txStep(`claim of ${ids.length} requests`, { address: deployment.withdrawalQueue, abi: withdrawalQueueAbi, functionName: "claimBatch", args: [ids] })]
        : ids.map((id) => txStep(`claim of request #${id}`, { address: deployment.withdrawalQueue, abi: withdrawalQueueAbi, functionName: "claim", args: [id] }));
    void tx.run(steps).then((ok) => ok && setSelected(new Set()));
  };
  const cancel = (id: bigint) =>
    void tx.run([txStep(`cancellation of request #${id}`, { address: deployment.withdrawalQueue, abi: withdrawalQueueAbi, functionName: "cancel", args: [id] })]);
  const finalize = (asset: Address) =>
    void tx.run([
      txStep(`finalization of the ${assetOf(asset)?.symbol ?? ""} queue`, {
        address: deployment.withdrawalQueue,
        abi: withdrawalQueueAbi,
        functionName: "finalize",
        args: [asset, FINALIZE_BATCH],
      }),
    ]);

  return (
    <div className="requests">
      <h3>Your requests</h3>
      {list.length === 0 && <p>No withdrawal requests yet.</p>}
      {list.length > 0 && (
        <table data-testid="requests">
          <thead>
            <tr>
              <th scope="col">
                <span className="visually-hidden">Select</span>
              </th>
              <th scope="col">#</th>
              <th scope="col">lrETH</th>
              <th scope="col">Payout</th>
              <th scope="col">Status</th>
              <th scope="col">
                <span className="visually-hidden">Action</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.map((r) => {
              const status = statusOf(r);
              const asset = assetOf(r.payoutAsset);
              const wait = secondsUntilDue(r, overview.withdrawalDelay, overview.now);
              const amount = r.storedStatus >= 2 && r.reserved > 0n ? r.reserved : estimatedPayout(r.valueAtRequest, asset?.rate ?? 10n ** 18n);
              return (
                <tr key={r.id.toString()} data-testid={`request-${r.id}`} data-status={status}>
                  <td>
                    {status === "claimable" && (
                      <input
                        type="checkbox"
                        aria-label={`Select request ${r.id} to claim`}
                        checked={selected.has(r.id)}
                        onChange={(e) => {
                          const next = new Set(selected);
                          if (e.target.checked) next.add(r.id);
                          else next.delete(r.id);
                          setSelected(next);
                        }}
                      />
                    )}
                  </td>
                  <td>{r.id.toString()}</td>
                  <td>{formatAmount(r.shares, 18, "lrETH")}</td>
                  <td>
                    {status === "cancelled" ? "—" : `${r.storedStatus === 1 ? "≤ " : ""}${formatAmount(amount, asset?.decimals ?? 18, asset?.symbol ?? "?")}`}
                  </td>
                  <td>
                    {STATUS_LABEL[status]}
                    {status === "pending" && wait !== undefined && (
                      <small data-testid={`eta-${r.id}`}>
                        {" "}
                        due in {formatDuration(wait)} ({formatTime(dueAt(r, overview.withdrawalDelay))})
                      </small>
                    )}
                  </td>
                  <td>
                    {status === "claimable" && (
                      <button onClick={() => claim([r.id])} disabled={tx.busy}>
                        Claim #{r.id.toString()}
                      </button>
                    )}
                    {canCancel(status) && (
                      <button onClick={() => cancel(r.id)} disabled={tx.busy}>
                        Cancel #{r.id.toString()}
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <div className="row">
        {claimable.length > 1 && (
          <button
            onClick={() => claim(selected.size > 0 ? [...selected] : claimable.map((r) => r.id))}
            disabled={tx.busy}
          >
            {selected.size > 0 ? `Claim ${selected.size} selected` : `Claim all ${claimable.length}`}
          </button>
        )}
        {overview.assets.map((a) => (
          <FinalizeButton key={a.address} deployment={deployment} asset={a} now={overview.now} alsoDue={dueAssets.includes(a.address)} busy={tx.busy} onFinalize={finalize} />
        ))}
      </div>
      <TxStatus state={tx.state} explorer={explorerOf(deployment.chainId)} />
    </div>
  );
}

/** "Finalize the queue": offered when the next request of that payout asset is due; anyone may send it. */
function FinalizeButton(props: { deployment: Deployment; asset: AssetInfo; now: number; alsoDue: boolean; busy: boolean; onFinalize: (a: Address) => void }) {
  const next = useNextDue(props.deployment, props.asset.address);
  const due = next.data ? next.data.found && next.data.dueAt <= props.now : props.alsoDue;
  if (!due) return null;
  return (
    <button onClick={() => props.onFinalize(props.asset.address)} disabled={props.busy}>
      Finalize the {props.asset.symbol} queue (anyone may)
    </button>
  );
}
