// Contracts end to end: the Token (an ERC-20) and the Emitter of tests/e2e/contracts (compiled by
// scripts/compile-contracts.sh) deployed and driven through ethers and viem; their logs read back
// through eth_getLogs, polled filters and the WebSocket `logs` subscription; reverts answered as
// geth answers them; and, against a private anvil given the same transactions in the same state,
// equal gas estimates, call results and gas used.
// Transactions carry an explicit gas limit wherever the library would otherwise ask
// eth_estimateGas first, so that what the EVM alone decides (receipts, logs, code) is tested apart
// from the estimate, which has tests of its own.
// Accounts: 3 raw JSON-RPC, 5 ethers, 7 viem; 6 and 8 the anvil comparison, on both chains.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import {
  Contract,
  ContractFactory,
  Interface,
  JsonRpcProvider,
  Wallet,
  WebSocketProvider,
  ZeroAddress,
  getCreateAddress,
  hexlify,
  keccak256,
  parseEther,
  parseUnits,
  toBeHex,
  toQuantity,
  toUtf8Bytes,
  zeroPadValue,
} from "ethers";
import {
  ContractFunctionRevertedError,
  createPublicClient,
  createWalletClient,
  defineChain,
  http,
  parseEventLogs,
} from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";

import { startAnvil } from "./anvil.mjs";
import { chainId, devAccount, openSocket, url, within, wsUrl } from "./common.mjs";

const artifact = (name) =>
  JSON.parse(readFileSync(new URL(`./contracts/build/${name}.json`, import.meta.url), "utf8"));
const Token = artifact("Token");
const Emitter = artifact("Emitter");
const tokenAbi = new Interface(Token.abi);
const emitterAbi = new Interface(Emitter.abi);

const RECEIPT_MS = 15_000;
// Per-test limits: a test that waits for a missing answer fails with its own message, not the
// runner's.
const SHORT = { timeout: 20_000 };
const LONG = { timeout: 40_000 };
const GAS_LIMIT = 3_000_000n;
const SUPPLY = parseUnits("1000000", 18);
const ANVIL_CHAIN_ID = 31337;

// ethers' 250 ms request cache is off for the reason ethers.test.mjs gives.
const httpOptions = { staticNetwork: true, pollingInterval: 100, cacheTimeout: -1 };
const provider = new JsonRpcProvider(url, chainId, httpOptions);

// ---------------------------------------------------------------------------------------------
// Helpers

// One JSON-RPC exchange with the node at `at`: the whole answer, `error` included.
async function rawAt(at, method, params) {
  const res = await fetch(at, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
    signal: AbortSignal.timeout(10_000),
  });
  return res.json();
}
const raw = (method, params) => rawAt(url, method, params);
async function result(method, params) {
  const answer = await raw(method, params);
  if (answer.error) throw new Error(`${method}: ${answer.error.code} ${answer.error.message}`);
  return answer.result;
}

// The suite can be pointed at anvil (ROLLUPD_URL=<anvil's URL>, anvil started with --chain-id 901)
// to check its own logic. Where anvil departs from geth (the wording of custom-error and panic
// reverts, null topic positions in filters), the geth answer is what rollupd owes, and the test
// accepts anvil's only from anvil.
const nodeIsAnvil = /^anvil\//.test(await result("web3_clientVersion", []));

// The receipt of an ethers transaction (sent or pending); ethers rejects on status 0.
async function mined(pending) {
  const tx = await pending;
  return tx.wait(1, RECEIPT_MS);
}

// [name, ...args] of each log of an ethers receipt, decoded with `iface`.
const decoded = (iface, receipt) =>
  receipt.logs.map((log) => {
    const event = iface.parseLog(log);
    assert.ok(event, `log ${log.index} of ${receipt.hash} is not an event of this ABI`);
    return [event.name, ...event.args];
  });

async function until(predicate, ms, message) {
  const end = Date.now() + ms;
  while (!(await predicate())) {
    if (Date.now() > end) throw new Error(message());
    await sleep(50);
  }
}

// A 32-byte topic for a number or an address.
const topic = (value) =>
  zeroPadValue(typeof value === "bigint" || typeof value === "number" ? toBeHex(value) : value, 32);
const tagOf = (n) => keccak256(toUtf8Bytes(`tag ${n}`));
const payloadOf = (n) => hexlify(toUtf8Bytes(`payload ${n}`));
const sig = (iface, name) => iface.getEvent(name).topicHash;

// An ethers provider class that records the methods sent through it. A failing eth_newFilter or
// eth_subscribe is recorded and its promise left pending instead of rejected: on such a failure
// ethers would fall back to eth_getLogs polling (and the test would no longer be testing filters)
// or leave an unhandled rejection behind; the test reports the recorded error instead.
function recording(Base) {
  return class extends Base {
    send(method, params) {
      (this.sent ??= []).push(method);
      const answer = super.send(method, params);
      if (method !== "eth_newFilter" && method !== "eth_subscribe") return answer;
      return answer.then(
        (id) => {
          (this.installed ??= []).push(method);
          return id;
        },
        (error) => {
          this.failure = error;
          return new Promise(() => {});
        },
      );
    }
  };
}
const RecordingProvider = recording(JsonRpcProvider);
const RecordingWebSocketProvider = recording(WebSocketProvider);


// The fields of a log that eth_getLogs, filters, subscriptions and receipts must agree on.
const LOG_FIELDS = [
  "address",
  "topics",
  "data",
  "blockNumber",
  "blockHash",
  "transactionHash",
  "transactionIndex",
  "logIndex",
];
const pick = (log) =>
  Object.fromEntries(LOG_FIELDS.map((k) => [k, k === "address" ? log.address.toLowerCase() : log[k]]));

// Whether a raw log matches a raw filter, by geth's rules: a topic position is a value, an OR-list
// or null (any), and a log with fewer topics than the filter has positions never matches.
function matches(log, { address, topics = [], fromBlock, toBlock }) {
  if (address) {
    const wanted = [address].flat().map((a) => a.toLowerCase());
    if (!wanted.includes(log.address.toLowerCase())) return false;
  }
  const n = BigInt(log.blockNumber);
  if (fromBlock !== undefined && n < BigInt(fromBlock)) return false;
  if (toBlock !== undefined && n > BigInt(toBlock)) return false;
  if (topics.length > log.topics.length) return false;
  return topics.every((want, i) => want === null || [want].flat().includes(log.topics[i]));
}
const byPosition = (a, b) =>
  Number(BigInt(a.blockNumber) - BigInt(b.blockNumber)) || Number(BigInt(a.logIndex) - BigInt(b.logIndex));

// ---------------------------------------------------------------------------------------------
// ethers

const ethersOwner = new Wallet(devAccount(5).privateKey, provider);
const ethersState = {};
const need = (state, key) => {
  assert.ok(state[key], `${key} is missing: an earlier test of this file failed`);
  return state[key];
};

