// A withdrawal request's status and when it can move on.

/** The queue's stored status codes (getRequest). */
export const STORED_STATUS = { pending: 1, finalized: 2, claimed: 3, cancelled: 4 } as const;

/** What a holder sees. */
export type RequestStatus = "pending" | "finalizable" | "claimable" | "claimed" | "cancelled";

export interface RequestView {
  id: bigint;
  payoutAsset: string;
  shares: bigint;
  valueAtRequest: bigint;
  requestedAt: number;
  storedStatus: number;
  reserved: bigint;
}

/** When a request may be finalized: its time plus the withdrawal delay. */
export function dueAt(request: Pick<RequestView, "requestedAt">, withdrawalDelay: number): number {
  return request.requestedAt + withdrawalDelay;
}

/**
 * The status a holder sees at `now`: a pending request past its delay is
 * finalizable (anyone may finalize it); a finalized one is claimable.
 */
export function requestStatus(request: RequestView, withdrawalDelay: number, now: number): RequestStatus {
  switch (request.storedStatus) {
    case STORED_STATUS.finalized:
      return "claimable";
    case STORED_STATUS.claimed:
      return "claimed";
    case STORED_STATUS.cancelled:
      return "cancelled";
    default:
      return now >= dueAt(request, withdrawalDelay) ? "finalizable" : "pending";
  }
}

/** Seconds until a pending request is due; 0 once it is, `undefined` for one that is no longer waiting. */
export function secondsUntilDue(request: RequestView, withdrawalDelay: number, now: number): number | undefined {
  if (request.storedStatus !== STORED_STATUS.pending) return undefined;
  return Math.max(0, dueAt(request, withdrawalDelay) - now);
}

/** Words for a status. */
export const STATUS_LABEL: Record<RequestStatus, string> = {
  pending: "Pending",
  finalizable: "Due: ready to finalize",
  claimable: "Claimable",
  claimed: "Claimed",
  cancelled: "Cancelled",
};

/** Only the controller may cancel, and only a request not yet finalized. */
export function canCancel(status: RequestStatus): boolean {
  return status === "pending" || status === "finalizable";
}

/**
 * The payout a holder can expect: the request's value at request time,
 * converted to the payout asset at its current rate (ETH rate 1e18). The
 * queue pays min(value at request, value at finalization), so this is an
 * upper bound that a slash before finalization lowers.
 */
export function estimatedPayout(valueInEth: bigint, assetRate: bigint): bigint {
  if (assetRate === 0n) return 0n;
  return (valueInEth * 10n ** 18n) / assetRate;
}
