#pragma once
// Ethereum transactions as a Cancun node sees them: legacy (with or without EIP-155 replay
// protection), EIP-2930 access-list, EIP-1559 dynamic-fee and EIP-4844 blob transactions (type 3,
// in their canonical form; the network form that carries the blobs is refused). This L2 has no blob
// space, so its pool and blocks refuse blob transactions (execution::ChainConfig); Ethereum's rules,
// which the conformance tests run, accept them. Decoding is canonical only (see rlp.hpp), so encode(decode(x)) == x and the
// hash of a decoded transaction is the hash of the bytes it came from.

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "rollup/base/bytes.hpp"
#include "rollup/base/error.hpp"
#include "rollup/base/uint256.hpp"
#include "rollup/types/errors.hpp"

namespace rollup::crypto {
class SecretKey;
}

namespace rollup::types {

enum class TxType : std::uint8_t { legacy = 0, access_list = 1, dynamic_fee = 2, blob = 3 };

struct AccessListEntry {
  Address address;
  std::vector<Hash> storage_keys;
  friend bool operator==(const AccessListEntry&, const AccessListEntry&) = default;
};
using AccessList = std::vector<AccessListEntry>;

struct Transaction {
  TxType type = TxType::legacy;
  // Legacy: absent for pre-EIP-155 signatures (v = 27/28), else derived from v. Typed: always set.
  std::optional<std::uint64_t> chain_id;
  std::uint64_t nonce = 0;
  // Legacy and EIP-2930 transactions have one gas price, held in both fields, which is exactly how
  // EIP-1559 fee rules treat them.
  uint256 max_priority_fee_per_gas;
  uint256 max_fee_per_gas;
  std::uint64_t gas_limit = 0;
  std::optional<Address> to;  // absent: contract creation
  uint256 value;
  Bytes data;
  AccessList access_list;
  // EIP-4844 (type 3 only).
  uint256 max_fee_per_blob_gas;
  std::vector<Hash> blob_versioned_hashes;
  // Signature. y_parity is the recovery id (0/1); legacy v is derived from it and chain_id.
  std::uint8_t y_parity = 0;
  uint256 r;
  uint256 s;

  [[nodiscard]] bool is_create() const noexcept { return !to.has_value(); }
  [[nodiscard]] uint256 legacy_v() const noexcept;

  friend bool operator==(const Transaction&, const Transaction&) = default;
};

// The EIP-2718 envelope: an RLP list for legacy, type byte || RLP list for typed transactions
// (the form of eth_sendRawTransaction and of the transaction hash).
[[nodiscard]] Result<Transaction> decode_transaction(ByteView envelope);
[[nodiscard]] Bytes encode_transaction(const Transaction& txn);

[[nodiscard]] Hash transaction_hash(const Transaction& txn);
// The hash that is signed: without signature fields; legacy EIP-155 appends chain_id, 0, 0.
[[nodiscard]] Hash signing_hash(const Transaction& txn);
[[nodiscard]] Result<Address> recover_sender(const Transaction& txn);
// recover_sender for each, in one batch (crypto::recover_addresses: vector lanes where the CPU
// has them). Entry i is what recover_sender(txns[i]) returns.
[[nodiscard]] std::vector<Result<Address>> recover_senders(std::span<const Transaction> txns);

// Signs in place (RFC 6979, so the same key and fields always give the same bytes). The
// transaction's type and chain_id choose the signing scheme.
[[nodiscard]] Result<void> sign_transaction(Transaction& txn, const crypto::SecretKey& key);

// Cancun intrinsic gas: 21000 (+32000 for creation), 4 per zero and 16 per non-zero data byte
// (EIP-2028), 2400 per access-list address and 1900 per storage key (EIP-2930), and 2 per 32-byte
// word of initcode (EIP-3860).
[[nodiscard]] std::uint64_t intrinsic_gas(const Transaction& txn) noexcept;

inline constexpr std::size_t k_max_initcode_size = 49152;  // EIP-3860: 2 * 24576

// The checks that need no state, under Cancun rules: signature values (EIP-2 low s), chain id
// (replay protection is optional for legacy transactions, as on Ethereum), EIP-2681 nonce limit,
// fee fields, gas limit against intrinsic gas, EIP-3860 initcode size, and for blob transactions
// EIP-4844's shape: one to six blobs, each hash of version 0x01.
[[nodiscard]] Result<void> check_transaction(const Transaction& txn, std::uint64_t chain_id);

}  // namespace rollup::types
