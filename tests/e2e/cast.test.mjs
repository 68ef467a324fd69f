// cast (Foundry's CLI, from npm), unmodified, against rollupd: sends of both kinds, receipts,
// balances and blocks.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { test } from "node:test";
import { promisify } from "node:util";

import { devAccount, url } from "./common.mjs";

const run = promisify(execFile);
const cast = async (...args) => (await run("cast", [...args, "--rpc-url", url], { timeout: 60_000 })).stdout.trim();
const key = devAccount(2).privateKey;

test("cast send (EIP-1559), receipt and balance", async () => {
  const to = "0x000000000000000000000000000000000000c0de";
  const before = BigInt(await cast("balance", to));
  const out = await cast("send", "--private-key", key, to, "--value", "3gwei", "--json");
  const receipt = JSON.parse(out);
  assert.equal(receipt.status, "0x1");
  assert.equal(receipt.type, "0x2");
  const again = JSON.parse(await cast("receipt", receipt.transactionHash, "--json"));
  assert.equal(again.blockHash, receipt.blockHash);
  assert.equal(BigInt(await cast("balance", to)), before + 3_000_000_000n);
  const tx = JSON.parse(await cast("tx", receipt.transactionHash, "--json"));
  assert.equal(tx.from.toLowerCase(), devAccount(2).address.toLowerCase());
});

test("cast send --legacy", async () => {
  const to = "0x000000000000000000000000000000000000beef";
  const out = await cast("send", "--legacy", "--private-key", key, to, "--value", "5", "--json");
  const receipt = JSON.parse(out);
  assert.equal(receipt.status, "0x1");
  assert.equal(receipt.type, "0x0");
  assert.equal(await cast("balance", to), "5");
});

test("cast block, chain-id, block-number, gas-price", async () => {
  assert.equal(await cast("chain-id"), "901");
  const number = Number(await cast("block-number"));
  assert.ok(number > 0);
  const block = JSON.parse(await cast("block", String(number), "--json"));
  assert.equal(Number(block.number), number);
  assert.ok(BigInt(await cast("gas-price")) > 0n);
});

test("cast shows geth's error for a stale nonce", async () => {
  await cast("send", "--private-key", key, "0x000000000000000000000000000000000000c0de", "--value", "1");
  // cast reports a refused send on stderr (its exit status is 0 in this version either way).
  const out = await run(
    "cast",
    ["send", "--nonce", "0", "--private-key", key, "0x000000000000000000000000000000000000c0de", "--value", "1", "--rpc-url", url],
    { timeout: 60_000 },
  ).catch((e) => e);
  assert.match(`${out.stdout}${out.stderr}`, /nonce too low: next nonce \d+, tx nonce 0/);
});

test("cast proof: an EIP-1186 proof whose account fields match the state", async () => {
  const who = devAccount(2).address;
  const proof = JSON.parse(await cast("proof", who, "0x0"));
  assert.equal(BigInt(proof.balance), BigInt(await cast("balance", who)));
  assert.equal(BigInt(proof.nonce), BigInt(await cast("nonce", who)));
  assert.ok(proof.accountProof.length > 0);
  assert.equal(proof.storageProof.length, 1);
});
