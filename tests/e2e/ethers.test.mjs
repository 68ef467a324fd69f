// ethers v6, unmodified, against rollupd: transfers of both kinds, receipts, balances, blocks, fee
// history, and the geth error messages ethers users see.
import assert from "node:assert/strict";
import { test } from "node:test";
import { JsonRpcProvider, Wallet, parseEther, parseUnits } from "ethers";

import { chainId, devAccount, url } from "./common.mjs";

// ethers answers an identical request from its own cache for 250 ms (cacheTimeout). With this
// suite's 200 ms blocks that cache can hand back the pending nonce from before the last block, and
// ethers then signs a stale nonce whatever the node says; so it is off here. Everything else is
// ethers' default.
const provider = new JsonRpcProvider(url, chainId, {
  staticNetwork: true,
  pollingInterval: 100,
  cacheTimeout: -1,
});
const sender = new Wallet(devAccount(0).privateKey, provider);
const poor = Wallet.createRandom().connect(provider);

test("chain id and block number", async () => {
  const network = await provider.getNetwork();
  assert.equal(network.chainId, BigInt(chainId));
  assert.ok((await provider.getBlockNumber()) >= 0);
});

test("an EIP-1559 transfer is mined and moves the value", async () => {
  const to = Wallet.createRandom().address;
  const tx = await sender.sendTransaction({ to, value: parseEther("1.5") });
  assert.equal(tx.type, 2);
  const receipt = await tx.wait();
  assert.equal(receipt.status, 1);
  assert.equal(receipt.gasUsed, 21000n);
  assert.equal(await provider.getBalance(to), parseEther("1.5"));
  const mined = await provider.getTransaction(tx.hash);
  assert.equal(mined.blockNumber, receipt.blockNumber);
  assert.equal(mined.from, sender.address);
  // What the sender paid per gas is at most its cap and at least the block's base fee.
  const block = await provider.getBlock(receipt.blockNumber);
  assert.ok(receipt.gasPrice >= block.baseFeePerGas);
  assert.ok(receipt.gasPrice <= tx.maxFeePerGas);
});

test("a legacy transfer is mined", async () => {
  const to = Wallet.createRandom().address;
  const gasPrice = (await provider.getFeeData()).gasPrice;
  const tx = await sender.sendTransaction({ to, value: 12345n, type: 0, gasPrice });
  assert.equal(tx.type, 0);
  const receipt = await tx.wait();
  assert.equal(receipt.status, 1);
  assert.equal(await provider.getBalance(to), 12345n);
});

test("blocks with and without full transactions", async () => {
  const tx = await sender.sendTransaction({ to: Wallet.createRandom().address, value: 1n });
  const receipt = await tx.wait();
  const hashes = await provider.getBlock(receipt.blockNumber);
  assert.ok(hashes.transactions.includes(tx.hash));
  assert.equal(hashes.hash, receipt.blockHash);
  const full = await provider.getBlock(receipt.blockHash, true);
  const found = full.prefetchedTransactions.find((t) => t.hash === tx.hash);
  assert.ok(found, "the full block holds the transaction object");
  assert.equal(found.from, sender.address);
  assert.equal(found.value, 1n);
  assert.equal(await provider.getBlock(10_000_000), null);
});

test("fee history and fee data", async () => {
  const history = await provider.send("eth_feeHistory", ["0x4", "latest", [10, 50, 90]]);
  assert.equal(history.baseFeePerGas.length, history.gasUsedRatio.length + 1);
  assert.equal(history.reward.length, history.gasUsedRatio.length);
  const fees = await provider.getFeeData();
  assert.ok(fees.maxFeePerGas > 0n && fees.maxPriorityFeePerGas > 0n && fees.gasPrice > 0n);
});

test("nonce too low", async () => {
  await (await sender.sendTransaction({ to: poor.address, value: 1n })).wait();
  await assert.rejects(
    sender.sendTransaction({ to: poor.address, value: 1n, nonce: 0 }),
    (e) => e.code === "NONCE_EXPIRED" && /nonce too low/.test(e.message),
  );
});

test("insufficient funds", async () => {
  const broke = Wallet.createRandom().connect(provider);
  await assert.rejects(
    broke.sendTransaction({
      to: sender.address,
      value: 1n,
      gasLimit: 21000n,
      maxFeePerGas: parseUnits("10", "gwei"),
      maxPriorityFeePerGas: 1n,
    }),
    (e) => e.code === "INSUFFICIENT_FUNDS" && /insufficient funds for gas \* price \+ value/.test(e.message),
  );
});

test("an underpriced replacement is refused, a 10% bump replaces", async () => {
  // A far-future nonce keeps both transactions in the pool instead of in a block.
  const nonce = (await provider.getTransactionCount(sender.address, "pending")) + 100;
  const fee = { maxFeePerGas: parseUnits("50", "gwei"), maxPriorityFeePerGas: parseUnits("2", "gwei") };
  const base = { to: poor.address, value: 1n, gasLimit: 21000n, nonce, chainId };
  const first = await sender.sendTransaction({ ...base, ...fee });
  await assert.rejects(
    sender.sendTransaction({ ...base, ...fee, value: 2n }),
    (e) => e.code === "REPLACEMENT_UNDERPRICED" || /replacement transaction underpriced/.test(e.message),
  );
  const bumped = await sender.sendTransaction({
    ...base,
    maxFeePerGas: (fee.maxFeePerGas * 11n) / 10n,
    maxPriorityFeePerGas: (fee.maxPriorityFeePerGas * 11n) / 10n,
  });
  assert.notEqual(bumped.hash, first.hash);
  const content = await provider.send("txpool_content", []);
  const queued = content.queued[sender.address] ?? content.queued[sender.address.toLowerCase()];
  assert.equal(queued[String(nonce)].hash, bumped.hash);
});
