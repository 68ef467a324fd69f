#pragma once
// The RocksDB schema: column families and key layouts. Nothing outside src/storage knows these.
//
//   meta         "schema" -> u32; "head" / "safe" / "finalized" -> number(8) hash(32);
//                "history_tail" -> number(8): the oldest block whose state can still be read
//   headers      block hash -> rlp(header)
//   bodies       block hash -> rlp([txn encoding, ...])   (each a string: typed envelopes as is)
//   receipts     block hash -> rlp([receipt encoding, ...])
//   canonical    number(8) -> block hash          (only blocks up to the head)
//   block_index  block hash -> number(8)
//   tx_index     txn hash -> number(8) index(4)
//   accounts     address(20) -> rlp(account)      (flat state of the head, storage root included)
//   storage      address(20) slot(32) -> word, big-endian without leading zeros
//   code         code hash -> code
//   trie_nodes   node hash -> node encoding       (never deleted: every committed root stays
//   readable) history      'B' number(8) -> rlp([[address, previous account or "", [[slot, previous
//   word]...]]...])
//                'A' address(20) number(8) -> the account before block `number` ("" = none)
//                'S' address(20) slot(32) number(8) -> the word before block `number`
//   l1_origins   number(8) -> L1 number(8) L1 hash(32): the L1 block the L2 block was built on
//                (only blocks up to the head; blocks written before the family existed have none)
//   batcher      the batcher's own records (its channels and their L1 transactions); keys and
//                values are the batcher module's, written with the safe and finalized heads
// Numbers are big-endian so that keys sort by number; the history's A and S keys let a read of the
// state at block n seek to the first change after n (its "before" value is the value at n).

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "rollup/base/bytes.hpp"

namespace rollup::storage::schema {

inline constexpr std::uint32_t k_version = 1;

enum Family : std::size_t {
  meta,
  headers,
  bodies,
  receipts,
  canonical,
  block_index,
  tx_index,
  accounts,
  storage,
  code,
  trie_nodes,
  history,
  l1_origins,
  batcher,
  family_count,
};

inline constexpr std::array<std::string_view, family_count> k_family_names = {
    "meta",     "headers", "bodies", "receipts",   "canonical", "block_index", "tx_index",
    "accounts", "storage", "code",   "trie_nodes", "history",   "l1_origins",  "batcher"};

inline constexpr std::string_view k_schema_key = "schema";
inline constexpr std::string_view k_head_key = "head";
inline constexpr std::string_view k_safe_key = "safe";
inline constexpr std::string_view k_finalized_key = "finalized";
inline constexpr std::string_view k_history_tail_key = "history_tail";

inline void put_be64(std::string& out, std::uint64_t v) {
  for (int i = 7; i >= 0; --i) out.push_back(static_cast<char>(v >> (8 * i)));
}
inline std::uint64_t get_be64(std::string_view in) {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = v << 8 | static_cast<std::uint8_t>(in[i]);
  return v;
}
inline void put_bytes(std::string& out, ByteView b) {
  out.append(reinterpret_cast<const char*>(b.data()), b.size());
}
inline std::string key_of(ByteView b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}
inline std::string number_key(std::uint64_t n) {
  std::string k;
  put_be64(k, n);
  return k;
}
inline std::string storage_key(const Address& a, const Hash& slot) {
  std::string k;
  put_bytes(k, a.view());
  put_bytes(k, slot.view());
  return k;
}
inline std::string history_block_key(std::uint64_t n) {
  std::string k = "B";
  put_be64(k, n);
  return k;
}
inline std::string history_account_key(const Address& a, std::uint64_t n) {
  std::string k = "A";
  put_bytes(k, a.view());
  put_be64(k, n);
  return k;
}
inline std::string history_storage_key(const Address& a, const Hash& slot, std::uint64_t n) {
  std::string k = "S";
  put_bytes(k, a.view());
  put_bytes(k, slot.view());
  put_be64(k, n);
  return k;
}

}  // namespace rollup::storage::schema
