#include "rollup/sequencer/sequencer.hpp"

#include <algorithm>
#include <utility>

#include "rollup/base/assert.hpp"
#include "rollup/base/hex.hpp"

namespace rollup::sequencer {

std::string_view category_name(Errc) noexcept {
  return "sequencer";
}

std::string_view describe(Errc e) noexcept {
  switch (e) {
    case Errc::ok: return "ok";
    case Errc::stopped: return "the sequencer is not running";
  }
  return "unknown sequencer error";
}

namespace {

using Clock = std::chrono::steady_clock;

// Intrinsic gas of the cheapest transaction: with less left, no transaction can fit.
constexpr std::uint64_t k_min_tx_gas = 21'000;

Result<types::Header> head_header(const storage::Database& db) {
  const storage::BlockRef head = db.heads().unsafe;
  auto header = db.header(head.hash);
  if (!header) return fail(std::move(header).error());
  if (!header->has_value()) {
    return fail(storage::Errc::corrupt_record,
                "header of head block " + std::to_string(head.number) + " missing");
  }
  return std::move(**header);
}

}  // namespace

Sequencer::Sequencer(storage::Database& db, txpool::Pool& pool, execution::ChainConfig chain,
                     Config config, const L1View* l1)
    : m_db(db), m_pool(pool), m_chain(chain), m_config(std::move(config)), m_l1(l1) {}

Result<txpool::Head> Sequencer::pool_head(const storage::Database& db,
                                          const execution::ChainConfig& chain,
                                          std::uint64_t gas_limit) {
  ROLLUP_TRY(types::Header header, head_header(db));
  ROLLUP_TRY(std::unique_ptr<state::StateView> view, db.state_at(header.number));
  txpool::Head head;
  head.state = std::shared_ptr<const state::StateView>(std::move(view));
  head.base_fee = execution::next_base_fee(header, chain);
  head.gas_limit = gas_limit != 0 ? gas_limit : header.gas_limit;
  return head;
}

Result<std::optional<Sealed>> Sequencer::produce(std::uint64_t now, const Edit& edit, bool force) {
  const auto start = Clock::now();
  ROLLUP_TRY(types::Header parent, head_header(m_db));
  ROLLUP_TRY(std::unique_ptr<state::StateView> base, m_db.state_at(parent.number));
  execution::BlockEnv env;
  env.number = parent.number + 1;
  env.timestamp = std::max(now, parent.timestamp);
  env.gas_limit = m_config.gas_limit != 0 ? m_config.gas_limit : parent.gas_limit;
  env.base_fee = execution::next_base_fee(parent, m_chain);
  env.fee_recipient = m_config.fee_recipient;
  // Without an L1 origin to take randomness from, PREVRANDAO is the parent's hash: deterministic,
  // so any node re-executing the block agrees, and (as on every L2) not a source of randomness.
  env.prev_randao = types::header_hash(parent);
  env.block_hashes = storage::block_hashes(m_db);

  // The L1 origin: the parent's, or a later one the L1 side reports; never an earlier one.
  ROLLUP_TRY(std::optional<storage::BlockRef> origin, m_db.l1_origin(parent.number));
  storage::BlockRef l1_origin = origin.value_or(storage::BlockRef{});
  std::uint64_t byte_limit = 0;
  if (m_l1 != nullptr) {
    if (const auto latest = m_l1->origin(); latest && latest->number > l1_origin.number) {
      l1_origin = *latest;
    }
    byte_limit = m_l1->block_bytes_limit();
  }

  execution::BlockBuilder builder(*base, m_chain, env);
  if (edit) {
    ROLLUP_TRY(const state::StateDiff edits, edit(*base));
    ROLLUP_TRY_VOID(builder.apply_edits(edits));
    force = true;
  }
  txpool::BestTransactions best(m_pool.pending(), env.base_fee);
  Sealed sealed;
  std::uint64_t bytes = 0;
  while (builder.gas_left() >= k_min_tx_gas) {
    const txpool::TxPtr tx = best.next();
    if (!tx) break;
    // A transaction that does not fit, or no longer applies, holds back its sender's later nonces.
    if (tx->txn.gas_limit > builder.gas_left()) {
      best.skip_sender();
      ++sealed.skipped;
      continue;
    }
    // Back-pressure: the block closes at the byte limit (always taking one transaction, so a
    // single large one cannot stall the chain).
    if (byte_limit != 0 && builder.size() > 0 && bytes + tx->encoded.size() > byte_limit) {
      sealed.throttled = true;
      break;
    }
    if (auto added = builder.add(tx->txn, tx->sender); !added) {
      if (!execution::is_transaction_fault(added.error())) return fail(std::move(added).error());
      best.skip_sender();
      ++sealed.skipped;
      continue;
    }
    bytes += tx->encoded.size();
  }
  if (builder.size() == 0 && !m_config.empty_blocks && !force) return std::optional<Sealed>{};
  ROLLUP_TRY(execution::BuiltBlock built, builder.finish());
  const auto built_at = Clock::now();

  ROLLUP_TRY(state::StateUpdate update, m_db.prepare_state(built.diff));
  storage::Block block;
  block.header = execution::make_header(parent, env, built, update.state_root, m_config.extra_data);
  block.transactions = std::move(built.transactions);
  block.l1_origin = l1_origin;
  ROLLUP_TRY_VOID(m_db.commit_block(block, built.receipts, built.diff, std::move(update)));
  const auto committed_at = Clock::now();

  sealed.header = block.header;
  sealed.hash = types::header_hash(block.header);
  sealed.transactions = block.transactions.size();
  sealed.build_time = built_at - start;
  sealed.commit_time = committed_at - built_at;

  // The pool re-checks the senders whose accounts changed. If that fails (a state read error), the
  // accounts are remembered and re-checked with the next block, so no change is ever missed; the
  // block itself is committed either way.
  for (const auto& change : built.diff.accounts) m_unsynced.push_back(change.address);
  std::ranges::sort(m_unsynced);
  m_unsynced.erase(std::ranges::unique(m_unsynced).begin(), m_unsynced.end());
  auto synced = [&]() -> Result<void> {
    ROLLUP_TRY(txpool::Head head, pool_head(m_db, m_chain, m_config.gas_limit));
    return m_pool.set_head(std::move(head), m_unsynced);
  }();
  if (synced) {
    m_unsynced.clear();
  } else {
    sealed.pool_error = std::move(synced).error();
  }
  return std::optional<Sealed>{std::move(sealed)};
}

Loop::Loop(Sequencer& sequencer, OnSealed on_sealed, OnError on_error, OnIdle on_idle)
    : m_sequencer(sequencer),
      m_on_sealed(std::move(on_sealed)),
      m_on_error(std::move(on_error)),
      m_on_idle(std::move(on_idle)) {}

Loop::~Loop() {
  stop();
}

void Loop::start() {
  m_stop = std::stop_source();
  {
    std::lock_guard lock(m_mutex);
    m_running = true;
  }
  m_thread =
      net::Thread(evm::k_execution_stack_bytes, [this, stop = m_stop.get_token()] { run(stop); });
}

void Loop::stop() {
  if (!m_thread.joinable()) return;
  m_stop.request_stop();
  m_wake.notify_all();
  m_thread.join();
  std::deque<Request> left;
  {
    std::lock_guard lock(m_mutex);
    m_running = false;
    left.swap(m_requests);
  }
  for (Request& r : left) {
    r.done.set_value(fail(Error(Errc::stopped, "the sequencer is stopping")));
  }
}

Result<Sealed> Loop::mine(std::optional<std::uint64_t> timestamp, Sequencer::Edit edit) {
  std::future<Result<Sealed>> done;
  {
    std::lock_guard lock(m_mutex);
    if (!m_running) return fail(Errc::stopped, "the sequencer is not running");
    Request& r = m_requests.emplace_back();
    r.timestamp = timestamp;
    r.edit = std::move(edit);
    done = r.done.get_future();
  }
  m_wake.notify_all();
  return done.get();
}

std::int64_t Loop::increase_time(std::int64_t seconds) {
  return m_time_offset.fetch_add(seconds) + seconds;
}

namespace {
std::int64_t wall_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}
}  // namespace

