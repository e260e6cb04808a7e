import type { Deployment } from "../lib/manifest";
import type { Overview as OverviewData } from "../lib/protocol";
import { formatAmount, formatDuration, formatPercent, formatRate, formatTime, isUnlimited } from "../lib/format";
import { aprFromRewards, ratePoints } from "../lib/rates";
import { useRateHistory } from "../hooks/useProtocol";
import { RateChart } from "./RateChart";

/** The APR looks back this far. */
const APR_WINDOW = 30 * 86_400;

export function Overview({ deployment, overview, error }: { deployment: Deployment; overview?: OverviewData; error: Error | null }) {
  const history = useRateHistory(deployment);
  if (error) {
    return (
      <section className="card" aria-labelledby="overview-title">
        <h2 id="overview-title">Protocol</h2>
        <p className="error" role="alert">Cannot read the protocol on chain {deployment.chainId}: {error.message.split("\n")[0]}</p>
      </section>
    );
  }
  if (!overview) return <section className="card"><p>Reading the protocol…</p></section>;
  const points = ratePoints(history.data?.points ?? [], { time: overview.now, rate: overview.rate, kind: "now" });
  const apr = history.data ? aprFromRewards(history.data.rewards, overview.now, APR_WINDOW) : undefined;
  return (
    <section className="card" aria-labelledby="overview-title" data-testid="overview">
      <h2 id="overview-title">Protocol</h2>
      <dl className="stats">
        <div>
          <dt>Rate</dt>
          <dd data-testid="rate">{formatRate(overview.rate)} ETH per lrETH</dd>
        </div>
        <div>
          <dt>Total assets</dt>
          <dd data-testid="total-assets">{formatAmount(overview.totalAssets, 18, "ETH")}</dd>
        </div>
        <div>
          <dt>lrETH supply</dt>
          <dd data-testid="supply">{formatAmount(overview.supply, 18, "lrETH")}</dd>
        </div>
        <div>
          <dt>APR</dt>
          <dd data-testid="apr">
            {apr ? (
              <>
                {formatPercent(apr.apr)} <small>from {apr.count} reward report{apr.count === 1 ? "" : "s"} since {formatTime(apr.from)} (window: last {formatDuration(APR_WINDOW)}), after the {formatPercent(Number(overview.feeBps) / 10_000)} fee</small>
              </>
            ) : (
              <small>no reward in the last {formatDuration(APR_WINDOW)}</small>
            )}
          </dd>
        </div>
        <div>
          <dt>Deposits</dt>
          <dd data-testid="deposits-state">{overview.depositsPaused ? "paused" : "open"}</dd>
        </div>
        <div>
          <dt>Withdrawals</dt>
          <dd data-testid="withdrawals-state">
            {overview.withdrawalsPaused ? "paused" : "open"} <small>(delay {formatDuration(overview.withdrawalDelay)})</small>
          </dd>
        </div>
      </dl>
      <RateChart points={points} />
      <table className="assets">
        <caption>Accepted assets</caption>
        <thead>
          <tr>
            <th scope="col">Asset</th>
            <th scope="col">Rate (ETH)</th>
            <th scope="col">Held by the vault</th>
            <th scope="col">Cap</th>
            <th scope="col">Deposits</th>
          </tr>
        </thead>
        <tbody>
          {overview.assets.map((a) => (
            <tr key={a.address} data-testid={`asset-${a.symbol}`}>
              <th scope="row">{a.symbol}</th>
              <td>{formatRate(a.rate)}</td>
              <td>{formatAmount(a.held, a.decimals, a.symbol)}</td>
              <td>{isUnlimited(a.cap) ? "none" : formatAmount(a.cap, a.isEth ? 18 : a.decimals, a.isEth ? "ETH (total)" : a.symbol)}</td>
              <td>{a.enabled ? "on" : "off"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
