// A transaction (or a sequence, like approve then deposit) as the states a
// person needs to see: checking, waiting for the wallet, sent, mined,
// failed, or rejected in the wallet.
import { useCallback, useState } from "react";
import type { Abi, Address, ContractFunctionArgs, ContractFunctionName, Hash } from "viem";
import { getPublicClient, getWalletClient } from "wagmi/actions";
import { wagmiConfig } from "../wagmi";
import { explainError, isUserRejection, type ErrorContext } from "../lib/errors";

type Writable = "nonpayable" | "payable";

export interface TxStep {
  label: string;
  address: Address;
  abi: Abi;
  functionName: string;
  args?: readonly unknown[];
  value?: bigint;
}

/** A typed step: viem checks the function name and arguments against the ABI. */
export function txStep<
  const abi extends Abi,
  functionName extends ContractFunctionName<abi, Writable>,
>(
  label: string,
  call: {
    address: Address;
    abi: abi;
    functionName: functionName;
    args: ContractFunctionArgs<abi, Writable, functionName>;
    value?: bigint;
  },
): TxStep {
  return { label, ...call, abi: call.abi as Abi, args: call.args as readonly unknown[] };
}

export type TxState =
  | { phase: "idle" }
  | { phase: "checking" | "wallet"; step: string; index: number; count: number }
  | { phase: "sent"; step: string; index: number; count: number; hash: Hash }
  | { phase: "mined"; step: string; hash: Hash }
  | { phase: "rejected"; step: string; message: string }
  | { phase: "failed"; step: string; message: string; hash?: Hash };

export function useTx(chainId: number | undefined, ctx: ErrorContext, onMined: () => void) {
  const [state, setState] = useState<TxState>({ phase: "idle" });

  /** Runs `steps` in order; resolves true when every one was mined. */
  const run = useCallback(
    async (steps: readonly TxStep[]): Promise<boolean> => {
      if (chainId === undefined) return false;
      const count = steps.length;
      let label = steps[0]?.label ?? "";
      let hash: Hash | undefined;
      try {
        const client = getPublicClient(wagmiConfig, { chainId: chainId as never });
        const wallet = await getWalletClient(wagmiConfig, { chainId: chainId as never });
        for (const [index, step] of steps.entries()) {
          label = step.label;
          hash = undefined;
          setState({ phase: "checking", step: label, index, count });
          // A dry run first: a revert is explained before the wallet opens.
          const { request } = await client.simulateContract({
            account: wallet.account,
            address: step.address,
            abi: step.abi,
            functionName: step.functionName,
            args: step.args,
            value: step.value,
          } as never);
          setState({ phase: "wallet", step: label, index, count });
          hash = await wallet.writeContract(request as never);
          setState({ phase: "sent", step: label, index, count, hash });
          const receipt = await client.waitForTransactionReceipt({ hash });
          if (receipt.status !== "success") {
            setState({ phase: "failed", step: label, hash, message: "The transaction was mined but reverted; nothing changed." });
            onMined();
            return false;
          }
        }
        setState({ phase: "mined", step: label, hash: hash! });
        onMined();
        return true;
      } catch (error) {
        const message = explainError(error, ctx);
        if (isUserRejection(error)) setState({ phase: "rejected", step: label, message });
        else setState({ phase: "failed", step: label, message, hash });
        return false;
      }
    },
    [chainId, ctx, onMined],
  );

  const reset = useCallback(() => setState({ phase: "idle" }), []);
  const busy = state.phase === "checking" || state.phase === "wallet" || state.phase === "sent";
  return { state, run, reset, busy };
}
