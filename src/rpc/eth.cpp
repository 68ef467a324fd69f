#include "rollup/rpc/eth.hpp"

#include <algorithm>
#include <cstdio>
#include <mutex>

#include "rollup/crypto/keccak.hpp"
#include "rollup/execution/errors.hpp"
#include "rollup/rlp/rlp.hpp"
#include "rollup/rpc/codec.hpp"

namespace rollup::rpc {

namespace {

// The macros below keep each handler a flat list of steps: a failed step returns its error as the
// method's answer.
#define RPC_TRY(lhs, expr) RPC_TRY_IMPL(ROLLUP_CONCAT(rpc_try_, __LINE__), lhs, expr)
#define RPC_TRY_IMPL(tmp, lhs, expr)                        \
  auto tmp = (expr);                                        \
  if (!tmp) return std::unexpected(std::move(tmp).error()); \
  lhs = std::move(*tmp)
#define RPC_TRY_VOID(expr)                                                      \
  do {                                                                          \
    auto rpc_try_void = (expr);                                                 \
    if (!rpc_try_void) return std::unexpected(std::move(rpc_try_void).error()); \
  } while (false)

// A node error (storage, pool) as the method's answer.
template <typename T>
RpcResult<T> node(Result<T> r) {
  if (!r) return std::unexpected(to_rpc_error(r.error()));
  return std::move(*r);
}

struct Resolved {
  Hash hash;
  std::uint64_t number = 0;
};

class Methods {
 public:
  explicit Methods(const Backend& b) : m_b(b) {}

  // The block a request names; nullopt when the node has no such block.
  RpcResult<std::optional<Resolved>> resolve(const BlockId& id) const {
    const storage::Heads heads = m_b.db->heads();
    switch (id.kind) {
      // No block is being built where a reader could see it: "pending" reads the head.
      case BlockId::Kind::latest:
      case BlockId::Kind::pending: return Resolved{heads.unsafe.hash, heads.unsafe.number};
      case BlockId::Kind::safe: return Resolved{heads.safe.hash, heads.safe.number};
      case BlockId::Kind::finalized: return Resolved{heads.finalized.hash, heads.finalized.number};
      case BlockId::Kind::earliest: return by_number(0);
      case BlockId::Kind::number: return by_number(id.number);
      case BlockId::Kind::hash: {
        RPC_TRY(const std::optional<std::uint64_t> number, node(m_b.db->block_number(id.hash)));
        if (!number || !published(*number)) return std::nullopt;
        if (id.require_canonical) {
          RPC_TRY(const std::optional<Hash> canonical, node(m_b.db->canonical_hash(*number)));
          if (canonical != id.hash) {
            return rpc_fail(code::server,
                            "hash " + hex_data(id.hash) + " is not currently canonical");
          }
        }
        return Resolved{id.hash, *number};
      }
    }
    return std::nullopt;
  }

  // A block is readable in the database a moment before the database publishes it as the head.
  // Readers see only published blocks, so that whatever a client learns (a receipt, a block) is
  // never ahead of the head its next request reads state at: a wallet that saw its receipt must
  // then get the nonce after it.
  bool published(std::uint64_t number) const { return number <= m_b.db->heads().unsafe.number; }

  // Where a transaction was included, if that block is published.
  RpcResult<std::optional<storage::TxLocation>> location(const Hash& tx) const {
    RPC_TRY(const std::optional<storage::TxLocation> loc, node(m_b.db->tx_location(tx)));
    if (!loc || !published(loc->block_num)) return std::nullopt;
    return loc;
  }

  RpcResult<std::optional<Resolved>> by_number(std::uint64_t number) const {
    if (!published(number)) return std::nullopt;
    RPC_TRY(const std::optional<Hash> hash, node(m_b.db->canonical_hash(number)));
    if (!hash) return std::nullopt;
    return Resolved{*hash, number};
  }

  // The state after the named block (default "latest"), or geth's "header not found".
  RpcResult<std::unique_ptr<state::StateView>> state(const Params& p, std::size_t i) const {
    RPC_TRY(const std::optional<BlockId> id, p.optional(i, decode_block_id));
    RPC_TRY(const std::optional<Resolved> block, resolve(id.value_or(BlockId{})));
    if (!block) return rpc_fail(code::server, "header not found");
    auto view = m_b.db->state_at(block->number);
    if (!view) {
      return rpc_fail(code::server, "historical state " + hex_data(block->hash) +
                                        " is not available: " + view.error().message());
    }
    return std::move(*view);
  }

