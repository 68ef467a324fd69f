// Prints the e2e genesis: chain 901, Cancun from block 0, the ten development accounts funded.
import { devAccount } from "./accounts.mjs";

const alloc = {};
for (let i = 0; i < 10; i++) {
  alloc[devAccount(i).address] = { balance: "0x21e19e0c9bab2400000" }; // 10,000 ether
}
process.stdout.write(
  JSON.stringify({
    config: { chainId: 901, londonBlock: 0, shanghaiTime: 0, cancunTime: 0 },
    gasLimit: "0x1c9c380",
    baseFeePerGas: "0x3b9aca00",
    timestamp: "0x0",
    extraData: "0x",
    difficulty: "0x0",
    alloc,
  }),
);
