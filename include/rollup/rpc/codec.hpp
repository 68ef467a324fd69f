#pragma once
// Ethereum values in JSON-RPC form, both ways. Encoding follows geth exactly (quantities as hex
// without leading zeros, "0x0" for zero; data as even-length hex; addresses and hashes lower
// case); decoding is strict and says what is wrong in words a wallet developer recognises.

#include <cstdint>
#include <optional>
#include <string>

#include "rollup/base/bytes.hpp"
#include "rollup/base/error.hpp"
#include "rollup/base/uint256.hpp"
#include "rollup/rpc/jsonrpc.hpp"
#include "rollup/types/header.hpp"
#include "rollup/types/receipt.hpp"
#include "rollup/types/transaction.hpp"

namespace rollup::rpc {

enum class Errc {
  ok = 0,
  invalid_argument,  // a parameter of the wrong JSON type or form
  unknown_block,     // a block tag, number or hash the node does not have
};

}  // namespace rollup::rpc

ROLLUP_DECLARE_ERRC(rollup::rpc, Errc);

namespace rollup::rpc {

// ---- Decoding (each returns Errc::invalid_argument with the reason as detail) ----
[[nodiscard]] Result<uint256> decode_quantity(const Json& v);
[[nodiscard]] Result<std::uint64_t> decode_u64(const Json& v);
[[nodiscard]] Result<Bytes> decode_data(const Json& v);
[[nodiscard]] Result<Address> decode_address(const Json& v);
[[nodiscard]] Result<Hash> decode_hash(const Json& v);
[[nodiscard]] Result<bool> decode_bool(const Json& v);

// A block as a request names it: a tag, a number, or (EIP-1898) {"blockNumber": n} /
// {"blockHash": h, "requireCanonical": bool}.
struct BlockId {
  enum class Kind { latest, pending, safe, finalized, earliest, number, hash };
  Kind kind = Kind::latest;
  std::uint64_t number = 0;
  Hash hash;
  bool require_canonical = false;
};
[[nodiscard]] Result<BlockId> decode_block_id(const Json& v);

// ---- Encoding ----
[[nodiscard]] std::string quantity(std::uint64_t v);
[[nodiscard]] std::string quantity(const uint256& v);
[[nodiscard]] std::string hex_data(ByteView v);
template <std::size_t N>
[[nodiscard]] std::string hex_data(const FixedBytes<N>& v) {
  return hex_data(v.view());
}

// EIP-55 mixed-case form, which geth uses where an address is a map key (txpool_content).
[[nodiscard]] std::string checksum_address(const Address& a);

// Where a transaction sits, for the fields geth adds to transactions and receipts in blocks.
struct TxPlace {
  Hash block_hash;
  std::uint64_t block_number = 0;
  std::uint64_t index = 0;
  std::optional<uint256> base_fee;  // of its block: the effective gas price depends on it
};

// A transaction object: blockHash/blockNumber/transactionIndex are null for one still pending.
[[nodiscard]] Json transaction_json(const types::Transaction& txn, const Hash& hash,
                                    const Address& from, const std::optional<TxPlace>& place);

// A header object, as newHeads notifications carry it.
[[nodiscard]] Json header_json(const types::Header& header, const Hash& hash);

// A block object: the header's fields plus size, transactions and the empty uncles and
// withdrawals; `transactions` is either an array of hashes or of transaction objects, built
// by the caller.
[[nodiscard]] Json block_json(const types::Header& header, const Hash& hash, std::uint64_t size,
                              Json transactions);

// A log object: log_index is its index in the block.
[[nodiscard]] Json log_json(const types::Log& log, const TxPlace& place, const Hash& tx_hash,
                            std::uint64_t log_index);

// A receipt object for transaction `txn` at `place`; `gas_used` is its own gas (the difference of
// cumulative gas from the previous receipt), `first_log_index` the block-wide index of its first
// log.
[[nodiscard]] Json receipt_json(const types::Receipt& receipt, const types::Transaction& txn,
                                const Hash& tx_hash, const Address& from, const TxPlace& place,
                                std::uint64_t gas_used, std::uint64_t first_log_index);

}  // namespace rollup::rpc