test("ethers: deploy Token and Emitter; receipts, contract addresses and code", LONG, async () => {
  const nonce = await provider.getTransactionCount(ethersOwner.address, "pending");
  const token = await new ContractFactory(Token.abi, Token.bytecode, ethersOwner).deploy(
    "Rollup Token",
    "RUT",
    SUPPLY,
    { gasLimit: GAS_LIMIT },
  );
  const receipt = await token.deploymentTransaction().wait(1, RECEIPT_MS);
  assert.equal(receipt.status, 1);
  assert.equal(receipt.to, null, "a creation has no `to`");
  assert.equal(receipt.contractAddress, getCreateAddress({ from: ethersOwner.address, nonce }));
  assert.equal(receipt.contractAddress, await token.getAddress());
  assert.ok(receipt.gasUsed > 21_000n && receipt.gasUsed < GAS_LIMIT, `gasUsed ${receipt.gasUsed}`);
  assert.equal(await provider.getCode(receipt.contractAddress), Token.deployedBytecode);
  assert.equal(await provider.getCode(receipt.contractAddress, receipt.blockNumber - 1), "0x");
  // The constructor's mint.
  assert.deepEqual(decoded(tokenAbi, receipt), [["Transfer", ZeroAddress, ethersOwner.address, SUPPLY]]);
  assert.equal(receipt.logs[0].address, receipt.contractAddress);

  const emitter = await new ContractFactory(Emitter.abi, Emitter.bytecode, ethersOwner).deploy({
    gasLimit: GAS_LIMIT,
  });
  const emitterReceipt = await emitter.deploymentTransaction().wait(1, RECEIPT_MS);
  assert.equal(emitterReceipt.status, 1);
  const expected = getCreateAddress({ from: ethersOwner.address, nonce: nonce + 1 });
  assert.equal(emitterReceipt.contractAddress, expected);
  assert.equal(await provider.getCode(emitterReceipt.contractAddress), Emitter.deployedBytecode);
  assert.deepEqual(emitterReceipt.logs, []);
  Object.assign(ethersState, { token, emitter, deployBlock: receipt.blockNumber });
});

test("ethers: transfer, approve, transferFrom and their events in the receipts", LONG, async () => {
  const token = need(ethersState, "token");
  const spender = Wallet.createRandom().connect(provider);
  const alice = Wallet.createRandom().address;
  const carol = Wallet.createRandom().address;
  await mined(ethersOwner.sendTransaction({ to: spender.address, value: parseEther("1") }));
  const gas = { gasLimit: 200_000n };

  const sent = await mined(token.transfer(alice, 100n, gas));
  assert.equal(sent.status, 1);
  assert.deepEqual(decoded(tokenAbi, sent), [["Transfer", ethersOwner.address, alice, 100n]]);
  assert.equal(sent.logs[0].address, await token.getAddress());
  assert.equal(sent.logs[0].transactionHash, sent.hash);
  assert.equal(sent.logs[0].blockHash, sent.blockHash);

  const approved = await mined(token.approve(spender.address, 50n, gas));
  assert.deepEqual(decoded(tokenAbi, approved), [["Approval", ethersOwner.address, spender.address, 50n]]);

  const moved = await mined(token.connect(spender).transferFrom(ethersOwner.address, carol, 30n, gas));
  assert.deepEqual(decoded(tokenAbi, moved), [["Transfer", ethersOwner.address, carol, 30n]]);
  Object.assign(ethersState, { spender, alice, carol });
  Object.assign(ethersState, { transferBlock: sent.blockNumber, transferBlockHash: sent.blockHash });
});

test("ethers: name, symbol, decimals, supply, balances and allowance through eth_call", SHORT, async () => {
  const token = need(ethersState, "token");
  const { spender, alice, carol } = ethersState;
  assert.equal(await token.name(), "Rollup Token");
  assert.equal(await token.symbol(), "RUT");
  assert.equal(await token.decimals(), 18n);
  assert.equal(await token.totalSupply(), SUPPLY);
  assert.equal(await token.balanceOf(ethersOwner.address), SUPPLY - 130n);
  assert.equal(await token.balanceOf(alice), 100n);
  assert.equal(await token.balanceOf(carol), 30n);
  assert.equal(await token.allowance(ethersOwner.address, spender.address), 20n);
});

test("ethers: eth_call at earlier blocks, by number, hash and tag", SHORT, async () => {
  const token = need(ethersState, "token");
  const { alice, transferBlock, transferBlockHash, deployBlock } = ethersState;
  assert.equal(await token.balanceOf(alice, { blockTag: transferBlock - 1 }), 0n);
  assert.equal(await token.balanceOf(alice, { blockTag: transferBlock }), 100n);
  assert.equal(await token.balanceOf(ethersOwner.address, { blockTag: deployBlock }), SUPPLY);
  const data = tokenAbi.encodeFunctionData("balanceOf", [alice]);
  const to = await token.getAddress();
  assert.equal(BigInt(await result("eth_call", [{ to, data }, { blockHash: transferBlockHash }])), 100n);
  assert.equal(BigInt(await result("eth_call", [{ to, data }, toQuantity(transferBlock - 1)])), 0n);
  // Before the contract existed the call runs no code and returns nothing.
  assert.equal(await result("eth_call", [{ to, data }, "earliest"]), "0x");
});

test("ethers: reverts surface as CALL_EXCEPTION with the reason, custom error or panic", SHORT, async () => {
  const token = need(ethersState, "token");
  const emitter = need(ethersState, "emitter");
  const isReason = (reason) => (e) => {
    assert.equal(e.code, "CALL_EXCEPTION", e.message);
    assert.equal(e.reason, reason, e.message);
    return true;
  };
  // A transaction: ethers estimates gas first and the estimate carries the revert.
  await assert.rejects(emitter.fails(), isReason("Emitter: always fails"));
  // A call.
  await assert.rejects(emitter.fails.staticCall(), isReason("Emitter: always fails"));
  await assert.rejects(
    token.transfer.staticCall(ethersOwner.address, SUPPLY * 2n),
    isReason("Token: insufficient balance"),
  );
  const { spender } = ethersState;
  await assert.rejects(
    token.connect(spender).transferFrom.staticCall(ethersOwner.address, spender.address, 1000n),
    isReason("Token: insufficient allowance"),
  );

  // A custom error decodes by the contract's ABI: ethers does it for calls; for a transaction's
  // estimate the provider does not know the ABI, and the data decodes the same way.
  await assert.rejects(emitter.failsCustom.staticCall(7n), (e) => {
    assert.equal(e.code, "CALL_EXCEPTION", e.message);
    assert.equal(e.revert?.name, "Refused", e.message);
    assert.deepEqual([...e.revert.args], [ethersOwner.address, 7n, "custom"]);
    return true;
  });
  await assert.rejects(emitter.failsCustom(8n), (e) => {
    assert.equal(e.code, "CALL_EXCEPTION", e.message);
    const error = emitterAbi.parseError(e.data);
    assert.equal(error?.name, "Refused", `revert data ${e.data}`);
    assert.deepEqual([...error.args], [ethersOwner.address, 8n, "custom"]);
    return true;
  });

  // Panic(0x12): division by zero.
  await assert.rejects(emitter.divide(0n), (e) => {
    assert.equal(e.code, "CALL_EXCEPTION", e.message);
    assert.equal(e.revert?.name, "Panic", e.message);
    assert.deepEqual(e.revert.args.map(BigInt), [0x12n]);
    return true;
  });
  assert.equal(await emitter.divide(1n), 0n);
});

