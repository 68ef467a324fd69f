#pragma once
// The transaction pool: signed transactions waiting for a block.
//
// Per sender, transactions are kept by nonce. Those that follow the sender's state nonce without a
// gap are pending (executable now, in that order); the rest are queued until the gap fills. A
// transaction with the nonce of one already held replaces it only when it raises both fee fields
// by the configured bump (10%, as geth). Every change of the head re-checks the senders whose
// accounts the block touched: transactions now below the nonce are dropped (included, or replaced
// on chain), those the balance no longer covers are dropped, and what follows a new gap is queued.
//
// Limits (geth's legacypool): at most global_slots + global_queue transactions in all. A new one
// arriving when that is reached pushes out the cheapest transaction of another sender if it pays
// more, and is refused otherwise; a gapped one never pushes out an executable one. Pending
// transactions above global_slots are cut from the senders holding the most, highest nonces first
// and evenly, but never below account_slots each: those slots are what a flood from other senders
// cannot take. Pending may thus exceed global_slots, but only with transactions within every
// sender's guaranteed slots. Queued transactions above global_queue are dropped from the senders
// whose gap has stayed open longest. The cuts are made as soon as a limit is passed, in add() and
// in set_head(), never later: a transaction the cuts would remove at once is refused instead, with
// everything its admission changed taken back, so an accepted transaction is one the pool holds.
//
// "Cheapest" is by effective tip at the next block's base fee (min(tip, max fee - base fee); zero
// when the max fee is below the base fee, so such a transaction ranks below every includable one),
// then by max fee, then by tip; among equals the latest arrival goes first. A new head with another
// base fee re-sorts the pool.
//
// Validation goes through a StateView of the head only; the pool never writes state. Senders are
// recovered before add() (in parallel, by the caller: recovery is the expensive part of intake),
// so a transaction's sender is computed once in its life.
//
// Errors carry geth's messages, which wallets match on: reasons shared with block execution use
// execution::Errc (nonce too low, insufficient funds, exceeds block gas limit), the pool's own use
// txpool::Errc.
//
// Thread-safety: all members may be called from any thread; one mutex guards the pool.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <span>
#include <unordered_map>
#include <vector>

#include "rollup/base/bytes.hpp"
#include "rollup/base/error.hpp"
#include "rollup/base/uint256.hpp"
#include "rollup/execution/executor.hpp"
#include "rollup/state/state.hpp"
#include "rollup/txpool/journal.hpp"
#include "rollup/types/transaction.hpp"

namespace rollup::txpool {

enum class Errc {
  ok = 0,
  already_known,            // the same transaction is already in the pool
  replacement_underpriced,  // same sender and nonce, but fees not raised by the bump
  underpriced,              // tip below the pool's minimum, or cheaper than all of a full pool
  oversized_data,           // encoded transaction above the size limit
  pool_full,                // no room and nothing cheaper to evict
  account_limit,            // the sender already has the most queued transactions allowed
  journal_io,               // the journal file could not be read or written
  unprotected,              // a legacy transaction without EIP-155 replay protection
};

}  // namespace rollup::txpool
ROLLUP_DECLARE_ERRC(rollup::txpool, Errc);