  RpcResult<types::Header> header(const Resolved& block) const {
    RPC_TRY(const std::optional<types::Header> h, node(m_b.db->header(block.hash)));
    if (!h)
      return rpc_fail(code::internal, "internal error: block " + hex_data(block.hash) +
                                          " is indexed but its header is missing");
    return *h;
  }

  RpcResult<std::vector<types::Transaction>> body(const Resolved& block) const {
    RPC_TRY(std::optional<std::vector<types::Transaction>> txs, node(m_b.db->body(block.hash)));
    if (!txs)
      return rpc_fail(code::internal, "internal error: block " + hex_data(block.hash) +
                                          " is indexed but its body is missing");
    return std::move(*txs);
  }

  RpcResult<std::vector<Address>> senders(const std::vector<types::Transaction>& txs) const {
    std::vector<Address> out;
    out.reserve(txs.size());
    for (auto& sender : types::recover_senders(txs)) {
      // A sealed block holds only transactions whose senders were recovered when they came in.
      if (!sender) return std::unexpected(to_rpc_error(sender.error()));
      out.push_back(*sender);
    }
    return out;
  }

  // The block object, or null when there is no such block.
  RpcResult<Json> block(const std::optional<Resolved>& block, bool full) const {
    if (!block) return Json(nullptr);
    RPC_TRY(const types::Header h, header(*block));
    RPC_TRY(const std::vector<types::Transaction> txs, body(*block));
    Json list = Json::array();
    std::vector<Address> from;
    if (full) {
      RPC_TRY(from, senders(txs));
    }
    // The size geth reports: the RLP of [header, transactions, uncles, withdrawals].
    rlp::Encoder enc;
    const std::size_t outer = enc.begin_list();
    enc.add_raw(types::encode_header(h));
    const std::size_t tx_list = enc.begin_list();
    for (std::size_t i = 0; i < txs.size(); ++i) {
      const Bytes envelope = types::encode_transaction(txs[i]);
      // In a block body a typed transaction is an RLP string of its envelope; legacy is the list.
      if (txs[i].type == types::TxType::legacy) {
        enc.add_raw(envelope);
      } else {
        enc.add_string(envelope);
      }
      const Hash hash = crypto::keccak256(envelope);
      if (full) {
        list.push_back(transaction_json(
            txs[i], hash, from[i], TxPlace{block->hash, block->number, i, h.base_fee_per_gas}));
      } else {
        list.push_back(hex_data(hash));
      }
    }
    enc.end_list(tx_list);
    enc.end_list(enc.begin_list());  // uncles
    if (h.withdrawals_root) enc.end_list(enc.begin_list());
    enc.end_list(outer);
    return block_json(h, block->hash, enc.take().size(), std::move(list));
  }

  // Receipts of a whole block as RPC objects.
  RpcResult<Json> block_receipts(const Resolved& block) const {
    RPC_TRY(const types::Header h, header(block));
    RPC_TRY(const std::vector<types::Transaction> txs, body(block));
    RPC_TRY(const std::optional<std::vector<types::Receipt>> receipts,
            node(m_b.db->receipts(block.hash)));
    if (!receipts || receipts->size() != txs.size()) {
      return rpc_fail(code::internal, "internal error: receipts of block " + hex_data(block.hash) +
                                          " do not match its body");
    }
    RPC_TRY(const std::vector<Address> from, senders(txs));
    Json out = Json::array();
    std::uint64_t previous_gas = 0;
    std::uint64_t logs = 0;
    for (std::size_t i = 0; i < txs.size(); ++i) {
      const types::Receipt& r = (*receipts)[i];
      out.push_back(receipt_json(r, txs[i], types::transaction_hash(txs[i]), from[i],
                                 TxPlace{block.hash, block.number, i, h.base_fee_per_gas},
                                 r.cumulative_gas_used - previous_gas, logs));
      previous_gas = r.cumulative_gas_used;
      logs += r.logs.size();
    }
    return out;
  }