test("ethers: a reverting transaction is mined with status 0 and no logs", SHORT, async () => {
  const emitter = need(ethersState, "emitter");
  const tx = await emitter.fails({ gasLimit: 100_000n });
  await assert.rejects(tx.wait(1, RECEIPT_MS), (e) => {
    assert.equal(e.code, "CALL_EXCEPTION", e.message);
    assert.equal(e.receipt?.status, 0);
    return true;
  });
  const receipt = await provider.getTransactionReceipt(tx.hash);
  assert.equal(receipt.status, 0);
  assert.deepEqual(receipt.logs, []);
  assert.ok(receipt.gasUsed > 21_000n && receipt.gasUsed < 100_000n, `gasUsed ${receipt.gasUsed}`);
  const attempts = await provider.getStorage(await emitter.getAddress(), 2);
  assert.equal(attempts, zeroPadValue("0x", 32), "the reverted write to `attempts` (slot 2) is undone");
});

test("ethers: queryFilter (eth_getLogs) with indexed arguments and OR-lists", LONG, async () => {
  const emitter = need(ethersState, "emitter");
  const from = (await mined(emitter.emitAll(1n, tagOf(1), payloadOf(1), { gasLimit: 200_000n }))).blockNumber;
  await mined(emitter.emitAll(2n, tagOf(2), payloadOf(2), { gasLimit: 200_000n }));
  const to = (await mined(emitter.emitAll(3n, tagOf(3), payloadOf(3), { gasLimit: 200_000n }))).blockNumber;

  const paired = await emitter.queryFilter(emitter.filters.Paired(ethersOwner.address), from, to);
  assert.deepEqual(
    paired.map((e) => [e.eventName, ...e.args]),
    [1n, 2n, 3n].map((n) => ["Paired", ethersOwner.address, n, payloadOf(n)]),
  );
  const some = await emitter.queryFilter(emitter.filters.Tripled(null, [1n, 3n]), from, to);
  assert.deepEqual(some.map((e) => e.args.id), [1n, 3n]);
  assert.deepEqual(some.map((e) => e.args.tag), [tagOf(1), tagOf(3)]);
  const byTag = await emitter.queryFilter(emitter.filters.Tripled(null, null, tagOf(2)), from, to);
  assert.deepEqual(byTag.map((e) => e.args.value), [4n]);
  const noted = await emitter.queryFilter("Noted", from, to);
  assert.deepEqual(
    noted.map((e) => [e.args.value, e.args.note]),
    [1n, 2n, 3n].map((n) => [n, "noted"]),
  );
});

test("ethers: contract.on over HTTP (eth_newFilter, eth_getFilterChanges)", LONG, async () => {
  const emitter = need(ethersState, "emitter");
  const watcher = new RecordingProvider(url, chainId, httpOptions);
  const watched = new Contract(await emitter.getAddress(), Emitter.abi, watcher);
  try {
    const got = [];
    const delivered = new Promise((resolve) => {
      // With a filter (rather than an event name) ethers passes the ContractEventPayload alone.
      watched.on(watched.filters.Paired(ethersOwner.address, 1002n), (...args) => {
        const { args: event, log } = args.at(-1);
        got.push({ sender: event.sender, id: event.id, data: event.data, hash: log.transactionHash });
        resolve();
      });
    });
    await until(
      () => {
        if (watcher.failure) throw new Error(`eth_newFilter failed: ${watcher.failure.message}`);
        return watcher.sent?.includes("eth_getFilterChanges");
      },
      10_000,
      () => "ethers never polled eth_getFilterChanges (eth_newFilter not answered)",
    );
    await mined(emitter.emitAll(1001n, tagOf(1001), payloadOf(1001), { gasLimit: 200_000n }));
    const wanted = await mined(emitter.emitAll(1002n, tagOf(1002), payloadOf(1002), { gasLimit: 200_000n }));
    await within(delivered, 10_000, () => `no Paired event within 10 s; sent: ${[...new Set(watcher.sent)]}`);
    // 1001 was mined first: had the filter matched it, it would have come in the same or an
    // earlier batch of changes.
    await sleep(100);
    const want = { sender: ethersOwner.address, id: 1002n, data: payloadOf(1002), hash: wanted.hash };
    assert.deepEqual(got, [want]);
    assert.ok(!watcher.sent.includes("eth_getLogs"), "ethers fell back to eth_getLogs");
  } finally {
    await watched.removeAllListeners();
    watcher.destroy();
  }
});

test("ethers: contract.on over WebSocket (eth_subscribe logs)", LONG, async () => {
  const emitter = need(ethersState, "emitter");
  const socket = new RecordingWebSocketProvider(wsUrl, chainId, { staticNetwork: true });
  const watched = new Contract(await emitter.getAddress(), Emitter.abi, socket);
  try {
    const got = [];
    const delivered = new Promise((resolve) => {
      watched.on(watched.filters.Tripled(ethersOwner.address, 2002n), (...args) => {
        const { args: event, log } = args.at(-1);
        got.push({ id: event.id, tag: event.tag, value: event.value, hash: log.transactionHash });
        resolve();
      });
    });
    await until(
      () => {
        if (socket.failure) throw new Error(`eth_subscribe logs failed: ${socket.failure.message}`);
        return socket.installed?.includes("eth_subscribe");
      },
      10_000,
      () => "the logs subscription was not made (eth_subscribe not answered)",
    );
    await mined(emitter.emitAll(2001n, tagOf(2001), payloadOf(2001), { gasLimit: 200_000n }));
    const wanted = await mined(emitter.emitAll(2002n, tagOf(2002), payloadOf(2002), { gasLimit: 200_000n }));
    await within(delivered, 10_000, () => "no Tripled event within 10 s of its receipt");
    await sleep(100); // 2001 was mined first: had it matched, it would have come first
    assert.deepEqual(got, [{ id: 2002n, tag: tagOf(2002), value: 4004n, hash: wanted.hash }]);
  } finally {
    await watched.removeAllListeners();
    await socket.destroy();
  }
});

// ---------------------------------------------------------------------------------------------
// viem

