#include "rollup/rpc/codec.hpp"

#include "rollup/evm/evm.hpp"

#include "rollup/base/hex.hpp"
#include "rollup/crypto/keccak.hpp"
#include "rollup/execution/executor.hpp"
#include "rollup/rlp/rlp.hpp"

namespace rollup::rpc {

std::string_view category_name(Errc) noexcept {
  return "rpc";
}

std::string_view describe(Errc e) noexcept {
  switch (e) {
    case Errc::ok: return "ok";
    case Errc::invalid_argument: return "invalid argument";
    case Errc::unknown_block: return "unknown block";
  }
  return "unknown rpc error";
}

namespace {

Result<std::string_view> text_of(const Json& v, std::string_view what) {
  if (!v.is_string()) {
    return fail(Errc::invalid_argument,
                std::string(what) + " must be a hex string, not " + std::string(v.type_name()));
  }
  return std::string_view(v.get_ref<const std::string&>());
}

// A base error (bad digit, missing prefix) as an invalid argument carrying its description.
Error invalid(const Error& e) {
  std::string why = e.code().message();
  if (!e.detail().empty()) why += " (" + e.detail() + ")";
  return Error(make_error_code(Errc::invalid_argument), why);
}

template <std::size_t N>
Result<FixedBytes<N>> decode_fixed_json(const Json& v, std::string_view what) {
  ROLLUP_TRY(std::string_view text, text_of(v, what));
  auto bytes = hex::decode(text);
  if (!bytes) return std::unexpected(invalid(bytes.error()));
  if (bytes->size() != N) {
    return fail(Errc::invalid_argument, "hex string has length " +
                                            std::to_string(bytes->size() * 2) + ", want " +
                                            std::to_string(N * 2) + " for " + std::string(what));
  }
  FixedBytes<N> out;
  std::copy(bytes->begin(), bytes->end(), out.bytes.begin());
  return out;
}

}  // namespace

Result<uint256> decode_quantity(const Json& v) {
  ROLLUP_TRY(std::string_view text, text_of(v, "a quantity"));
  auto q = uint256_from_quantity(text);
  if (!q) return std::unexpected(invalid(q.error()));
  return *q;
}

Result<std::uint64_t> decode_u64(const Json& v) {
  ROLLUP_TRY(uint256 q, decode_quantity(v));
  if (!q.fits_u64()) return fail(Errc::invalid_argument, "hex number > 64 bits");
  return q.low64();
}

Result<Bytes> decode_data(const Json& v) {
  ROLLUP_TRY(std::string_view text, text_of(v, "data"));
  auto bytes = hex::decode(text);
  if (!bytes) return std::unexpected(invalid(bytes.error()));
  return std::move(*bytes);
}

Result<Address> decode_address(const Json& v) {
  return decode_fixed_json<20>(v, "an address");
}

Result<Hash> decode_hash(const Json& v) {
  return decode_fixed_json<32>(v, "a hash");
}

Result<bool> decode_bool(const Json& v) {
  if (!v.is_boolean()) {
    return fail(Errc::invalid_argument, "want true or false, not " + std::string(v.type_name()));
  }
  return v.get<bool>();
}

Result<BlockId> decode_block_id(const Json& v) {
  BlockId id;
  if (v.is_object()) {
    const auto number = v.find("blockNumber");
    const auto hash = v.find("blockHash");
    if ((number == v.end()) == (hash == v.end())) {
      return fail(Errc::invalid_argument,
                  "a block object needs exactly one of blockNumber and blockHash");
    }
    if (number != v.end()) return decode_block_id(*number);
    id.kind = BlockId::Kind::hash;
    ROLLUP_TRY(id.hash, decode_hash(*hash));
    if (const auto canonical = v.find("requireCanonical"); canonical != v.end()) {
      ROLLUP_TRY(id.require_canonical, decode_bool(*canonical));
    }
    return id;
  }
  ROLLUP_TRY(std::string_view text, text_of(v, "a block number or tag"));
  static constexpr std::pair<std::string_view, BlockId::Kind> k_tags[] = {
      {"latest", BlockId::Kind::latest},
      {"pending", BlockId::Kind::pending},
      {"safe", BlockId::Kind::safe},
      {"finalized", BlockId::Kind::finalized},
      {"earliest", BlockId::Kind::earliest}};
  for (const auto& [name, kind] : k_tags) {
    if (text == name) {
      id.kind = kind;
      return id;
    }
  }
  // A 32-byte hex string is a block hash (geth accepts it in the same position).
  if (text.size() == 66) {
    id.kind = BlockId::Kind::hash;
    ROLLUP_TRY(id.hash, decode_hash(v));
    return id;
  }
  id.kind = BlockId::Kind::number;
  ROLLUP_TRY(id.number, decode_u64(v));
  return id;
}

std::string quantity(std::uint64_t v) {
  return hex::encode_quantity(v);
}

std::string quantity(const uint256& v) {
  return to_hex_quantity(v);
}

std::string hex_data(ByteView v) {
  return hex::encode(v);
}

std::string checksum_address(const Address& a) {
  std::string hex = hex::encode(a.view(), /*with_prefix=*/false);
  const Hash h =
      crypto::keccak256(ByteView(reinterpret_cast<const std::uint8_t*>(hex.data()), hex.size()));
  for (std::size_t i = 0; i < hex.size(); ++i) {
    const std::uint8_t nibble = (h.bytes[i / 2] >> (i % 2 == 0 ? 4 : 0)) & 0xf;
    if (hex[i] >= 'a' && nibble >= 8) hex[i] = static_cast<char>(hex[i] - 'a' + 'A');
  }
  return "0x" + hex;
}

namespace {

const char* type_quantity(types::TxType t) {
  switch (t) {
    case types::TxType::legacy: return "0x0";
    case types::TxType::access_list: return "0x1";
    case types::TxType::dynamic_fee: return "0x2";
    case types::TxType::blob: return "0x3";
  }
  return "0x0";
}

Json access_list_json(const types::AccessList& list) {
  Json out = Json::array();
  for (const auto& entry : list) {
    Json keys = Json::array();
    for (const Hash& k : entry.storage_keys) keys.push_back(hex_data(k));
    out.push_back({{"address", hex_data(entry.address)}, {"storageKeys", std::move(keys)}});
  }
  return out;
}

// What the sender paid per gas, as geth reports it: at its block's base fee once included, and the
// fee cap while it is pending (the block and so the base fee are not known yet).
uint256 price_paid(const types::Transaction& txn, const std::optional<uint256>& base_fee) {
  return base_fee ? execution::effective_gas_price(txn, *base_fee) : txn.max_fee_per_gas;
}

}  // namespace

Json transaction_json(const types::Transaction& txn, const Hash& hash, const Address& from,
                      const std::optional<TxPlace>& place) {
  Json out = {
      {"type", type_quantity(txn.type)},
      {"hash", hex_data(hash)},
      {"from", hex_data(from)},
      {"to", txn.to ? Json(hex_data(*txn.to)) : Json(nullptr)},
      {"nonce", quantity(txn.nonce)},
      {"gas", quantity(txn.gas_limit)},
      {"value", quantity(txn.value)},
      {"input", hex_data(txn.data)},
      {"gasPrice", quantity(price_paid(txn, place ? place->base_fee : std::nullopt))},
      {"r", quantity(txn.r)},
      {"s", quantity(txn.s)},
      {"blockHash", place ? Json(hex_data(place->block_hash)) : Json(nullptr)},
      {"blockNumber", place ? Json(quantity(place->block_number)) : Json(nullptr)},
      {"transactionIndex", place ? Json(quantity(place->index)) : Json(nullptr)},
  };
  if (txn.type == types::TxType::legacy) {
    out["v"] = quantity(txn.legacy_v());
  } else {
    out["v"] = quantity(static_cast<std::uint64_t>(txn.y_parity));
    out["yParity"] = quantity(static_cast<std::uint64_t>(txn.y_parity));
    out["accessList"] = access_list_json(txn.access_list);
  }
  if (txn.chain_id) out["chainId"] = quantity(*txn.chain_id);
  if (txn.type == types::TxType::dynamic_fee) {
    out["maxFeePerGas"] = quantity(txn.max_fee_per_gas);
    out["maxPriorityFeePerGas"] = quantity(txn.max_priority_fee_per_gas);
  }
  return out;
}

Json header_json(const types::Header& h, const Hash& hash) {
  Json out = {
      {"number", quantity(h.number)},
      {"hash", hex_data(hash)},
      {"parentHash", hex_data(h.parent_hash)},
      {"nonce", hex_data(h.nonce)},
      {"sha3Uncles", hex_data(h.ommers_hash)},
      {"logsBloom", hex_data(h.logs_bloom)},
      {"transactionsRoot", hex_data(h.transactions_root)},
      {"stateRoot", hex_data(h.state_root)},
      {"receiptsRoot", hex_data(h.receipts_root)},
      {"miner", hex_data(h.beneficiary)},
      {"difficulty", quantity(h.difficulty)},
      {"extraData", hex_data(h.extra_data)},
      {"gasLimit", quantity(h.gas_limit)},
      {"gasUsed", quantity(h.gas_used)},
      {"timestamp", quantity(h.timestamp)},
      {"mixHash", hex_data(h.mix_hash)},
  };
  if (h.base_fee_per_gas) out["baseFeePerGas"] = quantity(*h.base_fee_per_gas);
  if (h.withdrawals_root) out["withdrawalsRoot"] = hex_data(*h.withdrawals_root);
  if (h.blob_gas_used) out["blobGasUsed"] = quantity(*h.blob_gas_used);
  if (h.excess_blob_gas) out["excessBlobGas"] = quantity(*h.excess_blob_gas);
  if (h.parent_beacon_block_root) {
    out["parentBeaconBlockRoot"] = hex_data(*h.parent_beacon_block_root);
  }
  return out;
}

Json block_json(const types::Header& h, const Hash& hash, std::uint64_t size, Json transactions) {
  Json out = header_json(h, hash);
  out["totalDifficulty"] = quantity(h.difficulty);
  out["size"] = quantity(size);
  out["transactions"] = std::move(transactions);
  out["uncles"] = Json::array();
  if (h.withdrawals_root) out["withdrawals"] = Json::array();  // an L2 block has none
  return out;
}

Json log_json(const types::Log& log, const TxPlace& place, const Hash& tx_hash,
              std::uint64_t log_index) {
  Json topics = Json::array();
  for (const Hash& t : log.topics) topics.push_back(hex_data(t));
  return Json{{"address", hex_data(log.address)},
              {"topics", std::move(topics)},
              {"data", hex_data(log.data)},
              {"blockNumber", quantity(place.block_number)},
              {"blockHash", hex_data(place.block_hash)},
              {"transactionHash", hex_data(tx_hash)},
              {"transactionIndex", quantity(place.index)},
              {"logIndex", quantity(log_index)},
              {"removed", false}};
}

Json receipt_json(const types::Receipt& receipt, const types::Transaction& txn, const Hash& tx_hash,
                  const Address& from, const TxPlace& place, std::uint64_t gas_used,
                  std::uint64_t first_log_index) {
  Json logs = Json::array();
  for (std::size_t i = 0; i < receipt.logs.size(); ++i) {
    logs.push_back(log_json(receipt.logs[i], place, tx_hash, first_log_index + i));
  }
  return Json{
      {"type", type_quantity(txn.type)},
      {"status", receipt.success ? "0x1" : "0x0"},
      {"cumulativeGasUsed", quantity(receipt.cumulative_gas_used)},
      {"logsBloom", hex_data(receipt.bloom)},
      {"logs", std::move(logs)},
      {"transactionHash", hex_data(tx_hash)},
      {"transactionIndex", quantity(place.index)},
      {"blockHash", hex_data(place.block_hash)},
      {"blockNumber", quantity(place.block_number)},
      {"from", hex_data(from)},
      {"to", txn.to ? Json(hex_data(*txn.to)) : Json(nullptr)},
      {"contractAddress",
       txn.is_create() ? Json(hex_data(evm::create_address(from, txn.nonce))) : Json(nullptr)},
      {"gasUsed", quantity(gas_used)},
      {"effectiveGasPrice", quantity(price_paid(txn, place.base_fee))},
  };
}

}  // namespace rollup::rpc
