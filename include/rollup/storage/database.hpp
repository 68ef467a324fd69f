#pragma once
// The node's database: chain and state in one RocksDB instance. This is the only module that knows
// RocksDB or the schema (src/storage/schema.hpp); everything above sees the types below.
//
// Invariants:
// - One writer. commit_block, rewind_to and the head setters are called from a single thread;
//   readers may call the const methods from any thread at any time.
// - A block is one atomic write: header, body, receipts, indexes, flat state, trie nodes, history
// and
//   head pointer land together or not at all, synced by default. After any crash the database holds
//   exactly the blocks whose commit returned, plus possibly the one in flight (never part of it).
// - The flat state (accounts, storage, code) is the state of the head block; its root equals the
// head
//   header's state_root. Past states back to `history_tail` are readable through reverse diffs.
// - Trie nodes are keyed by hash and never deleted, so the trie of any committed state stays
//   readable; rewinding only moves the flat state and the head back.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "rollup/base/bytes.hpp"
#include "rollup/base/error.hpp"
#include "rollup/state/evm_host.hpp"
#include "rollup/state/state.hpp"
#include "rollup/state/state_trie.hpp"
#include "rollup/types/header.hpp"
#include "rollup/types/receipt.hpp"
#include "rollup/types/transaction.hpp"

namespace rollup::storage {

enum class Errc {
  ok = 0,
  io_error,         // RocksDB reported an error (disk full, permissions, corruption it detected)
  in_use,           // another process holds the database lock
  not_initialized,  // no database (or no genesis) in the directory
  already_initialized,  // create() on a directory that already holds a database
  inconsistent,         // the consistency check on open failed
  schema_mismatch,      // written by another schema version
  corrupt_record,       // a stored record does not decode
  not_next_block,       // commit_block with a block that does not extend the head
  state_mismatch,       // the header's state root is not the root of the prepared state
  history_pruned,       // state or rewind target older than the kept history
  unknown_block,
};

}  // namespace rollup::storage
ROLLUP_DECLARE_ERRC(rollup::storage, Errc);

namespace rollup::storage {

struct BlockRef {
  std::uint64_t number = 0;
  Hash hash;
  friend bool operator==(const BlockRef&, const BlockRef&) = default;
};

// The three heads of a rollup: unsafe (sealed by the sequencer), safe (its batch is on L1 at
// depth), finalized (that L1 block is final).
struct Heads {
  BlockRef unsafe;
  BlockRef safe;
  BlockRef finalized;
};

struct TxLocation {
  std::uint64_t block_num = 0;
  Hash block_hash;
  std::uint32_t index = 0;
};

// EIP-1186: an account and some of its storage slots at a block, with the trie nodes that prove
// them against the block's state root (and the account's storage root).
struct AccountProof {
  std::optional<types::Account> account;  // nullopt: proven absent
  std::vector<Bytes> account_proof;
  struct Slot {
    Hash key;
    uint256 value;
    std::vector<Bytes> proof;
  };
  std::vector<Slot> storage;
};

struct Block {
  types::Header header;
  std::vector<types::Transaction> transactions;
  // The L1 block the sequencer built this block on (zero when it runs without L1).
  BlockRef l1_origin;
};

// One atomic update of the batcher's records and the heads it moves. A record with no value is
// deleted.
struct BatcherUpdate {
  std::vector<std::pair<std::string, std::optional<Bytes>>> records;
  std::optional<BlockRef> safe;
  std::optional<BlockRef> finalized;
};

struct Options {
  // fsync the WAL on every block commit. Off, a crash of the process still loses nothing (the write
  // is in the OS), but a power loss or kernel crash may lose the last blocks (never half a block).
  bool sync = true;
  // How many recent blocks' states stay readable and rewindable (at least 1: the parent state).
  std::uint64_t history_blocks = 90'000;
  // Nibble depth of the account trie kept in memory between blocks (16^depth nodes at most).
  std::size_t trie_cache_depth = 5;
  // RocksDB block cache, shared by all column families.
  std::size_t cache_bytes = 256 << 20;
};

class Database {
 public:
  // Creates a database in `dir` holding only the genesis block, built from `alloc` by
  // `make_header(state_root)`. Refuses when `dir` already holds one.
  [[nodiscard]] static Result<std::unique_ptr<Database>> create(
      const std::filesystem::path& dir, const Options& options, const state::StateDiff& alloc,
      const std::function<types::Header(const Hash& state_root)>& make_header);
  // Opens an existing database and checks its consistency (see check_consistency).
  [[nodiscard]] static Result<std::unique_ptr<Database>> open(const std::filesystem::path& dir,
                                                              const Options& options);
  // Whether `dir` holds a database (without opening it).
  [[nodiscard]] static bool exists(const std::filesystem::path& dir);