const viemChain = defineChain({
  id: chainId,
  name: "rollupd e2e",
  nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
  rpcUrls: { default: { http: [url] } },
});
const client = createPublicClient({ chain: viemChain, transport: http(url), pollingInterval: 100 });
const viemAccount = privateKeyToAccount(devAccount(7).privateKey);
const viemWallet = createWalletClient({ account: viemAccount, chain: viemChain, transport: http(url) });
const viemState = {};
const receiptOf = async (hash) => {
  const receipt = await client.waitForTransactionReceipt({ hash, timeout: RECEIPT_MS });
  assert.equal(receipt.status, "success", `transaction ${hash}`);
  return receipt;
};
const viemGas = 200_000n;
const viemEmitAll = (emitter, n) =>
  viemWallet.writeContract({
    address: emitter,
    abi: Emitter.abi,
    functionName: "emitAll",
    args: [n, tagOf(n), payloadOf(n)],
    gas: viemGas,
  });

test("viem: deploy Token and Emitter; receipts, contract addresses and code", LONG, async () => {
  const tokenHash = await viemWallet.deployContract({
    abi: Token.abi,
    bytecode: Token.bytecode,
    args: ["Viem Token", "VIT", SUPPLY],
    gas: GAS_LIMIT,
  });
  const emitterHash = await viemWallet.deployContract({
    abi: Emitter.abi,
    bytecode: Emitter.bytecode,
    gas: GAS_LIMIT,
  });
  const tokenReceipt = await receiptOf(tokenHash);
  const emitterReceipt = await receiptOf(emitterHash);
  for (const [receipt, art] of [[tokenReceipt, Token], [emitterReceipt, Emitter]]) {
    assert.match(receipt.contractAddress, /^0x[0-9a-fA-F]{40}$/);
    assert.equal(receipt.to, null);
    assert.equal(await client.getCode({ address: receipt.contractAddress }), art.deployedBytecode);
  }
  const mint = parseEventLogs({ abi: Token.abi, logs: tokenReceipt.logs });
  assert.equal(mint.length, 1);
  assert.equal(mint[0].eventName, "Transfer");
  assert.deepEqual(mint[0].args, { from: ZeroAddress, to: viemAccount.address, value: SUPPLY });
  Object.assign(viemState, { token: tokenReceipt.contractAddress, emitter: emitterReceipt.contractAddress });
});

test("viem: transfer, approve and transferFrom; events decoded from the receipts", LONG, async () => {
  const token = need(viemState, "token");
  const spender = privateKeyToAccount(generatePrivateKey());
  const spenderWallet = createWalletClient({ account: spender, chain: viemChain, transport: http(url) });
  const bob = privateKeyToAccount(generatePrivateKey()).address;
  await receiptOf(await viemWallet.sendTransaction({ to: spender.address, value: parseEther("1") }));
  const write = (wallet, functionName, args) =>
    wallet.writeContract({ address: token, abi: Token.abi, functionName, args, gas: viemGas });

  const sent = await receiptOf(await write(viemWallet, "transfer", [bob, 1000n]));
  const approved = await receiptOf(await write(viemWallet, "approve", [spender.address, 600n]));
  const moved = await receiptOf(await write(spenderWallet, "transferFrom", [viemAccount.address, bob, 250n]));
  const events = (receipt) =>
    parseEventLogs({ abi: Token.abi, logs: receipt.logs }).map((e) => [e.eventName, e.args]);
  assert.deepEqual(events(sent), [["Transfer", { from: viemAccount.address, to: bob, value: 1000n }]]);
  assert.deepEqual(events(approved), [
    ["Approval", { owner: viemAccount.address, spender: spender.address, value: 600n }],
  ]);
  assert.deepEqual(events(moved), [["Transfer", { from: viemAccount.address, to: bob, value: 250n }]]);
  Object.assign(viemState, { bob, spender, sentBlock: sent.blockNumber });
});

test("viem: readContract (eth_call), now and at an earlier block", SHORT, async () => {
  const token = need(viemState, "token");
  const { bob, spender, sentBlock } = viemState;
  const read = (functionName, args, blockNumber) =>
    client.readContract({ address: token, abi: Token.abi, functionName, args, blockNumber });
  assert.equal(await read("name"), "Viem Token");
  assert.equal(await read("decimals"), 18);
  assert.equal(await read("balanceOf", [bob]), 1250n);
  assert.equal(await read("balanceOf", [viemAccount.address]), SUPPLY - 1250n);
  assert.equal(await read("allowance", [viemAccount.address, spender.address]), 350n);
  assert.equal(await read("balanceOf", [bob], sentBlock - 1n), 0n);
  assert.equal(await read("balanceOf", [bob], sentBlock), 1000n);
});

test("viem: reverts as ContractFunctionRevertedError: reason, custom error, panic", SHORT, async () => {
  const emitter = need(viemState, "emitter");
  const token = need(viemState, "token");
  const revertOf = (e) => {
    const revert = e.walk?.((err) => err instanceof ContractFunctionRevertedError);
    assert.ok(revert, `not a contract revert: ${e.message}`);
    return revert;
  };
  const base = { address: emitter, abi: Emitter.abi, account: viemAccount };
  await assert.rejects(client.simulateContract({ ...base, functionName: "fails" }), (e) => {
    assert.equal(revertOf(e).reason, "Emitter: always fails");
    return true;
  });
  await assert.rejects(client.estimateContractGas({ ...base, functionName: "fails" }), (e) => {
    assert.equal(revertOf(e).reason, "Emitter: always fails");
    return true;
  });
  await assert.rejects(
    client.simulateContract({
      address: token,
      abi: Token.abi,
      account: viemAccount,
      functionName: "transfer",
      args: [emitter, SUPPLY * 2n],
    }),
    (e) => {
      assert.equal(revertOf(e).reason, "Token: insufficient balance");
      return true;
    },
  );
  await assert.rejects(client.simulateContract({ ...base, functionName: "failsCustom", args: [9n] }), (e) => {
    const revert = revertOf(e);
    assert.equal(revert.data?.errorName, "Refused");
    assert.deepEqual(revert.data.args, [viemAccount.address, 9n, "custom"]);
    return true;
  });
  await assert.rejects(client.readContract({ ...base, functionName: "divide", args: [0n] }), (e) => {
    const revert = revertOf(e);
    assert.equal(revert.data?.errorName, "Panic");
    assert.deepEqual(revert.data.args, [0x12n]);
    return true;
  });
});

test("viem: getContractEvents (eth_getLogs) with indexed arguments and OR-lists", LONG, async () => {
  const emitter = need(viemState, "emitter");
  const emit = async (n) => receiptOf(await viemEmitAll(emitter, n));
  const first = await emit(11n);
  await emit(12n);
  const last = await emit(13n);
  const range = {
    address: emitter,
    abi: Emitter.abi,
    fromBlock: first.blockNumber,
    toBlock: last.blockNumber,
  };
  const paired = await client.getContractEvents({ ...range, eventName: "Paired", args: { id: [11n, 13n] } });
  assert.deepEqual(
    paired.map((e) => [e.args.id, e.args.data]),
    [11n, 13n].map((n) => [n, payloadOf(n)]),
  );
  const tagged = await client.getContractEvents({
    ...range,
    eventName: "Tagged",
    args: { sender: viemAccount.address },
  });
  assert.deepEqual(tagged.map((e) => e.args.value), [11n, 12n, 13n]);
  assert.equal(tagged[0].transactionHash, first.transactionHash);
  assert.equal(tagged[2].transactionHash, last.transactionHash);
  const all = await client.getContractEvents(range);
  // Anonymous events have no signature topic to decode by: the named ones, four per call.
  const named = ["Noted", "Tagged", "Paired", "Tripled"];
  assert.deepEqual(all.map((e) => e.eventName), [...named, ...named, ...named]);
});

