// The batcher against a real L1 (anvil, a block a second): what it posts decodes to exactly the
// sealed blocks, the safe head follows, and the faults operators meet (a restart, L1 gone for 30 s,
// an L1 reorg, garbage in the inbox, an empty wallet) lose nothing and post nothing twice.
// The tests run in order on one L1 and one node datadir; each leaves the chain posted and safe.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { Wallet } from "ethers";

import {
  Node, decodeBatches, devAccount, inbox, rpc, sendTransfers, startAnvil, startProxy, waitFor,
} from "./harness.mjs";

const batcherKey = devAccount(9).privateKey;
const batcher = devAccount(9).address;
const senders = [1, 2, 3, 4].map(devAccount);
const nonces = [0, 0, 0, 0];
const recipient = "0x00000000000000000000000000000000000000aa";

let l1, proxy, node;

before(async () => {
  l1 = await startAnvil({ chainId: 900, extraArgs: ["--block-time", "1"] });
  proxy = await startProxy(l1.url);
  // Back-pressure past 100 kB not yet on L1: blocks of at most 4 kB (about 36 transfers).
  node = await new Node({
    l1Url: proxy.url, batcherKey,
    flags: ["--batcher.max-backlog-bytes", "100000", "--batcher.throttle-block-bytes", "4000"],
  }).start();
});

after(async () => {
  await node?.stop();
  node?.cleanup();
  await proxy?.close();
  await l1?.stop();
});

async function transfers(count) {
  const { hashes, nonces: next } = await sendTransfers(node.url, { count, senders, startNonces: nonces, to: recipient });
  nonces.splice(0, nonces.length, ...next);
  return hashes;
}

// Waits until every block up to the current head is safe; returns that head.
async function allSafe(ms = 90_000) {
  const { unsafe } = await node.heads();
  await waitFor(`the safe head to reach block ${unsafe}`, async () => (await node.heads()).safe >= unsafe, ms);
  return unsafe;
}

// decode-batches over all of L1 yields each sealed block up to `through` once, with exactly its
// transactions in order, and nothing twice.
async function assertPostedExactly(through) {
  const decoded = await decodeBatches(l1.url, batcher);
  assert.equal(decoded.repeated, 0, `a block was posted twice: ${decoded.summary}`);
  assert.equal(decoded.unusedFrames, 0, `a frame was posted twice: ${decoded.summary}`);
  const byNumber = new Map(decoded.blocks.map((b) => [b.number, b]));
  const highest = Math.max(through, ...byNumber.keys());
  const sealed = await node.blocks(highest);
  for (const b of sealed) {
    const found = byNumber.get(b.number);
    if (b.number <= through) assert.ok(found, `block ${b.number} is not on L1 (${decoded.summary})`);
    if (!found) continue;
    assert.deepEqual(found.transactions, b.transactions, `block ${b.number}'s transactions`);
    if (found.hash) assert.equal(found.hash, b.hash, `block ${b.number}'s hash`);
  }
  return decoded;
}

