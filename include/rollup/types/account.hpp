#pragma once
// The state trie's account record: rlp([nonce, balance, storage_root, code_hash]).

#include <cstdint>

#include "rollup/base/bytes.hpp"
#include "rollup/base/error.hpp"
#include "rollup/base/uint256.hpp"
#include "rollup/types/header.hpp"

namespace rollup::types {

// keccak256(""): the code hash of an account without code.
inline constexpr Hash k_empty_code_hash = {{0xc5, 0xd2, 0x46, 0x01, 0x86, 0xf7, 0x23, 0x3c,
                                            0x92, 0x7e, 0x7d, 0xb2, 0xdc, 0xc7, 0x03, 0xc0,
                                            0xe5, 0x00, 0xb6, 0x53, 0xca, 0x82, 0x27, 0x3b,
                                            0x7b, 0xfa, 0xd8, 0x04, 0x5d, 0x85, 0xa4, 0x70}};

struct Account {
  std::uint64_t nonce = 0;
  uint256 balance;
  Hash storage_root = k_empty_root_hash;
  Hash code_hash = k_empty_code_hash;

  // EIP-161 emptiness: no nonce, no balance, no code (storage does not count).
  [[nodiscard]] bool is_empty() const noexcept {
    return nonce == 0 && balance == uint256{} && code_hash == k_empty_code_hash;
  }
  friend bool operator==(const Account&, const Account&) = default;
};

[[nodiscard]] Bytes encode_account(const Account& account);
[[nodiscard]] Result<Account> decode_account(ByteView encoded);

}  // namespace rollup::types
