// A browser wallet for the tests: an EIP-1193 provider announced through
// EIP-6963, installed before the app loads. It answers account and chain
// requests itself, forwards reads to the devnode, and has every transaction
// signed in the test process with a devnode test key. It can be told to
// reject the next request (code 4001) and can start on another chain.
import type { Page } from "@playwright/test";
import { createWalletClient, http, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { devnode } from "../src/lib/chains";
import { RPC } from "./chain";

export interface WalletOptions {
  key: Hex;
  /** The chain the wallet is on when the page opens, the only one it knows (default: the devnode). */
  chainId?: number;
}

export interface TestWallet {
  /** The next request that needs the person's consent is rejected with code 4001. */
  rejectNext(): Promise<void>;
  /** Methods the app called, in order. */
  calls(): Promise<{ method: string; params?: unknown }[]>;
  chainId(): Promise<number>;
}

export async function installWallet(page: Page, options: WalletOptions): Promise<TestWallet> {
  const account = privateKeyToAccount(options.key);
  const signer = createWalletClient({ account, chain: devnode, transport: http(RPC) });
  await page.exposeFunction("__testWalletSend", async (tx: { to: Hex; data?: Hex; value?: Hex; gas?: Hex }) => {
    return signer.sendTransaction({
      to: tx.to,
      data: tx.data,
      value: tx.value ? BigInt(tx.value) : 0n,
      gas: tx.gas ? BigInt(tx.gas) : undefined,
    });
  });
  await page.addInitScript(
    ({ address, chainId, rpc }) => {
      const listeners: Record<string, ((value: unknown) => void)[]> = {};
      const emit = (event: string, value: unknown) => (listeners[event] ?? []).forEach((f) => f(value));
      const state = { chainId, connected: false, rejectNext: false, calls: [] as { method: string; params?: unknown }[], known: new Set([chainId]) };
      const consent = new Set(["eth_requestAccounts", "eth_sendTransaction", "wallet_switchEthereumChain", "wallet_addEthereumChain", "eth_signTypedData_v4", "personal_sign"]);
      const rejected = () => Object.assign(new Error("User rejected the request."), { code: 4001 });
      const hex = (n: number) => `0x${n.toString(16)}`;
      const provider = {
        async request({ method, params }: { method: string; params?: unknown[] }) {
          state.calls.push({ method, params });
          if (consent.has(method) && state.rejectNext) {
            state.rejectNext = false;
            throw rejected();
          }
          switch (method) {
            case "eth_chainId":
              return hex(state.chainId);
            case "net_version":
              return String(state.chainId);
            case "eth_accounts":
              return state.connected ? [address] : [];
            case "eth_requestAccounts":
              state.connected = true;
              emit("accountsChanged", [address]);
              return [address];
            case "wallet_requestPermissions":
              state.connected = true;
              return [{ parentCapability: "eth_accounts" }];
            case "wallet_revokePermissions":
              state.connected = false;
              return null;
            case "wallet_switchEthereumChain": {
              const id = Number((params?.[0] as { chainId: string }).chainId);
              if (!state.known.has(id)) throw Object.assign(new Error("Unrecognized chain ID."), { code: 4902 });
              state.chainId = id;
              emit("chainChanged", hex(id));
              return null;
            }
            case "wallet_addEthereumChain": {
              const id = Number((params?.[0] as { chainId: string }).chainId);
              state.known.add(id);
              state.chainId = id;
              emit("chainChanged", hex(id));
              return null;
            }
            case "eth_sendTransaction":
              return (window as unknown as { __testWalletSend: (tx: unknown) => Promise<string> }).__testWalletSend(params?.[0]);
            default: {
              const response = await fetch(rpc, {
                method: "POST",
                headers: { "content-type": "application/json" },
                body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params: params ?? [] }),
              });
              const body = await response.json();
              if (body.error) throw Object.assign(new Error(body.error.message), { code: body.error.code, data: body.error.data });
              return body.result;
            }
          }
        },
        on(event: string, f: (value: unknown) => void) {
          (listeners[event] ??= []).push(f);
        },
        removeListener(event: string, f: (value: unknown) => void) {
          listeners[event] = (listeners[event] ?? []).filter((g) => g !== f);
        },
      };
      (window as unknown as { __testWallet: typeof state }).__testWallet = state;
      const icon = "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E%3Crect width='16' height='16' rx='4' fill='%232747d6'/%3E%3C/svg%3E";
      const announce = () =>
        window.dispatchEvent(
          new CustomEvent("eip6963:announceProvider", {
            detail: Object.freeze({ info: { uuid: "8a7f7c1e-0000-4000-8000-000000000001", name: "Test Wallet", icon, rdns: "dev.lreth.testwallet" }, provider }),
          }),
        );
      window.addEventListener("eip6963:requestProvider", announce);
      announce();
    },
    { address: account.address, chainId: options.chainId ?? devnode.id, rpc: RPC },
  );
  return {
    rejectNext: () => page.evaluate(() => void ((window as unknown as { __testWallet: { rejectNext: boolean } }).__testWallet.rejectNext = true)),
    calls: () => page.evaluate(() => (window as unknown as { __testWallet: { calls: { method: string; params?: unknown }[] } }).__testWallet.calls),
    chainId: () => page.evaluate(() => (window as unknown as { __testWallet: { chainId: number } }).__testWallet.chainId),
  };
}