describe("batcher", () => {
  test("2,000 transactions reach L1 hash by hash and the safe head reaches the last block", async () => {
    const hashes = await transfers(2000);
    await waitFor("all 2,000 transactions in blocks", async () => {
      const r = await rpc(node.url, "eth_getTransactionReceipt", [hashes.at(-1)]);
      return r !== null;
    }, 60_000);
    const head = await allSafe();
    const decoded = await assertPostedExactly(head);
    const posted = decoded.blocks.flatMap((b) => b.transactions);
    for (const h of hashes) assert.ok(posted.includes(h), `transaction ${h} is not on L1`);
    assert.ok((await node.metric("rollupd_batcher_posted_bytes_total")) > 2000 * 64);
  });

  test("garbage sent to the inbox by another account is ignored", async () => {
    const other = new Wallet(devAccount(8).privateKey);
    for (const data of ["0x", "0x01", "0x01" + "ab".repeat(40), "0xdeadbeef"]) {
      const nonce = await rpc(l1.url, "eth_getTransactionCount", [other.address, "pending"]);
      const raw = await other.signTransaction({ type: 2, chainId: 900, nonce: Number(nonce), to: inbox, data, gasLimit: 100_000n, maxFeePerGas: 10n ** 11n, maxPriorityFeePerGas: 10n ** 9n });
      await rpc(l1.url, "eth_sendRawTransaction", [raw]);
    }
    await transfers(50);
    const head = await allSafe();
    const decoded = await assertPostedExactly(head);
    assert.equal(decoded.otherSenders, 4, decoded.summary);
  });

  test("a batcher killed mid-way resumes with no gap and no duplicate", async () => {
    // Killed at varied points of its work: building channels, sending frames, waiting for them.
    for (const delay of [150, 450, 800, 1300, 2100]) {
      await transfers(150);
      await new Promise((r) => setTimeout(r, delay));
      await node.stop("SIGKILL");
      await node.start();
    }
    const head = await allSafe();
    await assertPostedExactly(head);
  });

  test("L1 unreachable for 30 s: the node keeps sequencing with smaller blocks, then the batcher catches up", async () => {
    proxy.cut();
    try {
      await outage();
    } finally {
      proxy.restore();
    }
    const head = await allSafe(120_000);
    await assertPostedExactly(head);
  });

  async function outage() {
    const before = await node.heads();
    await transfers(3000);
    await new Promise((r) => setTimeout(r, 30_000));
    const during = await node.heads();
    assert.ok(during.unsafe > before.unsafe + 50, "the sequencer went on without L1");
    assert.equal(during.safe, before.safe, "nothing became safe without L1");
    assert.equal((await fetch(`${node.url}/healthz`)).status, 200);
    assert.match(node.log, /reading L1's head/);
    assert.ok((await node.metric("rollupd_batcher_backlog_bytes")) > 100_000);
    // Back-pressure: once the backlog passed 100 kB, blocks carried at most 4 kB. The first blocks
    // of the burst (before the batcher counted them) may be large; the rest may not.
    const counts = [];
    for (let n = before.unsafe + 1; n <= during.unsafe; n++) {
      const b = await rpc(node.url, "eth_getBlockByNumber", [`0x${n.toString(16)}`, false]);
      if (b.transactions.length > 0) counts.push(b.transactions.length);
    }
    // The first throttled block ends the large ones: every later block is small too.
    const firstSmall = counts.findIndex((c) => c <= 37);
    const why = `transactions per block during the outage: ${counts.join(" ")}`;
    assert.ok(firstSmall >= 0 && firstSmall <= 3, why);
    assert.ok(counts.slice(firstSmall).every((c) => c <= 37), why);
    assert.ok(counts.length - firstSmall >= 5, why);
  }

  test("an L1 reorg after inclusion: the data is posted again, the safe head steps back and recovers", async () => {
    await transfers(100);
    const safe = await allSafe();
    const reorgedBefore = (await node.metric("rollupd_batcher_reorged_total")) ?? 0;
    // Replace L1's last 4 blocks with empty ones: the batcher's latest frames leave the chain.
    await rpc(l1.url, "anvil_reorg", [4, []]);
    const lowest = await waitFor("the safe head to step back", async () => {
      const h = await node.heads();
      return h.safe < safe ? h.safe : undefined;
    }, 20_000, 100);
    assert.ok(lowest < safe);
    assert.ok((await node.metric("rollupd_batcher_reorged_total")) > reorgedBefore);
    const head = await allSafe();
    assert.ok(head >= safe);
    await assertPostedExactly(head);
  });

  test("a frame not included in time is replaced with higher fees, and lands once", async () => {
    const before = (await node.metric("rollupd_batcher_replacements_total")) ?? 0;
    // L1 stops mining: the batcher's transactions wait in its pool past batcher.resubmit_s (3 s).
    await rpc(l1.url, "evm_setIntervalMining", [0]);
    try {
      await transfers(50);
      await waitFor("a replacement", async () => (await node.metric("rollupd_batcher_replacements_total")) > before, 30_000);
    } finally {
      await rpc(l1.url, "evm_setIntervalMining", [1]);
    }
    const head = await allSafe();
    await assertPostedExactly(head);
  });

  test("an empty batcher wallet gives a clear error and posting resumes once funded", async () => {
    const funds = await rpc(l1.url, "eth_getBalance", [batcher, "latest"]);
    await rpc(l1.url, "anvil_setBalance", [batcher, "0x1"]);
    await transfers(50);
    await waitFor("the out-of-funds signal", async () => (await node.metric("rollupd_batcher_out_of_funds")) === 1, 20_000);
    assert.match(node.log, /cannot pay for its next transaction/);
    await rpc(l1.url, "anvil_setBalance", [batcher, funds]);
    const head = await allSafe();
    assert.equal(await node.metric("rollupd_batcher_out_of_funds"), 0);
    await assertPostedExactly(head);
  });
});
