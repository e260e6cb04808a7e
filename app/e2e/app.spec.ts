// A holder's flows in Chromium with a wallet, against the devnode; each
// test checks the chain through JSON-RPC, not only what the page says.
import { expect, test, type Page } from "@playwright/test";
import { mkdirSync } from "node:fs";
import { parseEventLogs, parseEther, type Address, type Hex } from "viem";
import { assetRegistryAbi, lrtTokenAbi, mockLstAbi, rateSourceAbi, vaultAbi, withdrawalQueueAbi } from "../src/abi/generated";
import { ETH } from "../src/lib/protocol";
import type { Deployment } from "../src/lib/manifest";
import { accountKey, admin, DAY, deployment, passTime, revert, rpc, snapshot } from "./chain";
import { installWallet, type TestWallet } from "./wallet";

const ARTIFACTS = "../target/app-artifacts";
mkdirSync(ARTIFACTS, { recursive: true });

let d: Deployment;
let holder: { address: Address; key: Hex };
let lst: Address;
let snap: Hex;

test.beforeAll(async () => {
  d = await deployment();
  holder = await accountKey(1);
  lst = d.others.lst;
});
test.beforeEach(async () => {
  snap = await snapshot();
});
test.afterEach(async () => {
  await revert(snap);
});

const lreth = (account: Address) => rpc.readContract({ address: d.token, abi: lrtTokenAbi, functionName: "balanceOf", args: [account] });
const steth = (account: Address) => rpc.readContract({ address: lst, abi: mockLstAbi, functionName: "balanceOf", args: [account] });
const supply = () => rpc.readContract({ address: d.token, abi: lrtTokenAbi, functionName: "totalSupply" });
const request = (id: bigint) => rpc.readContract({ address: d.withdrawalQueue, abi: withdrawalQueueAbi, functionName: "getRequest", args: [id] });
const requestIds = (account: Address) =>
  rpc.readContract({ address: d.withdrawalQueue, abi: withdrawalQueueAbi, functionName: "requestsOf", args: [account, 0n, 100n] });

async function open(page: Page, chainId?: number): Promise<TestWallet> {
  const wallet = await installWallet(page, { key: holder.key, chainId });
  await page.goto("/");
  await expect(page.getByTestId("rate")).toContainText("ETH per lrETH");
  return wallet;
}

async function connect(page: Page) {
  await page.getByRole("button", { name: "Connect Test Wallet" }).click();
  await expect(page.getByTestId("account")).toHaveAttribute("title", holder.address);
}

const deposit = (page: Page) => page.getByRole("region", { name: "Deposit" });
const withdraw = (page: Page) => page.getByRole("region", { name: "Withdraw" });

test("connect: the account, its balances and the protocol's state", async ({ page }) => {
  await open(page);
  await page.screenshot({ path: `${ARTIFACTS}/overview-disconnected.png`, fullPage: true });
  await connect(page);
  await expect(page.getByTestId("network")).toHaveText("Stylus devnode");
  const onChain = await lreth(holder.address);
  const shown = (await page.getByTestId("balance-lrETH").textContent())!;
  expect(Number(shown.replace(/[^\d.]/g, ""))).toBeCloseTo(Number(onChain) / 1e18, 3);
  // The rate chart has a point per block with a reward, slash or revaluation, plus now.
  const logs = await rpc.getLogs({ address: d.vault, fromBlock: 0n, toBlock: "latest" });
  const moves = parseEventLogs({ abi: vaultAbi, logs }).filter((l) => ["RewardsDistributed", "StakeSlashed", "AssetRevalued"].includes(l.eventName));
  expect(moves.filter((l) => l.eventName === "StakeSlashed").length).toBeGreaterThan(0);
  await expect(page.getByTestId("rate-chart").locator("circle")).toHaveCount(new Set(moves.map((l) => l.blockNumber)).size + 1);
  // The time axis is labelled at both ends of the history and in the middle, by date or by hour.
  await expect(page.getByTestId("chart-time-axis").locator("time")).toHaveCount(3);
  await expect(page.getByTestId("chart-time-axis").locator("time").first()).toHaveText(/^(\d{4}-\d\d-\d\d|\d\d-\d\d \d\d:\d\d)$/);
  await expect(page.getByTestId("apr")).toContainText("from 3 reward reports");
  const rate = await rpc.readContract({ address: d.vault, abi: vaultAbi, functionName: "getRate" });
  await expect(page.getByTestId("rate")).toContainText((Number(rate / 10n ** 12n) / 1e6).toString().slice(0, 6));
  await page.screenshot({ path: `${ARTIFACTS}/connected.png`, fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: `${ARTIFACTS}/phone.png`, fullPage: true });
  // Disconnecting brings the connect button back.
  await page.getByRole("button", { name: "Disconnect" }).click();
  await expect(page.getByRole("button", { name: "Connect Test Wallet" })).toBeVisible();
});

