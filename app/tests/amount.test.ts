import { describe, expect, it } from "vitest";
import { minimumAfterSlippage, parseAmount, toInputText } from "../src/lib/amount";

const balance = { value: 5n * 10n ** 18n, what: "your balance" };

describe("parseAmount", () => {
  it("parses decimal input into base units of the token", () => {
    expect(parseAmount("1.5", 18, "ETH")).toEqual({ ok: true, value: 1_500_000_000_000_000_000n });
    expect(parseAmount(" .25 ", 6, "USDC")).toEqual({ ok: true, value: 250_000n });
    expect(parseAmount("2.", 18, "ETH")).toEqual({ ok: true, value: 2n * 10n ** 18n });
  });
  it("refuses empty, negative, malformed and zero input", () => {
    expect(parseAmount("", 18, "ETH")).toEqual({ ok: false, reason: "Enter an amount." });
    expect(parseAmount("-1", 18, "ETH")).toEqual({ ok: false, reason: "The amount cannot be negative." });
    expect(parseAmount("1e18", 18, "ETH")).toEqual({ ok: false, reason: "Enter a number, like 1.5." });
    expect(parseAmount("1,5", 18, "ETH")).toEqual({ ok: false, reason: "Enter a number, like 1.5." });
    expect(parseAmount("0.000", 18, "ETH")).toEqual({ ok: false, reason: "The amount must be more than zero." });
  });
  it("refuses more decimals than the token has", () => {
    expect(parseAmount("0.1234567", 6, "USDC")).toEqual({ ok: false, reason: "USDC has at most 6 decimals." });
    expect(parseAmount("0.000000000000000001", 18, "ETH").ok).toBe(true);
    expect(parseAmount("0.0000000000000000001", 18, "ETH").ok).toBe(false);
  });
  it("refuses more than the balance, and accepts exactly the balance", () => {
    expect(parseAmount("5.000000000000000001", 18, "ETH", balance)).toEqual({ ok: false, reason: "That is more than your balance." });
    expect(parseAmount("5", 18, "ETH", balance)).toEqual({ ok: true, value: 5n * 10n ** 18n });
  });
});

describe("toInputText", () => {
  it("round-trips through parseAmount with every digit", () => {
    const value = 1_234_567_890_123_456_789n;
    const text = toInputText(value, 18);
    expect(text).toBe("1.234567890123456789");
    expect(parseAmount(text, 18, "ETH")).toEqual({ ok: true, value });
    expect(toInputText(3n * 10n ** 18n, 18)).toBe("3");
  });
});

describe("minimumAfterSlippage", () => {
  it("takes the basis points off and rounds down", () => {
    expect(minimumAfterSlippage(10_000n, 50n)).toBe(9_950n);
    expect(minimumAfterSlippage(199n, 50n)).toBe(198n);
    expect(minimumAfterSlippage(0n, 50n)).toBe(0n);
  });
});