std::uint64_t Loop::now() const {
  return static_cast<std::uint64_t>(
      std::max<std::int64_t>(0, wall_seconds() + m_time_offset.load()));
}

void Loop::set_next_timestamp(std::uint64_t timestamp) {
  std::lock_guard lock(m_mutex);
  m_next_timestamp = timestamp;
}

std::uint64_t Loop::timestamp_for(std::optional<std::uint64_t> requested,
                                  std::optional<std::uint64_t>& taken) {
  if (!requested) {
    std::lock_guard lock(m_mutex);
    taken = std::exchange(m_next_timestamp, std::nullopt);
    requested = taken;
  }
  if (!requested) return now();
  // Later blocks follow on from a time that was asked for, as anvil's do.
  m_time_offset.store(static_cast<std::int64_t>(*requested) - wall_seconds());
  return *requested;
}

void Loop::serve(Request& request) {
  std::optional<std::uint64_t> taken;
  const std::uint64_t at = timestamp_for(request.timestamp, taken);
  auto produced = m_sequencer.produce(at, request.edit, /*force=*/true);
  if (!produced) {
    if (m_on_error) m_on_error(produced.error());
    request.done.set_value(fail(std::move(produced).error()));
    return;
  }
  ROLLUP_ASSERT(produced->has_value());
  if (m_on_sealed) m_on_sealed(**produced);
  request.done.set_value(std::move(**produced));
}

void Loop::run(std::stop_token stop) {
  const auto period = m_sequencer.config().block_time;
  auto next = Clock::now() + period;
  while (!stop.stop_requested()) {
    std::optional<Request> request;
    {
      std::unique_lock lock(m_mutex);
      m_wake.wait_until(lock, stop, next, [this] { return !m_requests.empty(); });
      if (!m_requests.empty() && !stop.stop_requested()) {
        request.emplace(std::move(m_requests.front()));
        m_requests.pop_front();
      }
    }
    if (stop.stop_requested()) break;
    if (request) {
      serve(*request);
      continue;
    }
    next += period;
    // Far behind (a stall longer than a block): start a fresh schedule instead of a burst.
    if (const auto now = Clock::now(); next < now) next = now + period;
    std::optional<std::uint64_t> taken;
    auto produced = m_sequencer.produce(timestamp_for(std::nullopt, taken));
    if (taken && !(produced && *produced)) {
      // No block was made: the time set for the next block still waits for it.
      std::lock_guard lock(m_mutex);
      if (!m_next_timestamp) m_next_timestamp = taken;
    }
    if (!produced) {
      if (m_on_error) m_on_error(produced.error());
    } else if (*produced) {
      if (m_on_sealed) m_on_sealed(**produced);
    } else if (m_on_idle) {
      m_on_idle();
    }
  }
}

}  // namespace rollup::sequencer
