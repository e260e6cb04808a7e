// How amounts, rates and durations are shown.

/** `value` (in base units of a token of `decimals`) as a decimal string with at most `maxFraction` digits, rounded down, with thousands separators. */
export function formatUnitsFixed(value: bigint, decimals: number, maxFraction = 4): string {
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const base = 10n ** BigInt(decimals);
  const whole = abs / base;
  let fraction = (abs % base).toString().padStart(decimals, "0").slice(0, maxFraction);
  fraction = fraction.replace(/0+$/, "");
  const grouped = whole.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const text = fraction ? `${grouped}.${fraction}` : grouped;
  if (abs !== 0n && whole === 0n && !fraction) {
    // Non-zero but below the shown precision: say so rather than print 0.
    return `${negative ? "> -" : "< "}0.${"0".repeat(Math.max(maxFraction - 1, 0))}1`;
  }
  return negative ? `-${text}` : text;
}

/** An amount with its symbol, e.g. `1.2345 stETH`. */
export function formatAmount(value: bigint, decimals: number, symbol: string, maxFraction = 4): string {
  return `${formatUnitsFixed(value, decimals, maxFraction)} ${symbol}`;
}

/** A rate scaled by 1e18 (ETH per token) with six decimals. */
export function formatRate(rate: bigint): string {
  return formatUnitsFixed(rate, 18, 6);
}

/**
 * A cap or maximum near `2^128` or above means none: the contracts' "no
 * limit" is a type's maximum, and what is left under it (`maxDeposit` is the
 * cap less what is held) stays above 2^127.
 */
export function isUnlimited(value: bigint): boolean {
  return value >= 2n ** 127n;
}

/** A duration in seconds in words: `1 d 2 h`, `3 h 5 min`, `45 s`. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const days = Math.floor(s / 86_400);
  const hours = Math.floor((s % 86_400) / 3_600);
  const minutes = Math.floor((s % 3_600) / 60);
  if (days > 0) return hours > 0 ? `${days} d ${hours} h` : `${days} d`;
  if (hours > 0) return minutes > 0 ? `${hours} h ${minutes} min` : `${hours} h`;
  if (minutes > 0) return `${minutes} min`;
  return `${s} s`;
}

/** A fraction (0.0123) as a percentage with two decimals (`1.23%`). */
export function formatPercent(fraction: number): string {
  return `${(fraction * 100).toFixed(2)}%`;
}

/** `0x1234…abcd`. */
export function shortAddress(address: string): string {
  return `${address.slice(0, 6)}…${address.slice(-4)}`;
}

/** A unix time in the reader's locale, in UTC so tests and screenshots agree. */
export function formatTime(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().replace("T", " ").slice(0, 16) + " UTC";
}