test("viem: event and block filters: changes, logs, uninstall", LONG, async () => {
  const emitter = need(viemState, "emitter");
  const paired = {
    address: emitter,
    abi: Emitter.abi,
    eventName: "Paired",
    args: { sender: viemAccount.address },
  };
  // Without fromBlock: the changes are the logs of blocks sealed after the filter was made.
  const filter = await client.createContractEventFilter(paired);
  const blocks = await client.createBlockFilter();
  const hashes = [];
  for (const n of [21n, 22n]) hashes.push(await viemEmitAll(emitter, n));
  const receipts = await Promise.all(hashes.map(receiptOf));
  const changes = await client.getFilterChanges({ filter });
  assert.deepEqual(changes.map((e) => [e.eventName, e.args.id, e.transactionHash]), [
    ["Paired", 21n, hashes[0]],
    ["Paired", 22n, hashes[1]],
  ]);
  assert.deepEqual(await client.getFilterChanges({ filter }), [], "changes are reported once");
  // getFilterLogs answers the filter's whole range, here from the first of the two blocks on.
  const ranged = await client.createContractEventFilter({ ...paired, fromBlock: receipts[0].blockNumber });
  const logs = await client.getFilterLogs({ filter: ranged });
  assert.deepEqual(logs.map((e) => [e.args.id, e.transactionHash]), [[21n, hashes[0]], [22n, hashes[1]]]);
  assert.equal(await client.uninstallFilter({ filter: ranged }), true);
  const newBlocks = await client.getFilterChanges({ filter: blocks });
  for (const r of receipts) assert.ok(newBlocks.includes(r.blockHash), `block filter misses ${r.blockHash}`);
  assert.equal(await client.uninstallFilter({ filter }), true);
  assert.equal(await client.uninstallFilter({ filter }), false);
  assert.equal(await client.uninstallFilter({ filter: blocks }), true);
});

test("viem: watchContractEvent over HTTP polls a filter", LONG, async () => {
  const emitter = need(viemState, "emitter");
  const sent = [];
  const transport = http(url, {
    onFetchRequest: (_request, init) => {
      const body = JSON.parse(init.body);
      for (const call of [body].flat()) sent.push(call.method);
    },
  });
  const watcher = createPublicClient({ chain: viemChain, transport, pollingInterval: 100 });
  const got = [];
  const errors = [];
  let delivered;
  const arrived = new Promise((resolve) => (delivered = resolve));
  const unwatch = watcher.watchContractEvent({
    address: emitter,
    abi: Emitter.abi,
    eventName: "Tagged",
    args: { sender: viemAccount.address },
    onLogs: (logs) => {
      for (const log of logs) if (log.args.value === 3002n || log.args.value === 3001n) got.push(log);
      if (got.some((l) => l.args.value === 3002n)) delivered();
    },
    onError: (e) => errors.push(e.shortMessage ?? e.message),
  });
  try {
    await until(
      () => {
        // viem swallows a failed eth_newFilter and polls eth_blockNumber and eth_getLogs instead.
        if (sent.includes("eth_blockNumber")) {
          throw new Error(`viem fell back from filters to eth_getLogs (sent: ${[...new Set(sent)]})`);
        }
        return sent.includes("eth_getFilterChanges");
      },
      10_000,
      () => `viem never polled eth_getFilterChanges (methods: ${[...new Set(sent)]}; errors: ${errors})`,
    );
    // 3001 before 3002: both match (same sender); the filter must deliver both, in order, once.
    for (const n of [3001n, 3002n]) await receiptOf(await viemEmitAll(emitter, n));
    await within(arrived, 10_000, () => `no Tagged 3002 within 10 s (errors: ${errors})`);
    assert.deepEqual(got.map((l) => l.args.value), [3001n, 3002n]);
    assert.ok(!sent.includes("eth_getLogs"), "viem fell back to eth_getLogs");
  } finally {
    unwatch();
  }
});

// ---------------------------------------------------------------------------------------------
// Raw JSON-RPC: eth_getLogs, filters and the logs subscription against logs whose every field is
// known from the receipts; reverts as geth words them.

const rawSender = new Wallet(devAccount(3).privateKey, provider);
const rawState = {};

async function rawSend(to, data, gasLimit = GAS_LIMIT) {
  const receipt = await mined(rawSender.sendTransaction({ to, data, gasLimit }));
  return result("eth_getTransactionReceipt", [receipt.hash]);
}
const emitAllData = (n) => emitterAbi.encodeFunctionData("emitAll", [n, tagOf(n), payloadOf(n)]);

test("raw: receipts hold one log of each shape (0 to 4 topics), in emission order", LONG, async () => {
  const first = await rawSend(null, Emitter.bytecode);
  const second = await rawSend(null, Emitter.bytecode);
  const emitter = first.contractAddress;
  const other = second.contractAddress;
  const receipts = [];
  for (const n of [1n, 2n, 3n, 4n]) receipts.push(await rawSend(emitter, emitAllData(n), 200_000n));
  const otherReceipt = await rawSend(other, emitAllData(1n), 200_000n);

  const sender = topic(rawSender.address).toLowerCase();
  for (const [i, r] of receipts.entries()) {
    const n = BigInt(i + 1);
    assert.equal(r.status, "0x1");
    assert.deepEqual(
      r.logs.map((l) => l.topics),
      [
        [sig(emitterAbi, "Noted")],
        [sig(emitterAbi, "Tagged"), sender],
        [sig(emitterAbi, "Paired"), sender, topic(n)],
        [sig(emitterAbi, "Tripled"), sender, topic(n), tagOf(n)],
        [],
        [sender, topic(n), tagOf(n), topic(n + 1n)],
      ],
    );
    assert.equal(r.logs[4].data, topic(n), "Bare's data is its value");
    assert.equal(r.logs[5].data, "0x", "Packed has everything in topics");
    const logIndex = BigInt(r.logs[0].logIndex);
    for (const [k, log] of r.logs.entries()) {
      assert.equal(log.address.toLowerCase(), emitter.toLowerCase());
      assert.equal(BigInt(log.logIndex), logIndex + BigInt(k), "logIndex counts up through the block");
      assert.equal(log.transactionHash, r.transactionHash);
      assert.equal(log.transactionIndex, r.transactionIndex);
      assert.equal(log.blockHash, r.blockHash);
      assert.equal(log.blockNumber, r.blockNumber);
      assert.equal(log.removed, false);
    }
  }
  Object.assign(rawState, { emitter, other, receipts, otherReceipt, sender });
});