namespace rollup::txpool {

// geth's defaults (core/txpool/legacypool).
struct Config {
  std::size_t global_slots = 5120;  // pending transactions in all (beyond: see account_slots)
  std::size_t account_slots = 16;   // pending transactions per sender that global_slots never cuts
  std::size_t global_queue = 1024;  // queued transactions in all
  std::size_t account_queue = 64;   // queued transactions per sender
  unsigned price_bump_percent = 10;
  std::size_t max_tx_size = 128 * 1024;
  uint256 min_tip = uint256(1);  // wei per gas
  // Accept legacy transactions signed without a chain id (replayable on any such chain).
  bool allow_unprotected = false;
  // How long a queued (nonce-gapped) transaction may wait for its gap to fill.
  std::chrono::seconds queued_lifetime{3 * 3600};
  // The pool's clock; injectable so tests can move time.
  std::function<std::chrono::steady_clock::time_point()> now = [] {
    return std::chrono::steady_clock::now();
  };
};

// A transaction as the pool holds it, with what it cost to learn once.
struct PoolTx {
  types::Transaction txn;
  Address sender;
  Hash hash;
  Bytes encoded;          // the EIP-2718 envelope (journal, raw RPC answers, size limit)
  uint256 cost;           // gas_limit * max_fee + value: what the balance must cover
  std::uint64_t seq = 0;  // arrival order, the tie-break among equal fees
  std::chrono::steady_clock::time_point arrived;
};
using TxPtr = std::shared_ptr<const PoolTx>;

// What validation needs to know about the chain's head.
struct Head {
  std::shared_ptr<const state::StateView> state;  // the state after the head block
  uint256 base_fee;                               // of the next block
  std::uint64_t gas_limit = 0;                    // of the next block
};

struct Status {
  std::size_t pending = 0;
  std::size_t queued = 0;
};

class Pool {
 public:
  Pool(Config config, execution::ChainConfig chain, Head head);

  // Rewrites `journal` (which must outlive the pool) with exactly the pool's transactions, then
  // appends every accepted transaction to it before add() returns and rewrites it when mostly
  // dead. Attach it after restoring its previous contents, so what did not come back is dropped
  // from the file too. Null detaches.
  [[nodiscard]] Result<void> set_journal(Journal* journal);

  // Validates and inserts a transaction whose sender has been recovered. Returns its hash once
  // the transaction is in the pool and, with a journal, in the journal.
  [[nodiscard]] Result<Hash> add(types::Transaction txn, const Address& sender);
  // The same for a transaction decoded from `encoded`, its EIP-2718 envelope, which is kept as is
  // instead of being encoded again.
  [[nodiscard]] Result<Hash> add(types::Transaction txn, const Address& sender, Bytes encoded);

  struct Incoming {
    types::Transaction txn;
    Address sender;
    Bytes encoded;  // its EIP-2718 envelope
  };
  // add() for a batch, in order, under one lock and with one journal write: one result each.
  [[nodiscard]] std::vector<Result<Hash>> add_many(std::vector<Incoming> batch);

  // Moves to a new head: `changed` lists the accounts the new blocks touched (their state diff),
  // the only senders whose transactions can have become stale or unaffordable. Queued
  // transactions older than the queued lifetime are dropped too.
  [[nodiscard]] Result<void> set_head(Head head, std::span<const Address> changed);

  [[nodiscard]] Status status() const;
  [[nodiscard]] TxPtr get(const Hash& hash) const;
  // The next nonce counting the sender's pending transactions (eth_getTransactionCount "pending").
  [[nodiscard]] Result<std::uint64_t> pending_nonce(const Address& sender) const;
  // Pending and queued transactions, per sender in nonce order (block building, txpool_content).
  [[nodiscard]] std::vector<std::vector<TxPtr>> pending() const;
  [[nodiscard]] std::vector<std::vector<TxPtr>> queued() const;

 private:
  struct Account {
    std::uint64_t nonce = 0;  // the state nonce at the head
    uint256 balance;
    std::map<std::uint64_t, TxPtr> txs;  // by nonce
    std::size_t pending = 0;             // the first `pending` entries of txs are executable
    uint256 spend;                       // the sum of the costs of txs
  };
  // A change add_many may have to take back: a transaction inserted, or one removed (replaced or
  // evicted) together with its sender's account as it was, in case the removal dropped it.
  struct Undo {
    bool inserted;
    TxPtr tx;
    std::uint64_t nonce = 0;
    uint256 balance;
  };
  // Cheapest first at `base_fee`: the eviction order of a full pool. A set ordered by it must be
  // rebuilt when the base fee changes (reprice()).
  struct Cheaper {
    uint256 base_fee;
    bool operator()(const PoolTx* a, const PoolTx* b) const noexcept;
  };

