#pragma once
// Genesis files in geth's format (what `geth init` and `anvil --init` read), parsed strictly.
//
// Invariants of a parsed Genesis:
//  - alloc is sorted by address and holds each address once, however the file spelled it (with or
//    without 0x, either hex case); storage is sorted by slot, each slot once, and holds no zero
//    values (geth writes none to the trie). Accounts with nothing in them are kept: geth's genesis
//    commits without deleting empty objects, so they are part of the state root.
//  - Every fork through Cancun is active at block 0. rollupd runs Cancun rules from genesis whether
//    or not the config lists a fork; a listed fork that activates later, any fork after Cancun and
//    the ethash/clique engines are refused instead of being silently run differently.
//  - Defaults are applied as geth applies them, so the header built from a Genesis hashes the way
//    geth's genesis block does: gasLimit 0 becomes 4712388, a missing baseFeePerGas 1 gwei.
//  - Nothing unknown passes: an unknown key, a duplicate JSON key, a wrong length or an
//  out-of-range
//    number is an error naming the key path. Parsing is deterministic and does no I/O.

#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

#include "rollup/base/bytes.hpp"
#include "rollup/base/error.hpp"
#include "rollup/base/uint256.hpp"
#include "rollup/execution/errors.hpp"
#include "rollup/types/header.hpp"

namespace rollup::execution {

// geth's params.InitialBaseFee: the genesis base fee when the file gives none (London at block 0).
inline constexpr std::uint64_t k_genesis_default_base_fee = 1'000'000'000;
// geth's params.GenesisGasLimit: the genesis gas limit when the file says 0.
inline constexpr std::uint64_t k_genesis_default_gas_limit = 4'712'388;

struct GenesisAccount {
  Address address;
  uint256 balance;
  std::uint64_t nonce = 0;
  Bytes code;
  std::vector<std::pair<Hash, Hash>> storage;  // sorted by slot; zero values dropped

  friend bool operator==(const GenesisAccount&, const GenesisAccount&) = default;
};

struct Genesis {
  std::uint64_t chain_id = 0;
  std::uint64_t nonce = 0;
  std::uint64_t timestamp = 0;
  Bytes extra_data;
  std::uint64_t gas_limit = 0;
  uint256 difficulty;
  Hash mix_hash;
  Address coinbase;
  uint256 base_fee_per_gas;  // k_genesis_default_base_fee when the file has none
  std::uint64_t excess_blob_gas = 0;
  std::uint64_t blob_gas_used = 0;
  std::vector<GenesisAccount> alloc;  // sorted by address

  friend bool operator==(const Genesis&, const Genesis&) = default;
};

// Parses the text of a genesis file. Errors are execution::Errc::genesis_* with the key path in the
// detail; malformed JSON carries the JSON parser's line/column message.
[[nodiscard]] Result<Genesis> parse_genesis(std::string_view json_text);

// The genesis block header for a state root computed elsewhere: number 0, parent hash zero, no
// transactions, gas used 0, and all London..Cancun fields present (base fee, empty withdrawals
// root, blob gas used and excess from the genesis, zero parent beacon block root), as geth builds
// it for a chain with Cancun active at genesis.
[[nodiscard]] types::Header make_genesis_header(const Genesis& genesis, const Hash& state_root);

}  // namespace rollup::execution