  // Effective tips paid in a block, each with the gas it used, cheapest first.
  struct Tip {
    uint256 tip;
    std::uint64_t gas = 0;
  };
  RpcResult<std::vector<Tip>> tips(const Resolved& block, const types::Header& h) const {
    RPC_TRY(const std::vector<types::Transaction> txs, body(block));
    RPC_TRY(const std::optional<std::vector<types::Receipt>> receipts,
            node(m_b.db->receipts(block.hash)));
    std::vector<Tip> out;
    if (!receipts || receipts->size() != txs.size()) return out;
    const uint256 base = h.base_fee_per_gas.value_or(uint256{});
    std::uint64_t previous = 0;
    for (std::size_t i = 0; i < txs.size(); ++i) {
      const std::uint64_t cumulative = (*receipts)[i].cumulative_gas_used;
      out.push_back({execution::effective_gas_price(txs[i], base) - base, cumulative - previous});
      previous = cumulative;
    }
    std::ranges::sort(out, [](const Tip& a, const Tip& b) { return a.tip < b.tip; });
    return out;
  }

  // geth's gas price oracle, simplified to what an L2 needs: the 60th percentile of the three
  // lowest tips of each of the last 20 blocks, or the pool's minimum when they were all empty.
  RpcResult<uint256> suggested_tip() const {
    const std::uint64_t head = m_b.db->heads().unsafe.number;
    // Wallets ask before every transaction; the answer only changes with the head, and computing
    // it reads twenty blocks' bodies and receipts.
    {
      std::lock_guard lock(m_tip_mutex);
      if (m_tip_head == head && m_tip) return *m_tip;
    }
    std::vector<uint256> samples;
    for (std::uint64_t n = head + 1; n-- > 0 && head - n < 20;) {
      RPC_TRY(const std::optional<Resolved> block, by_number(n));
      if (!block) break;
      RPC_TRY(const types::Header h, header(*block));
      RPC_TRY(const std::vector<Tip> t, tips(*block, h));
      for (std::size_t i = 0; i < t.size() && i < 3; ++i) samples.push_back(t[i].tip);
    }
    uint256 tip = m_b.min_tip;
    if (!samples.empty()) {
      std::ranges::sort(samples);
      tip = std::max(m_b.min_tip, samples[(samples.size() - 1) * 60 / 100]);
    }
    std::lock_guard lock(m_tip_mutex);
    m_tip_head = head;
    m_tip = tip;
    return tip;
  }

  RpcResult<uint256> next_base_fee() const {
    const storage::Heads heads = m_b.db->heads();
    RPC_TRY(const types::Header h, header(Resolved{heads.unsafe.hash, heads.unsafe.number}));
    return execution::next_base_fee(h, m_b.chain);
  }

