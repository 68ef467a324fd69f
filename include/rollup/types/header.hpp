#pragma once
// The Ethereum block header through Cancun and its hash, keccak256(rlp(header)). Fields added by
// later forks are optional and must appear as a prefix in fork order: London adds base_fee_per_gas,
// Shanghai withdrawals_root, Cancun blob_gas_used, excess_blob_gas and parent_beacon_block_root.
// L2 blocks always carry all of them, so every Ethereum tool can hash and check them.

#include <cstdint>
#include <optional>

#include "rollup/base/bytes.hpp"
#include "rollup/base/error.hpp"
#include "rollup/base/uint256.hpp"
#include "rollup/types/receipt.hpp"

namespace rollup::types {

// keccak256(rlp([])): the ommers hash of every post-merge block.
inline constexpr Hash k_empty_ommers_hash = {{0x1d, 0xcc, 0x4d, 0xe8, 0xde, 0xc7, 0x5d, 0x7a,
                                              0xab, 0x85, 0xb5, 0x67, 0xb6, 0xcc, 0xd4, 0x1a,
                                              0xd3, 0x12, 0x45, 0x1b, 0x94, 0x8a, 0x74, 0x13,
                                              0xf0, 0xa1, 0x42, 0xfd, 0x40, 0xd4, 0x93, 0x47}};
// keccak256(rlp("")): the root of an empty trie (no transactions, receipts or withdrawals).
inline constexpr Hash k_empty_root_hash = {{0x56, 0xe8, 0x1f, 0x17, 0x1b, 0xcc, 0x55, 0xa6,
                                            0xff, 0x83, 0x45, 0xe6, 0x92, 0xc0, 0xf8, 0x6e,
                                            0x5b, 0x48, 0xe0, 0x1b, 0x99, 0x6c, 0xad, 0xc0,
                                            0x01, 0x62, 0x2f, 0xb5, 0xe3, 0x63, 0xb4, 0x21}};

struct Header {
  Hash parent_hash;
  Hash ommers_hash = k_empty_ommers_hash;
  Address beneficiary;
  Hash state_root;
  Hash transactions_root = k_empty_root_hash;
  Hash receipts_root = k_empty_root_hash;
  Bloom logs_bloom;
  uint256 difficulty;
  std::uint64_t number = 0;
  std::uint64_t gas_limit = 0;
  std::uint64_t gas_used = 0;
  std::uint64_t timestamp = 0;
  Bytes extra_data;
  Hash mix_hash;  // prev_randao since the merge
  FixedBytes<8> nonce;
  std::optional<uint256> base_fee_per_gas;         // London
  std::optional<Hash> withdrawals_root;            // Shanghai
  std::optional<std::uint64_t> blob_gas_used;      // Cancun
  std::optional<std::uint64_t> excess_blob_gas;    // Cancun
  std::optional<Hash> parent_beacon_block_root;    // Cancun

  friend bool operator==(const Header&, const Header&) = default;
};

[[nodiscard]] Bytes encode_header(const Header& header);
[[nodiscard]] Result<Header> decode_header(ByteView encoded);
[[nodiscard]] Hash header_hash(const Header& header);

}  // namespace rollup::types
