// scripts/devnet.sh's helper: the files of a devnet, the batcher's L1 funds and the banner.
//   node scripts/lib/devnet.mjs prepare DIR L1_PORT L2_PORT   genesis and batcher key (first run
//                                                              only) and rollupd.toml (every run)
//   node scripts/lib/devnet.mjs fund DIR L1_PORT              gives the batcher ether on L1
//   node scripts/lib/devnet.mjs banner DIR L1_PORT L2_PORT    what the developer needs to know
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Wallet, encryptKeystoreJson, getAddress } from "ethers";
import { devAccount, mnemonic } from "./accounts.mjs";

export const L2_CHAIN_ID = 901; // the OP Stack devnet's L2 id; anvil's L1 keeps its default
export const L1_CHAIN_ID = 31337;
// An address without code, named after the chain as the OP Stack names its batch inboxes: batches
// are calldata sent to it, read back by the batcher's sender, so no L1 contract is needed.
export const INBOX = "0xff00000000000000000000000000000000000901";
const ETHER = 10n ** 18n;
const DEV_BALANCE = 10_000n * ETHER;
const BATCHER_FUNDS = 1_000n * ETHER;

const [command, dir, ...rest] = process.argv.slice(2);
// npm's tools (cast, anvil) of this checkout, which setup.sh installs.
const toolDir = fileURLToPath(new URL("../../node_modules/.bin", import.meta.url));
const keyDir = join(dir ?? ".", "keys");

async function prepare(l1Port, l2Port) {
  mkdirSync(keyDir, { recursive: true, mode: 0o700 });
  const genesis = join(dir, "genesis.json");
  if (!existsSync(genesis)) {
    const alloc = {};
    for (let i = 0; i < 10; i++) {
      alloc[devAccount(i).address] = { balance: "0x" + DEV_BALANCE.toString(16) };
    }
    const spec = {
      config: { chainId: L2_CHAIN_ID, londonBlock: 0, shanghaiTime: 0, cancunTime: 0 },
      gasLimit: "0x1c9c380", // 30M, as anvil's L1
      baseFeePerGas: "0x3b9aca00", // 1 gwei
      timestamp: "0x" + Math.floor(Date.now() / 1000).toString(16),
      extraData: "0x",
      difficulty: "0x0",
      alloc,
    };
    writeFileSync(genesis, JSON.stringify(spec, null, 2) + "\n");
  }
  // The batcher's L1 key: a fresh one per devnet, kept as an operator keeps it (a V3 keystore and
  // its password in files only the owner can read).
  const keystore = join(keyDir, "batcher.json");
  if (!existsSync(keystore)) {
    const password = randomBytes(24).toString("hex");
    const wallet = Wallet.createRandom();
    // scrypt at 2^14: a devnet key, so starting quickly matters more than brute-force cost.
    const json = await encryptKeystoreJson(wallet, password, { scrypt: { N: 1 << 14 } });
    writeFileSync(join(keyDir, "batcher.password"), password + "\n", { mode: 0o600 });
    writeFileSync(keystore, json, { mode: 0o600 });
  }
  const config = `# The devnet's rollupd configuration. scripts/devnet.sh writes it on every start (from its
# --l1-port and --l2-port); docs/configuration.md lists every key.
datadir = "${join(dir, "l2")}"
genesis = "${genesis}"
block_time = 1000

[http]
addr = "127.0.0.1"
port = ${l2Port}
corsdomain = "*"   # dapps served from any local dev server
vhosts = "*"

[log]
level = "info"

[sequencer]
fee_recipient = "0x4200000000000000000000000000000000000011"

[rollup]
base_fee_vault = "0x4200000000000000000000000000000000000019"

[l1]
rpc = "http://127.0.0.1:${l1Port}"
chain_id = ${L1_CHAIN_ID}

[batcher]
enabled = true
inbox = "${INBOX}"
key_file = "${keystore}"
password_file = "${join(keyDir, "batcher.password")}"
confirmations = 2         # L1 blocks come every 2 s: safe about 4 s after inclusion
origin_depth = 1
max_channel_delay_s = 6   # a batch at least every 6 s, so the safe head moves while you watch
poll_ms = 500
resubmit_s = 12

[devnet]
cheats = true             # evm_*, anvil_*, hardhat_* (docs/rpc.md)
`;
  writeFileSync(join(dir, "rollupd.toml"), config);
}

async function batcherAddress() {
  const json = readFileSync(join(keyDir, "batcher.json"), "utf8");
  return getAddress("0x" + JSON.parse(json).address.replace(/^0x/, ""));
}

async function rpc(url, method, params) {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const body = await res.json();
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result;
}

// anvil's own cheat gives the batcher its funds (a devnet L1; on a real one the operator sends them).
async function fund(l1Port) {
  const url = `http://127.0.0.1:${l1Port}`;
  const batcher = await batcherAddress();
  const balance = BigInt(await rpc(url, "eth_getBalance", [batcher, "latest"]));
  if (balance < BATCHER_FUNDS / 10n) {
    await rpc(url, "anvil_setBalance", [batcher, "0x" + BATCHER_FUNDS.toString(16)]);
  }
}

async function banner(l1Port, l2Port) {
  const batcher = await batcherAddress();
  const lines = [
    "",
    "rollupd devnet is running",
    "",
    `  L2 (rollupd)   http://127.0.0.1:${l2Port}   ws://127.0.0.1:${l2Port}   chain id ${L2_CHAIN_ID}   (1 s blocks)`,
    `  L1 (anvil)     http://127.0.0.1:${l1Port}   chain id ${L1_CHAIN_ID}   (2 s blocks)`,
    `  batches        from ${batcher} (funded on L1) to the inbox ${INBOX}`,
    "",
    `Accounts funded with 10,000 ETH on L2 and on L1 (mnemonic "${mnemonic}"):`,
  ];
  for (let i = 0; i < 10; i++) {
    const a = devAccount(i);
    lines.push(`  (${i}) ${a.address}  ${a.privateKey}`);
  }
  const first = devAccount(0);
  lines.push(
    "",
    `Try it (cast comes with the devnet: export PATH="${toolDir}:$PATH"):`,
    `  cast send --rpc-url http://127.0.0.1:${l2Port} --private-key ${first.privateKey} \\`,
    `    ${devAccount(1).address} --value 1ether`,
    `  cast rpc --rpc-url http://127.0.0.1:${l2Port} rollup_syncStatus   # unsafe, safe, finalized heads`,
    "",
    `Data and logs in ${dir} (rollupd.log, anvil.log).`,
    "Ctrl-C stops both chains; run ./scripts/devnet.sh again to resume, with --reset to start over.",
    "",
  );
  process.stdout.write(lines.join("\n") + "\n");
}

try {
  if (command === "prepare" && rest.length === 2) await prepare(rest[0], rest[1]);
  else if (command === "fund" && rest.length === 1) await fund(rest[0]);
  else if (command === "banner" && rest.length === 2) await banner(rest[0], rest[1]);
  else {
    process.stderr.write("usage: devnet.mjs prepare|fund|banner DIR PORTS... (see the top of the file)\n");
    process.exit(2);
  }
} catch (e) {
  process.stderr.write(`devnet: ${e.message}\n`);
  process.exit(1);
}
