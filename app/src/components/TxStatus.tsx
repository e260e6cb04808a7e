import type { TxState } from "../hooks/useTx";

/** A step's label at the start of a sentence. */
const capital = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

function stepOf(state: { index: number; count: number }): string {
  return state.count > 1 ? ` (step ${state.index + 1} of ${state.count})` : "";
}

/** The state of the form's transaction, announced to screen readers. */
export function TxStatus({ state, explorer }: { state: TxState; explorer?: string }) {
  const link = (hash: string) =>
    explorer ? (
      <a href={`${explorer}/tx/${hash}`} target="_blank" rel="noreferrer">
        <code>{hash.slice(0, 10)}…</code>
      </a>
    ) : (
      <code title={hash}>{hash.slice(0, 10)}…</code>
    );
  let body: React.ReactNode = null;
  switch (state.phase) {
    case "idle":
      break;
    case "checking":
      body = <>Checking {state.step}{stepOf(state)}…</>;
      break;
    case "wallet":
      body = <>Confirm {state.step} in your wallet{stepOf(state)}…</>;
      break;
    case "sent":
      body = <>{capital(state.step)}: sent {link(state.hash)}, waiting to be mined{stepOf(state)}…</>;
      break;
    case "mined":
      body = <>Done: {state.step} mined {link(state.hash)}.</>;
      break;
    case "rejected":
      body = <>{state.message}</>;
      break;
    case "failed":
      body = <>{capital(state.step)} failed: {state.message}</>;
      break;
  }
  return (
    <p className={`tx tx-${state.phase}`} role="status" aria-live="polite" data-testid="tx-status" data-phase={state.phase}>
      {body}
    </p>
  );
}
