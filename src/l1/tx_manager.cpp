#include "rollup/l1/tx_manager.hpp"

#include <algorithm>
#include <string>

#include "rollup/base/assert.hpp"
#include "rollup/rlp/rlp.hpp"
#include "rollup/types/transaction.hpp"

namespace rollup::l1 {
namespace {

using Clock = std::chrono::steady_clock;

// Gas of a plain call carrying `data` to an account without code, at least what both Cancun and
// Prague charge: Prague's calldata floor (EIP-7623: 10 per token, a zero byte one token, any other
// four) is above Cancun's 4/16 per byte, and the unused part of a limit costs nothing.
std::uint64_t gas_for(ByteView data) {
  std::uint64_t zeros = 0;
  for (const auto b : data) zeros += b == 0 ? 1 : 0;
  const std::uint64_t tokens = zeros + 4 * (data.size() - zeros);
  return 21'000 + 10 * tokens;
}

uint256 bumped(const uint256& v, unsigned percent) {
  return v * uint256(100 + percent) / uint256(100) + uint256(1);
}

}  // namespace

Bytes encode_record(const TxRecord& r) {
  rlp::Encoder e(r.data.size() + r.raw.size() + 256);
  const auto outer = e.begin_list();
  e.add_u64(r.id);
  e.add_string(r.data);
  e.add_u64(r.nonce ? 1 : 0);
  e.add_u64(r.nonce.value_or(0));
  e.add_string(r.raw);
  e.add_u256(r.tip);
  e.add_u256(r.max_fee);
  const auto hashes = e.begin_list();
  for (const auto& h : r.hashes) e.add_fixed(h);
  e.end_list(hashes);
  const auto inc = e.begin_list();
  if (r.included) {
    e.add_u64(r.included->block);
    e.add_fixed(r.included->block_hash);
    e.add_fixed(r.included->txn_hash);
    e.add_u64(r.included->gas_used);
    e.add_u256(r.included->effective_gas_price);
    e.add_u64(r.included->success ? 1 : 0);
  }
  e.end_list(inc);
  e.end_list(outer);
  return e.take();
}

Result<TxRecord> decode_record(ByteView encoded) {
  ROLLUP_TRY(auto list, rlp::ListReader::open(encoded));
  TxRecord r;
  ROLLUP_TRY(r.id, list.next_u64());
  ROLLUP_TRY(auto data, list.next_string());
  r.data.assign(data.begin(), data.end());
  ROLLUP_TRY(auto has_nonce, list.next_u64());
  ROLLUP_TRY(auto nonce, list.next_u64());
  if (has_nonce > 1) return fail(rlp::Errc::integer_overflow, "nonce flag");
  if (has_nonce == 1) r.nonce = nonce;
  ROLLUP_TRY(auto raw, list.next_string());
  r.raw.assign(raw.begin(), raw.end());
  ROLLUP_TRY(r.tip, list.next_u256());
  ROLLUP_TRY(r.max_fee, list.next_u256());
  ROLLUP_TRY(auto hashes, list.next_list());
  while (!hashes.empty()) {
    ROLLUP_TRY(auto h, hashes.next_fixed<32>());
    r.hashes.push_back(h);
  }
  ROLLUP_TRY(auto inc, list.next_list());
  if (!inc.empty()) {
    Inclusion i;
    ROLLUP_TRY(i.block, inc.next_u64());
    ROLLUP_TRY(i.block_hash, inc.next_fixed<32>());
    ROLLUP_TRY(i.txn_hash, inc.next_fixed<32>());
    ROLLUP_TRY(i.gas_used, inc.next_u64());
    ROLLUP_TRY(i.effective_gas_price, inc.next_u256());
    ROLLUP_TRY(auto success, inc.next_u64());
    i.success = success == 1;
    if (!inc.empty()) return fail(rlp::Errc::extra_element, "inclusion");
    r.included = i;
  }
  if (!list.empty()) return fail(rlp::Errc::extra_element, "transaction record");
  return r;
}

TxManager::TxManager(Eth& eth, const crypto::SecretKey& key, TxOptions options, Persist persist)
    : m_eth(eth),
      m_key(key),
      m_sender(crypto::address_of(*crypto::public_key(key))),
      m_options(options),
      m_persist(std::move(persist)) {}

void TxManager::restore(std::vector<TxRecord> records) {
  std::ranges::sort(records, {}, &TxRecord::id);
  const auto now = Clock::now();
  for (auto& r : records) {
    const std::uint64_t id = r.id;
    m_live[id] = Live{std::move(r), now};
    m_order.push_back(id);
  }
}

void TxManager::add(std::uint64_t id, Bytes data) {
  ROLLUP_ASSERT(!m_live.contains(id));
  TxRecord r;
  r.id = id;
  r.data = std::move(data);
  m_live[id] = Live{std::move(r), {}};
  m_order.push_back(id);
}

void TxManager::forget(std::uint64_t id) {
  m_live.erase(id);
  std::erase(m_order, id);
}

const TxRecord* TxManager::record(std::uint64_t id) const {
  const auto it = m_live.find(id);
  return it == m_live.end() ? nullptr : &it->second.record;
}

Round TxManager::poll(const L1Head& head) {
  Round round;
  auto step = [&](Result<void> r) {
    if (!r) round.error = std::move(r).error();
    return r.has_value();
  };
  if (step(check_inclusions(head, round)) && step(resubmit(head, round))) {
    step(send_new(round));
  }
  std::ranges::sort(round.changed);
  round.changed.erase(std::ranges::unique(round.changed).begin(), round.changed.end());
  return round;
}

Result<std::optional<Inclusion>> TxManager::find_inclusion(const TxRecord& record) {
  // Newest first: after a replacement, the last version is the likely one.
  for (auto it = record.hashes.rbegin(); it != record.hashes.rend(); ++it) {
    ROLLUP_TRY(auto receipt, m_eth.get_transaction_receipt(*it));
    if (!receipt) continue;
    return std::optional<Inclusion>{Inclusion{.block = receipt->block_num,
                                              .block_hash = receipt->block_hash,
                                              .txn_hash = *it,
                                              .gas_used = receipt->gas_used,
                                              .effective_gas_price = receipt->effective_gas_price,
                                              .success = receipt->status == 1}};
  }
  return std::optional<Inclusion>{};
}

Result<void> TxManager::check_inclusions(const L1Head& head, Round& round) {
  // Several frames usually share an L1 block: ask for each block's hash once per round.
  std::map<std::uint64_t, std::optional<Hash>> canonical;
  const auto canonical_hash = [&](std::uint64_t number) -> Result<std::optional<Hash>> {
    if (const auto it = canonical.find(number); it != canonical.end()) return it->second;
    ROLLUP_TRY(auto block, m_eth.get_block(number, false));
    std::optional<Hash> hash;
    if (block) hash = block->hash;
    canonical.emplace(number, hash);
    return hash;
  };
  for (const std::uint64_t id : m_order) {
    Live& live = m_live.at(id);
    TxRecord& r = live.record;
    if (r.hashes.empty()) continue;
    if (r.included) {
      if (r.included->block > head.number) {
        // L1's head is below the block it was in: a reorg to a shorter chain, or a node behind.
      } else {
        ROLLUP_TRY(auto hash, canonical_hash(r.included->block));
        if (hash == r.included->block_hash) continue;
      }
      // Its block left the chain. The transaction may be in another block already.
      ROLLUP_TRY(auto again, find_inclusion(r));
      if (again && again->block <= head.number) {
        r.included = again;
      } else {
        r.included.reset();
        ++round.reorged;
        live.sent_at = {};  // broadcast again in this round
      }
      round.changed.push_back(id);
      continue;
    }
    ROLLUP_TRY(auto found, find_inclusion(r));
    if (!found) continue;
    if (!found->success) {
      // A reverted transaction carries nothing (verifiers read successful ones only): the
      // payload goes again with a new nonce.
      r.nonce.reset();
      r.raw.clear();
      r.hashes.clear();
      round.changed.push_back(id);
      continue;
    }
    r.included = found;
    ++round.newly_included;
    round.fees_paid += uint256(found->gas_used) * found->effective_gas_price;
    round.calldata_bytes += r.data.size();
    round.changed.push_back(id);
  }
  return {};
}

Result<std::pair<uint256, uint256>> TxManager::suggest_fees() {
  static constexpr double k_percentiles[] = {50.0};
  ROLLUP_TRY(auto history, m_eth.fee_history(4, BlockTag::latest, k_percentiles));
  if (history.base_fees.empty()) return fail(Errc::bad_response, "eth_feeHistory: no base fees");
  std::vector<uint256> tips;
  for (const auto& r : history.rewards) {
    if (!r.empty()) tips.push_back(r[0]);
  }
  uint256 tip = m_options.min_tip;
  if (!tips.empty()) {
    std::ranges::sort(tips);
    tip = std::max(tip, tips[tips.size() / 2]);
  }
  uint256 max_fee = uint256(2) * history.base_fees.back() + tip;
  // Above the cap, offer the cap: the transaction waits in the pool until the base fee comes down.
  max_fee = std::min(max_fee, m_options.max_fee_per_gas);
  tip = std::min(tip, max_fee);
  return std::pair{tip, max_fee};
}

Result<void> TxManager::broadcast(Live& live, bool replace, Round& round) {
  TxRecord& r = live.record;
  ROLLUP_ASSERT(r.nonce.has_value());
  const bool at_cap = !r.raw.empty() && r.max_fee >= m_options.max_fee_per_gas;
  const bool new_version = r.raw.empty() || (replace && !at_cap);
  if (new_version) {
    ROLLUP_TRY(auto fees, suggest_fees());
    auto [tip, max_fee] = fees;
    if (!r.raw.empty()) {
      // A replacement must raise both fees by the pool's minimum, whatever the market did.
      tip = std::max(tip, bumped(r.tip, m_options.bump_percent));
      max_fee = std::max(max_fee, bumped(r.max_fee, m_options.bump_percent));
      max_fee = std::min(max_fee, m_options.max_fee_per_gas);
      tip = std::min(tip, max_fee);
    }
    types::Transaction t;
    t.type = types::TxType::dynamic_fee;
    t.chain_id = m_options.chain_id;
    t.nonce = *r.nonce;
    t.max_priority_fee_per_gas = tip;
    t.max_fee_per_gas = max_fee;
    t.gas_limit = gas_for(r.data);
    t.to = m_options.to;
    t.data = r.data;
    ROLLUP_TRY_VOID(types::sign_transaction(t, m_key));
    r.raw = types::encode_transaction(t);
    r.tip = tip;
    r.max_fee = max_fee;
    r.hashes.push_back(types::transaction_hash(t));
    round.changed.push_back(r.id);
    // Write-ahead: the record names this transaction before anyone can see it.
    ROLLUP_TRY_VOID(m_persist(r));
  }
  live.sent_at = Clock::now();
  live.accepted = false;
  auto sent = m_eth.send_raw_transaction(r.raw);
  if (!sent) {
    switch (txn_rejection(sent.error()).value_or(TxnRejection::other)) {
      case TxnRejection::already_known:
      case TxnRejection::nonce_too_low:  // the nonce is taken: the next rounds find by what
      case TxnRejection::replacement_underpriced:  // an earlier version is in the pool
        break;
      case TxnRejection::insufficient_funds:
        round.out_of_funds = true;
        live.sent_at = {};  // again next round, unchanged
        return fail(std::move(sent).error());
      case TxnRejection::other: live.sent_at = {}; return fail(std::move(sent).error());
    }
  }
  live.accepted = true;
  ++round.sent;
  if (new_version && r.hashes.size() > 1) ++round.replaced;
  return {};
}

Result<void> TxManager::resubmit(const L1Head&, Round& round) {
  const auto now = Clock::now();
  std::optional<std::uint64_t> chain_nonce;
  for (const std::uint64_t id : m_order) {
    Live& live = m_live.at(id);
    TxRecord& r = live.record;
    if (!r.nonce || r.included || now - live.sent_at < m_options.resubmit_after) continue;
    if (!chain_nonce) {
      ROLLUP_TRY(auto n, m_eth.get_transaction_count(m_sender, BlockTag::latest));
      chain_nonce = n;
    }
    if (*r.nonce < *chain_nonce) {
      // The nonce is used, and not by any version of ours (check_inclusions found none): the key
      // sent something else. The payload needs a new nonce.
      r.nonce.reset();
      r.raw.clear();
      r.hashes.clear();
      round.changed.push_back(id);
      if (m_next_nonce && *m_next_nonce < *chain_nonce) m_next_nonce = *chain_nonce;
      continue;
    }
    ROLLUP_TRY_VOID(broadcast(live, live.accepted, round));
  }
  return {};
}

Result<void> TxManager::send_new(Round& round) {
  std::size_t in_flight = 0;
  for (const auto& [id, live] : m_live) {
    if (live.record.nonce && !live.record.included) ++in_flight;
  }
  for (const std::uint64_t id : m_order) {
    if (in_flight >= m_options.max_in_flight) break;
    Live& live = m_live.at(id);
    if (live.record.nonce) continue;
    if (!m_next_nonce) {
      // The pending count covers our own transactions still in the pool; a restored record
      // may be ahead of what the node knows (sent, then lost with the node's pool).
      ROLLUP_TRY(auto n, m_eth.get_transaction_count(m_sender, BlockTag::pending));
      std::uint64_t next = n;
      for (const auto& [other, l] : m_live) {
        if (l.record.nonce) next = std::max(next, *l.record.nonce + 1);
      }
      m_next_nonce = next;
    }
    live.record.nonce = *m_next_nonce;
    if (auto r = broadcast(live, false, round); !r) {
      // Nothing reached L1 if the failure came before the send; the nonce stays assigned and the
      // record persisted, and the next rounds broadcast it again.
      ++*m_next_nonce;
      return r;
    }
    ++*m_next_nonce;
    ++in_flight;
  }
  return {};
}

}  // namespace rollup::l1
