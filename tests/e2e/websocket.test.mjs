// JSON-RPC over WebSocket on the HTTP port (upgrade on /): eth_subscribe newHeads through ethers and
// viem, newPendingTransactions, and ordinary calls answered as over HTTP.
import assert from "node:assert/strict";
import { test } from "node:test";
import { JsonRpcProvider, Wallet, WebSocketProvider } from "ethers";
import { createPublicClient, webSocket } from "viem";

import { chainId, devAccount, openSocket, url, wsUrl } from "./common.mjs";

// Resolves with the first `count` values `subscribe(push)` delivers, or fails after `ms`.
function collect(count, ms, subscribe) {
  return new Promise((resolve, reject) => {
    const got = [];
    const timer = setTimeout(() => reject(new Error(`only ${got.length} of ${count} in ${ms} ms`)), ms);
    subscribe((v) => {
      got.push(v);
      if (got.length === count) {
        clearTimeout(timer);
        resolve(got);
      }
    });
  });
}

test("newHeads through ethers' WebSocketProvider", async () => {
  const provider = new WebSocketProvider(wsUrl, chainId, { staticNetwork: true });
  try {
    assert.equal((await provider.getNetwork()).chainId, BigInt(chainId));
    const blocks = await collect(3, 10_000, (push) => provider.on("block", push));
    assert.ok(blocks[1] > blocks[0] && blocks[2] > blocks[1], `increasing: ${blocks}`);
  } finally {
    await provider.destroy();
  }
});

test("newHeads through viem's webSocket transport", async () => {
  const client = createPublicClient({ transport: webSocket(wsUrl) });
  let unwatch;
  try {
    const blocks = await collect(2, 10_000, (push) => {
      unwatch = client.watchBlocks({ onBlock: push, emitOnBegin: false });
    });
    assert.equal(blocks[1].number, blocks[0].number + 1n);
    assert.equal(blocks[1].parentHash, blocks[0].hash);
  } finally {
    unwatch?.();
    await client.transport.getRpcClient?.().then((c) => c.close()).catch(() => {});
  }
});

test("raw frames: a call, newHeads, newPendingTransactions and unsubscribe", async () => {
  const ws = await openSocket();
  try {
    assert.equal((await ws.request("eth_chainId", [])).result, "0x385");
    const pendingSub = (await ws.request("eth_subscribe", ["newPendingTransactions"])).result;
    assert.match(pendingSub, /^0x[0-9a-f]{32}$/);
    const headSub = (await ws.request("eth_subscribe", ["newHeads"])).result;
    const head = await ws.next((m) => m.params?.subscription === headSub);
    assert.match(head.params.result.hash, /^0x[0-9a-f]{64}$/);
    assert.match(head.params.result.number, /^0x[0-9a-f]+$/);

    const provider = new JsonRpcProvider(url, chainId, { staticNetwork: true, cacheTimeout: -1 });
    const wallet = new Wallet(devAccount(4).privateKey, provider);
    const tx = await wallet.sendTransaction({ to: Wallet.createRandom().address, value: 1n });
    const pending = await ws.next((m) => m.params?.subscription === pendingSub && m.params.result === tx.hash);
    assert.equal(pending.params.result, tx.hash);

    assert.equal((await ws.request("eth_unsubscribe", [headSub])).result, true);
    assert.equal((await ws.request("eth_unsubscribe", [headSub])).result, false);
    assert.match((await ws.request("eth_subscribe", ["logs"])).result, /^0x[0-9a-f]{32}$/);
    assert.equal((await ws.request("eth_subscribe", ["nonsense"])).error.code, -32601);
    await tx.wait();
  } finally {
    ws.close();
  }
});

test("eth_subscribe over HTTP is refused as geth refuses it", async () => {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_subscribe", params: ["newHeads"] }),
  });
  const body = await res.json();
  assert.equal(body.error.code, -32601);
  assert.equal(body.error.message, "notifications not supported");
});
