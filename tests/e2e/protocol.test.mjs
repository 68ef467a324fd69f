// JSON-RPC at the protocol level, as geth answers it: malformed JSON, wrong parameter types, unknown
// methods, oversized bodies and batches, the wrong content type. The node keeps serving after each.
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { test } from "node:test";

import { call, rpc } from "./common.mjs";

async function stillServing() {
  assert.match(await call("eth_blockNumber"), /^0x[0-9a-f]+$/);
}

test("malformed JSON is a parse error", async () => {
  const { json } = await rpc('{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber"');
  assert.equal(json.error.code, -32700);
  assert.equal(json.id, null);
  await stillServing();
});

test("a parameter of the wrong type names the argument", async () => {
  const { json } = await rpc({ jsonrpc: "2.0", id: 2, method: "eth_getBalance", params: [42, "latest"] });
  assert.equal(json.error.code, -32602);
  assert.match(json.error.message, /^invalid argument 0: /);
  const bad = await rpc({ jsonrpc: "2.0", id: 3, method: "eth_getBlockByNumber", params: ["0x01", false] });
  assert.equal(bad.json.error.code, -32602);
  assert.match(bad.json.error.message, /leading zero/);
  await stillServing();
});

test("an unknown method", async () => {
  const { json } = await rpc({ jsonrpc: "2.0", id: 4, method: "eth_doesNotExist", params: [] });
  assert.equal(json.error.code, -32601);
  assert.equal(json.error.message, "the method eth_doesNotExist does not exist/is not available");
  const admin = await rpc({ jsonrpc: "2.0", id: 5, method: "admin_peers", params: [] });
  assert.equal(admin.json.error.code, -32601);
  await stillServing();
});

test("a body over 5 MiB is refused with 413", async () => {
  const huge = JSON.stringify({ jsonrpc: "2.0", id: 6, method: "eth_blockNumber", params: ["x".repeat(5 * 1024 * 1024)] });
  let status;
  try {
    status = (await rpc(huge)).status;
  } catch {
    status = 413; // the server may close the connection before the client finishes sending
  }
  assert.equal(status, 413);
  await stillServing();
});

test("batches: answered in order, limited to 1000 calls", async () => {
  const batch = [1, 2, 3].map((id) => ({ jsonrpc: "2.0", id, method: "eth_chainId", params: [] }));
  const { json } = await rpc(batch);
  assert.deepEqual(json.map((r) => r.id), [1, 2, 3]);
  assert.ok(json.every((r) => r.result === "0x385"));
  const big = Array.from({ length: 1001 }, (_, i) => ({ jsonrpc: "2.0", id: i + 1, method: "eth_chainId" }));
  const tooMany = await rpc(big);
  assert.equal(tooMany.json.length, 1);
  assert.equal(tooMany.json[0].error.code, -32600);
  assert.equal(tooMany.json[0].error.message, "batch too large");
  const empty = await rpc([]);
  assert.equal(empty.json.error.code, -32600);
  await stillServing();
});

test("the wrong content type is 415", async () => {
  const res = await rpc({ jsonrpc: "2.0", id: 7, method: "eth_chainId" }, { "content-type": "text/plain" });
  assert.equal(res.status, 415);
  await stillServing();
});

test("web3, net and rollup methods", async () => {
  assert.match(await call("web3_clientVersion"), /^rollupd\/v/);
  assert.equal(await call("net_version"), "901");
  const sync = await call("rollup_syncStatus");
  for (const head of ["unsafe_l2", "safe_l2", "finalized_l2"]) {
    assert.equal(typeof sync[head].number, "number");
    assert.match(sync[head].hash, /^0x[0-9a-f]{64}$/);
  }
  // Safe and finalized stay at genesis until the batcher moves them.
  assert.equal(sync.safe_l2.number, 0);
  assert.ok(sync.unsafe_l2.number > 0);
});

// An HS256 JWT built here with node's own HMAC, independently of the node's code.
function jwt(secretHex, iat) {
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const unsigned = `${b64({ alg: "HS256", typ: "JWT" })}.${b64({ iat })}`;
  const sig = createHmac("sha256", Buffer.from(secretHex, "hex")).update(unsigned).digest("base64url");
  return `${unsigned}.${sig}`;
}

test("admin_ answers only a fresh JWT signed with the node's secret", async () => {
  const secret = process.env.ROLLUPD_E2E_JWT_SECRET;
  assert.ok(secret, "run.sh passes the secret");
  const body = { jsonrpc: "2.0", id: 8, method: "admin_nodeInfo", params: [] };
  const now = Math.floor(Date.now() / 1000);
  const withToken = (token) => rpc(body, { "content-type": "application/json", authorization: `Bearer ${token}` });
  const none = await rpc(body);
  assert.equal(none.json.error.code, -32001);
  assert.equal(none.json.error.message, "unauthorized: missing token");
  const stale = await withToken(jwt(secret, now - 120));
  assert.equal(stale.json.error.message, "unauthorized: token is expired");
  const forged = await withToken(jwt("00".repeat(32), now));
  assert.equal(forged.json.error.message, "unauthorized: invalid token signature");
  const ok = await withToken(jwt(secret, now));
  assert.equal(ok.json.result.chainId, 901);
  assert.ok(ok.json.result.heads.unsafe.number > 0);
});