test("raw: eth_getLogs by address, topics, block range, tags and blockHash", LONG, async () => {
  const receipts = need(rawState, "receipts");
  const { emitter, other, otherReceipt, sender } = rawState;
  const known = [...receipts, otherReceipt].flatMap((r) => r.logs).sort(byPosition);
  const [b1, b2, b3, b4] = receipts.map((r) => r.blockNumber);
  const end = otherReceipt.blockNumber;
  const Noted = sig(emitterAbi, "Noted");
  const Paired = sig(emitterAbi, "Paired");
  const Tripled = sig(emitterAbi, "Tripled");

  const check = async (filter, expectCount) => {
    const got = await result("eth_getLogs", [filter]);
    // Block tags and hashes resolve to the numbers the expectation filters on.
    const bounds = {
      fromBlock: filter.fromBlock === "earliest" ? "0x0" : filter.fromBlock,
      toBlock: filter.toBlock === "latest" ? undefined : filter.toBlock,
    };
    if (filter.blockHash) {
      const block = receipts.concat(otherReceipt).find((r) => r.blockHash === filter.blockHash);
      bounds.fromBlock = bounds.toBlock = block ? block.blockNumber : "0x0";
    }
    const want = known.filter((log) => matches(log, { ...filter, ...bounds }));
    const label = `eth_getLogs ${JSON.stringify(filter)}`;
    assert.equal(want.length, expectCount, `the test's own expectation for ${label}`);
    assert.deepEqual(got.map(pick), want.map(pick), label);
    for (const log of got) assert.equal(log.removed, false, label);
  };

  await check({ address: emitter, fromBlock: b1, toBlock: b4 }, 24);
  await check({ address: [emitter, other], fromBlock: b1, toBlock: end }, 30);
  await check({ address: emitter.toLowerCase(), fromBlock: b2, toBlock: b2 }, 6);
  await check({ address: emitter, fromBlock: b2, toBlock: b3 }, 12);
  await check({ address: emitter, fromBlock: "earliest", toBlock: "latest" }, 24);
  await check({ address: emitter, fromBlock: b3, toBlock: "latest" }, 12);
  await check({ address: emitter, fromBlock: "earliest", toBlock: b2 }, 12);
  // Topics: the signature; an indexed value; a wildcard before a value; OR-lists.
  await check({ address: emitter, fromBlock: b1, toBlock: b4, topics: [Paired] }, 4);
  await check({ address: emitter, fromBlock: b1, toBlock: b4, topics: [Tripled, null, topic(2n)] }, 1);
  await check({ address: emitter, fromBlock: b1, toBlock: b4, topics: [null, sender] }, 12);
  const oneOrThree = [topic(1n), topic(3n)];
  const pairedOrTripled = [Paired, Tripled];
  await check({ address: emitter, fromBlock: b1, toBlock: b4, topics: [pairedOrTripled, null, oneOrThree] }, 4);
  await check({ address: emitter, fromBlock: b1, toBlock: b4, topics: [[Noted, Paired]] }, 8);
  await check({ address: emitter, fromBlock: b1, toBlock: b4, topics: [null, null, null, tagOf(4n)] }, 1);
  await check({ address: emitter, fromBlock: b1, toBlock: b4, topics: [sender, null, null, topic(5n)] }, 1);
  // geth: a position the filter names, even as null, excludes logs with fewer topics (here the
  // anonymous LOG0, and all but the four-topic logs). anvil ignores trailing nulls.
  if (!nodeIsAnvil) {
    await check({ address: emitter, fromBlock: b1, toBlock: b4, topics: [null] }, 20);
    await check({ address: emitter, fromBlock: b1, toBlock: b4, topics: [null, null, null, null] }, 8);
  }
  await check({ address: emitter, fromBlock: b1, toBlock: b4, topics: [] }, 24);
  // No address: the anonymous Packed carries this suite's sender as its first topic.
  await check({ fromBlock: b1, toBlock: end, topics: [sender] }, 5);
  await check({ fromBlock: b1, toBlock: end, topics: [sender, topic(1n)] }, 2);
  // blockHash instead of a range.
  await check({ address: emitter, blockHash: receipts[2].blockHash }, 6);
  await check({ blockHash: receipts[2].blockHash, topics: [Paired, sender] }, 1);
  const deployBlock = await result("eth_getBlockByNumber", [toQuantity(BigInt(b1) - 1n), false]);
  await check({ address: emitter, blockHash: deployBlock.hash }, 0);
  const both = await raw("eth_getLogs", [{ blockHash: receipts[2].blockHash, fromBlock: b1 }]);
  assert.equal(both.error?.code, -32602, `blockHash with fromBlock: ${JSON.stringify(both)}`);
  assert.match(both.error.message, /cannot specify both blockHash and fromBlock\/toBlock/i);
});

test("raw: log and block filters: changes, logs, uninstall", LONG, async () => {
  const receipts = need(rawState, "receipts");
  const { emitter } = rawState;
  const Paired = sig(emitterAbi, "Paired");
  const since = await result("eth_newFilter", [{ address: emitter, topics: [Paired] }]);
  const history = await result("eth_newFilter", [
    { address: emitter, topics: [Paired], fromBlock: receipts[0].blockNumber },
  ]);
  const blocks = await result("eth_newBlockFilter", []);
  for (const id of [since, history, blocks]) assert.match(id, /^0x[0-9a-f]+$/);
  assert.equal(new Set([since, history, blocks]).size, 3, "filter ids are distinct");

  const r5 = await rawSend(emitter, emitAllData(5n), 200_000n);
  const r6 = await rawSend(emitter, emitAllData(6n), 200_000n);
  const paired = (r) => r.logs.filter((l) => l.topics[0] === Paired);
  const changes = await result("eth_getFilterChanges", [since]);
  assert.deepEqual(changes.map(pick), [...paired(r5), ...paired(r6)].map(pick));
  assert.deepEqual(await result("eth_getFilterChanges", [since]), [], "changes are reported once");
  const all = [...receipts, r5, r6].flatMap(paired);
  assert.deepEqual((await result("eth_getFilterLogs", [history])).map(pick), all.map(pick));
  const again = await result("eth_getFilterLogs", [history]);
  assert.deepEqual(again.map(pick), all.map(pick), "getFilterLogs answers the same again");

  const heads = await result("eth_getFilterChanges", [blocks]);
  for (const r of [r5, r6]) assert.ok(heads.includes(r.blockHash), `the block filter misses ${r.blockHash}`);
  const n5 = BigInt(r5.blockNumber);
  const n6 = BigInt(r6.blockNumber);
  assert.ok(heads.length >= Number(n6 - n5) + 1, `one hash per new block: ${heads.length}`);
  assert.equal(new Set(heads).size, heads.length, "no block twice");

  for (const id of [since, history, blocks]) {
    assert.equal(await result("eth_uninstallFilter", [id]), true);
    assert.equal(await result("eth_uninstallFilter", [id]), false);
  }
  const gone = await raw("eth_getFilterChanges", [since]);
  assert.ok(gone.error, "an uninstalled filter has no changes");
  assert.match(gone.error.message, /filter not found/);
});

