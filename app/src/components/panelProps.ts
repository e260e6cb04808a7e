import type { Address } from "viem";
import type { Deployment } from "../lib/manifest";
import type { Holdings, Overview } from "../lib/protocol";
import type { ErrorContext } from "../lib/errors";

/** What the deposit and withdrawal panels are given: the deployment, the protocol and account as last read, and a callback for a mined transaction. */
export interface PanelProps {
  deployment: Deployment;
  overview: Overview;
  holdings: Holdings;
  account: Address;
  errorContext: ErrorContext;
  onMined: () => void;
}
