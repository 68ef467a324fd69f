#!/usr/bin/env node
// Writes a deterministic geth-format genesis for comparing genesis state roots with a peer (anvil).
//
//   node make_genesis.mjs OUT.json [accounts=1200] [seed=1]
//
// Same arguments, same bytes: a seeded PRNG drives every choice, and the JSON is written with a
// fixed key order. The accounts cover the cases a state trie can get wrong: balances from 1 wei to
// above 2^128, nonces (~10%), code of 1..600 bytes (~5%), storage of 1..40 non-zero slots with
// small and full-width keys and values (~5%), and some accounts with code, storage and nonce
// together.
// Quantities are written in the spellings geth and anvil both accept (hex, with or without leading
// zeros, and decimal strings), and alloc keys with and without 0x, so the comparison also exercises
// the parsers. Every account is funded: an empty account is a separate question (geth and anvil
// both keep empty genesis accounts in the trie), not one this file should raise by accident.

import { writeFileSync } from 'node:fs';

const k_chain_id = 901;
const k_gas_limit = 30_000_000;
const k_base_fee = 1_000_000_000n;  // 1 gwei

function usage() {
  process.stderr.write('usage: node make_genesis.mjs OUT.json [accounts=1200] [seed=1]\n');
  process.exit(2);
}

const [out, accounts_arg = '1200', seed_arg = '1'] = process.argv.slice(2);
if (!out || process.argv.length > 5) usage();
const account_count = Number(accounts_arg);
const seed = Number(seed_arg);
if (!Number.isInteger(account_count) || account_count < 1 || account_count > 1_000_000) usage();
if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) usage();

// sfc32 seeded through splitmix32: small, fast, and identical on every Node version (Math.random is
// not seedable).
function splitmix32(state) {
  return () => {
    state = (state + 0x9e3779b9) | 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

function make_rng(seed_value) {
  const init = splitmix32(seed_value);
  let a = init(), b = init(), c = init(), d = init();
  const u32 = () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 16; ++i) u32();  // let the seed's bits spread
  const rng = {
    u32,
    // Uniform integer in [lo, hi], hi - lo < 2^32.
    int(lo, hi) {
      const span = hi - lo + 1;
      const limit = Math.floor(0x100000000 / span) * span;  // rejection: no modulo bias
      let x;
      do x = u32(); while (x >= limit);
      return lo + (x % span);
    },
    chance(p) { return u32() / 0x100000000 < p; },
    bytes(n) {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; ++i) out[i] = u32() & 0xff;
      return out;
    },
    // A uniformly random value of exactly `bits` bits (top bit set), bits >= 1.
    big_bits(bits) {
      let v = 1n;
      for (let i = 1; i < bits; ++i) v = (v << 1n) | BigInt(u32() & 1);
      return v;
    },
  };
  return rng;
}

const rng = make_rng(seed);

const hex = (bytes) => Buffer.from(bytes).toString('hex');
const word = (value) => '0x' + value.toString(16).padStart(64, '0');

// geth: math.HexOrDecimal256 / HexOrDecimal64 (hex any case, leading zeros allowed, or decimal).
function quantity(value) {
  const digits = value.toString(16);
  switch (rng.int(0, 3)) {
    case 0: return '0x' + digits;
    case 1: return '0x' + '0'.repeat(rng.int(1, 3)) + digits;
    case 2: return '0x' + digits.toUpperCase();
    default: return value.toString(10);
  }
}

function balance() {
  const r = rng.int(0, 99);
  if (r < 15) return BigInt(rng.int(1, 1000));        // dust
  if (r < 65) return rng.big_bits(rng.int(40, 74));   // ordinary, up to ~10^22 wei
  if (r < 90) return rng.big_bits(rng.int(75, 128));  // large
  return rng.big_bits(rng.int(129, 256));             // above 2^128
}

function nonce() {
  const r = rng.int(0, 9);
  if (r < 6) return BigInt(rng.int(1, 1000));
  if (r < 9) return BigInt(rng.int(1001, 0xffffffff));
  return rng.big_bits(rng.int(33, 63));
}

function nonzero_word() {
  switch (rng.int(0, 2)) {
    case 0: return BigInt(rng.int(1, 255));             // small: RLP of a single byte
    case 1: return rng.big_bits(rng.int(9, 128));       // medium: leading zero bytes trimmed
    default: return rng.big_bits(rng.int(129, 256));    // full width
  }
}

function storage() {
  const slots = new Map();
  const count = rng.int(1, 40);
  while (slots.size < count) {
    // Small slot numbers (as Solidity lays out state variables) and hashed-looking ones.
    const key = rng.chance(0.5) ? BigInt(rng.int(0, 63)) : rng.big_bits(rng.int(1, 256));
    slots.set(word(key), word(nonzero_word()));
  }
  return Object.fromEntries([...slots.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

const alloc = {};
const seen = new Set();
for (let i = 0; i < account_count; ++i) {
  let address;
  do address = hex(rng.bytes(20)); while (seen.has(address));
  seen.add(address);

  const everything = i % 97 === 13;  // ~1%: code, storage and nonce on one account
  const account = { balance: quantity(balance()) };
  if (everything || rng.chance(0.10)) account.nonce = quantity(nonce());
  if (everything || rng.chance(0.05)) {
    // A fifth short (down to a single byte), the rest anywhere up to 600 bytes.
    const length = rng.chance(0.2) ? rng.int(1, 32) : rng.int(1, 600);
    account.code = '0x' + hex(rng.bytes(length));
  }
  if (everything || rng.chance(0.05)) account.storage = storage();
  // geth's alloc keys are common.UnprefixedAddress: 0x optional.
  alloc[rng.chance(0.5) ? '0x' + address : address] = account;
}

// Every fork through Cancun at genesis, as geth writes a post-merge dev chain's config.
const config = {
  chainId: k_chain_id,
  homesteadBlock: 0,
  eip150Block: 0,
  eip155Block: 0,
  eip158Block: 0,
  byzantiumBlock: 0,
  constantinopleBlock: 0,
  petersburgBlock: 0,
  istanbulBlock: 0,
  muirGlacierBlock: 0,
  berlinBlock: 0,
  londonBlock: 0,
  arrowGlacierBlock: 0,
  grayGlacierBlock: 0,
  mergeNetsplitBlock: 0,
  shanghaiTime: 0,
  cancunTime: 0,
  terminalTotalDifficulty: 0,
  terminalTotalDifficultyPassed: true,
  blobSchedule: { cancun: { target: 3, max: 6, baseFeeUpdateFraction: 3338477 } },
};

const genesis = {
  config,
  nonce: '0x0',
  timestamp: '0x0',
  extraData: '0x',
  gasLimit: '0x' + k_gas_limit.toString(16),
  difficulty: '0x0',
  mixHash: word(0n),
  coinbase: '0x' + '00'.repeat(20),
  baseFeePerGas: '0x' + k_base_fee.toString(16),
  alloc,
};

writeFileSync(out, JSON.stringify(genesis, null, 1) + '\n');