test("wrong network: the app asks to switch and adds the devnode to the wallet", async ({ page }) => {
  const wallet = await open(page, 421_614);
  await connect(page);
  const prompt = page.getByTestId("wrong-network");
  await expect(prompt).toContainText("Your wallet is on Arbitrum Sepolia; the protocol is on Stylus devnode");
  await expect(deposit(page)).toHaveCount(0);
  await page.screenshot({ path: `${ARTIFACTS}/wrong-network.png`, fullPage: true });
  await prompt.getByRole("button", { name: "Switch to Stylus devnode" }).click();
  await expect(prompt).toHaveCount(0);
  await expect(deposit(page)).toBeVisible();
  expect(await wallet.chainId()).toBe(412_346);
  // The wallet did not know the devnode (4902): the app added it with its RPC URL.
  const add = (await wallet.calls()).find((c) => c.method === "wallet_addEthereumChain");
  expect(JSON.stringify(add?.params)).toContain("http://127.0.0.1:8547");
  expect(Number(await rpc.request({ method: "eth_chainId" }))).toBe(412_346);
});

test("deposit ETH: the preview, then balances and supply change on chain", async ({ page }) => {
  await open(page);
  await connect(page);
  const [sharesBefore, supplyBefore, ethBefore] = [await lreth(holder.address), await supply(), await rpc.getBalance({ address: holder.address })];
  const form = deposit(page);
  await form.getByLabel("Amount (ETH)").fill("1.5");
  await expect(form.getByTestId("deposit-preview")).toContainText("You receive about");
  const expected = await rpc.readContract({ address: d.vault, abi: vaultAbi, functionName: "previewDeposit", args: [ETH, parseEther("1.5")] });
  // From the keyboard: Enter in the amount field submits the form.
  await form.getByLabel("Amount (ETH)").press("Enter");
  await expect(form.getByTestId("tx-status")).toHaveAttribute("data-phase", "mined");
  await expect(form.getByLabel("Amount (ETH)")).toHaveValue("");
  expect(await lreth(holder.address)).toBe(sharesBefore + expected);
  expect(await supply()).toBe(supplyBefore + expected);
  expect(await rpc.getBalance({ address: holder.address })).toBeLessThan(ethBefore - parseEther("1.5") + 1n);
  const supplyText = `${(Number((supplyBefore + expected) / 10n ** 14n) / 1e4).toLocaleString("en-US", { maximumFractionDigits: 4 })} lrETH`;
  await expect(page.getByTestId("supply")).toHaveText(supplyText);
  await page.screenshot({ path: `${ARTIFACTS}/deposit-eth.png`, fullPage: true });
});

test("deposit an LST: approve, then deposit with a slippage floor", async ({ page }) => {
  const wallet = await open(page);
  await connect(page);
  const [stBefore, sharesBefore] = [await steth(holder.address), await lreth(holder.address)];
  const form = deposit(page);
  await form.getByLabel("Asset").selectOption({ label: "stETH" });
  await form.getByLabel("Amount (stETH)").fill("2");
  await expect(form.getByTestId("deposit-preview")).toContainText("at least");
  const expected = await rpc.readContract({ address: d.vault, abi: vaultAbi, functionName: "previewDeposit", args: [lst, parseEther("2")] });
  await form.getByRole("button", { name: "Approve and deposit stETH" }).click();
  await expect(form.getByTestId("tx-status")).toHaveAttribute("data-phase", "mined", { timeout: 30_000 });
  expect(await steth(holder.address)).toBe(stBefore - parseEther("2"));
  expect(await lreth(holder.address)).toBe(sharesBefore + expected);
  expect(await rpc.readContract({ address: lst, abi: mockLstAbi, functionName: "allowance", args: [holder.address, d.vault] })).toBe(0n);
  const sent = (await wallet.calls()).filter((c) => c.method === "eth_sendTransaction");
  expect(sent).toHaveLength(2);
  // The deposit carried a floor below the preview: minShares is the 4th argument.
  const depositData = (sent[1].params as { data: Hex }[])[0].data;
  const floor = BigInt(`0x${depositData.slice(2 + 8 + 64 * 3, 2 + 8 + 64 * 4)}`);
  expect(floor).toBe((expected * 9_950n) / 10_000n);
});

