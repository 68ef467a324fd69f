#pragma once
// The sequencer: takes the best pending transactions from the pool, executes them on top of the
// head, seals the block and commits it, one block per tick.
//
// One writer: produce() is called from one thread at a time (the Loop's), which is the only code
// that commits blocks. Readers use the database, whose committed blocks and heads they see whole.
//
// Timestamps are whole seconds, as in every Ethereum header, and blocks may come faster than one
// per second, so a block's timestamp is max(wall clock, parent's timestamp): never earlier than its
// parent, equal when several blocks fall in one second (docs/protocol.md).

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <optional>
#include <stop_token>
#include <vector>

#include "rollup/base/bytes.hpp"
#include "rollup/base/error.hpp"
#include "rollup/execution/executor.hpp"
#include "rollup/net/thread.hpp"
#include "rollup/storage/database.hpp"
#include "rollup/txpool/pool.hpp"

namespace rollup::sequencer {
enum class Errc {
  ok = 0,
  stopped,  // a request to a loop that is not running, or stopping
};
}  // namespace rollup::sequencer
ROLLUP_DECLARE_ERRC(rollup::sequencer, Errc);

namespace rollup::sequencer {

struct Config {
  std::chrono::milliseconds block_time{1000};
  // Whether a tick with no transaction to include still makes a block.
  bool empty_blocks = true;
  Address fee_recipient;
  // Gas limit of new blocks; 0 keeps the parent's (the genesis gas limit).
  std::uint64_t gas_limit = 0;
  Bytes extra_data;
};

// What the L1 side tells the sequencer (the daemon's L1 watcher and batcher provide it; without L1
// there is none). Called from the sequencer's thread once per block, so it must be cheap and
// thread-safe.
class L1View {
 public:
  virtual ~L1View() = default;
  // The L1 block new L2 blocks should build on, if one is known. The sequencer never lets the
  // origin go back: a lower one than its parent's is ignored.
  [[nodiscard]] virtual std::optional<storage::BlockRef> origin() const = 0;
  // Back-pressure: the most transaction bytes (EIP-2718 envelopes) one block may carry while the
  // batcher's unposted backlog is too large; 0 when there is no limit (docs/protocol.md).
  [[nodiscard]] virtual std::uint64_t block_bytes_limit() const = 0;
};

// What a produced block was, for logs and metrics.
struct Sealed {
  types::Header header;
  Hash hash;
  std::size_t transactions = 0;
  std::size_t skipped = 0;  // transactions tried and left out (no longer valid, or no room)
  bool throttled = false;   // the block stopped at the back-pressure byte limit
  std::chrono::nanoseconds build_time{};   // selection and execution
  std::chrono::nanoseconds commit_time{};  // state root and the synced database write
  // The block is committed, but the pool could not move to it (a state read failed); the accounts
  // are re-checked with the next block.
  std::optional<Error> pool_error;
};

class Sequencer {
 public:
  // `db`, `pool` and `l1` (when given) must outlive the sequencer.
  Sequencer(storage::Database& db, txpool::Pool& pool, execution::ChainConfig chain, Config config,
            const L1View* l1 = nullptr);

  // State changes made outside transactions (the devnet's cheat methods), computed when the block
  // is built, on the writer's thread, from the parent's state: what they change is then never
  // stale, whatever was committed between the request and the block.
  using Edit = std::function<Result<state::StateDiff>(const state::StateView& parent)>;

  // Produces one block on top of the head with a timestamp of `now` (seconds) or the parent's,
  // whichever is later. Returns nullopt when there was nothing to include and empty blocks are off
  // (a block is always made when `force` is set or there is an edit). `edit`, when given, changes
  // the state before the block's transactions.
  // On an error nothing was committed and the head is unchanged. Transactions that turn out
  // invalid are left out of the block; a failure of the node itself (a state read) is an error.
  [[nodiscard]] Result<std::optional<Sealed>> produce(std::uint64_t now, const Edit& edit = {},
                                                      bool force = false);

  // What the pool validates against, for the database's current head.
  [[nodiscard]] static Result<txpool::Head> pool_head(const storage::Database& db,
                                                      const execution::ChainConfig& chain,
                                                      std::uint64_t gas_limit);

  [[nodiscard]] const Config& config() const noexcept { return m_config; }

 private:
  storage::Database& m_db;
  txpool::Pool& m_pool;
  const execution::ChainConfig m_chain;
  const Config m_config;
  const L1View* m_l1;
  std::vector<Address> m_unsynced;  // changed accounts the pool has not re-checked yet
};

// Calls produce() every block_time on its own thread, on a fixed schedule (a slow block shortens
// the wait for the next rather than shifting every later block).
class Loop {
 public:
  using OnSealed = std::function<void(const Sealed&)>;
  using OnIdle = std::function<void()>;  // a tick with nothing to include (empty blocks off)
  using OnError = std::function<void(const Error&)>;
  Loop(Sequencer& sequencer, OnSealed on_sealed, OnError on_error, OnIdle on_idle = {});
  ~Loop();
  Loop(const Loop&) = delete;
  Loop& operator=(const Loop&) = delete;

  void start();
  // Finishes the block in progress, if any, and returns once the thread has ended. Requests of
  // mine() still waiting fail.
  void stop();

  // A block made now on the loop's thread, outside the schedule (the devnet's evm_mine and cheat
  // methods): `edit` first, then pending transactions as in any block, even when empty blocks are
  // off. With `timestamp`, the block gets it and the clock of later blocks follows on from it.
  // Waits for the block and returns it (also passed to on_sealed); fails when the loop is not
  // running.
  [[nodiscard]] Result<Sealed> mine(std::optional<std::uint64_t> timestamp,
                                    Sequencer::Edit edit = {});
  // Moves the clock of later blocks `seconds` ahead (evm_increaseTime); returns the total shift.
  std::int64_t increase_time(std::int64_t seconds);
  // The next block, scheduled or mined, gets `timestamp` (evm_setNextBlockTimestamp); later
  // blocks follow on from it.
  void set_next_timestamp(std::uint64_t timestamp);
  [[nodiscard]] std::int64_t time_offset() const noexcept { return m_time_offset.load(); }

 private:
  struct Request {
    std::optional<std::uint64_t> timestamp;
    Sequencer::Edit edit;
    std::promise<Result<Sealed>> done;
  };

  void run(std::stop_token stop);
  std::uint64_t now() const;
  // The next block's timestamp: `requested`, else one set for the next block (returned in
  // `taken`), else the shifted wall clock.
  std::uint64_t timestamp_for(std::optional<std::uint64_t> requested,
                              std::optional<std::uint64_t>& taken);
  void serve(Request& request);

  Sequencer& m_sequencer;
  OnSealed m_on_sealed;
  OnError m_on_error;
  OnIdle m_on_idle;
  std::mutex m_mutex;  // guards m_requests, m_running and m_next_timestamp
  std::condition_variable_any m_wake;
  std::deque<Request> m_requests;
  bool m_running = false;
  std::optional<std::uint64_t> m_next_timestamp;
  std::atomic<std::int64_t> m_time_offset{0};  // seconds added to the wall clock
  std::stop_source m_stop;
  net::Thread m_thread;  // with evm::k_execution_stack_bytes of stack
};

}  // namespace rollup::sequencer
