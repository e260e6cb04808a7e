// The devnode seen from the test process: reads, the admin's transactions,
// time travel and snapshots, all through JSON-RPC.
import { createPublicClient, createWalletClient, http, type Address, type Hex } from "viem";
import { mnemonicToAccount, privateKeyToAccount } from "viem/accounts";
import { devnode } from "../src/lib/chains";
import { parseManifest, type Deployment } from "../src/lib/manifest";

export const RPC = "http://127.0.0.1:8547";
export const APP = "http://127.0.0.1:5173";
export const DAY = 86_400;
/** The devnode's dev account: the protocol's admin (public test key). */
export const ADMIN_KEY: Hex = "0xb6b15c8cb491557369f3c7d2c287b053eb229daa9c22138887752191c9520659";
const MNEMONIC = "test test test test test test test test test test test junk";

export const rpc = createPublicClient({ chain: devnode, transport: http(RPC) });
export const admin = createWalletClient({ account: privateKeyToAccount(ADMIN_KEY), chain: devnode, transport: http(RPC) });

export async function deployment(): Promise<Deployment> {
  const response = await fetch(`${APP}/deployments/${devnode.id}.json`);
  return parseManifest(await response.json());
}

/** The key of the devnode's account `index` (1: the holder of the lifecycle's state). */
export async function accountKey(index: number): Promise<{ address: Address; key: Hex }> {
  const accounts = (await rpc.request({ method: "eth_accounts" as never })) as Address[];
  const wanted = accounts[index].toLowerCase();
  for (let i = 0; i < 20; i++) {
    const account = mnemonicToAccount(MNEMONIC, { addressIndex: i });
    if (account.address.toLowerCase() === wanted) {
      const key = account.getHdKey().privateKey!;
      return { address: account.address, key: `0x${Buffer.from(key).toString("hex")}` };
    }
  }
  throw new Error(`account ${index} is not derived from the test mnemonic`);
}

export async function snapshot(): Promise<Hex> {
  return (await rpc.request({ method: "evm_snapshot" as never })) as Hex;
}

export async function revert(id: Hex): Promise<void> {
  await rpc.request({ method: "evm_revert" as never, params: [id] as never });
}

export async function passTime(seconds: number): Promise<void> {
  await rpc.request({ method: "evm_increaseTime" as never, params: [seconds] as never });
  await rpc.request({ method: "evm_mine" as never });
}
