// The development accounts every devnet tool (anvil, Hardhat) funds: the standard mnemonic, path
// m/44'/60'/0'/0/i. Developers already have these keys in their wallets and scripts.
import { HDNodeWallet } from "ethers";

export const mnemonic = "test test test test test test test test test test test junk";

export function devAccount(i) {
  const w = HDNodeWallet.fromPhrase(mnemonic, undefined, `m/44'/60'/0'/0/${i}`);
  return { address: w.address, privateKey: w.privateKey };
}