test("raw: eth_subscribe logs over WebSocket, with address and topic filters", LONG, async () => {
  const { emitter, sender } = rawState;
  need(rawState, "emitter");
  const ws = await openSocket();
  try {
    const Tripled = sig(emitterAbi, "Tripled");
    const Tagged = sig(emitterAbi, "Tagged");
    const subscribe = (filter) => ws.request("eth_subscribe", ["logs", filter]);
    const narrow = await subscribe({ address: emitter, topics: [Tripled, null, topic(8n)] });
    assert.equal(narrow.error, undefined, `eth_subscribe logs: ${narrow.error?.message}`);
    const wide = await subscribe({ address: [emitter], topics: [[Tripled, Tagged], sender] });
    const anything = await subscribe({});
    assert.match(narrow.result, /^0x[0-9a-f]+$/);

    const r7 = await rawSend(emitter, emitAllData(7n), 200_000n);
    const r8 = await rawSend(emitter, emitAllData(8n), 200_000n);
    const of = (sub) =>
      ws.messages
        .filter((m) => m.method === "eth_subscription" && m.params.subscription === sub)
        .map((m) => m.params.result);
    const mine = () => of(anything.result).filter((l) => l.address.toLowerCase() === emitter.toLowerCase());
    await ws.next((m) => m.params?.subscription === narrow.result, 10_000, "a log on the narrow subscription");
    await until(
      () => of(wide.result).length >= 4 && mine().length >= 12,
      10_000,
      () => `notifications: wide ${of(wide.result).length} of 4, unfiltered ${mine().length} of 12`,
    );
    await rawSend(rawSender.address, "0x", 21_000n); // one more block for stray notifications

    const tripled = (r) => r.logs.filter((l) => l.topics[0] === Tripled);
    assert.deepEqual(of(narrow.result).map(pick), tripled(r8).map(pick));
    const wanted = [r7, r8].flatMap((r) =>
      r.logs.filter((l) => [Tripled, Tagged].includes(l.topics[0]) && l.topics[1] === sender),
    );
    assert.deepEqual(of(wide.result).map(pick), wanted.map(pick));
    assert.deepEqual(mine().map(pick), [...r7.logs, ...r8.logs].map(pick));
    for (const log of of(anything.result)) assert.equal(log.removed, false);

    assert.equal((await ws.request("eth_unsubscribe", [narrow.result])).result, true);
    assert.equal((await ws.request("eth_unsubscribe", [narrow.result])).result, false);
  } finally {
    ws.close();
  }
});

test("raw: reverts give code 3, geth's message and the data (eth_call, eth_estimateGas)", SHORT, async () => {
  const { emitter } = rawState;
  need(rawState, "emitter");
  const from = rawSender.address;
  const anvil = nodeIsAnvil;
  const cases = [
    {
      data: emitterAbi.encodeFunctionData("fails"),
      message: "execution reverted: Emitter: always fails",
      revert: emitterAbi.encodeErrorResult("Error", ["Emitter: always fails"]),
    },
    {
      data: emitterAbi.encodeFunctionData("failsCustom", [7n]),
      message: anvil ? /^execution reverted: custom error 0x/ : "execution reverted",
      revert: emitterAbi.encodeErrorResult("Refused", [from, 7n, "custom"]),
    },
    {
      data: emitterAbi.encodeFunctionData("divide", [0n]),
      message: anvil
        ? "execution reverted: panic: division or modulo by zero (0x12)"
        : "execution reverted: division or modulo by zero",
      revert: `0x4e487b71${"12".padStart(64, "0")}`,
    },
  ];
  for (const c of cases) {
    for (const method of ["eth_call", "eth_estimateGas"]) {
      const answer = await raw(method, [{ from, to: emitter, data: c.data }, "latest"]);
      const label = `${method} ${c.data.slice(0, 10)}: ${JSON.stringify(answer)}`;
      assert.ok(answer.error, label);
      assert.equal(answer.error.code, 3, label);
      if (c.message instanceof RegExp) assert.match(answer.error.message, c.message, label);
      else assert.equal(answer.error.message, c.message, label);
      assert.equal(answer.error.data, c.revert, label);
    }
  }
  // And the successful call next to them.
  const data = emitterAbi.encodeFunctionData("divide", [1n]);
  const ok = await raw("eth_call", [{ from, to: emitter, data }, "latest"]);
  assert.deepEqual(ok.result, topic(0n));
});

// ---------------------------------------------------------------------------------------------
// The same transactions on anvil: equal estimates, gas used, logs, addresses and call results.

