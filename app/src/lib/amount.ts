// Parsing what a person types into an amount field.

export type ParsedAmount =
  | { ok: true; value: bigint }
  | { ok: false; reason: string };

/**
 * Parses `text` as a decimal amount of a token with `decimals`, refusing
 * empty, malformed, negative, zero, over-precise input and, when `max` is
 * given, more than `max` (the balance or the most the protocol takes).
 */
export function parseAmount(
  text: string,
  decimals: number,
  symbol: string,
  max?: { value: bigint; what: string },
): ParsedAmount {
  const trimmed = text.trim().replace(/_/g, "");
  if (trimmed === "") return { ok: false, reason: "Enter an amount." };
  if (trimmed.startsWith("-")) return { ok: false, reason: "The amount cannot be negative." };
  if (!/^(\d+\.?\d*|\.\d+)$/.test(trimmed)) {
    return { ok: false, reason: "Enter a number, like 1.5." };
  }
  const [whole, fraction = ""] = trimmed.split(".");
  if (fraction.length > decimals) {
    return { ok: false, reason: `${symbol} has at most ${decimals} decimals.` };
  }
  const value = BigInt(whole || "0") * 10n ** BigInt(decimals) + BigInt(fraction.padEnd(decimals, "0") || "0");
  if (value === 0n) return { ok: false, reason: "The amount must be more than zero." };
  if (max && value > max.value) return { ok: false, reason: `That is more than ${max.what}.` };
  return { ok: true, value };
}

/** `value` base units as the plain decimal text a person would type (no grouping, all digits). */
export function toInputText(value: bigint, decimals: number): string {
  const base = 10n ** BigInt(decimals);
  const fraction = (value % base).toString().padStart(decimals, "0").replace(/0+$/, "");
  return fraction ? `${value / base}.${fraction}` : `${value / base}`;
}

/** The slippage floor for a previewed amount: `preview` less `bps` basis points, rounded down. */
export function minimumAfterSlippage(preview: bigint, bps: bigint): bigint {
  return (preview * (10_000n - bps)) / 10_000n;
}