test("a refusal is explained before sending, and a revert is decoded into a sentence", async ({ page }) => {
  await open(page);
  await connect(page);
  const form = deposit(page);
  await form.getByLabel("Amount (ETH)").fill("1");
  await expect(form.getByTestId("deposit-preview")).toBeVisible();
  const before = await lreth(holder.address);
  // The pauser pauses deposits while the form is filled in: the dry run reverts with DepositsPaused.
  await rpc.waitForTransactionReceipt({ hash: await admin.writeContract({ address: d.vault, abi: vaultAbi, functionName: "setDepositsPaused", args: [true] }) });
  await form.getByRole("button", { name: "Deposit ETH" }).click();
  await expect(form.getByTestId("tx-status")).toHaveText("Deposit of 1 ETH failed: Deposits are paused.");
  await expect(form.getByTestId("tx-status")).not.toContainText("0x");
  await page.screenshot({ path: `${ARTIFACTS}/refusal.png`, fullPage: true });
  // Once the app has read the paused state it refuses in the form, before anything is sent.
  await expect(form.getByTestId("deposit-refusal")).toHaveText("Deposits are paused.", { timeout: 10_000 });
  await expect(form.getByRole("button", { name: "Deposit ETH" })).toBeDisabled();
  await expect(page.getByTestId("deposits-state")).toHaveText("paused");
  expect(await rpc.readContract({ address: d.vault, abi: vaultAbi, functionName: "depositsPaused" })).toBe(true);
  expect(await lreth(holder.address)).toBe(before);
  // Bad input is refused in the form too.
  await form.getByLabel("Amount (ETH)").fill("0.0000000000000000001");
  await expect(form.getByTestId("deposit-refusal")).toHaveText("ETH has at most 18 decimals.");
  await form.getByLabel("Amount (ETH)").fill("-1");
  await expect(form.getByTestId("deposit-refusal")).toHaveText("The amount cannot be negative.");
  await form.getByLabel("Amount (ETH)").fill("100000");
  await expect(form.getByTestId("deposit-refusal")).toContainText("That is more than your balance");
});

test("an LST's cap and a stale rate are explained before sending", async ({ page }) => {
  // The asset manager caps stETH at 6 while the vault holds 5.
  await rpc.waitForTransactionReceipt({
    hash: await admin.writeContract({ address: d.assetRegistry, abi: assetRegistryAbi, functionName: "setDepositCap", args: [lst, parseEther("6")] }),
  });
  const room = await rpc.readContract({ address: d.vault, abi: vaultAbi, functionName: "maxDeposit", args: [lst, holder.address] });
  expect(room).toBe(parseEther("1"));
  await open(page);
  await connect(page);
  const form = deposit(page);
  await form.getByLabel("Asset").selectOption({ label: "stETH" });
  await form.getByLabel("Amount (stETH)").fill("2");
  await expect(form.getByTestId("deposit-refusal")).toHaveText("Above what the vault takes now: at most 1 stETH (cap).");
  await expect(form.getByRole("button", { name: /deposit stETH/i })).toBeDisabled();

  // Two days later the stETH rate is older than the registry accepts.
  await passTime(2 * DAY);
  const [config, block] = await Promise.all([
    rpc.readContract({ address: d.assetRegistry, abi: assetRegistryAbi, functionName: "assetConfig", args: [lst] }),
    rpc.getBlock(),
  ]);
  const [, updatedAt] = await rpc.readContract({ address: config[2], abi: rateSourceAbi, functionName: "latestRate" });
  expect(block.timestamp).toBeGreaterThan(updatedAt + config[4]);
  await page.reload();
  await connect(page);
  await form.getByLabel("Asset").selectOption({ label: "stETH" });
  await form.getByLabel("Amount (stETH)").fill("0.5");
  await expect(form.getByTestId("deposit-refusal")).toHaveText(/^The rate of stETH is stale \(older than 1 d\)/);
  // ETH deposits are not held up by it.
  await form.getByLabel("Asset").selectOption({ label: "ETH" });
  await form.getByLabel("Amount (ETH)").fill("0.5");
  await expect(form.getByTestId("deposit-preview")).toBeVisible();
});

test("rejecting in the wallet sends nothing and keeps the form's input", async ({ page }) => {
  const wallet = await open(page);
  await connect(page);
  const [before, nonce] = [await lreth(holder.address), await rpc.getTransactionCount({ address: holder.address })];
  const form = deposit(page);
  await form.getByLabel("Amount (ETH)").fill("0.75");
  await expect(form.getByTestId("deposit-preview")).toBeVisible();
  await wallet.rejectNext();
  await form.getByRole("button", { name: "Deposit ETH" }).click();
  await expect(form.getByTestId("tx-status")).toHaveText("You rejected the request in your wallet; nothing was sent.");
  await expect(form.getByLabel("Amount (ETH)")).toHaveValue("0.75");
  expect(await lreth(holder.address)).toBe(before);
  expect(await rpc.getTransactionCount({ address: holder.address })).toBe(nonce);
  await expect(form.getByRole("button", { name: "Deposit ETH" })).toBeEnabled();
});

