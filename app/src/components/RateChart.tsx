import { chartPath, timeTicks, type RatePoint } from "../lib/rates";
import { formatRate, formatTime } from "../lib/format";

const WIDTH = 600;
const HEIGHT = 140;
const LABEL: Record<RatePoint["kind"], string> = { reward: "reward", slash: "slash", revalue: "revaluation", now: "now" };

/** The rate over time, one point per reward, slash or revaluation, from the vault's events. */
export function RateChart({ points }: { points: readonly RatePoint[] }) {
  const xy = chartPath(points, WIDTH, HEIGHT, 8);
  const summary =
    points.length > 1
      ? `Rate history: from ${formatRate(points[0].rate)} ETH on ${formatTime(points[0].time)} to ${formatRate(points[points.length - 1].rate)} ETH now, over ${points.length - 1} events.`
      : "No reward, slash or revaluation yet.";
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={summary} data-testid="rate-chart" preserveAspectRatio="none">
        {/* A step line: the rate holds between events. */}
        <polyline
          fill="none"
          stroke="currentColor"
          strokeWidth={2}
          vectorEffect="non-scaling-stroke"
          points={xy.map((p, i) => (i === 0 ? `${p.x},${p.y}` : `${p.x},${xy[i - 1].y} ${p.x},${p.y}`)).join(" ")}
        />
        {xy.map((p, i) => (
          <circle key={i} cx={p.x} cy={p.y} r={4} className={`dot dot-${points[i].kind}`}>
            <title>{`${LABEL[points[i].kind]}: ${formatRate(points[i].rate)} ETH at ${formatTime(points[i].time)}`}</title>
          </circle>
        ))}
      </svg>
      {points.length > 0 && (
        <div className="chart-axis" aria-hidden="true" data-testid="chart-time-axis">
          {timeTicks(points).map((tick) => (
            <time key={tick.time} dateTime={new Date(tick.time * 1000).toISOString()} style={{ left: `${tick.fraction * 100}%` }}>
              {tick.label}
            </time>
          ))}
        </div>
      )}
      {points.length > 0 && (
        <div className="chart-scale" aria-hidden="true">
          <span>high {formatRate(points.reduce((m, p) => (p.rate > m ? p.rate : m), points[0].rate))} ETH</span>
          <span>low {formatRate(points.reduce((m, p) => (p.rate < m ? p.rate : m), points[0].rate))} ETH</span>
        </div>
      )}
      <figcaption>
        {summary} <span className="legend"><span className="dot-reward">●</span> reward <span className="dot-slash">●</span> slash{" "}
        <span className="dot-revalue">●</span> revaluation <span className="dot-now">●</span> now</span>
      </figcaption>
    </figure>
  );
}
