#pragma once
// Test helpers shared by the execution and txpool tests: deterministic keys, signed transfers and
// a state made of accounts in a map.

#include <gtest/gtest.h>

#include <map>
#include <span>
#include <string>

#include "memory_state.hpp"
#include "rollup/base/hex.hpp"
#include "rollup/crypto/secp256k1.hpp"
#include "rollup/execution/genesis.hpp"
#include "rollup/state/state.hpp"
#include "rollup/types/account.hpp"
#include "rollup/types/header.hpp"
#include "rollup/types/transaction.hpp"

namespace rollup::testing {

// The chain id every test chain uses.
inline constexpr std::uint64_t k_chain_id = 901;
inline const uint256 k_gwei(1'000'000'000);
inline const uint256 k_ether = k_gwei * k_gwei;

struct Key {
  crypto::SecretKey secret;
  Address address;
};

inline Key make_key(std::uint8_t seed) {
  Bytes raw(32, 0);
  raw[0] = 0x42;
  raw[31] = seed;
  auto secret = crypto::SecretKey::from_bytes(raw);
  EXPECT_TRUE(secret.has_value());
  auto pub = crypto::public_key(*secret);
  EXPECT_TRUE(pub.has_value());
  return {*secret, crypto::address_of(*pub)};
}

// An address that no key in these tests owns.
inline Address plain_address(std::uint8_t last) {
  Address a;
  a.bytes[0] = 0xaa;
  a.bytes[19] = last;
  return a;
}

// A signed EIP-1559 transfer with a 30,000 gas limit.
inline types::Transaction transfer(const Key& from, std::uint64_t chain_id, std::uint64_t nonce,
                                   const Address& to, const uint256& value,
                                   const uint256& max_fee = 10 * k_gwei,
                                   const uint256& tip = 2 * k_gwei) {
  types::Transaction t;
  t.type = types::TxType::dynamic_fee;
  t.chain_id = chain_id;
  t.nonce = nonce;
  t.max_fee_per_gas = max_fee;
  t.max_priority_fee_per_gas = tip;
  t.gas_limit = 30'000;
  t.to = to;
  t.value = value;
  EXPECT_TRUE(types::sign_transaction(t, from.secret).has_value());
  return t;
}

// A Cancun genesis header over `root`: 30M gas, a base fee of 1 gwei, no withdrawals, blobs or
// beacon root; the shape of every block on this chain.
inline types::Header cancun_genesis_header(const Hash& root) {
  execution::Genesis genesis;
  genesis.gas_limit = 30'000'000;
  genesis.base_fee_per_gas = k_gwei;
  return execution::make_genesis_header(genesis, root);
}

// A geth-format genesis file of chain k_chain_id (Cancun from block 0, the same header fields as
// cancun_genesis_header) giving each address 1,000 ether.
inline std::string genesis_json(std::span<const Address> funded) {
  std::string json = R"({"config": {"chainId": )" + std::to_string(k_chain_id) +
                     R"(, "londonBlock": 0, "shanghaiTime": 0, "cancunTime": 0},
 "gasLimit": "0x1c9c380", "baseFeePerGas": "0x3b9aca00", "timestamp": "0x0", "extraData": "0x",
 "difficulty": "0x0", "alloc": {)";
  for (std::size_t i = 0; i < funded.size(); ++i) {
    json +=
        (i ? ", \"" : "\"") + hex::encode(funded[i]) + R"(": {"balance": "0x3635c9adc5dea00000"})";
  }
  return json + "}}";
}

}  // namespace rollup::testing
