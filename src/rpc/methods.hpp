#pragma once
// Private to the rpc module: what the method files (eth.cpp, call.cpp, logs.cpp) share. Methods
// reads the chain as readers may see it (published blocks only) and turns node errors into
// JSON-RPC answers.

#include <algorithm>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "rollup/crypto/keccak.hpp"
#include "rollup/rlp/rlp.hpp"
#include "rollup/rpc/codec.hpp"
#include "rollup/rpc/eth.hpp"

namespace rollup::rpc::detail {

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
  [[nodiscard]] const Backend& backend() const noexcept { return m_b; }

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

  // The higher of the head's base fee and the next block's. A price at least this plus a tip both
  // passes eth_call and eth_estimateGas, which run on the head's block (geth prices at the head's
  // fee), and is includable in the next block even after a run of empty blocks lowered it.
  RpcResult<uint256> base_fee_floor() const {
    const storage::Heads heads = m_b.db->heads();
    RPC_TRY(const types::Header h, header(Resolved{heads.unsafe.hash, heads.unsafe.number}));
    return std::max(h.base_fee_per_gas.value_or(uint256{}), execution::next_base_fee(h, m_b.chain));
  }

  const Backend& m_b;
  mutable std::mutex m_tip_mutex;
  mutable std::uint64_t m_tip_head = 0;
  mutable std::optional<uint256> m_tip;  // suggested_tip() at m_tip_head
};

// eth_getLogs and the polled filters (logs.cpp). The filters are returned so that
// eth_sendRawTransaction can feed the pending-transaction filters.
class Filters;
std::shared_ptr<Filters> add_log_methods(Dispatcher& d, std::shared_ptr<const Methods> m);
void add_pending_to_filters(Filters& filters, const Hash& hash);

// eth_call and eth_estimateGas (call.cpp).
void add_call_methods(Dispatcher& d, const Backend& b, std::shared_ptr<const Methods> m);

}  // namespace rollup::rpc::detail
