// The EVM case of scripts/bench-vs-anvil.sh: deploys tests/e2e/contracts/Bench.sol (its committed
// artifact) on one node, then times eth_call of each of its loops at about --gas gas and prints one
// line per program:
//   RESULT program=keccakLoop rounds=N gas=G ms=T
// where T is the median wall time of --runs calls (after one warm-up call) and G the gas the call
// uses, from eth_estimateGas of two small probes (each loop costs the same per round). The script
// runs it against anvil and rollupd in turn and prints gas per second and the ratio.
//   node bench/evm_calls.mjs --url URL [--gas 30000000] [--runs 5]
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ContractFactory, HDNodeWallet, Interface, JsonRpcProvider, Mnemonic } from "ethers";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, v, i, all) => (i % 2 === 0 ? [...pairs, [v, all[i + 1]]] : pairs), []),
);
const url = args["--url"];
const target = BigInt(args["--gas"] ?? "30000000");
const runs = Number(args["--runs"] ?? "5");
if (!url || !Number.isInteger(runs) || runs < 1) {
  console.error("usage: node bench/evm_calls.mjs --url URL [--gas N] [--runs R]");
  process.exit(2);
}

const artifact = JSON.parse(readFileSync(join(root, "tests/e2e/contracts/build/Bench.json"), "utf8"));
const abi = new Interface(artifact.abi);
const provider = new JsonRpcProvider(url, undefined, { cacheTimeout: -1, staticNetwork: true });
// The development mnemonic's first account: funded on both nodes by the script.
const mnemonic = Mnemonic.fromPhrase("test test test test test test test test test test test junk");
const wallet = HDNodeWallet.fromMnemonic(mnemonic, "m/44'/60'/0'/0/0").connect(provider);

const factory = new ContractFactory(artifact.abi, artifact.bytecode, wallet);
const contract = await factory.deploy({ gasLimit: 3_000_000n });
await contract.waitForDeployment();
const to = await contract.getAddress();

// Plain HTTP requests, not the provider's: ethers holds each request up to 10 ms to batch it with
// others, which would add the same 10 ms to both nodes' times.
let id = 0;
async function rpc(method, params) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: ++id, method, params }),
  });
  const answer = await response.json();
  if (answer.error) throw new Error(`${method}: ${JSON.stringify(answer.error)}`);
  return answer.result;
}
const call = (data, gas) => rpc("eth_call", [{ to, data, gas: "0x" + gas.toString(16) }, "latest"]);
const estimate = async (data) => BigInt(await rpc("eth_estimateGas", [{ to, data }, "latest"]));

for (const name of ["keccakLoop", "arithLoop", "transferLoop"]) {
  const data = (rounds) => abi.encodeFunctionData(name, [rounds]);
  const once = await estimate(data(100n));
  const perRound = (await estimate(data(200n))) - once;
  const fixed = once - perRound;
  const rounds = ((target - fixed) * 100n) / perRound;
  const gas = fixed + (perRound * rounds) / 100n;
  const input = data(rounds);
  await call(input, target * 2n);  // warm-up: code caches, the contract's state
  const ms = [];
  for (let r = 0; r < runs; ++r) {
    const start = process.hrtime.bigint();
    await call(input, target * 2n);
    ms.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  ms.sort((a, b) => a - b);
  const median = ms[Math.floor(ms.length / 2)];
  console.log(`RESULT program=${name} rounds=${rounds} gas=${gas} ms=${median.toFixed(1)}`);
}
