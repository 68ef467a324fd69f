// viem, unmodified, against rollupd: wallet and public clients, transfers of both kinds, receipts,
// balances, blocks and fee estimation, and the errors viem decodes from geth's messages.
import assert from "node:assert/strict";
import { test } from "node:test";
import { createPublicClient, createWalletClient, defineChain, http, parseEther, parseGwei } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";

import { chainId, devAccount, url } from "./common.mjs";

const chain = defineChain({
  id: chainId,
  name: "rollupd e2e",
  nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
  rpcUrls: { default: { http: [url] } },
});
const transport = http(url);
const client = createPublicClient({ chain, transport, pollingInterval: 100 });
const account = privateKeyToAccount(devAccount(1).privateKey);
const wallet = createWalletClient({ account, chain, transport });
const stranger = () => privateKeyToAccount(generatePrivateKey()).address;

test("an EIP-1559 transfer, its receipt and the balance", async () => {
  const to = stranger();
  const hash = await wallet.sendTransaction({ to, value: parseEther("0.25") });
  const receipt = await client.waitForTransactionReceipt({ hash });
  assert.equal(receipt.status, "success");
  assert.equal(receipt.type, "eip1559");
  assert.equal(await client.getBalance({ address: to }), parseEther("0.25"));
  const tx = await client.getTransaction({ hash });
  assert.equal(tx.from.toLowerCase(), account.address.toLowerCase());
  assert.equal(tx.blockNumber, receipt.blockNumber);
});

test("a legacy transfer", async () => {
  const to = stranger();
  const gasPrice = await client.getGasPrice();
  const hash = await wallet.sendTransaction({ to, value: 777n, type: "legacy", gasPrice });
  const receipt = await client.waitForTransactionReceipt({ hash });
  assert.equal(receipt.status, "success");
  assert.equal(receipt.type, "legacy");
  assert.equal(await client.getBalance({ address: to }), 777n);
});

test("blocks, with and without transactions", async () => {
  const hash = await wallet.sendTransaction({ to: stranger(), value: 1n });
  const receipt = await client.waitForTransactionReceipt({ hash });
  const light = await client.getBlock({ blockNumber: receipt.blockNumber });
  assert.ok(light.transactions.includes(hash));
  const full = await client.getBlock({ blockHash: receipt.blockHash, includeTransactions: true });
  assert.equal(full.transactions.find((t) => t.hash === hash)?.value, 1n);
  assert.equal(full.number, receipt.blockNumber);
  const latest = await client.getBlock();
  assert.ok(latest.number >= receipt.blockNumber);
  assert.ok(latest.baseFeePerGas > 0n);
});

test("fee estimation and history", async () => {
  const fees = await client.estimateFeesPerGas();
  assert.ok(fees.maxFeePerGas >= fees.maxPriorityFeePerGas);
  const history = await client.getFeeHistory({ blockCount: 3, rewardPercentiles: [25, 75] });
  assert.equal(history.baseFeePerGas.length, history.gasUsedRatio.length + 1);
  assert.equal(history.reward.length, history.gasUsedRatio.length);
  assert.equal(await client.estimateGas({ account: account.address, to: stranger(), value: 1n }), 21000n);
});

test("nonce too low", async () => {
  await client.waitForTransactionReceipt({ hash: await wallet.sendTransaction({ to: stranger(), value: 1n }) });
  await assert.rejects(
    wallet.sendTransaction({ to: stranger(), value: 1n, nonce: 0 }),
    (e) => e.name === "TransactionExecutionError" && /nonce too low/i.test(e.details ?? e.message),
  );
});

test("insufficient funds", async () => {
  const broke = createWalletClient({ account: privateKeyToAccount(generatePrivateKey()), chain, transport });
  await assert.rejects(
    broke.sendTransaction({
      to: stranger(),
      value: 1n,
      gas: 21000n,
      maxFeePerGas: parseGwei("10"),
      maxPriorityFeePerGas: 1n,
    }),
    (e) => /insufficient funds/i.test(e.details ?? e.message),
  );
});

test("an underpriced replacement", async () => {
  const nonce = (await client.getTransactionCount({ address: account.address, blockTag: "pending" })) + 100;
  const base = { to: stranger(), gas: 21000n, nonce, maxFeePerGas: parseGwei("40"), maxPriorityFeePerGas: parseGwei("1") };
  await wallet.sendTransaction({ ...base, value: 1n });
  await assert.rejects(
    wallet.sendTransaction({ ...base, value: 2n }),
    (e) => /replacement transaction underpriced/i.test(e.details ?? e.message),
  );
});
