#pragma once
// Logs, the 2048-bit logs bloom, and post-Byzantium receipts (status code, not a state root) of
// every transaction type. A typed receipt is encoded type byte || RLP list, as in blocks' receipt
// tries.

#include <cstdint>
#include <vector>

#include "rollup/base/bytes.hpp"
#include "rollup/base/error.hpp"
#include "rollup/types/transaction.hpp"

namespace rollup::types {

using Bloom = FixedBytes<256>;

struct Log {
  Address address;
  std::vector<Hash> topics;
  Bytes data;
  friend bool operator==(const Log&, const Log&) = default;
};

// Sets the three bloom bits of one entry (an address or a topic): bits taken from the first three
// byte pairs of keccak256(entry), modulo 2048, counted from the end of the 256-byte array.
void bloom_add(Bloom& bloom, ByteView entry) noexcept;
[[nodiscard]] Bloom logs_bloom(const std::vector<Log>& logs) noexcept;
void bloom_merge(Bloom& into, const Bloom& other) noexcept;
// True when every bit of entry's bloom is set: the entry may be present (false positives happen).
[[nodiscard]] bool bloom_may_contain(const Bloom& bloom, ByteView entry) noexcept;

struct Receipt {
  TxType type = TxType::legacy;
  bool success = false;
  std::uint64_t cumulative_gas_used = 0;
  Bloom bloom;
  std::vector<Log> logs;
  friend bool operator==(const Receipt&, const Receipt&) = default;
};

[[nodiscard]] Bytes encode_receipt(const Receipt& receipt);
// The RLP list of logs [[address, [topics...], data], ...], as receipts hold it (state tests hash
// it).
[[nodiscard]] Bytes encode_logs(const std::vector<Log>& logs);
[[nodiscard]] Result<Receipt> decode_receipt(ByteView encoded);

}  // namespace rollup::types
