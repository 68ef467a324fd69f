#pragma once
// The batcher: takes the sequencer's sealed blocks in order, packs them into batches
// (rollup_batch), and gets each batch's frames included on L1 through the transaction manager; it
// moves the safe head when a batch's frames are included at the configured depth and the
// finalized head when their L1 blocks are final.
//
// Durability. Each closed batch (a channel) and each frame's transaction state are records in the
// database (storage::BatcherUpdate), written before the transaction they describe is sent and
// together with the head moves they cause. A restart therefore resumes with the same channels and
// the same transactions: it neither skips a block nor posts a confirmed frame again.
//
// Reorgs. Inclusions are checked against L1 on every poll until final. A frame whose L1 block left
// the chain is sent again (the transaction manager), and the safe head steps back to the last block
// whose batch is still included at depth; it advances again once the frame is back.
//
// Threads. One thread of its own runs poll() every poll_interval; status(), origin() and
// backlog_bytes() may be called from any thread.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "rollup/base/error.hpp"
#include "rollup/batch/batch.hpp"
#include "rollup/l1/eth.hpp"
#include "rollup/l1/tx_manager.hpp"
#include "rollup/net/metrics.hpp"
#include "rollup/storage/database.hpp"

namespace rollup::batcher {

struct Config {
  std::uint64_t l2_chain_id = 0;
  // A channel closes when its blocks' transactions reach this many bytes (EIP-2718 envelopes), or
  // when its first block is max_channel_delay old, whichever comes first.
  std::size_t target_channel_bytes = 1'000'000;
  std::chrono::seconds max_channel_delay{30};
  // And at this many blocks: after a long L1 outage a channel of empty blocks would otherwise grow
  // without bound (decoders accept 65,536; docs/protocol.md).
  std::size_t max_channel_blocks = 10'000;
  std::size_t max_frame_bytes = 120'000;  // calldata of one L1 transaction
  batch::EncodeOptions encoding;
  // L1 blocks on top of (and including) a frame's block before its batch counts as safe.
  std::uint64_t confirmations = 4;
  // New L2 blocks build on the L1 block this many below L1's head (a shallow reorg then rarely
  // takes an origin away).
  std::uint64_t origin_depth = 2;
  std::chrono::milliseconds poll_interval{1000};
  // Back-pressure: above this many bytes of transactions not yet included on L1, the sequencer's
  // blocks carry at most throttle_block_bytes (0 disables it).
  std::size_t max_backlog_bytes = 16'000'000;
  std::size_t throttle_block_bytes = 32'000;
};

enum class Level { info, warn, error };
using Log = std::function<void(Level, const std::string&)>;

// What the batcher knows, for rollup_syncStatus, /healthz and logs.
struct Status {
  std::optional<l1::L1Head> l1_head;
  std::optional<l1::L1Head> l1_safe;  // L1's own safe block, as last read
  std::optional<l1::L1Head> l1_finalized;
  std::optional<l1::L1Head> origin;  // the L1 block new L2 blocks build on
  std::uint64_t next_block = 0;  // the first L2 block not in a channel yet
  std::uint64_t channels = 0;    // channels not final yet
  std::uint64_t backlog_bytes = 0;
  bool l1_reachable = false;
  bool out_of_funds = false;
  std::string last_error;  // empty when the last poll went well
};

class Batcher {
 public:
  // `db`, `eth` and `metrics` must outlive the batcher. Reads its records from `db`; fails on
  // records it cannot read (a corrupt database is not something to post from).
  [[nodiscard]] static Result<std::unique_ptr<Batcher>> create(storage::Database& db, l1::Eth& eth,
                                                               const crypto::SecretKey& key,
                                                               l1::TxOptions tx_options,
                                                               Config config,
                                                               net::Registry& metrics, Log log);
  ~Batcher();
  Batcher(const Batcher&) = delete;
  Batcher& operator=(const Batcher&) = delete;

  void start();
  // Ends the thread after the poll in progress; records are already written.
  void stop();
  // One round: L1's heads, new channels, the transaction manager, the safe and finalized heads.
  // The thread calls it; tests call it directly instead of start().
  void poll();

  [[nodiscard]] Status status() const;
  [[nodiscard]] std::optional<storage::BlockRef> origin() const;
  [[nodiscard]] std::uint64_t backlog_bytes() const noexcept;
  [[nodiscard]] const Address& address() const noexcept;

 private:
  struct Impl;
  explicit Batcher(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
};

}  // namespace rollup::batcher
