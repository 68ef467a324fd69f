// What the batcher suite needs around rollupd: an L1 (anvil mining every second), a TCP proxy in
// front of it that can cut L1 off, a rollupd posting to it (which can be stopped, killed and
// started again on the same datadir), JSON-RPC helpers and `rollupd decode-batches`.
import { spawn, execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { Wallet, encryptKeystoreJson } from "ethers";

export { startAnvil } from "../anvil.mjs";
export { devAccount } from "../accounts.mjs";

const run = promisify(execFile);
export const rollupd = process.env.ROLLUPD_BIN;
if (!rollupd) throw new Error("ROLLUPD_BIN is not set: run the suite through tests/e2e/batcher/run.sh");

export const l2ChainId = 901;
export const inbox = "0xff00000000000000000000000000000000000901";

export async function rpc(url, method, params = []) {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const json = await res.json();
  if (json.error) throw new Error(`${method}: ${json.error.message}`);
  return json.result;
}

// Polls `check` (async, returns a truthy value when done) every `everyMs` until it does or `ms`
// pass; the rejection says what was awaited and the last value seen.
export async function waitFor(what, check, ms, everyMs = 250) {
  const end = Date.now() + ms;
  let last;
  for (;;) {
    try {
      last = await check();
      if (last) return last;
    } catch (e) {
      last = e.message;
    }
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what} (last: ${JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

// A TCP proxy to `target` (host:port). cut() drops every connection and refuses new ones, as an
// unreachable node would; restore() serves again.
export async function startProxy(targetUrl) {
  const target = new URL(targetUrl);
  const sockets = new Set();
  let cut = false;
  const server = net.createServer((client) => {
    if (cut) return client.destroy();
    const upstream = net.connect(Number(target.port), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
      s.on("error", () => {});
    }
    client.pipe(upstream);
    upstream.pipe(client);
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    cut() {
      cut = true;
      for (const s of sockets) s.destroy();
    },
    restore() {
      cut = false;
    },
    close: () => new Promise((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(resolve);
    }),
  };
}

// A rollupd sequencing every 250 ms and posting to `l1Url` with `batcherKey`, on a datadir that
// survives stop() so start() resumes it.
export class Node {
  constructor({ l1Url, batcherKey, flags = [] }) {
    this.dir = mkdtempSync(join(tmpdir(), "rollupd-batcher-"));
    this.l1Url = l1Url;
    this.flags = flags;
    this.log = "";
    this.batcherKey = batcherKey;
  }

  // The batcher's key as an operator keeps it: a V3 keystore (scrypt, a cheaper cost than ethers'
  // default so the test stays quick) with its password in a file, both readable by the owner only.
  async writeKeystore() {
    const wallet = new Wallet(this.batcherKey);
    const password = "correct horse battery staple";
    const json = await encryptKeystoreJson(wallet, password, { scrypt: { N: 1 << 14 } });
    writeFileSync(join(this.dir, "batcher.json"), json, { mode: 0o600 });
    writeFileSync(join(this.dir, "batcher.password"), password + "\n", { mode: 0o600 });
  }

  async start() {
    if (!this.keystoreWritten) {
      await this.writeKeystore();
      this.keystoreWritten = true;
    }
    const genesis = await run(process.execPath, [new URL("../genesis.mjs", import.meta.url).pathname]);
    writeFileSync(join(this.dir, "genesis.json"), genesis.stdout);
    const args = [
      "run", "--datadir", join(this.dir, "d"), "--genesis", join(this.dir, "genesis.json"),
      "--http.port", "0", "--block-time", "250",
      "--l1.rpc", this.l1Url,
      "--batcher.enabled", "true", "--batcher.inbox", inbox,
      "--batcher.key-file", join(this.dir, "batcher.json"),
      "--batcher.password-file", join(this.dir, "batcher.password"),
      "--batcher.max-channel-delay-s", "1", "--batcher.confirmations", "2",
      "--batcher.poll-ms", "250", "--batcher.resubmit-s", "3", "--batcher.origin-depth", "1",
      "--l1.timeout-ms", "2000",
      ...this.flags,
    ];
    // Each run's log on its own: the port is read from it.
    this.earlierLogs = (this.earlierLogs ?? "") + this.log;
    this.log = "";
    this.child = spawn(rollupd, args, { stdio: ["ignore", "pipe", "pipe"] });
    const keep = (chunk) => {
      this.log += chunk.toString();
    };
    this.child.stdout.on("data", keep);
    this.child.stderr.on("data", keep);
    this.exited = new Promise((resolve) => this.child.once("exit", (code, signal) => resolve({ code, signal })));
    const port = await waitFor("rollupd to serve HTTP", () => {
      if (this.child.exitCode !== null) throw new Error(`rollupd exited:\n${this.log}`);
      return /HTTP on [^:]*:(\d+)/.exec(this.log)?.[1];
    }, 20_000, 50);
    this.url = `http://127.0.0.1:${port}`;
    return this;
  }

  async stop(signal = "SIGTERM") {
    if (!this.child || this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 15_000);
    const how = await this.exited;
    clearTimeout(timer);
    return how;
  }

  heads() {
    return rpc(this.url, "rollup_syncStatus").then((s) => ({
      unsafe: Number(s.unsafe_l2.number),
      safe: Number(s.safe_l2.number),
      finalized: Number(s.finalized_l2.number),
    }));
  }

  async metric(name) {
    const text = await (await fetch(`${this.url}/metrics`)).text();
    const m = new RegExp(`^${name} (\\S+)$`, "m").exec(text);
    return m ? Number(m[1]) : undefined;
  }

  // Every L2 block 1..n with its transaction hashes, from the node.
  async blocks(n) {
    const out = [];
    for (let i = 1; i <= n; i++) {
      const b = await rpc(this.url, "eth_getBlockByNumber", [`0x${i.toString(16)}`, false]);
      out.push({ number: i, hash: b.hash, transactions: b.transactions });
    }
    return out;
  }

  cleanup() {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

// `count` signed transfers spread over `senders` (dev accounts), sent in JSON-RPC batches of 100.
// Resolves with their hashes once all are accepted.
export async function sendTransfers(url, { count, senders, startNonces, to }) {
  const wallets = senders.map((s) => new Wallet(s.privateKey));
  const nonces = [...startNonces];
  const raws = [];
  for (let i = 0; i < count; i++) {
    const k = i % wallets.length;
    raws.push(
      await wallets[k].signTransaction({
        type: 2, chainId: l2ChainId, nonce: nonces[k]++, to,
        value: 1000n + BigInt(i), gasLimit: 21000n,
        maxFeePerGas: 10n ** 10n, maxPriorityFeePerGas: 10n ** 6n,
      }),
    );
  }
  const hashes = [];
  for (let i = 0; i < raws.length; i += 100) {
    const body = raws.slice(i, i + 100).map((raw, j) => ({ jsonrpc: "2.0", id: i + j, method: "eth_sendRawTransaction", params: [raw] }));
    const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    for (const a of await res.json()) {
      if (a.error) throw new Error(`eth_sendRawTransaction: ${a.error.message}`);
      hashes.push(a.result);
    }
  }
  return { hashes, nonces };
}

// `rollupd decode-batches` over the whole L1 chain: the L2 blocks found and the summary line.
export async function decodeBatches(l1Url, batcher) {
  const { stdout, stderr } = await run(rollupd, ["decode-batches", "--l1-rpc", l1Url, "--inbox", inbox, "--batcher", batcher], { maxBuffer: 256 << 20 });
  const blocks = stdout.trim().split("\n").filter(Boolean).map((l) => JSON.parse(l));
  const summary = stderr.trim();
  const field = (name) => Number(new RegExp(`(\\d+) ${name}`).exec(summary)?.[1]);
  return {
    blocks,
    summary,
    repeated: Number(/\((\d+) repeated\)/.exec(summary)?.[1]),
    otherSenders: field("from other senders"),
    unusedFrames: field("frames unused"),
  };
}