test("withdraw: request, wait, finalize, claim, and the ETH arrives", async ({ page }) => {
  await open(page);
  await connect(page);
  const form = withdraw(page);
  const sharesBefore = await lreth(holder.address);
  const idsBefore = await requestIds(holder.address);
  await form.getByLabel("lrETH to redeem").fill("1");
  await expect(form.getByTestId("redeem-estimate")).toContainText("Worth");
  await form.getByLabel("Paid in").selectOption({ label: "ETH" });
  await form.getByRole("button", { name: "Request withdrawal" }).click();
  await expect(form.getByTestId("tx-status").first()).toHaveAttribute("data-phase", "mined");
  const ids = await requestIds(holder.address);
  expect(ids.length).toBe(idsBefore.length + 1);
  const id = ids[ids.length - 1];
  expect(await lreth(holder.address)).toBe(sharesBefore - parseEther("1"));
  const row = form.getByTestId(`request-${id}`);
  await expect(row).toHaveAttribute("data-status", "pending");
  await expect(form.getByTestId(`eta-${id}`)).toContainText("due in 1 d");
  await page.screenshot({ path: `${ARTIFACTS}/withdraw-pending.png`, fullPage: true });

  await passTime(DAY + 1);
  // A new page load: the test wallet forgets the connection, as a locked wallet would.
  await page.reload();
  await connect(page);
  await expect(row).toHaveAttribute("data-status", "finalizable");
  await form.getByRole("button", { name: "Finalize the ETH queue (anyone may)" }).click();
  await expect(row).toHaveAttribute("data-status", "claimable");
  const finalized = await request(id);
  expect(finalized[5]).toBe(2);
  const payout = finalized[6];
  expect(payout).toBeGreaterThan(0n);

  const ethBefore = await rpc.getBalance({ address: holder.address });
  await form.getByRole("button", { name: `Claim #${id}` }).click();
  await expect(row).toHaveAttribute("data-status", "claimed");
  expect((await request(id))[5]).toBe(3);
  const block = await rpc.getBlock({ includeTransactions: true });
  const claimTx = block.transactions.find((t) => t.from.toLowerCase() === holder.address.toLowerCase())!;
  const receipt = await rpc.getTransactionReceipt({ hash: claimTx.hash });
  const [claimed] = parseEventLogs({ abi: withdrawalQueueAbi, eventName: "RedeemClaimed", logs: receipt.logs });
  expect(claimed.args.amount).toBe(payout);
  const gas = receipt.gasUsed * receipt.effectiveGasPrice;
  expect(await rpc.getBalance({ address: holder.address })).toBe(ethBefore + payout - gas);

  // The other claimable requests (the lifecycle's) are claimed together in one transaction.
  const others = (await requestIds(holder.address)).filter((other) => other !== id);
  const claimable = [];
  for (const other of others) if ((await request(other))[5] === 2) claimable.push(other);
  expect(claimable.length).toBeGreaterThan(1);
  const nonce = await rpc.getTransactionCount({ address: holder.address });
  await form.getByRole("button", { name: `Claim all ${claimable.length}` }).click();
  for (const other of claimable) await expect(form.getByTestId(`request-${other}`)).toHaveAttribute("data-status", "claimed");
  for (const other of claimable) expect((await request(other))[5]).toBe(3);
  expect(await rpc.getTransactionCount({ address: holder.address })).toBe(nonce + 1);
  await page.screenshot({ path: `${ARTIFACTS}/withdraw-claimed.png`, fullPage: true });
});

test("cancel a pending request: the lrETH comes back", async ({ page }) => {
  await open(page);
  await connect(page);
  const form = withdraw(page);
  await form.getByLabel("lrETH to redeem").fill("0.5");
  await form.getByRole("button", { name: "Request withdrawal" }).click();
  await expect(form.getByTestId("tx-status").first()).toHaveAttribute("data-phase", "mined");
  const ids = await requestIds(holder.address);
  const id = ids[ids.length - 1];
  const afterRequest = await lreth(holder.address);
  await form.getByRole("button", { name: `Cancel #${id}` }).click();
  await expect(form.getByTestId(`request-${id}`)).toHaveAttribute("data-status", "cancelled");
  expect((await request(id))[5]).toBe(4);
  expect(await lreth(holder.address)).toBe(afterRequest + parseEther("0.5"));
});