  virtual ~Database() = default;

  // ---- chain reads (any thread)
  [[nodiscard]] virtual Heads heads() const = 0;
  [[nodiscard]] virtual Result<std::optional<Hash>> canonical_hash(std::uint64_t number) const = 0;
  [[nodiscard]] virtual Result<std::optional<std::uint64_t>> block_number(
      const Hash& hash) const = 0;
  [[nodiscard]] virtual Result<std::optional<types::Header>> header(const Hash& hash) const = 0;
  [[nodiscard]] virtual Result<std::optional<std::vector<types::Transaction>>> body(
      const Hash& hash) const = 0;
  [[nodiscard]] virtual Result<std::optional<std::vector<types::Receipt>>> receipts(
      const Hash& hash) const = 0;
  // The L1 origin recorded with canonical block `number`; nullopt for blocks after the head or
  // written before origins were recorded.
  [[nodiscard]] virtual Result<std::optional<BlockRef>> l1_origin(std::uint64_t number) const = 0;
  // Every batcher record, in key order.
  [[nodiscard]] virtual Result<std::vector<std::pair<std::string, Bytes>>> batcher_records()
      const = 0;
  [[nodiscard]] virtual Result<std::optional<TxLocation>> tx_location(
      const Hash& txn_hash) const = 0;

  // ---- state reads (any thread)
  // The state after block `number` (from head - history_blocks up to the head); the view reads a
  // fixed snapshot of the database and stays valid while later blocks are committed.
  [[nodiscard]] virtual Result<std::unique_ptr<state::StateView>> state_at(
      std::uint64_t number) const = 0;
  // The oldest block whose state is still readable.
  [[nodiscard]] virtual std::uint64_t history_tail() const = 0;
  // The changes that take the head's state back to the state after block `number` (within the
  // readable history): every account and slot changed since, with its value then (an account
  // that did not exist is nullopt). Code is not included: the code table keeps every code, so
  // the account's code hash finds it. Call it from the writer's thread, which holds the head still.
  [[nodiscard]] virtual Result<state::StateDiff> changes_back_to(std::uint64_t number) const = 0;
  // EIP-1186 proof of `address` and `slots` after block `number` (within the readable history).
  [[nodiscard]] virtual Result<AccountProof> prove(std::uint64_t number, const Address& address,
                                                   std::span<const Hash> slots) const = 0;
  // The state root recomputed from the flat state alone, ignoring stored trie nodes: a full scan,
  // for checks and tests.
  [[nodiscard]] virtual Result<Hash> recompute_state_root() const = 0;

  // ---- the writer
  // Hashes the state after `diff` on top of the head state; commit_block then writes it.
  [[nodiscard]] virtual Result<state::StateUpdate> prepare_state(const state::StateDiff& diff) = 0;
  // Writes `block` (whose state_root must be update.state_root and whose parent is the head) with
  // its receipts and state changes in one atomic write, and makes it the unsafe head.
  [[nodiscard]] virtual Result<void> commit_block(const Block& block,
                                                  const std::vector<types::Receipt>& receipts,
                                                  const state::StateDiff& diff,
                                                  state::StateUpdate update) = 0;
  // Forgets a prepared but uncommitted state.
  virtual void discard_prepared() = 0;
  // The safe head may move back (an L1 reorg removed the batch that made a block safe), never below
  // the finalized head; the finalized head only moves forward, never past the safe head.
  [[nodiscard]] virtual Result<void> set_safe_head(const BlockRef& ref) = 0;
  [[nodiscard]] virtual Result<void> set_finalized_head(const BlockRef& ref) = 0;
  // Writes the batcher's records and moves the heads in one atomic write, under the rules above.
  [[nodiscard]] virtual Result<void> update_batcher(const BatcherUpdate& update) = 0;
  // Removes blocks after `number` and restores its state; a rewind below the safe head is
  // refused (those blocks' data is on L1).
  [[nodiscard]] virtual Result<void> rewind_to(std::uint64_t number) = 0;
};

// BLOCKHASH's source for blocks built or re-run on `db`: the canonical hash by number. `db` must
// outlive the result.
[[nodiscard]] state::BlockHashes block_hashes(const Database& db);

}  // namespace rollup::storage
