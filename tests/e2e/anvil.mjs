// A private anvil (npm @foundry-rs/anvil) for a suite that compares rollupd with it: Cancun, the
// development mnemonic's ten accounts with 10,000 ether each (as genesis.mjs funds them on
// rollupd), automine, on a port the kernel picks. anvil prints `Listening on <addr>:<port>` once it
// serves; start resolves then.
import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { mnemonic } from "./accounts.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");

// The platform binary itself, not node_modules/.bin/anvil: that entry is a Node wrapper which on
// SIGTERM exits without stopping anvil (see tests/peer/genesis_root.sh).
function anvilBinary() {
  const dir = join(root, "node_modules/@foundry-rs");
  const platform = readdirSync(dir).find((d) => d.startsWith("anvil-"));
  if (!platform) throw new Error(`no anvil platform package under ${dir}; run scripts/setup.sh`);
  return join(dir, platform, "bin/anvil");
}

// `extraArgs` adds options (e.g. ["--block-time", "1"] for an L1 that mines on a clock).
export async function startAnvil({ chainId, timeoutMs = 20_000, extraArgs = [] }) {
  const args = [
    "--hardfork", "cancun",
    "--chain-id", String(chainId),
    "--mnemonic", mnemonic,
    "--accounts", "10",
    "--balance", "10000",
    "--host", "127.0.0.1",
    "--port", "0",
    ...extraArgs,
  ];
  const child = spawn(anvilBinary(), args, { stdio: ["ignore", "pipe", "pipe"] });
  // anvil logs every request: keep reading so that it never blocks on a full pipe, and keep the
  // tail for the error message.
  let output = "";
  const keep = (chunk) => {
    output = (output + chunk.toString()).slice(-8192);
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  // Should the test process end without calling stop (a crash), anvil must not outlive it.
  const reap = () => child.kill("SIGKILL");
  process.once("exit", reap);
  const exited = new Promise((resolve) => child.once("exit", resolve));

  const stop = async () => {
    process.removeListener("exit", reap);
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
    await exited;
    clearTimeout(timer);
  };

  try {
    const url = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`anvil did not listen within ${timeoutMs} ms`)), timeoutMs);
      const look = () => {
        const m = /Listening on ([0-9.]+):(\d+)/.exec(output);
        if (m) {
          clearTimeout(timer);
          resolve(`http://${m[1]}:${m[2]}`);
        }
      };
      child.stdout.on("data", look);
      child.once("error", (e) => {
        clearTimeout(timer);
        reject(e);
      });
      child.once("exit", (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`anvil exited (${signal ?? `status ${code}`}) before listening`));
      });
    });
    return { url, stop };
  } catch (e) {
    await stop();
    throw new Error(`${e.message}\n--- anvil output\n${output}`);
  }
}
