#pragma once
// The Ethereum JSON-RPC methods an L1 poster needs, typed and blocking, over a Client.
//
// Invariants:
// - Answers are parsed strictly, as the execution-apis spec writes them: quantities are "0x" and
//   hex digits without leading zeros, data is "0x" and an even number of digits, hashes are 32
//   bytes and addresses 20. Nothing is guessed: any other form, a missing member or a member of
//   the wrong JSON type is Errc::bad_response, and the detail names the method and the member
//   ("eth_getBlockByNumber (baseFeePerGas: ...)").
// - "Not found" (a null result) is std::nullopt, never an error.
// - Transport and JSON-RPC errors come back unchanged from the Client, so rpc_error() and
//   txn_rejection() read them.
// - Every method blocks its caller; none may be called from a Client handler.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "rollup/base/bytes.hpp"
#include "rollup/base/error.hpp"
#include "rollup/base/uint256.hpp"
#include "rollup/l1/client.hpp"

namespace rollup::l1 {

enum class BlockTag { latest, safe, finalized, pending, earliest };
// A block by number or by tag, as the block parameter of eth_getBlockByNumber and friends.
using BlockId = std::variant<std::uint64_t, BlockTag>;
[[nodiscard]] std::string to_param(const BlockId& block);  // "0x1b4", "finalized"

// A transaction as eth_getTransactionByHash and full blocks give it (the fields a poster reads).
struct Txn {
  Hash hash;
  std::uint64_t type = 0;
  std::uint64_t nonce = 0;
  Address from;
  std::optional<Address> to;  // nullopt: a contract creation
  Bytes input;
  std::optional<Hash> block_hash;          // nullopt while pending
  std::optional<std::uint64_t> block_num;  // nullopt while pending
};

struct Block {
  std::uint64_t number = 0;
  Hash hash;
  Hash parent_hash;
  std::uint64_t timestamp = 0;
  std::uint64_t gas_limit = 0;
  std::uint64_t gas_used = 0;
  std::optional<uint256> base_fee;  // nullopt before London
  std::vector<Hash> txn_hashes;     // always, in block order
  std::vector<Txn> txns;            // with full transactions only
};

struct Receipt {
  Hash txn_hash;
  Hash block_hash;
  std::uint64_t block_num = 0;
  std::uint64_t status = 0;  // 1 success, 0 reverted (post-Byzantium receipts only)
  std::uint64_t gas_used = 0;
  uint256 effective_gas_price;
};

struct FeeHistory {
  std::uint64_t oldest_block = 0;
  // One per block and one more: the last is the base fee of the block after the newest.
  std::vector<uint256> base_fees;
  std::vector<double> gas_used_ratios;        // one per block
  std::vector<std::vector<uint256>> rewards;  // one per block, one per percentile; empty without
                                              // percentiles
};

// The reasons a node refuses eth_sendRawTransaction that a poster acts on, told apart by the
// messages geth, reth and anvil use.
enum class TxnRejection {
  other,
  nonce_too_low,            // "nonce too low": a transaction with that nonce is already included
  already_known,            // "already known": the node has this very transaction
  insufficient_funds,       // "insufficient funds for gas * price + value"
  replacement_underpriced,  // "replacement transaction underpriced": bump the fees more
};
// nullopt when the error is not a JSON-RPC error answer.
[[nodiscard]] std::optional<TxnRejection> txn_rejection(const Error& error);

// The strict decoders behind Eth, for answers obtained elsewhere (a batch). The errors are
// Errc::bad_response naming the member.
[[nodiscard]] Result<std::optional<Block>> parse_block(const nlohmann::json& result, bool full);
[[nodiscard]] Result<std::optional<Txn>> parse_txn(const nlohmann::json& result);
[[nodiscard]] Result<std::optional<Receipt>> parse_receipt(const nlohmann::json& result);
[[nodiscard]] Result<FeeHistory> parse_fee_history(const nlohmann::json& result,
                                                   std::size_t percentiles);

class Eth {
 public:
  explicit Eth(Client& client) : m_client(client) {}

  [[nodiscard]] Result<std::uint64_t> chain_id();
  [[nodiscard]] Result<std::uint64_t> block_number();
  [[nodiscard]] Result<std::optional<Block>> get_block(const BlockId& block, bool full_txns);
  [[nodiscard]] Result<std::optional<Txn>> get_transaction(const Hash& txn_hash);
  [[nodiscard]] Result<std::optional<Receipt>> get_transaction_receipt(const Hash& txn_hash);
  [[nodiscard]] Result<std::uint64_t> get_transaction_count(const Address& address,
                                                            const BlockId& block);
  [[nodiscard]] Result<uint256> get_balance(const Address& address, const BlockId& block);
  [[nodiscard]] Result<FeeHistory> fee_history(std::uint64_t block_count, const BlockId& newest,
                                               std::span<const double> reward_percentiles);
  // The signed transaction's canonical encoding; the node's hash of it.
  [[nodiscard]] Result<Hash> send_raw_transaction(ByteView raw_txn);

 private:
  Client& m_client;
};

}  // namespace rollup::l1
