#include "rollup/txpool/pool.hpp"

#include <algorithm>
#include <atomic>
#include <iterator>
#include <limits>
#include <thread>
#include <utility>

#include "rollup/base/assert.hpp"
#include "rollup/base/hex.hpp"
#include "rollup/crypto/keccak.hpp"
#include "rollup/execution/errors.hpp"
#include "rollup/types/account.hpp"

namespace rollup::txpool {

namespace {

// The eviction order's comparison of two transactions' prices at `base_fee` (negative: `a` is
// cheaper). A max fee below the base fee counts as an effective tip of zero; the max fee, compared
// next, then puts it below every transaction the next block could include, whose max fees are all
// at least the base fee.
int compare_price(const types::Transaction& a, const types::Transaction& b,
                  const uint256& base_fee) {
  const auto effective_tip = [&](const types::Transaction& t) {
    if (t.max_fee_per_gas < base_fee) return uint256{};
    return std::min(t.max_priority_fee_per_gas, t.max_fee_per_gas - base_fee);
  };
  const auto order = [](const uint256& x, const uint256& y) { return x < y ? -1 : y < x ? 1 : 0; };
  if (const int c = order(effective_tip(a), effective_tip(b)); c != 0) return c;
  if (const int c = order(a.max_fee_per_gas, b.max_fee_per_gas); c != 0) return c;
  return order(a.max_priority_fee_per_gas, b.max_priority_fee_per_gas);
}

// geth's rule: both fee fields strictly higher, and each at least old * (100 + percent) / 100.
bool bumps(const types::Transaction& next, const types::Transaction& old, unsigned percent) {
  if (next.max_fee_per_gas <= old.max_fee_per_gas ||
      next.max_priority_fee_per_gas <= old.max_priority_fee_per_gas) {
    return false;
  }
  const uint256 factor(100 + percent);
  const uint256 hundred(100);
  return next.max_fee_per_gas >= old.max_fee_per_gas * factor / hundred &&
         next.max_priority_fee_per_gas >= old.max_priority_fee_per_gas * factor / hundred;
}

// Strictly higher in the eviction order, arrival aside: the condition to push another transaction
// out of a full pool.
bool pays_more(const types::Transaction& a, const types::Transaction& b, const uint256& base_fee) {
  return compare_price(a, b, base_fee) > 0;
}

}  // namespace

bool Pool::Cheaper::operator()(const PoolTx* a, const PoolTx* b) const noexcept {
  if (const int c = compare_price(a->txn, b->txn, base_fee); c != 0) return c < 0;
  // Among equal fees the latest arrival goes first, so a flood cannot push out older senders.
  return a->seq > b->seq;
}

Pool::Pool(Config config, execution::ChainConfig chain, Head head)
    : m_config(std::move(config)),
      m_chain(chain),
      m_head(std::move(head)),
      m_by_price(Cheaper{m_head.base_fee}) {
  ROLLUP_ASSERT(m_head.state != nullptr);
}

Result<Hash> Pool::add(types::Transaction txn, const Address& sender) {
  Bytes encoded = types::encode_transaction(txn);
  return add(std::move(txn), sender, std::move(encoded));
}

Result<Hash> Pool::add(types::Transaction txn, const Address& sender, Bytes encoded) {
  std::vector<Incoming> one;
  one.push_back({std::move(txn), sender, std::move(encoded)});
  return std::move(add_many(std::move(one)).front());
}

Result<Pool::Prepared> Pool::prepare(Incoming in) const {
  auto tx = std::make_shared<PoolTx>();
  tx->encoded = std::move(in.encoded);
  if (tx->encoded.size() > m_config.max_tx_size) {
    return fail(Errc::oversized_data, "transaction size " + std::to_string(tx->encoded.size()) +
                                          ", limit " + std::to_string(m_config.max_tx_size));
  }
  tx->hash = crypto::keccak256(tx->encoded);
  // The pool holds only what this chain's blocks can include.
  if (in.txn.type == types::TxType::blob && !m_chain.blob_transactions) {
    return fail(types::Errc::blob_tx_unsupported);
  }
  ROLLUP_TRY_VOID(types::check_transaction(in.txn, m_chain.chain_id));
  // A signature without a chain id is valid on every chain that accepts such signatures; taking one
  // is for operators who know they want it (geth refuses them over RPC by default too).
  if (!in.txn.chain_id && !m_config.allow_unprotected) return fail(Errc::unprotected);
  if (in.txn.max_priority_fee_per_gas < m_config.min_tip) {
    return fail(Errc::underpriced, "tip " + to_string(in.txn.max_priority_fee_per_gas) +
                                       " wei, minimum " + to_string(m_config.min_tip));
  }
  Prepared p;
  // check_transaction rules out an overflow of gas * max fee, not of the sum with the value.
  p.cost_overflow =
      add_overflow(uint256(in.txn.gas_limit) * in.txn.max_fee_per_gas, in.txn.value, tx->cost);
  tx->sender = in.sender;
  tx->txn = std::move(in.txn);
  p.tx = std::move(tx);
  return p;
}

Result<TxPtr> Pool::admit(std::shared_ptr<PoolTx> tx, bool cost_overflow) {
  const types::Transaction& t = tx->txn;
  const Address sender = tx->sender;
  if (m_by_hash.contains(tx->hash)) return fail(Errc::already_known);
  if (t.gas_limit > m_head.gas_limit) {
    return fail(execution::Errc::exceeds_block_gas_limit, "gas " + std::to_string(t.gas_limit) +
                                                              ", block gas limit " +
                                                              std::to_string(m_head.gas_limit));
  }
  // The sender's account: held already, or read from the head (kept only if the add succeeds).
  auto held = m_accounts.find(sender);
  Account fresh;
  if (held == m_accounts.end()) {
    ROLLUP_TRY(std::optional<types::Account> state, m_head.state->account(sender));
    if (state) {
      fresh.nonce = state->nonce;
      fresh.balance = state->balance;
    }
  }
  Account& account = held != m_accounts.end() ? held->second : fresh;
  if (t.nonce < account.nonce) {
    return fail(execution::Errc::nonce_too_low, "next nonce " + std::to_string(account.nonce) +
                                                    ", tx nonce " + std::to_string(t.nonce));
  }
  if (cost_overflow || account.balance < tx->cost) {
    return fail(execution::Errc::insufficient_funds,
                "balance " + to_string(account.balance) + ", tx cost " +
                    (cost_overflow ? "more than 2^256" : to_string(tx->cost)) + ", overshot " +
                    (cost_overflow ? "more than 2^256" : to_string(tx->cost - account.balance)));
  }
  TxPtr replaced;
  const auto same_nonce = account.txs.find(t.nonce);
  if (same_nonce != account.txs.end()) {
    if (!bumps(t, same_nonce->second->txn, m_config.price_bump_percent)) {
      return fail(Errc::replacement_underpriced);
    }
    replaced = same_nonce->second;
  }
  // All of the sender's transactions together must be affordable, not each alone: otherwise one
  // balance could hold many pool slots that can never all execute (geth checks the same).
  const uint256 others = replaced ? account.spend - replaced->cost : account.spend;
  uint256 total;
  if (add_overflow(others, tx->cost, total) || total > account.balance) {
    return fail(execution::Errc::insufficient_funds,
                "balance " + to_string(account.balance) + ", queued cost " + to_string(others) +
                    ", tx cost " + to_string(tx->cost) + ", overshot " +
                    (total > account.balance ? to_string(total - account.balance) : "0"));
  }
  // From here on every change is logged, so that the admission can be taken back as a whole.
  ROLLUP_ASSERT(m_undo != nullptr);
  const std::size_t mark = m_undo->size();
  const bool gapped = t.nonce > account.nonce + account.pending;
  if (replaced) {
    remove(account, same_nonce);
  } else {
    if (gapped && account.txs.size() - account.pending >= m_config.account_queue) {
      return fail(Errc::account_limit, "sender " + hex::encode(sender.view()) + " has " +
                                           std::to_string(m_config.account_queue) +
                                           " queued transactions");
    }
    if (m_by_hash.size() >= m_config.global_slots + m_config.global_queue &&
        !evict_cheapest_except(sender, *tx, gapped)) {
      return fail(Errc::pool_full);
    }
  }
  tx->seq = m_seq++;
  tx->arrived = m_config.now();
  const Hash hash = tx->hash;
  if (held == m_accounts.end()) held = m_accounts.emplace(sender, std::move(fresh)).first;
  insert(held->second, std::move(tx));
  enforce_limits();
  if (!m_by_hash.contains(hash)) {
    // Cut at once: accepting it would acknowledge a transaction the pool no longer holds, and what
    // made room for it (evictions, cuts of others) would have been lost for nothing.
    rollback(mark);
    if (gapped) {
      return fail(Errc::pool_full,
                  "queued transactions at the limit of " + std::to_string(m_config.global_queue));
    }
    return fail(Errc::pool_full, "pending transactions at the limit of " +
                                     std::to_string(m_config.global_slots) + " and sender " +
                                     hex::encode(sender.view()) + " above its " +
                                     std::to_string(m_config.account_slots) + " guaranteed slots");
  }
  return replaced;
}

std::vector<Result<Hash>> Pool::add_many(std::vector<Incoming> batch) {
  std::vector<Result<Hash>> results;
  std::vector<Result<Prepared>> prepared;
  prepared.reserve(batch.size());
  // The checks that need neither the pool nor the state run before the lock is taken.
  for (Incoming& in : batch) prepared.push_back(prepare(std::move(in)));
  struct Admitted {
    std::size_t index;
    TxPtr tx;
    TxPtr replaced;
  };
  std::vector<Admitted> admitted;
  std::vector<Undo> log;
  std::lock_guard lock(m_mutex);
  // Every insertion and removal of the batch is logged, so that a transaction the limits cut right
  // after its insertion, or a failed journal write, can be taken back exactly: evictions, cuts and
  // replacements included.
  m_undo = &log;
  for (std::size_t i = 0; i < prepared.size(); ++i) {
    if (!prepared[i]) {
      results.emplace_back(std::unexpected(std::move(prepared[i]).error()));
      continue;
    }
    TxPtr tx = prepared[i]->tx;
    auto replaced = admit(std::move(prepared[i]->tx), prepared[i]->cost_overflow);
    if (!replaced) {
      results.emplace_back(std::unexpected(std::move(replaced).error()));
      continue;
    }
    results.emplace_back(tx->hash);
    admitted.push_back({i, std::move(tx), std::move(*replaced)});
  }
  m_undo = nullptr;
  if (m_journal == nullptr || admitted.empty()) return results;
  // One write for the whole batch; nothing in it is acknowledged unless the write succeeded.
  std::vector<ByteView> records;
  records.reserve(admitted.size());
  for (const Admitted& a : admitted) records.push_back(a.tx->encoded);
  if (auto written = m_journal->append_many(records); !written) {
    undo(log);
    for (const Admitted& a : admitted) results[a.index] = std::unexpected(written.error());
  }
  return results;
}

void Pool::undo(std::vector<Undo>& log) {
  for (auto it = log.rbegin(); it != log.rend(); ++it) {
    const Address& sender = it->tx->sender;
    if (it->inserted) {
      const auto held = m_accounts.find(sender);
      if (held == m_accounts.end()) continue;
      const auto at = held->second.txs.find(it->tx->txn.nonce);
      // Only this very transaction: a later entry of the log may have replaced it already.
      if (at != held->second.txs.end() && at->second == it->tx) remove(held->second, at);
      drop_empty(sender);
    } else {
      auto [held, created] = m_accounts.try_emplace(sender);
      if (created) {
        held->second.nonce = it->nonce;
        held->second.balance = it->balance;
      }
      insert(held->second, it->tx);
    }
  }
}

void Pool::rollback(std::size_t mark) {
  std::vector<Undo> tail(
      std::make_move_iterator(m_undo->begin() + static_cast<std::ptrdiff_t>(mark)),
      std::make_move_iterator(m_undo->end()));
  m_undo->erase(m_undo->begin() + static_cast<std::ptrdiff_t>(mark), m_undo->end());
  // The undoing itself must not be logged: the batch's log goes on from `mark` as if the taken
  // back changes had never happened.
  std::vector<Undo>* const log = std::exchange(m_undo, nullptr);
  undo(tail);
  m_undo = log;
}

Result<void> Pool::set_journal(Journal* journal) {
  std::lock_guard lock(m_mutex);
  if (journal != nullptr) ROLLUP_TRY_VOID(rewrite_journal(*journal));
  m_journal = journal;
  return {};
}

Result<void> Pool::compact_journal() {
  // Rewrites cost a pass over the pool; doing one only when dead records outnumber live ones (plus
  // a margin) keeps the file within about twice the pool while rewriting rarely.
  if (m_journal == nullptr || m_journal->records() <= 2 * m_by_hash.size() + 1024) return {};
  return rewrite_journal(*m_journal);
}

Result<void> Pool::rewrite_journal(Journal& journal) const {
  std::vector<const PoolTx*> live;
  live.reserve(m_by_hash.size());
  for (const auto& [hash, tx] : m_by_hash) live.push_back(tx.get());
  std::ranges::sort(live, [](const PoolTx* a, const PoolTx* b) { return a->seq < b->seq; });
  std::vector<Bytes> envelopes;
  envelopes.reserve(live.size());
  for (const PoolTx* tx : live) envelopes.push_back(tx->encoded);
  return journal.rewrite(envelopes);
}

void Pool::recount(Account& account) {
  std::size_t run = 0;
  for (auto it = account.txs.find(account.nonce);
       it != account.txs.end() && it->first == account.nonce + run; ++it) {
    ++run;
  }
  m_pending = m_pending - account.pending + run;
  account.pending = run;
}

void Pool::insert(Account& account, TxPtr tx) {
  if (m_undo != nullptr) m_undo->push_back({true, tx, 0, uint256{}});
  const PoolTx* raw = tx.get();
  m_by_hash.emplace(raw->hash, tx);
  if (!m_by_price_stale) m_by_price.insert(raw);
  account.spend += raw->cost;
  account.txs.emplace(raw->txn.nonce, std::move(tx));
  recount(account);
}

void Pool::remove(Account& account, std::map<std::uint64_t, TxPtr>::iterator it) {
  if (m_undo != nullptr) m_undo->push_back({false, it->second, account.nonce, account.balance});
  if (!m_by_price_stale) m_by_price.erase(it->second.get());
  m_by_hash.erase(it->second->hash);
  account.spend -= it->second->cost;
  account.txs.erase(it);
  recount(account);
}

void Pool::drop_empty(const Address& sender) {
  const auto it = m_accounts.find(sender);
  if (it != m_accounts.end() && it->second.txs.empty()) m_accounts.erase(it);
}

bool Pool::evict_cheapest_except(const Address& sender, const PoolTx& incoming,
                                 bool incoming_gapped) {
  if (m_by_price_stale) reprice();
  for (const PoolTx* victim : m_by_price) {
    // Cheapest first: once a transaction pays as much as the incoming one, so do all after it.
    if (!pays_more(incoming.txn, victim->txn, m_head.base_fee)) return false;
    // A sender's own transactions are never evicted for it: that could open a gap before the
    // very transaction being added.
    if (victim->sender == sender) continue;
    const Address owner = victim->sender;
    Account& account = m_accounts.at(owner);
    // Transactions that cannot run yet must not churn ones that can (geth refuses the same).
    if (incoming_gapped && victim->txn.nonce < account.nonce + account.pending) continue;
    remove(account, account.txs.find(victim->txn.nonce));
    drop_empty(owner);
    return true;
  }
  return false;
}

void Pool::enforce_limits() {
  truncate_pending();
  truncate_queued();
}

void Pool::truncate_pending() {
  if (m_pending <= m_config.global_slots) return;
  struct Offender {
    std::size_t pending;
    std::uint64_t top_seq;  // arrival of its highest pending transaction
    Address sender;
    Account* account;
  };
  std::vector<Offender> offenders;
  for (auto& [sender, account] : m_accounts) {
    if (account.pending <= m_config.account_slots) continue;
    const TxPtr& top = account.txs.at(account.nonce + account.pending - 1);
    offenders.push_back({account.pending, top->seq, sender, &account});
  }
  // Most pending first; among equals the one that grew last, which is the sender whose new
  // transaction passed the limit when that is what happened.
  std::ranges::sort(offenders, [](const Offender& a, const Offender& b) {
    return a.pending != b.pending ? a.pending > b.pending : a.top_seq > b.top_seq;
  });
  // Level by level: the biggest are cut down to the size of the next, then all of those together,
  // one transaction each per round, so no sender ends below one that held fewer. Each cut takes a
  // sender's highest pending nonce, so what it keeps is still a run it can execute.
  while (m_pending > m_config.global_slots && !offenders.empty()) {
    const std::size_t level = offenders.front().account->pending;
    if (level <= m_config.account_slots) break;
    for (Offender& o : offenders) {
      if (o.account->pending != level || m_pending <= m_config.global_slots) break;
      remove(*o.account, o.account->txs.find(o.account->nonce + o.account->pending - 1));
    }
  }
  for (const Offender& o : offenders) drop_empty(o.sender);
}

void Pool::truncate_queued() {
  const auto queued_count = [this] { return m_by_hash.size() - m_pending; };
  if (queued_count() <= m_config.global_queue) return;
  // Oldest first, not cheapest: a queued transaction pays nothing until its gap fills, so its fees
  // say little of its worth (and cost a spammer nothing), while a gap that has stayed open long is
  // the one least likely to fill (the same reason queued transactions expire). geth drops by the
  // sender's last activity; the sender's longest-waiting queued transaction is our measure of it.
  struct Stale {
    std::uint64_t oldest_seq;
    Address sender;
  };
  std::vector<Stale> senders;
  for (const auto& [sender, account] : m_accounts) {
    if (account.txs.size() == account.pending) continue;
    std::uint64_t oldest = std::numeric_limits<std::uint64_t>::max();
    for (auto it = account.txs.lower_bound(account.nonce + account.pending);
         it != account.txs.end(); ++it) {
      oldest = std::min(oldest, it->second->seq);
    }
    senders.push_back({oldest, sender});
  }
  std::ranges::sort(senders, {}, &Stale::oldest_seq);
  for (const Stale& s : senders) {
    Account& account = m_accounts.at(s.sender);
    // Highest nonces first: the transactions nearest the gap are the first to become executable.
    while (queued_count() > m_config.global_queue && account.txs.size() > account.pending) {
      remove(account, std::prev(account.txs.end()));
    }
    drop_empty(s.sender);
    if (queued_count() <= m_config.global_queue) break;
  }
}

void Pool::reprice() {
  std::set<const PoolTx*, Cheaper> by_price(Cheaper{m_head.base_fee});
  for (const auto& [hash, tx] : m_by_hash) by_price.insert(tx.get());
  m_by_price.swap(by_price);  // swaps the comparators too
  m_by_price_stale = false;
}

Result<void> Pool::set_head(Head head, std::span<const Address> changed) {
  std::lock_guard lock(m_mutex);
  const bool repriced = head.base_fee != m_head.base_fee;
  m_head = std::move(head);
  // The eviction order depends on the base fee; the set must never be searched with another order
  // than the one it was sorted by. It is dropped here and rebuilt by the next eviction: the base
  // fee moves with nearly every block, and re-sorting a large pool each time, under the lock that
  // the intake waits on, would cost far more than the evictions of a pool that is rarely full.
  if (repriced) {
    m_by_price.clear();
    m_by_price_stale = true;
  }
  for (const Address& address : changed) {
    const auto held = m_accounts.find(address);
    if (held == m_accounts.end()) continue;
    Account& account = held->second;
    ROLLUP_TRY(std::optional<types::Account> state, m_head.state->account(address));
    account.nonce = state ? state->nonce : 0;
    account.balance = state ? state->balance : uint256{};
    // Below the nonce: included in a block (or replaced by one that was).
    while (!account.txs.empty() && account.txs.begin()->first < account.nonce) {
      remove(account, account.txs.begin());
    }
    // No longer affordable; what follows it is queued behind the gap until it is filled again.
    for (auto it = account.txs.begin(); it != account.txs.end();) {
      auto next = std::next(it);
      if (it->second->cost > account.balance) remove(account, it);
      it = next;
    }
    recount(account);
    drop_empty(address);
  }
  drop_expired_queued();
  // The block may have moved nonces past gaps (promoting queued transactions) or made some
  // unaffordable (queuing what follows them): either limit may be passed now.
  enforce_limits();
  // A failed rewrite leaves the old journal in place (the rewrite is atomic); it only stays larger
  // than needed, and the next head tries again. The pool itself is up to date either way.
  static_cast<void>(compact_journal());
  return {};
}

void Pool::drop_expired_queued() {
  // A walk over the senders held (a few thousand at most), once per block.
  const auto deadline = m_config.now() - m_config.queued_lifetime;
  for (auto it = m_accounts.begin(); it != m_accounts.end();) {
    Account& account = it->second;
    auto tx = std::next(account.txs.begin(), static_cast<std::ptrdiff_t>(account.pending));
    while (tx != account.txs.end()) {
      auto next = std::next(tx);
      if (tx->second->arrived < deadline) remove(account, tx);
      tx = next;
    }
    it = account.txs.empty() ? m_accounts.erase(it) : std::next(it);
  }
}

Status Pool::status() const {
  std::lock_guard lock(m_mutex);
  return {m_pending, m_by_hash.size() - m_pending};
}

TxPtr Pool::get(const Hash& hash) const {
  std::lock_guard lock(m_mutex);
  const auto it = m_by_hash.find(hash);
  return it == m_by_hash.end() ? nullptr : it->second;
}

Result<std::uint64_t> Pool::pending_nonce(const Address& sender) const {
  std::lock_guard lock(m_mutex);
  const auto it = m_accounts.find(sender);
  if (it != m_accounts.end()) return it->second.nonce + it->second.pending;
  ROLLUP_TRY(std::optional<types::Account> state, m_head.state->account(sender));
  return state ? state->nonce : 0;
}

std::vector<std::vector<TxPtr>> Pool::pending() const {
  std::lock_guard lock(m_mutex);
  std::vector<std::vector<TxPtr>> out;
  for (const auto& [sender, account] : m_accounts) {
    if (account.pending == 0) continue;
    auto& list = out.emplace_back();
    auto it = account.txs.begin();
    for (std::size_t i = 0; i < account.pending; ++i, ++it) list.push_back(it->second);
  }
  return out;
}

std::vector<std::vector<TxPtr>> Pool::queued() const {
  std::lock_guard lock(m_mutex);
  std::vector<std::vector<TxPtr>> out;
  for (const auto& [sender, account] : m_accounts) {
    if (account.txs.size() == account.pending) continue;
    auto& list = out.emplace_back();
    auto it = std::next(account.txs.begin(), static_cast<std::ptrdiff_t>(account.pending));
    for (; it != account.txs.end(); ++it) list.push_back(it->second);
  }
  return out;
}

namespace {

// Runs work(start, end) over [0, n) in chunks of 64 on up to `threads` threads (the caller's
// included). Small chunks keep every thread busy to the end even when items vary in cost, and 64
// signatures fill eight vector groups of crypto::recover_addresses.
template <typename Work>
void for_each_chunk(std::size_t n, std::size_t threads, Work work) {
  constexpr std::size_t k_chunk = 64;
  std::atomic<std::size_t> next{0};
  auto run = [&] {
    for (std::size_t start = next.fetch_add(k_chunk); start < n; start = next.fetch_add(k_chunk)) {
      work(start, std::min(n, start + k_chunk));
    }
  };
  const std::size_t helpers = std::min(threads, n / k_chunk + 1);
  std::vector<std::jthread> pool;
  for (std::size_t i = 1; i < helpers; ++i) pool.emplace_back(run);
  run();
}  // every helper has joined before the caller's buffers go away

}  // namespace

std::vector<Result<Address>> recover_senders(std::span<const types::Transaction> txns,
                                             std::size_t threads) {
  std::vector<Result<Address>> out(txns.size(), Address{});
  for_each_chunk(txns.size(), threads, [&](std::size_t start, std::size_t end) {
    auto senders = types::recover_senders(txns.subspan(start, end - start));
    std::ranges::move(senders, out.begin() + static_cast<std::ptrdiff_t>(start));
  });
  return out;
}

namespace {

// Decoded transactions and their senders; an entry whose decoding or recovery failed holds the
// error instead. Decoding runs on the worker threads too, so that only the pool's own checks are
// left for the caller's thread.
std::vector<Result<std::pair<types::Transaction, Address>>> decode_and_recover(
    std::span<const Bytes> envelopes, std::size_t threads) {
  std::vector<Result<std::pair<types::Transaction, Address>>> out(envelopes.size());
  for_each_chunk(envelopes.size(), threads, [&](std::size_t start, std::size_t end) {
    std::vector<types::Transaction> txns;
    std::vector<std::size_t> where;
    for (std::size_t i = start; i < end; ++i) {
      auto txn = types::decode_transaction(envelopes[i]);
      if (!txn) {
        out[i] = std::unexpected(std::move(txn).error());
        continue;
      }
      where.push_back(i);
      txns.push_back(std::move(*txn));
    }
    auto senders = types::recover_senders(txns);
    for (std::size_t k = 0; k < txns.size(); ++k) {
      if (!senders[k]) {
        out[where[k]] = std::unexpected(std::move(senders[k]).error());
      } else {
        out[where[k]] = std::pair{std::move(txns[k]), *senders[k]};
      }
    }
  });
  return out;
}

}  // namespace

std::vector<Result<Hash>> submit(Pool& pool, std::span<const Bytes> envelopes,
                                 std::size_t threads) {
  auto decoded = decode_and_recover(envelopes, threads);
  std::vector<Result<Hash>> results(envelopes.size(), Hash{});
  std::vector<Pool::Incoming> batch;
  std::vector<std::size_t> where;
  for (std::size_t i = 0; i < decoded.size(); ++i) {
    if (!decoded[i]) {
      results[i] = std::unexpected(std::move(decoded[i]).error());
      continue;
    }
    // The decoder accepts canonical encodings only, so the envelope is the re-encoding.
    batch.push_back({std::move(decoded[i]->first), decoded[i]->second, Bytes(envelopes[i])});
    where.push_back(i);
  }
  auto added = pool.add_many(std::move(batch));
  for (std::size_t k = 0; k < added.size(); ++k) results[where[k]] = std::move(added[k]);
  return results;
}

Restored restore(Pool& pool, std::span<const Bytes> envelopes, std::size_t threads) {
  Restored restored;
  // In journal order, so a sender's nonces arrive in the order they were first accepted.
  for (auto& decoded : decode_and_recover(envelopes, threads)) {
    if (!decoded) {
      ++restored.undecodable;
    } else if (pool.add(std::move(decoded->first), decoded->second)) {
      ++restored.accepted;
    } else {
      ++restored.refused;
    }
  }
  return restored;
}

// --- BestTransactions -----------------------------------------------------------------------

bool BestTransactions::Lower::operator()(const Entry& a, const Entry& b) const noexcept {
  if (a.tip != b.tip) return a.tip < b.tip;
  return a.seq > b.seq;  // equal tips: first come, first served
}

BestTransactions::BestTransactions(std::vector<std::vector<TxPtr>> pending, const uint256& base_fee)
    : m_queues(std::move(pending)), m_next(m_queues.size(), 0), m_base_fee(base_fee) {
  for (std::size_t s = 0; s < m_queues.size(); ++s) push_head(s);
}

void BestTransactions::push_head(std::size_t sender) {
  const auto& queue = m_queues[sender];
  if (m_next[sender] >= queue.size()) return;
  const types::Transaction& t = queue[m_next[sender]]->txn;
  // Not includable at this base fee; nor, then, anything after it from the same sender.
  if (t.max_fee_per_gas < m_base_fee) return;
  const uint256 tip = std::min(t.max_priority_fee_per_gas, t.max_fee_per_gas - m_base_fee);
  m_heap.push_back({tip, queue[m_next[sender]]->seq, sender});
  std::ranges::push_heap(m_heap, Lower{});
}

TxPtr BestTransactions::next() {
  if (m_heap.empty()) {
    m_last.reset();
    return nullptr;
  }
  std::ranges::pop_heap(m_heap, Lower{});
  const std::size_t sender = m_heap.back().sender;
  m_heap.pop_back();
  TxPtr tx = m_queues[sender][m_next[sender]++];
  m_last = sender;
  push_head(sender);
  return tx;
}

void BestTransactions::skip_sender() {
  if (!m_last) return;
  const std::size_t sender = *m_last;
  m_next[sender] = m_queues[sender].size();
  std::erase_if(m_heap, [&](const Entry& e) { return e.sender == sender; });
  std::ranges::make_heap(m_heap, Lower{});
  m_last.reset();
}

}  // namespace rollup::txpool
