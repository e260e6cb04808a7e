import { describe, expect, it } from "vitest";
import { canCancel, dueAt, estimatedPayout, requestStatus, secondsUntilDue, STORED_STATUS, type RequestView } from "../src/lib/requests";

const DAY = 86_400;
const request = (storedStatus: number, requestedAt = 1_000): RequestView => ({
  id: 1n,
  payoutAsset: "0xEeeeeEeeeEeEeeEeEeEeeEEEeeeeEeeeeeeeEEeE",
  shares: 10n ** 18n,
  valueAtRequest: 10n ** 18n,
  requestedAt,
  storedStatus,
  reserved: 0n,
});

describe("request status", () => {
  it("is pending until the delay has passed, then finalizable", () => {
    const r = request(STORED_STATUS.pending);
    expect(requestStatus(r, DAY, 1_000 + DAY - 1)).toBe("pending");
    expect(requestStatus(r, DAY, 1_000 + DAY)).toBe("finalizable");
  });
  it("maps the stored states", () => {
    expect(requestStatus(request(STORED_STATUS.finalized), DAY, 0)).toBe("claimable");
    expect(requestStatus(request(STORED_STATUS.claimed), DAY, 0)).toBe("claimed");
    expect(requestStatus(request(STORED_STATUS.cancelled), DAY, 0)).toBe("cancelled");
  });
  it("allows cancelling only before finalization", () => {
    expect(canCancel("pending")).toBe(true);
    expect(canCancel("finalizable")).toBe(true);
    expect(canCancel("claimable")).toBe(false);
    expect(canCancel("claimed")).toBe(false);
    expect(canCancel("cancelled")).toBe(false);
  });
});

describe("ETA", () => {
  it("counts down from the delay and stops at zero", () => {
    const r = request(STORED_STATUS.pending);
    expect(dueAt(r, DAY)).toBe(1_000 + DAY);
    expect(secondsUntilDue(r, DAY, 1_000)).toBe(DAY);
    expect(secondsUntilDue(r, DAY, 1_000 + DAY + 50)).toBe(0);
  });
  it("has none for a request that no longer waits", () => {
    expect(secondsUntilDue(request(STORED_STATUS.finalized), DAY, 0)).toBeUndefined();
  });
});

describe("estimated payout", () => {
  it("converts the ETH value at the payout asset's rate", () => {
    expect(estimatedPayout(105n * 10n ** 16n, 105n * 10n ** 16n)).toBe(10n ** 18n);
    expect(estimatedPayout(10n ** 18n, 10n ** 18n)).toBe(10n ** 18n);
    expect(estimatedPayout(10n ** 18n, 0n)).toBe(0n);
  });
});
