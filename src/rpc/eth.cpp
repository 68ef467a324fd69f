#include "rollup/rpc/eth.hpp"

#include <algorithm>
#include <cstdio>
#include <mutex>

#include "methods.hpp"
#include "rollup/crypto/keccak.hpp"
#include "rollup/execution/errors.hpp"
#include "rollup/rlp/rlp.hpp"
#include "rollup/rpc/codec.hpp"

namespace rollup::rpc {

using detail::Methods;
using detail::node;
using detail::Resolved;

namespace {

std::string ether_text(const uint256& wei) {
  // Two decimals, as geth prints the fee cap; a double is exact enough for a message.
  double v = 0;
  for (int i = 3; i >= 0; --i) v = v * 18446744073709551616.0 + static_cast<double>(wei.w[i]);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f", v / 1e18);
  return buf;
}

Json l2_ref(const storage::BlockRef& ref, const types::Header& h, const storage::BlockRef& origin) {
  // op-node's L2BlockRef: numbers as JSON numbers, not hex. Blocks sealed without L1 have the
  // zero origin.
  return Json{{"hash", hex_data(ref.hash)},
              {"number", ref.number},
              {"parentHash", hex_data(h.parent_hash)},
              {"timestamp", h.timestamp},
              {"l1origin", {{"hash", hex_data(origin.hash)}, {"number", origin.number}}},
              {"sequenceNumber", ref.number}};
}

// op-node's L1BlockRef; zeros when unknown.
Json l1_ref(const std::optional<L1Ref>& r) {
  const L1Ref v = r.value_or(L1Ref{});
  return Json{{"hash", hex_data(v.hash)},
              {"number", v.number},
              {"parentHash", hex_data(v.parent_hash)},
              {"timestamp", v.timestamp}};
}

}  // namespace

void add_node_methods(Dispatcher& d, const Backend& backend) {
  auto m = std::make_shared<Methods>(backend);
  const Backend& b = backend;
  const auto none = [](const Params& p) { return p.at_most(0); };

  // ---- web3_, net_
  d.add("web3_clientVersion", [&b, none](const Params& p) -> RpcResult<Json> {
    RPC_TRY_VOID(none(p));
    return Json(b.client_version);
  });
  d.add("web3_sha3", [](const Params& p) -> RpcResult<Json> {
    RPC_TRY_VOID(p.at_most(1));
    RPC_TRY(const Bytes input, p.required(0, decode_data));
    return Json(hex_data(crypto::keccak256(input)));
  });
  d.add("net_version", [&b, none](const Params& p) -> RpcResult<Json> {
    RPC_TRY_VOID(none(p));
    return Json(std::to_string(b.chain.chain_id));
  });
  d.add("net_listening", [none](const Params& p) -> RpcResult<Json> {
    RPC_TRY_VOID(none(p));
    return Json(true);
  });
  d.add("net_peerCount", [none](const Params& p) -> RpcResult<Json> {
    RPC_TRY_VOID(none(p));
    return Json("0x0");  // a sequencer has no peers: blocks reach others through L1
  });

  // ---- eth_: chain
  d.add("eth_chainId", [&b, none](const Params& p) -> RpcResult<Json> {
    RPC_TRY_VOID(none(p));
    return Json(quantity(b.chain.chain_id));
  });
  d.add("eth_blockNumber", [&b, none](const Params& p) -> RpcResult<Json> {
    RPC_TRY_VOID(none(p));
    return Json(quantity(b.db->heads().unsafe.number));
  });
  d.add("eth_syncing", [none](const Params& p) -> RpcResult<Json> {
    RPC_TRY_VOID(none(p));
    return Json(false);  // the sequencer makes the chain; there is nothing to catch up with
  });
  d.add("eth_accounts", [none](const Params& p) -> RpcResult<Json> {
    RPC_TRY_VOID(none(p));
    return Json::array();  // the node holds no user keys
  });

  // ---- eth_: state
  d.add("eth_getBalance", [m](const Params& p) -> RpcResult<Json> {
    RPC_TRY_VOID(p.at_most(2));
    RPC_TRY(const Address address, p.required(0, decode_address));
    RPC_TRY(const auto view, m->state(p, 1));
    RPC_TRY(const std::optional<types::Account> account, node(view->account(address)));
    return Json(quantity(account ? account->balance : uint256{}));
  });
  d.add("eth_getTransactionCount", [m, &b](const Params& p) -> RpcResult<Json> {
    RPC_TRY_VOID(p.at_most(2));
    RPC_TRY(const Address address, p.required(0, decode_address));
    RPC_TRY(const std::optional<BlockId> id, p.optional(1, decode_block_id));
    RPC_TRY(const auto view, m->state(p, 1));
    RPC_TRY(const std::optional<types::Account> account, node(view->account(address)));
    const std::uint64_t state_nonce = account ? account->nonce : 0;
    if (id && id->kind == BlockId::Kind::pending) {
      // What a wallet needs for its next transaction: the state's nonce plus what the pool holds.
      // The pool learns of a new block just after it is readable here, so a client that saw its
      // receipt may ask before the pool has caught up; the head's own nonce is then the answer.
      RPC_TRY(const std::uint64_t pooled, node(b.pool->pending_nonce(address)));
      return Json(quantity(std::max(pooled, state_nonce)));
    }
    return Json(quantity(state_nonce));
  });
  d.add("eth_getCode", [m](const Params& p) -> RpcResult<Json> {
    RPC_TRY_VOID(p.at_most(2));
    RPC_TRY(const Address address, p.required(0, decode_address));
    RPC_TRY(const auto view, m->state(p, 1));
    RPC_TRY(const std::optional<types::Account> account, node(view->account(address)));
    if (!account) return Json("0x");
    RPC_TRY(const Bytes code, node(view->code(account->code_hash)));
    return Json(hex_data(code));
  });
  d.add("eth_getStorageAt", [m](const Params& p) -> RpcResult<Json> {
    RPC_TRY_VOID(p.at_most(3));
    RPC_TRY(const Address address, p.required(0, decode_address));
    // geth takes the slot as a quantity or as 32 bytes; both name the same big-endian word.
    RPC_TRY(const uint256 slot, p.required(1, decode_quantity));
    RPC_TRY(const auto view, m->state(p, 2));
    RPC_TRY(const uint256 word, node(view->storage(address, Hash(slot.to_be()))));
    return Json(hex_data(Hash(word.to_be())));
  });

  d.add("eth_getProof", [m, &b](const Params& p) -> RpcResult<Json> {
    RPC_TRY_VOID(p.at_most(3));
    RPC_TRY(const Address address, p.required(0, decode_address));
    // Slots as geth takes them: hex of at most 32 bytes, left-padded; echoed back as given.
    const auto decode_slots =
        [](const Json& v) -> Result<std::vector<std::pair<std::string, Hash>>> {
      if (!v.is_array()) return fail(Errc::invalid_argument, "storage keys must be an array");
      std::vector<std::pair<std::string, Hash>> out;
      for (const Json& k : v) {
        // geth allows an odd number of digits here ("0x0"): it reads the key as a number.
        if (!k.is_string())
          return fail(Errc::invalid_argument, "a storage key must be a hex string");
        std::string text = k.get<std::string>();
        if (text.size() % 2 == 1 && text.starts_with("0x")) text.insert(2, "0");
        ROLLUP_TRY(const Bytes bytes, decode_data(Json(text)));
        if (bytes.size() > 32)
          return fail(Errc::invalid_argument, "storage key longer than 32 bytes");
        Hash slot;
        std::copy(bytes.begin(), bytes.end(),
                  slot.bytes.end() - static_cast<std::ptrdiff_t>(bytes.size()));
        out.emplace_back(k.get<std::string>(), slot);
      }
      return out;
    };
    RPC_TRY(const auto slots, p.required(1, decode_slots));
    RPC_TRY(const std::optional<BlockId> id, p.optional(2, decode_block_id));
    RPC_TRY(const std::optional<Resolved> block, m->resolve(id.value_or(BlockId{})));
    if (!block) return rpc_fail(code::server, "header not found");
    std::vector<Hash> keys;
    for (const auto& [text, slot] : slots) keys.push_back(slot);
    RPC_TRY(const storage::AccountProof proof, node(b.db->prove(block->number, address, keys)));
    const types::Account account = proof.account.value_or(types::Account{});
    const auto nodes = [](const std::vector<Bytes>& list) {
      Json out = Json::array();
      for (const Bytes& n : list) out.push_back(hex_data(n));
      return out;
    };
    Json storage = Json::array();
    for (std::size_t i = 0; i < proof.storage.size(); ++i) {
      storage.push_back({{"key", slots[i].first},
                         {"value", quantity(proof.storage[i].value)},
                         {"proof", nodes(proof.storage[i].proof)}});
    }
    return Json{
        {"address", hex_data(address)},         {"accountProof", nodes(proof.account_proof)},
        {"balance", quantity(account.balance)}, {"codeHash", hex_data(account.code_hash)},
        {"nonce", quantity(account.nonce)},     {"storageHash", hex_data(account.storage_root)},
        {"storageProof", std::move(storage)}};
  });

  // ---- eth_: blocks
  d.add("eth_getBlockByNumber", [m](const Params& p) -> RpcResult<Json> {
    RPC_TRY_VOID(p.at_most(2));
    RPC_TRY(const BlockId id, p.required(0, decode_block_id));
    RPC_TRY(const bool full, p.required(1, decode_bool));
    RPC_TRY(const std::optional<Resolved> block, m->resolve(id));
    return m->block(block, full);
  });
  d.add("eth_getBlockByHash", [m](const Params& p) -> RpcResult<Json> {
    RPC_TRY_VOID(p.at_most(2));
    RPC_TRY(const Hash hash, p.required(0, decode_hash));
    RPC_TRY(const bool full, p.required(1, decode_bool));
    BlockId id;
    id.kind = BlockId::Kind::hash;
    id.hash = hash;
    RPC_TRY(const std::optional<Resolved> block, m->resolve(id));
    return m->block(block, full);
  });
  const auto tx_count = [m](const BlockId& id) -> RpcResult<Json> {
    RPC_TRY(const std::optional<Resolved> block, m->resolve(id));
    if (!block) return Json(nullptr);
    RPC_TRY(const std::vector<types::Transaction> txs, m->body(*block));
    return Json(quantity(static_cast<std::uint64_t>(txs.size())));
  };
  d.add("eth_getBlockTransactionCountByNumber", [tx_count](const Params& p) -> RpcResult<Json> {
    RPC_TRY_VOID(p.at_most(1));
    RPC_TRY(const BlockId id, p.required(0, decode_block_id));
    return tx_count(id);
  });
  d.add("eth_getBlockTransactionCountByHash", [tx_count](const Params& p) -> RpcResult<Json> {
    RPC_TRY_VOID(p.at_most(1));
    RPC_TRY(const Hash hash, p.required(0, decode_hash));
    BlockId id;
    id.kind = BlockId::Kind::hash;
    id.hash = hash;
    return tx_count(id);
  });
  d.add("eth_getBlockReceipts", [m](const Params& p) -> RpcResult<Json> {
    RPC_TRY_VOID(p.at_most(1));
    RPC_TRY(const BlockId id, p.required(0, decode_block_id));
    RPC_TRY(const std::optional<Resolved> block, m->resolve(id));
    if (!block) return Json(nullptr);
    return m->block_receipts(*block);
  });

  // ---- eth_: transactions
  const std::shared_ptr<detail::Filters> filters = detail::add_log_methods(d, m);
  d.add("eth_sendRawTransaction", [&b, filters](const Params& p) -> RpcResult<Json> {
    RPC_TRY_VOID(p.at_most(1));
    RPC_TRY(const Bytes raw, p.required(0, decode_data));
    RPC_TRY(const types::Transaction txn, node(types::decode_transaction(raw)));
    if (b.tx_fee_cap) {
      const uint256 fee = uint256(txn.gas_limit) * txn.max_fee_per_gas;
      if (fee > b.tx_fee_cap) {
        return rpc_fail(code::server, "tx fee (" + ether_text(fee) +
                                          " ether) exceeds the configured cap (" +
                                          ether_text(b.tx_fee_cap) + " ether)");
      }
    }
    RPC_TRY(const Hash hash, node(b.intake->submit(raw)));
    if (b.on_pending) {
      if (const txpool::TxPtr added = b.pool->get(hash)) b.on_pending(*added);
    }
    detail::add_pending_to_filters(*filters, hash);
    return Json(hex_data(hash));
  });
  d.add("eth_getTransactionByHash", [m, &b](const Params& p) -> RpcResult<Json> {
    RPC_TRY_VOID(p.at_most(1));
    RPC_TRY(const Hash hash, p.required(0, decode_hash));
    if (const txpool::TxPtr pending = b.pool->get(hash)) {
      return transaction_json(pending->txn, hash, pending->sender, std::nullopt);
    }
    RPC_TRY(const std::optional<storage::TxLocation> loc, m->location(hash));
    if (!loc) return Json(nullptr);
    const Resolved block{loc->block_hash, loc->block_num};
    RPC_TRY(const types::Header h, m->header(block));
    RPC_TRY(const std::vector<types::Transaction> txs, m->body(block));
    if (loc->index >= txs.size()) return Json(nullptr);
    const types::Transaction& txn = txs[loc->index];
    RPC_TRY(const Address from, node(types::recover_sender(txn)));
    return transaction_json(txn, hash, from,
                            TxPlace{block.hash, block.number, loc->index, h.base_fee_per_gas});
  });
  d.add("eth_getTransactionReceipt", [m, &b](const Params& p) -> RpcResult<Json> {
    RPC_TRY_VOID(p.at_most(1));
    RPC_TRY(const Hash hash, p.required(0, decode_hash));
    RPC_TRY(const std::optional<storage::TxLocation> loc, m->location(hash));
    if (!loc) return Json(nullptr);
    const Resolved block{loc->block_hash, loc->block_num};
    RPC_TRY(const types::Header h, m->header(block));
    RPC_TRY(const std::vector<types::Transaction> txs, m->body(block));
    RPC_TRY(const std::optional<std::vector<types::Receipt>> receipts,
            node(b.db->receipts(block.hash)));
    if (!receipts || loc->index >= receipts->size() || loc->index >= txs.size()) {
      return Json(nullptr);
    }
    const types::Transaction& txn = txs[loc->index];
    RPC_TRY(const Address from, node(types::recover_sender(txn)));
    std::uint64_t previous_gas = 0;
    std::uint64_t first_log = 0;
    for (std::uint32_t i = 0; i < loc->index; ++i) {
      previous_gas = (*receipts)[i].cumulative_gas_used;
      first_log += (*receipts)[i].logs.size();
    }
    const types::Receipt& r = (*receipts)[loc->index];
    return receipt_json(r, txn, hash, from,
                        TxPlace{block.hash, block.number, loc->index, h.base_fee_per_gas},
                        r.cumulative_gas_used - previous_gas, first_log);
  });

  // ---- eth_: fees
  d.add("eth_maxPriorityFeePerGas", [m, none](const Params& p) -> RpcResult<Json> {
    RPC_TRY_VOID(none(p));
    RPC_TRY(const uint256 tip, m->suggested_tip());
    return Json(quantity(tip));
  });
  d.add("eth_gasPrice", [m, none](const Params& p) -> RpcResult<Json> {
    RPC_TRY_VOID(none(p));
    RPC_TRY(const uint256 tip, m->suggested_tip());
    RPC_TRY(const uint256 base, m->base_fee_floor());
    return Json(quantity(base + tip));
  });
  d.add("eth_feeHistory", [m, &b](const Params& p) -> RpcResult<Json> {
    RPC_TRY_VOID(p.at_most(3));
    // geth takes the count as a quantity or a plain JSON number.
    const auto decode_count = [](const Json& v) -> Result<std::uint64_t> {
      if (v.is_number_unsigned()) return v.get<std::uint64_t>();
      return decode_u64(v);
    };
    RPC_TRY(std::uint64_t count, p.required(0, decode_count));
    RPC_TRY(const BlockId newest_id, p.required(1, decode_block_id));
    const auto decode_percentiles = [](const Json& v) -> Result<std::vector<double>> {
      if (!v.is_array()) return fail(Errc::invalid_argument, "percentiles must be an array");
      std::vector<double> out;
      for (const Json& x : v) {
        if (!x.is_number()) return fail(Errc::invalid_argument, "a percentile must be a number");
        const double q = x.get<double>();
        if (q < 0 || q > 100) {
          return fail(Errc::invalid_argument, "invalid reward percentile: " + std::to_string(q));
        }
        if (!out.empty() && q < out.back()) {
          return fail(Errc::invalid_argument, "invalid reward percentile: " + std::to_string(q) +
                                                  " is below the one before it");
        }
        out.push_back(q);
      }
      return out;
    };
    RPC_TRY(const std::optional<std::vector<double>> percentiles,
            p.optional(2, decode_percentiles));
    RPC_TRY(const std::optional<Resolved> newest, m->resolve(newest_id));
    if (!newest) return rpc_fail(code::server, "header not found");
    count = std::min<std::uint64_t>({count, 1024, newest->number + 1});
    const std::uint64_t oldest = newest->number + 1 - count;
    Json base_fees = Json::array();
    Json ratios = Json::array();
    Json rewards = Json::array();
    Json blob_fees = Json::array();
    Json blob_ratios = Json::array();
    types::Header h;
    for (std::uint64_t n = oldest; n <= newest->number && count != 0; ++n) {
      RPC_TRY(const std::optional<Resolved> block, m->by_number(n));
      if (!block) return rpc_fail(code::server, "header not found");
      RPC_TRY(h, m->header(*block));
      base_fees.push_back(quantity(h.base_fee_per_gas.value_or(uint256{})));
      ratios.push_back(h.gas_limit == 0
                           ? 0.0
                           : static_cast<double>(h.gas_used) / static_cast<double>(h.gas_limit));
      blob_fees.push_back("0x0");
      blob_ratios.push_back(0.0);
      if (percentiles) {
        RPC_TRY(const std::vector<Methods::Tip> tips, m->tips(*block, h));
        Json row = Json::array();
        std::size_t at = 0;
        std::uint64_t sum = tips.empty() ? 0 : tips[0].gas;
        for (const double q : *percentiles) {
          if (tips.empty()) {
            row.push_back("0x0");
            continue;
          }
          // geth weighs each tip by the gas its transaction used.
          const auto threshold =
              static_cast<std::uint64_t>(static_cast<double>(h.gas_used) * q / 100.0);
          while (sum < threshold && at + 1 < tips.size()) sum += tips[++at].gas;
          row.push_back(quantity(tips[at].tip));
        }
        rewards.push_back(std::move(row));
      }
    }
    if (count != 0) {
      // One more base fee than blocks: the next block's, which wallets price new transactions at.
      base_fees.push_back(quantity(execution::next_base_fee(h, b.chain)));
      blob_fees.push_back("0x0");
    }
    Json out = {{"oldestBlock", quantity(oldest)},
                {"baseFeePerGas", std::move(base_fees)},
                {"gasUsedRatio", std::move(ratios)},
                {"baseFeePerBlobGas", std::move(blob_fees)},
                {"blobGasUsedRatio", std::move(blob_ratios)}};
    if (percentiles) out["reward"] = std::move(rewards);
    return out;
  });

  // ---- eth_call, eth_estimateGas
  detail::add_call_methods(d, b, m);

  // ---- eth_subscribe over HTTP: subscriptions need a connection that stays open (WebSocket,
  // rpc::Subscriptions), and geth answers so on HTTP.
  for (const char* name : {"eth_subscribe", "eth_unsubscribe"}) {
    d.add(name, [](const Params&) -> RpcResult<Json> {
      return rpc_fail(code::method_not_found, "notifications not supported");
    });
  }

  // ---- admin_ (only when configured, and then only for JWT holders: DispatcherOptions)
  d.add("admin_nodeInfo", [&b, none](const Params& p) -> RpcResult<Json> {
    RPC_TRY_VOID(none(p));
    const storage::Heads heads = b.db->heads();
    const auto ref = [](const storage::BlockRef& r) {
      return Json{{"number", r.number}, {"hash", hex_data(r.hash)}};
    };
    return Json{
        {"name", b.client_version},
        {"chainId", b.chain.chain_id},
        {"heads",
         {{"unsafe", ref(heads.unsafe)},
          {"safe", ref(heads.safe)},
          {"finalized", ref(heads.finalized)}}},
        {"historyTail", b.db->history_tail()},
        {"txpool", {{"pending", b.pool->status().pending}, {"queued", b.pool->status().queued}}}};
  });

  // ---- txpool_
  d.add("txpool_status", [&b, none](const Params& p) -> RpcResult<Json> {
    RPC_TRY_VOID(none(p));
    const txpool::Status s = b.pool->status();
    return Json{{"pending", quantity(static_cast<std::uint64_t>(s.pending))},
                {"queued", quantity(static_cast<std::uint64_t>(s.queued))}};
  });
  d.add("txpool_content", [&b, none](const Params& p) -> RpcResult<Json> {
    RPC_TRY_VOID(none(p));
    // geth's shape: {pending: {sender: {nonce: tx}}, queued: {...}}, nonces as decimal strings.
    const auto group = [](const std::vector<std::vector<txpool::TxPtr>>& by_sender) {
      Json out = Json::object();
      for (const auto& txs : by_sender) {
        if (txs.empty()) continue;
        Json nonces = Json::object();
        for (const auto& tx : txs) {
          nonces[std::to_string(tx->txn.nonce)] =
              transaction_json(tx->txn, tx->hash, tx->sender, std::nullopt);
        }
        out[checksum_address(txs.front()->sender)] = std::move(nonces);
      }
      return out;
    };
    return Json{{"pending", group(b.pool->pending())}, {"queued", group(b.pool->queued())}};
  });

  // ---- rollup_
  d.add("rollup_syncStatus", [m, &b, none](const Params& p) -> RpcResult<Json> {
    RPC_TRY_VOID(none(p));
    const storage::Heads heads = b.db->heads();
    const auto ref = [&](const storage::BlockRef& r) -> RpcResult<Json> {
      RPC_TRY(const types::Header h, m->header(Resolved{r.hash, r.number}));
      RPC_TRY(const std::optional<storage::BlockRef> origin, node(b.db->l1_origin(r.number)));
      return l2_ref(r, h, origin.value_or(storage::BlockRef{}));
    };
    RPC_TRY(Json unsafe, ref(heads.unsafe));
    RPC_TRY(Json safe, ref(heads.safe));
    RPC_TRY(Json finalized, ref(heads.finalized));
    const L1Status l1 = b.l1_status ? b.l1_status() : L1Status{};
    // current_l1: the L1 block new L2 blocks build on (the sequencer's origin).
    return Json{{"current_l1", l1_ref(l1.origin)},
                {"current_l1_finalized", l1_ref(l1.finalized)},
                {"head_l1", l1_ref(l1.head)},
                {"safe_l1", l1_ref(l1.safe)},
                {"finalized_l1", l1_ref(l1.finalized)},
                {"unsafe_l2", std::move(unsafe)},
                {"safe_l2", safe},
                {"pending_safe_l2", safe},
                {"finalized_l2", std::move(finalized)}};
  });
}

}  // namespace rollup::rpc
