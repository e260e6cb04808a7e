import { describe, expect, it } from "vitest";
import { aprFromRewards, chartPath, ratePoints, timeTicks, YEAR } from "../src/lib/rates";
import type { RatePoint } from "../src/lib/rates";

const E = 10n ** 18n;
const DAY = 86_400;

describe("APR from reward reports", () => {
  it("annualises the rate gains over the window", () => {
    // Two rewards of 0.1% each, ten days apart, the first one 20 days ago.
    const now = 100 * DAY;
    const rewards = [
      { time: now - 20 * DAY, before: E, after: E + E / 1000n },
      { time: now - 10 * DAY, before: E + E / 1000n, after: ((E + E / 1000n) * 1001n) / 1000n },
    ];
    const apr = aprFromRewards(rewards, now, 30 * DAY)!;
    expect(apr.count).toBe(2);
    expect(apr.from).toBe(now - 20 * DAY);
    expect(apr.apr).toBeCloseTo((0.002 * YEAR) / (20 * DAY), 6);
  });
  it("uses the whole window when older reports exist", () => {
    const now = 100 * DAY;
    const rewards = [
      { time: now - 40 * DAY, before: E, after: E + E / 100n },
      { time: now - 5 * DAY, before: E, after: E + E / 1000n },
    ];
    const apr = aprFromRewards(rewards, now, 30 * DAY)!;
    expect(apr.count).toBe(1);
    expect(apr.from).toBe(now - 30 * DAY);
    expect(apr.apr).toBeCloseTo((0.001 * YEAR) / (30 * DAY), 6);
  });
  it("has none without a reward in the window", () => {
    expect(aprFromRewards([], 1_000, DAY)).toBeUndefined();
    expect(aprFromRewards([{ time: 0, before: E, after: E }], 10 * DAY, DAY)).toBeUndefined();
  });
  it("does not read two reports a minute apart as a huge APR", () => {
    const apr = aprFromRewards([{ time: 1_000, before: E, after: E + E / 100n }], 1_060, 30 * DAY)!;
    expect(apr.apr).toBeCloseTo((0.01 * YEAR) / DAY, 6);
  });
});

describe("rate chart", () => {
  it("sorts points and ends on the current rate", () => {
    const points = ratePoints(
      [
        { time: 20, rate: E, kind: "slash" },
        { time: 10, rate: E, kind: "reward" },
      ],
      { time: 30, rate: E, kind: "now" },
    );
    expect(points.map((p) => p.time)).toEqual([10, 20, 30]);
  });
  it("maps time to x and a higher rate to a smaller y", () => {
    const xy = chartPath(
      [
        { time: 0, rate: E, kind: "reward" },
        { time: 10, rate: 2n * E, kind: "now" },
      ],
      100,
      50,
      0,
    );
    expect(xy).toEqual([
      { x: 0, y: 50 },
      { x: 100, y: 0 },
    ]);
  });
  it("draws a flat rate in the middle", () => {
    const [point] = chartPath([{ time: 5, rate: E, kind: "now" }], 100, 50, 0);
    expect(point.x).toBe(50);
    expect(point.y).toBeCloseTo(25, 6);
  });
});

describe("rate chart time axis", () => {
  const at = (time: number): RatePoint => ({ time, rate: 10n ** 18n, kind: "reward" });
  const day = 86_400;
  const start = Date.UTC(2026, 10, 1) / 1000;

  it("labels the ends and the middle with dates when the history spans days", () => {
    const ticks = timeTicks([at(start), at(start + 3 * day), at(start + 10 * day)]);
    expect(ticks.map((t) => t.label)).toEqual(["2026-11-01", "2026-11-06", "2026-11-11"]);
    expect(ticks.map((t) => t.fraction)).toEqual([0, 0.5, 1]);
  });

  it("labels hours when the history spans less than two days, so close ticks differ", () => {
    const ticks = timeTicks([at(start), at(start + 6 * 3600)]);
    expect(ticks.map((t) => t.label)).toEqual(["11-01 00:00", "11-01 03:00", "11-01 06:00"]);
  });

  it("puts one label in the middle for a single instant and none for no history", () => {
    expect(timeTicks([at(start)])).toEqual([{ time: start, fraction: 0.5, label: "11-01 00:00" }]);
    expect(timeTicks([])).toEqual([]);
  });

  it("places ticks where the chart puts the same times", () => {
    const points = [at(start), at(start + 4 * day)];
    const xy = chartPath(points, 600, 140, 0);
    const ticks = timeTicks(points, 2);
    expect(ticks.map((t) => t.fraction * 600)).toEqual(xy.map((p) => p.x));
  });
});
