#pragma once
// The devnet's cheat methods over the sequencer (rpc::DevChain): each change is a block made at
// once on the sequencer's thread, so the sequencer stays the one writer and every block's header
// matches its state. Snapshots live in memory, as anvil's do: a restart forgets them.

#include <cstdint>
#include <map>
#include <mutex>

#include "rollup/rpc/dev.hpp"
#include "rollup/sequencer/sequencer.hpp"
#include "rollup/storage/database.hpp"

namespace rollup::node {

class DevChain final : public rpc::DevChain {
 public:
  // `loop` and `db` must outlive this.
  DevChain(sequencer::Loop& loop, const storage::Database& db) : m_loop(loop), m_db(db) {}

  Result<Mined> mine(std::optional<std::uint64_t> timestamp) override;
  Result<void> set_next_timestamp(std::uint64_t timestamp) override;
  Result<void> set_balance(const Address& address, const uint256& value) override;
  Result<void> set_nonce(const Address& address, std::uint64_t nonce) override;
  Result<void> set_code(const Address& address, Bytes code) override;
  Result<void> set_storage(const Address& address, const Hash& slot, const uint256& value) override;
  Result<std::int64_t> increase_time(std::int64_t seconds) override;
  Result<std::uint64_t> snapshot() override;
  // The snapshot's state comes back in a new block: the chain only grows, because blocks already
  // sealed may be on their way to L1 (docs/rpc.md).
  Result<bool> revert(std::uint64_t id) override;

 private:
  Result<void> edit(sequencer::Sequencer::Edit edit);
  // Refuses a time before the head block's: blocks never go back in time.
  Result<void> check_not_before_head(std::uint64_t timestamp) const;

  sequencer::Loop& m_loop;
  const storage::Database& m_db;
  std::mutex m_mutex;                                  // guards the snapshots
  std::map<std::uint64_t, std::uint64_t> m_snapshots;  // id -> head block number then
  std::uint64_t m_next_id = 0;
};

}  // namespace rollup::node
