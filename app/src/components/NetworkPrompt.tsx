import { useSwitchChain } from "wagmi";
import { chainName } from "../lib/chains";
import { isUserRejection } from "../lib/errors";

/** The wallet is on another chain than the protocol: offer to switch (adding the chain when the wallet lacks it). */
export function NetworkPrompt({ target, current }: { target: number; current: number | undefined }) {
  const switchChain = useSwitchChain();
  return (
    <div className="notice warn" role="alert" data-testid="wrong-network">
      <p>
        Your wallet is on {current !== undefined ? chainName(current) : "an unknown network"}; the protocol is on{" "}
        {chainName(target)}.
      </p>
      <button onClick={() => switchChain.mutate({ chainId: target as never })} disabled={switchChain.isPending}>
        Switch to {chainName(target)}
      </button>
      {switchChain.error && (
        <p className="error">
          {isUserRejection(switchChain.error) ? "You rejected the switch in your wallet." : switchChain.error.message.split("\n")[0]}
        </p>
      )}
    </div>
  );
}