  const Backend& m_b;
  mutable std::mutex m_tip_mutex;
  mutable std::uint64_t m_tip_head = 0;
  mutable std::optional<uint256> m_tip;  // suggested_tip() at m_tip_head
};

// The fields of an eth_call / eth_estimateGas call object that a plain transfer uses.
struct CallArgs {
  std::optional<Address> from;
  std::optional<Address> to;
  std::optional<std::uint64_t> gas;
  std::optional<uint256> gas_price;  // gasPrice or maxFeePerGas
  uint256 value;
  Bytes data;
};

Result<CallArgs> decode_call(const Json& v) {
  if (!v.is_object()) return fail(Errc::invalid_argument, "a call must be an object");
  CallArgs a;
  const auto field = [&](const char* name) -> const Json* {
    const auto it = v.find(name);
    return it == v.end() || it->is_null() ? nullptr : &*it;
  };
  if (const Json* f = field("from")) {
    ROLLUP_TRY(a.from, decode_address(*f));
  }
  if (const Json* f = field("to")) {
    ROLLUP_TRY(a.to, decode_address(*f));
  }
  if (const Json* f = field("gas")) {
    ROLLUP_TRY(a.gas, decode_u64(*f));
  }
  if (const Json* f = field("gasPrice")) {
    ROLLUP_TRY(a.gas_price, decode_quantity(*f));
  }
  if (const Json* f = field("maxFeePerGas")) {
    ROLLUP_TRY(a.gas_price, decode_quantity(*f));
  }
  if (const Json* f = field("value")) {
    ROLLUP_TRY(a.value, decode_quantity(*f));
  }
  const Json* input = field("input");
  const Json* data = field("data");
  if (input && data && *input != *data) {
    return fail(Errc::invalid_argument,
                "both \"data\" and \"input\" are set and not equal. Please use \"input\" to pass "
                "transaction call data");
  }
  if (input || data) {
    ROLLUP_TRY(a.data, decode_data(input ? *input : *data));
  }
  return a;
}

std::string ether_text(const uint256& wei) {
  // Two decimals, as geth prints the fee cap; a double is exact enough for a message.
  double v = 0;
  for (int i = 3; i >= 0; --i) v = v * 18446744073709551616.0 + static_cast<double>(wei.w[i]);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f", v / 1e18);
  return buf;
}

Json l2_ref(const storage::BlockRef& ref, const types::Header& h) {
  // op-node's L2BlockRef: numbers as JSON numbers, not hex. The L1 origin stays zero until the
  // batcher and derivation record one.
  return Json{{"hash", hex_data(ref.hash)},
              {"number", ref.number},
              {"parentHash", hex_data(h.parent_hash)},
              {"timestamp", h.timestamp},
              {"l1origin", {{"hash", hex_data(Hash{})}, {"number", 0}}},
              {"sequenceNumber", ref.number}};
}

Json empty_l1_ref() {
  return Json{{"hash", hex_data(Hash{})},
              {"number", 0},
              {"parentHash", hex_data(Hash{})},
              {"timestamp", 0}};
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
  d.add("eth_sendRawTransaction", [&b](const Params& p) -> RpcResult<Json> {
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
    RPC_TRY(const uint256 base, m->next_base_fee());
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

  // ---- eth_call and eth_estimateGas for what needs no EVM: value transfers
  const auto plain_transfer = [m, &b](const Params& p) -> RpcResult<CallArgs> {
    RPC_TRY(const CallArgs call, p.required(0, decode_call));
    RPC_TRY(const auto view, m->state(p, 1));
    if (!call.to) {
      return std::unexpected(to_rpc_error(Error(
          make_error_code(execution::Errc::code_execution_unsupported), "contract creation")));
    }
    RPC_TRY(const std::optional<types::Account> target, node(view->account(*call.to)));
    if (target && target->code_hash != types::k_empty_code_hash) {
      return std::unexpected(
          to_rpc_error(Error(make_error_code(execution::Errc::code_execution_unsupported),
                             "call to " + hex_data(*call.to))));
    }
    if (call.from) {
      RPC_TRY(const std::optional<types::Account> sender, node(view->account(*call.from)));
      const uint256 balance = sender ? sender->balance : uint256{};
      const uint256 fee =
          call.gas_price && call.gas ? uint256(*call.gas) * *call.gas_price : uint256{};
      if (balance < call.value + fee) {
        return rpc_fail(code::server, "insufficient funds for gas * price + value: address " +
                                          hex_data(*call.from) + " have " + to_string(balance) +
                                          " want " + to_string(call.value + fee));
      }
    }
    if (call.gas && *call.gas > b.gas_cap) {
      return rpc_fail(code::server,
                      "gas required exceeds allowance (" + std::to_string(b.gas_cap) + ")");
    }
    return call;
  };
  d.add("eth_call", [plain_transfer](const Params& p) -> RpcResult<Json> {
    RPC_TRY_VOID(p.at_most(3));  // the third, state overrides, needs the EVM
    RPC_TRY(const CallArgs call, plain_transfer(p));
    static_cast<void>(call);
    return Json("0x");  // an account without code returns nothing
  });
  d.add("eth_estimateGas", [plain_transfer, &b](const Params& p) -> RpcResult<Json> {
    RPC_TRY_VOID(p.at_most(3));
    RPC_TRY(const CallArgs call, plain_transfer(p));
    types::Transaction t;
    t.to = call.to;
    t.data = call.data;
    const std::uint64_t gas = types::intrinsic_gas(t);
    const std::uint64_t allowance = std::min(call.gas.value_or(b.gas_cap), b.gas_cap);
    if (gas > allowance) {
      return rpc_fail(code::server,
                      "gas required exceeds allowance (" + std::to_string(allowance) + ")");
    }
    return Json(quantity(gas));
  });

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
      return l2_ref(r, h);
    };
    RPC_TRY(Json unsafe, ref(heads.unsafe));
    RPC_TRY(Json safe, ref(heads.safe));
    RPC_TRY(Json finalized, ref(heads.finalized));
    return Json{{"current_l1", empty_l1_ref()},
                {"current_l1_finalized", empty_l1_ref()},
                {"head_l1", empty_l1_ref()},
                {"safe_l1", empty_l1_ref()},
                {"finalized_l1", empty_l1_ref()},
                {"unsafe_l2", std::move(unsafe)},
                {"safe_l2", safe},
                {"pending_safe_l2", safe},
                {"finalized_l2", std::move(finalized)}};
  });
}

}  // namespace rollup::rpc
