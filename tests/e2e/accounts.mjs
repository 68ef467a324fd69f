// The mnemonic every devnet tool (anvil, Hardhat) funds; run.sh's genesis gives each of its first
// ten accounts 10,000 ether. Each suite uses its own accounts, so suites can run side by side
// without racing for nonces.
import { HDNodeWallet } from "ethers";

export const mnemonic = "test test test test test test test test test test test junk";

export function devAccount(i) {
  const w = HDNodeWallet.fromPhrase(mnemonic, undefined, `m/44'/60'/0'/0/${i}`);
  return { address: w.address, privateKey: w.privateKey };
}
