#pragma once
// Test helpers shared by the execution and txpool tests: deterministic keys, signed transfers and
// a state made of accounts in a map.

#include <gtest/gtest.h>

#include <map>

#include "rollup/crypto/secp256k1.hpp"
#include "rollup/state/state.hpp"
#include "rollup/types/account.hpp"
#include "rollup/types/transaction.hpp"

namespace rollup::testing {

// The chain id every test chain uses.
inline constexpr std::uint64_t k_chain_id = 901;
inline const uint256 k_gwei(1'000'000'000);
inline const uint256 k_ether = k_gwei * k_gwei;

// Accounts only: transfers never read storage or code bodies.
class AccountsState final : public state::StateView {
 public:
  std::map<Address, types::Account> map;
  Result<std::optional<types::Account>> account(const Address& a) const override {
    const auto it = map.find(a);
    if (it == map.end()) return std::optional<types::Account>{};
    return std::optional<types::Account>{it->second};
  }
  Result<uint256> storage(const Address&, const Hash&) const override { return uint256{}; }
  Result<Bytes> code(const Hash&) const override { return Bytes{}; }
};

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

}  // namespace rollup::testing
