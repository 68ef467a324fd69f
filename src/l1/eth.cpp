#include "rollup/l1/eth.hpp"

#include <algorithm>
#include <cctype>
#include <string_view>

#include "rollup/base/hex.hpp"

namespace rollup::l1 {

namespace {

using json = nlohmann::json;

// --- members of an answer object ------------------------------------------------------------
// Each reader takes the member's text and a strict base decoder, and turns whatever goes wrong into
// bad_response naming the member, so a caller sees which field of the node's answer was wrong.

Error bad_member(std::string_view name, std::string_view why) {
  return Error(make_error_code(Errc::bad_response), std::string(name) + ": " + std::string(why));
}

template <typename Decode>
auto decode_text(const json& value, std::string_view name, Decode decode)
    -> decltype(decode(std::string_view())) {
  if (!value.is_string()) return fail(bad_member(name, "not a string"));
  auto out = decode(value.get_ref<const std::string&>());
  if (!out) return fail(bad_member(name, out.error().message()));
  return out;
}

template <typename Decode>
auto required(const json& object, std::string_view name, Decode decode)
    -> decltype(decode(std::string_view())) {
  const auto it = object.find(name);
  if (it == object.end()) return fail(bad_member(name, "missing"));
  return decode_text(*it, name, decode);
}

// Absent or null is nullopt.
template <typename Decode>
auto optional(const json& object, std::string_view name, Decode decode)
    -> Result<std::optional<typename decltype(decode(std::string_view()))::value_type>> {
  const auto it = object.find(name);
  if (it == object.end() || it->is_null()) return std::nullopt;
  ROLLUP_TRY(auto value, decode_text(*it, name, decode));
  return value;
}

const auto k_u64 = [](std::string_view text) { return hex::decode_quantity(text); };
const auto k_u256 = [](std::string_view text) { return uint256_from_quantity(text); };
const auto k_data = [](std::string_view text) { return hex::decode(text); };
const auto k_hash = [](std::string_view text) { return hex::decode_fixed<32>(text); };
const auto k_address = [](std::string_view text) { return hex::decode_fixed<20>(text); };

Result<void> expect_object(const json& value, std::string_view what) {
  if (!value.is_object()) return fail(Errc::bad_response, std::string(what) + " is not an object");
  return {};
}

Result<Txn> txn_from(const json& object) {
  ROLLUP_TRY_VOID(expect_object(object, "transaction"));
  Txn txn;
  ROLLUP_TRY(txn.hash, required(object, "hash", k_hash));
  ROLLUP_TRY(txn.type, required(object, "type", k_u64));
  ROLLUP_TRY(txn.nonce, required(object, "nonce", k_u64));
  ROLLUP_TRY(txn.from, required(object, "from", k_address));
  ROLLUP_TRY(txn.to, optional(object, "to", k_address));
  ROLLUP_TRY(txn.input, required(object, "input", k_data));
  ROLLUP_TRY(txn.block_hash, optional(object, "blockHash", k_hash));
  ROLLUP_TRY(txn.block_num, optional(object, "blockNumber", k_u64));
  return txn;
}

Result<Block> block_from(const json& object, bool full) {
  ROLLUP_TRY_VOID(expect_object(object, "block"));
  Block block;
  ROLLUP_TRY(block.number, required(object, "number", k_u64));
  ROLLUP_TRY(block.hash, required(object, "hash", k_hash));
  ROLLUP_TRY(block.parent_hash, required(object, "parentHash", k_hash));
  ROLLUP_TRY(block.timestamp, required(object, "timestamp", k_u64));
  ROLLUP_TRY(block.gas_limit, required(object, "gasLimit", k_u64));
  ROLLUP_TRY(block.gas_used, required(object, "gasUsed", k_u64));
  ROLLUP_TRY(block.base_fee, optional(object, "baseFeePerGas", k_u256));
  const auto txns = object.find("transactions");
  if (txns == object.end() || !txns->is_array())
    return fail(bad_member("transactions", "missing or not an array"));
  for (std::size_t i = 0; i < txns->size(); ++i) {
    const json& entry = (*txns)[i];
    const std::string name = "transactions[" + std::to_string(i) + "]";
    if (full) {
      ROLLUP_TRY(Txn txn, with_context(txn_from(entry), name));
      block.txn_hashes.push_back(txn.hash);
      block.txns.push_back(std::move(txn));
    } else {
      ROLLUP_TRY(Hash hash, decode_text(entry, name, k_hash));
      block.txn_hashes.push_back(hash);
    }
  }
  return block;
}

Result<Receipt> receipt_from(const json& object) {
  ROLLUP_TRY_VOID(expect_object(object, "receipt"));
  Receipt receipt;
  ROLLUP_TRY(receipt.txn_hash, required(object, "transactionHash", k_hash));
  ROLLUP_TRY(receipt.block_hash, required(object, "blockHash", k_hash));
  ROLLUP_TRY(receipt.block_num, required(object, "blockNumber", k_u64));
  ROLLUP_TRY(receipt.status, required(object, "status", k_u64));
  ROLLUP_TRY(receipt.gas_used, required(object, "gasUsed", k_u64));
  ROLLUP_TRY(receipt.effective_gas_price, required(object, "effectiveGasPrice", k_u256));
  if (receipt.status > 1) return fail(bad_member("status", "neither 0x0 nor 0x1"));
  return receipt;
}

template <typename T>
Result<std::optional<T>> unless_null(const json& result, Result<T> (*decode)(const json&)) {
  if (result.is_null()) return std::nullopt;
  ROLLUP_TRY(T value, decode(result));
  return value;
}

Result<std::vector<uint256>> quantities(const json& array, std::string_view name) {
  if (!array.is_array()) return fail(bad_member(name, "not an array"));
  std::vector<uint256> out;
  for (std::size_t i = 0; i < array.size(); ++i) {
    ROLLUP_TRY(uint256 v,
               decode_text(array[i], std::string(name) + "[" + std::to_string(i) + "]", k_u256));
    out.push_back(v);
  }
  return out;
}

// The result of a call, decoded, with the method as context of a decoding error.
template <typename Decode>
auto decoded(Result<json> answer, std::string_view method, Decode decode)
    -> decltype(decode(std::declval<const json&>())) {
  if (!answer) return fail(std::move(answer).error());
  return with_context(decode(*answer), method);
}

auto quantity_u64(const json& result) {
  return decode_text(result, "result", k_u64);
}

}  // namespace

std::string to_param(const BlockId& block) {
  if (const auto* number = std::get_if<std::uint64_t>(&block)) return hex::encode_quantity(*number);
  switch (std::get<BlockTag>(block)) {
    case BlockTag::latest: return "latest";
    case BlockTag::safe: return "safe";
    case BlockTag::finalized: return "finalized";
    case BlockTag::pending: return "pending";
    case BlockTag::earliest: return "earliest";
  }
  return "latest";
}

std::optional<TxnRejection> txn_rejection(const Error& error) {
  const auto rpc = rpc_error(error);
  if (!rpc) return std::nullopt;
  std::string message = rpc->message;
  std::ranges::transform(message, message.begin(),
                         [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const auto has = [&](std::string_view part) { return message.find(part) != std::string::npos; };
  if (has("nonce too low")) return TxnRejection::nonce_too_low;
  // geth: "already known"; older geth: "known transaction: <hash>"; anvil: "transaction already
  // imported".
  if (has("already known") || has("known transaction") || has("already imported"))
    return TxnRejection::already_known;
  if (has("insufficient funds")) return TxnRejection::insufficient_funds;
  if (has("replacement transaction underpriced")) return TxnRejection::replacement_underpriced;
  return TxnRejection::other;
}

Result<std::optional<Block>> parse_block(const json& result, bool full) {
  if (result.is_null()) return std::nullopt;
  ROLLUP_TRY(Block block, block_from(result, full));
  return block;
}

Result<std::optional<Txn>> parse_txn(const json& result) {
  return unless_null<Txn>(result, txn_from);
}

Result<std::optional<Receipt>> parse_receipt(const json& result) {
  return unless_null<Receipt>(result, receipt_from);
}

Result<FeeHistory> parse_fee_history(const json& result, std::size_t percentiles) {
  ROLLUP_TRY_VOID(expect_object(result, "fee history"));
  FeeHistory history;
  ROLLUP_TRY(history.oldest_block, required(result, "oldestBlock", k_u64));
  const auto base_fees = result.find("baseFeePerGas");
  if (base_fees == result.end()) return fail(bad_member("baseFeePerGas", "missing"));
  ROLLUP_TRY(history.base_fees, quantities(*base_fees, "baseFeePerGas"));
  const auto ratios = result.find("gasUsedRatio");
  if (ratios == result.end() || !ratios->is_array())
    return fail(bad_member("gasUsedRatio", "missing or not an array"));
  for (const json& ratio : *ratios) {
    if (!ratio.is_number()) return fail(bad_member("gasUsedRatio", "holds a non-number"));
    history.gas_used_ratios.push_back(ratio.get<double>());
  }
  const std::size_t blocks = history.gas_used_ratios.size();
  if (history.base_fees.size() != blocks + 1)
    return fail(bad_member("baseFeePerGas", "needs one entry per block and one more"));
  if (percentiles > 0) {
    const auto rewards = result.find("reward");
    if (rewards == result.end() || !rewards->is_array() || rewards->size() != blocks)
      return fail(bad_member("reward", "missing or not one entry per block"));
    for (std::size_t i = 0; i < blocks; ++i) {
      ROLLUP_TRY(auto row, quantities((*rewards)[i], "reward[" + std::to_string(i) + "]"));
      if (row.size() != percentiles)
        return fail(bad_member("reward", "not one entry per percentile"));
      history.rewards.push_back(std::move(row));
    }
  }
  return history;
}

Result<std::uint64_t> Eth::chain_id() {
  return decoded(m_client.call("eth_chainId"), "eth_chainId", quantity_u64);
}

Result<std::uint64_t> Eth::block_number() {
  return decoded(m_client.call("eth_blockNumber"), "eth_blockNumber", quantity_u64);
}

Result<std::optional<Block>> Eth::get_block(const BlockId& block, bool full_txns) {
  return decoded(m_client.call("eth_getBlockByNumber", json::array({to_param(block), full_txns})),
                 "eth_getBlockByNumber",
                 [full_txns](const json& result) { return parse_block(result, full_txns); });
}

Result<std::optional<Txn>> Eth::get_transaction(const Hash& txn_hash) {
  return decoded(m_client.call("eth_getTransactionByHash", json::array({hex::encode(txn_hash)})),
                 "eth_getTransactionByHash", parse_txn);
}

Result<std::optional<Receipt>> Eth::get_transaction_receipt(const Hash& txn_hash) {
  return decoded(m_client.call("eth_getTransactionReceipt", json::array({hex::encode(txn_hash)})),
                 "eth_getTransactionReceipt", parse_receipt);
}

Result<std::uint64_t> Eth::get_transaction_count(const Address& address, const BlockId& block) {
  return decoded(m_client.call("eth_getTransactionCount",
                               json::array({hex::encode(address), to_param(block)})),
                 "eth_getTransactionCount", quantity_u64);
}

Result<uint256> Eth::get_balance(const Address& address, const BlockId& block) {
  return decoded(
      m_client.call("eth_getBalance", json::array({hex::encode(address), to_param(block)})),
      "eth_getBalance", [](const json& result) { return decode_text(result, "result", k_u256); });
}

Result<FeeHistory> Eth::fee_history(std::uint64_t block_count, const BlockId& newest,
                                    std::span<const double> reward_percentiles) {
  json percentiles = json::array();
  for (double p : reward_percentiles) percentiles.push_back(p);
  return decoded(
      m_client.call("eth_feeHistory", json::array({hex::encode_quantity(block_count),
                                                   to_param(newest), std::move(percentiles)})),
      "eth_feeHistory",
      [n = reward_percentiles.size()](const json& result) { return parse_fee_history(result, n); });
}

Result<Hash> Eth::send_raw_transaction(ByteView raw_txn) {
  return decoded(m_client.call("eth_sendRawTransaction", json::array({hex::encode(raw_txn)})),
                 "eth_sendRawTransaction",
                 [](const json& result) { return decode_text(result, "result", k_hash); });
}

}  // namespace rollup::l1
