// The development accounts (scripts/lib/accounts.mjs); run.sh's genesis gives each of the first ten
// 10,000 ether. Each suite uses its own accounts, so suites can run side by side without racing for
// nonces.
export { mnemonic, devAccount } from "../../scripts/lib/accounts.mjs";