  struct Prepared {
    std::shared_ptr<PoolTx> tx;
    bool cost_overflow = false;
  };
  // The checks that need neither the pool nor the state (no lock).
  Result<Prepared> prepare(Incoming in) const;
  // Validation against the pool and the head state, and insertion (under the lock). Returns the
  // transaction it replaced, if any.
  Result<TxPtr> admit(std::shared_ptr<PoolTx> tx, bool cost_overflow);
  void recount(Account& account);
  void insert(Account& account, TxPtr tx);
  void remove(Account& account, std::map<std::uint64_t, TxPtr>::iterator it);
  void drop_empty(const Address& sender);
  // Evicts the cheapest transaction of another sender if `incoming` pays more. A transaction that
  // cannot execute yet (`incoming_gapped`) never pushes out an executable one.
  bool evict_cheapest_except(const Address& sender, const PoolTx& incoming, bool incoming_gapped);
  // Brings pending down to global_slots and queued down to global_queue (see the top comment).
  void enforce_limits();
  void truncate_pending();
  void truncate_queued();
  void reprice();
  void undo(std::vector<Undo>& log);
  // Takes back the changes logged in m_undo from position `mark` on, and forgets them.
  void rollback(std::size_t mark);

  Result<void> compact_journal();
  // The journal rewritten with the pool's transactions, in arrival order.
  Result<void> rewrite_journal(Journal& journal) const;
  void drop_expired_queued();

  const Config m_config;
  const execution::ChainConfig m_chain;
  mutable std::mutex m_mutex;
  Journal* m_journal = nullptr;
  std::vector<Undo>* m_undo = nullptr;  // set while add_many admits a batch
  Head m_head;
  std::unordered_map<Address, Account> m_accounts;
  std::unordered_map<Hash, TxPtr> m_by_hash;
  std::set<const PoolTx*, Cheaper> m_by_price;
  bool m_by_price_stale = false;  // the base fee moved; m_by_price is empty until reprice()
  std::size_t m_pending = 0;      // the rest of m_by_hash is queued
  std::uint64_t m_seq = 0;
};

// Recovers the sender of every transaction, spread over `threads` threads (sender recovery is the
// costly part of intake: one elliptic-curve recovery per transaction).
[[nodiscard]] std::vector<Result<Address>> recover_senders(std::span<const types::Transaction> txns,
                                                           std::size_t threads);

// The intake of raw transactions (EIP-2718 envelopes, as eth_sendRawTransaction takes them):
// decodes them, recovers their senders in parallel and adds them to the pool in the order given.
// One result per envelope.
[[nodiscard]] std::vector<Result<Hash>> submit(Pool& pool, std::span<const Bytes> envelopes,
                                               std::size_t threads);

// Re-adds the transactions of a journal to a pool (before the journal is attached to it).
// Transactions that no longer apply (included meanwhile, replaced, now invalid) are counted, not
// errors.
struct Restored {
  std::size_t accepted = 0;
  std::size_t refused = 0;      // valid encodings the pool did not take back
  std::size_t undecodable = 0;  // not a transaction, or no sender recovers
};
[[nodiscard]] Restored restore(Pool& pool, std::span<const Bytes> envelopes, std::size_t threads);

// The order in which a block takes pending transactions: at every step the sender whose next
// transaction pays the highest effective tip (min(tip, max_fee - base_fee)) at this block's base
// fee, so one sender's transactions always go in nonce order. Transactions whose max fee is below
// the base fee wait for a later block.
class BestTransactions {
 public:
  BestTransactions(std::vector<std::vector<TxPtr>> pending, const uint256& base_fee);
  // The next transaction to try, or null when none is left.
  [[nodiscard]] TxPtr next();
  // After the last transaction returned could not be included: skip the rest of its sender,
  // whose later nonces cannot run without it.
  void skip_sender();

 private:
  struct Entry {
    uint256 tip;
    std::uint64_t seq;
    std::size_t sender;  // index into m_queues
  };
  struct Lower {
    bool operator()(const Entry& a, const Entry& b) const noexcept;
  };
  void push_head(std::size_t sender);

  std::vector<std::vector<TxPtr>> m_queues;
  std::vector<std::size_t> m_next;  // per sender: index of its next transaction
  std::vector<Entry> m_heap;
  uint256 m_base_fee;
  std::optional<std::size_t> m_last;
};

}  // namespace rollup::txpool