const COMPARISON = { timeout: 120_000 };
test("anvil: the same transactions give the same estimates, gas used and calls", COMPARISON, async (t) => {
  const anvil = await startAnvil({ chainId: ANVIL_CHAIN_ID });
  try {
    const chains = [
      { name: "rollupd", url, chainId },
      { name: "anvil", url: anvil.url, chainId: ANVIL_CHAIN_ID },
    ].map((c) => {
      const p = new JsonRpcProvider(c.url, c.chainId, httpOptions);
      const owner = new Wallet(devAccount(6).privateKey, p);
      return { ...c, provider: p, owner, spender: new Wallet(devAccount(8).privateKey, p) };
    });
    const [ours, theirs] = chains;
    const owner = ours.owner.address;
    const spender = ours.spender.address;
    // The contract addresses depend on account 6's nonce: on a node that has run this suite before
    // it is not 0, and anvil is told so.
    const nonce = await ours.provider.getTransactionCount(owner, "latest");
    await theirs.provider.send("anvil_setNonce", [owner, toQuantity(nonce)]);
    assert.equal(await theirs.provider.getTransactionCount(owner, "latest"), nonce);

    // Addresses that hold nothing on either chain until the steps below pay them.
    const fresh = [zeroPadValue("0x0a11ce", 20), zeroPadValue("0x0b0b", 20)];
    const address = {};
    // Requests are built when their step runs: the contract addresses are known only by then.
    const tokenCall = (name, args = []) => () => ({
      to: address.token,
      data: tokenAbi.encodeFunctionData(name, args),
    });
    const emitterCall = (name, args = []) => () => ({
      to: address.emitter,
      data: emitterAbi.encodeFunctionData(name, args),
    });
    const tokenDeployment = Token.bytecode + tokenAbi.encodeDeploy(["Rollup Token", "RUT", SUPPLY]).slice(2);
    const steps = [
      { name: "Token deployment", deploys: "token", request: () => ({ data: tokenDeployment }) },
      { name: "Emitter deployment", deploys: "emitter", request: () => ({ data: Emitter.bytecode }) },
      { name: "transfer to a fresh address", request: tokenCall("transfer", [fresh[0], 1000n]) },
      { name: "transfer to a holder", request: tokenCall("transfer", [fresh[0], 500n]) },
      { name: "approve", request: tokenCall("approve", [spender, 5000n]) },
      {
        name: "transferFrom to a fresh address",
        by: "spender",
        request: tokenCall("transferFrom", [owner, fresh[1], 700n]),
      },
      {
        name: "transferFrom to a holder",
        by: "spender",
        request: tokenCall("transferFrom", [owner, fresh[1], 4300n]),
      },
      { name: "emitAll (six logs)", request: emitterCall("emitAll", [7n, tagOf(7n), payloadOf(7n)]) },
      { name: "store: first write", request: emitterCall("store", [7n]) },
      { name: "store: rewrite", request: emitterCall("store", [9n]) },
      { name: "store: clear (refund)", request: emitterCall("store", [0n]) },
      ...[1n, 10n, 100n, 1000n].map((n) => ({ name: `burn(${n})`, request: emitterCall("burn", [n]) })),
      { name: "burnVia(300): a call keeps 1/64", request: emitterCall("burnVia", [300n]) },
    ];

    const estimate = (c, from, req) => rawAt(c.url, "eth_estimateGas", [{ from, ...req }, "latest"]);
    // One line per difference, so that a failure shows every step at once.
    const executionDiffs = [];
    const estimateDiffs = [];
    const estimates = [];
    for (const step of steps) {
      const who = step.by ?? "owner";
      const req = step.request();
      const from = ours[who].address;
      const [mine, reference] = await Promise.all(chains.map((c) => estimate(c, from, req)));
      if (reference.error) {
        throw new Error(`anvil cannot estimate ${step.name} (the test is wrong): ${reference.error.message}`);
      }
      const gasLimit = BigInt(reference.result);
      // Both chains get anvil's estimate as the gas limit, so that they stay in the same state
      // whatever rollupd estimated.
      const receipts = await Promise.all(
        chains.map(async (c) => {
          try {
            return await mined(c[who].sendTransaction({ ...req, gasLimit }));
          } catch (e) {
            const why = e.shortMessage ?? e.message;
            throw new Error(`${c.name}: ${step.name} with gas limit ${gasLimit} failed: ${why}`);
          }
        }),
      );
      if (step.deploys) address[step.deploys] = receipts[1].contractAddress;
      const [a, b] = receipts;
      if (a.gasUsed !== b.gasUsed) {
        executionDiffs.push(`${step.name}: gasUsed rollupd ${a.gasUsed}, anvil ${b.gasUsed}`);
      }
      if (a.contractAddress !== b.contractAddress) {
        const [x, y] = [a.contractAddress, b.contractAddress];
        executionDiffs.push(`${step.name}: contractAddress rollupd ${x}, anvil ${y}`);
      }
      const logs = (r) => JSON.stringify(r.logs.map((l) => [l.address, l.topics, l.data]));
      if (logs(a) !== logs(b)) executionDiffs.push(`${step.name}: logs rollupd ${logs(a)}, anvil ${logs(b)}`);
      const got = mine.error ? `error ${JSON.stringify(mine.error)}` : BigInt(mine.result);
      if (got !== gasLimit) estimateDiffs.push(`${step.name}: rollupd ${got}, anvil ${gasLimit}`);
      estimates.push(`${step.name}: ${gasLimit} (gas used ${b.gasUsed})`);
    }

    await t.test(`gas used, logs and contract addresses of ${steps.length} transactions`, () => {
      assert.deepEqual(executionDiffs, [], `receipts differ:\n${executionDiffs.join("\n")}`);
    });
    await t.test(`eth_estimateGas before each of the ${steps.length} transactions`, () => {
      const table = `${estimateDiffs.join("\n")}\nanvil's:\n${estimates.join("\n")}`;
      assert.deepEqual(estimateDiffs, [], `estimates differ:\n${table}`);
    });

    await t.test("the deployed code", async () => {
      for (const [name, art] of [["token", Token], ["emitter", Emitter]]) {
        const codes = await Promise.all(chains.map((c) => c.provider.getCode(address[name])));
        assert.equal(codes[0], art.deployedBytecode, `rollupd's code of ${name}`);
        assert.equal(codes[1], art.deployedBytecode, `anvil's code of ${name}`);
      }
    });

    await t.test("eth_call results", async () => {
      const calls = [
        ...["name", "symbol", "decimals", "totalSupply"].map((f) => [f, tokenCall(f)()]),
        ...[owner, ...fresh, spender].map((a) => [`balanceOf(${a})`, tokenCall("balanceOf", [a])()]),
        ["allowance", tokenCall("allowance", [owner, spender])()],
        ...["stored", "burned", "attempts"].map((f) => [f, emitterCall(f)()]),
        ["scaled(3)", emitterCall("scaled", [3n])()],
        ["burn(5) as a call", emitterCall("burn", [5n])()],
        ["a creation as a call returns the code", { data: Emitter.bytecode }],
      ];
      const wrong = [];
      for (const [label, req] of calls) {
        const answers = await Promise.all(
          chains.map((c) => rawAt(c.url, "eth_call", [{ from: owner, ...req }, "latest"])),
        );
        if (answers[1].error) throw new Error(`anvil: eth_call ${label}: ${answers[1].error.message}`);
        if (answers[0].error || answers[0].result !== answers[1].result) {
          const ours = answers[0].error ? `error ${JSON.stringify(answers[0].error)}` : answers[0].result;
          wrong.push(`${label}: rollupd ${ours}, anvil ${answers[1].result}`);
        }
      }
      assert.deepEqual(wrong, [], `eth_call results differ:\n${wrong.join("\n")}`);
    });

    await t.test("reverting calls and estimates: the same code and revert data", async () => {
      const failing = [
        ["fails", emitterCall("fails")()],
        ["failsCustom", emitterCall("failsCustom", [9n])()],
        ["divide(0)", emitterCall("divide", [0n])()],
        ["transfer beyond the balance", tokenCall("transfer", [fresh[0], SUPPLY])()],
        ["transferFrom beyond the allowance", tokenCall("transferFrom", [owner, fresh[0], 1n])()],
      ];
      for (const [label, req] of failing) {
        for (const method of ["eth_call", "eth_estimateGas"]) {
          const [a, b] = await Promise.all(
            chains.map((c) => rawAt(c.url, method, [{ from: spender, ...req }, "latest"])),
          );
          assert.ok(b.error, `anvil: ${method} ${label} should fail`);
          assert.ok(a.error, `rollupd: ${method} ${label} should fail, got ${JSON.stringify(a)}`);
          assert.equal(a.error.code, b.error.code, `${method} ${label}: rollupd ${JSON.stringify(a.error)}`);
          assert.equal(a.error.data, b.error.data, `${method} ${label}`);
        }
      }
    });
  } finally {
    await anvil.stop();
  }
});
