import { describe, expect, it } from "vitest";
import { formatAmount, formatDuration, formatPercent, formatRate, formatUnitsFixed, isUnlimited, shortAddress } from "../src/lib/format";

describe("formatUnitsFixed", () => {
  it("shows whole units with grouping and trims trailing zeros", () => {
    expect(formatUnitsFixed(1_234_500_000_000_000_000_000n, 18)).toBe("1,234.5");
    expect(formatUnitsFixed(10n ** 18n, 18)).toBe("1");
    expect(formatUnitsFixed(0n, 18)).toBe("0");
  });
  it("rounds down to the shown precision, never up", () => {
    expect(formatUnitsFixed(1_999_999_999_999_999_999n, 18, 4)).toBe("1.9999");
  });
  it("says a dust amount is below the precision instead of printing zero", () => {
    expect(formatUnitsFixed(1n, 18, 4)).toBe("< 0.0001");
  });
  it("honours the token's decimals", () => {
    expect(formatUnitsFixed(1_500_000n, 6)).toBe("1.5");
    expect(formatAmount(25n, 1, "X")).toBe("2.5 X");
  });
  it("shows negative amounts with a sign", () => {
    expect(formatUnitsFixed(-15n * 10n ** 17n, 18)).toBe("-1.5");
  });
});

describe("rates, percentages, durations", () => {
  it("shows a rate with six decimals", () => {
    expect(formatRate(940_370_123_456_789_012n)).toBe("0.94037");
    expect(formatRate(1_005_901_999_999_999_999n)).toBe("1.005901");
  });
  it("reads an unlimited cap as none", () => {
    expect(isUnlimited(2n ** 256n - 1n)).toBe(true);
    expect(isUnlimited(2n ** 128n - 1n - 14n * 10n ** 18n)).toBe(true);
    expect(isUnlimited(100n * 10n ** 18n)).toBe(false);
  });
  it("puts durations in words", () => {
    expect(formatDuration(86_400)).toBe("1 d");
    expect(formatDuration(86_400 + 2 * 3_600)).toBe("1 d 2 h");
    expect(formatDuration(3 * 3_600 + 5 * 60)).toBe("3 h 5 min");
    expect(formatDuration(45)).toBe("45 s");
    expect(formatDuration(-5)).toBe("0 s");
  });
  it("shows percentages with two decimals", () => {
    expect(formatPercent(0.0345)).toBe("3.45%");
  });
  it("shortens addresses", () => {
    expect(shortAddress("0x3f1Eae7D46d88F08fc2F8ed27FCb2AB183EB2d0E")).toBe("0x3f1E…2d0E");
  });
});
