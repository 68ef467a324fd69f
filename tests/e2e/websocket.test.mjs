// JSON-RPC over WebSocket on the HTTP port (upgrade on /): eth_subscribe newHeads through ethers and
// viem, newPendingTransactions, and ordinary calls answered as over HTTP.
import assert from "node:assert/strict";
import { test } from "node:test";
import { JsonRpcProvider, Wallet, WebSocketProvider } from "ethers";
import { createPublicClient, webSocket } from "viem";
import WebSocket from "ws";

import { chainId, devAccount, url } from "./common.mjs";

const wsUrl = url.replace(/^http/, "ws");

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
  const ws = new WebSocket(wsUrl);
  await new Promise((resolve, reject) => ws.once("open", resolve).once("error", reject));
  const messages = [];
  const waiters = [];
  ws.on("message", (data) => {
    const m = JSON.parse(data.toString());
    messages.push(m);
    for (const w of [...waiters]) if (w.match(m)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(m); }
  });
  const next = (match, ms = 10_000) =>
    new Promise((resolve, reject) => {
      const found = messages.find(match);
      if (found) return resolve(found);
      waiters.push({ match, resolve });
      setTimeout(() => reject(new Error("timed out waiting for a message")), ms);
    });
  try {
    ws.send(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }));
    assert.equal((await next((m) => m.id === 1)).result, "0x385");
    ws.send(JSON.stringify({ jsonrpc: "2.0", id: 2, method: "eth_subscribe", params: ["newPendingTransactions"] }));
    const pendingSub = (await next((m) => m.id === 2)).result;
    assert.match(pendingSub, /^0x[0-9a-f]{32}$/);
    ws.send(JSON.stringify({ jsonrpc: "2.0", id: 3, method: "eth_subscribe", params: ["newHeads"] }));
    const headSub = (await next((m) => m.id === 3)).result;
    const head = await next((m) => m.params?.subscription === headSub);
    assert.match(head.params.result.hash, /^0x[0-9a-f]{64}$/);
    assert.match(head.params.result.number, /^0x[0-9a-f]+$/);

    const provider = new JsonRpcProvider(url, chainId, { staticNetwork: true, cacheTimeout: -1 });
    const wallet = new Wallet(devAccount(4).privateKey, provider);
    const tx = await wallet.sendTransaction({ to: Wallet.createRandom().address, value: 1n });
    const pending = await next((m) => m.params?.subscription === pendingSub && m.params.result === tx.hash);
    assert.equal(pending.params.result, tx.hash);

    ws.send(JSON.stringify({ jsonrpc: "2.0", id: 4, method: "eth_unsubscribe", params: [headSub] }));
    assert.equal((await next((m) => m.id === 4)).result, true);
    ws.send(JSON.stringify({ jsonrpc: "2.0", id: 5, method: "eth_unsubscribe", params: [headSub] }));
    assert.equal((await next((m) => m.id === 5)).result, false);
    ws.send(JSON.stringify({ jsonrpc: "2.0", id: 6, method: "eth_subscribe", params: ["logs"] }));
    assert.match((await next((m) => m.id === 6)).result, /^0x[0-9a-f]{32}$/);
    ws.send(JSON.stringify({ jsonrpc: "2.0", id: 7, method: "eth_subscribe", params: ["nonsense"] }));
    assert.equal((await next((m) => m.id === 7)).error.code, -32601);
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
