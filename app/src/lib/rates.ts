// The rate's history from the vault's events, and an APR from its rewards.

export type RateEventKind = "reward" | "slash" | "revalue" | "now";

export interface RatePoint {
  /** Unix seconds of the block. */
  time: number;
  /** ETH per lrETH, 1e18 = 1. */
  rate: bigint;
  kind: RateEventKind;
}

export interface RewardPoint {
  time: number;
  /** The rate just before the reward's block. */
  before: bigint;
  /** The rate after it. */
  after: bigint;
}

/** One year in seconds, for annualising. */
export const YEAR = 365 * 86_400;

/**
 * APR over the window that ends at `now` and reaches back `windowSeconds`:
 * the rewards' relative rate gains summed and scaled to a year. `undefined`
 * when no reward falls in the window. The window actually used is from the
 * first reward in it (or the window's start, when earlier points exist) to now.
 */
export function aprFromRewards(
  rewards: readonly RewardPoint[],
  now: number,
  windowSeconds: number,
): { apr: number; from: number; to: number; count: number } | undefined {
  const start = now - windowSeconds;
  const inWindow = rewards.filter((r) => r.time >= start && r.time <= now && r.before > 0n);
  if (inWindow.length === 0) return undefined;
  const earliest = Math.min(...inWindow.map((r) => r.time));
  const hasEarlier = rewards.some((r) => r.time < start);
  const from = hasEarlier ? start : earliest;
  // At least a day, so one reward a minute after another is not read as a huge APR.
  const span = Math.max(now - from, 86_400);
  const growth = inWindow.reduce((sum, r) => sum + Number(((r.after - r.before) * 1_000_000_000n) / r.before) / 1e9, 0);
  return { apr: (growth * YEAR) / span, from, to: now, count: inWindow.length };
}

/** The points of the chart in time order, with the current rate last. */
export function ratePoints(events: readonly RatePoint[], current: RatePoint | undefined): RatePoint[] {
  const points = [...events].sort((a, b) => a.time - b.time);
  if (current && (points.length === 0 || current.time >= points[points.length - 1].time)) points.push(current);
  return points;
}

/** SVG polyline coordinates for `points` in a `width`×`height` box (time → x, rate → y, inverted). */
export function chartPath(points: readonly RatePoint[], width: number, height: number, pad = 4): { x: number; y: number }[] {
  if (points.length === 0) return [];
  const times = points.map((p) => p.time);
  const rates = points.map((p) => Number(p.rate) / 1e18);
  const t0 = Math.min(...times);
  const t1 = Math.max(...times);
  let r0 = Math.min(...rates);
  let r1 = Math.max(...rates);
  if (r1 - r0 < 1e-9) {
    r0 -= 0.001;
    r1 += 0.001;
  }
  const x = (t: number) => (t1 === t0 ? width / 2 : pad + ((t - t0) / (t1 - t0)) * (width - 2 * pad));
  const y = (r: number) => pad + (1 - (r - r0) / (r1 - r0)) * (height - 2 * pad);
  return points.map((p, i) => ({ x: x(p.time), y: y(rates[i]) }));
}

/** A label under the chart's time axis, at `fraction` of its width (0 = left edge, 1 = right edge). */
export interface TimeTick {
  time: number;
  fraction: number;
  label: string;
}

/**
 * `count` evenly spaced labels for the chart's time axis, first and last at the ends. The label says the hour
 * when the chart spans less than two days, the date otherwise, so ticks a few hours apart stay distinct.
 */
export function timeTicks(points: readonly RatePoint[], count = 3): TimeTick[] {
  if (points.length === 0) return [];
  const times = points.map((p) => p.time);
  const t0 = Math.min(...times);
  const t1 = Math.max(...times);
  const label = (t: number) => {
    const iso = new Date(t * 1000).toISOString();
    return t1 - t0 < 2 * 86_400 ? `${iso.slice(5, 10)} ${iso.slice(11, 16)}` : iso.slice(0, 10);
  };
  if (t1 === t0) return [{ time: t0, fraction: 0.5, label: label(t0) }];
  const n = Math.max(2, count);
  return Array.from({ length: n }, (_, i) => {
    const time = Math.round(t0 + ((t1 - t0) * i) / (n - 1));
    return { time, fraction: i / (n - 1), label: label(time) };
  });
}
