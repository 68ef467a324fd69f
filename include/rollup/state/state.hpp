#pragma once
// The world state as execution sees it, and the changes one block makes to it.
//
//   StateView   read-only access to accounts, storage and code at one state (the head, a past
//   block,
//               or an overlay on top of either). Reads return Result: a view backed by a database
//               can fail, and a failure must stop the block, never read as "empty".
//   StateDiff   the net effect of a block: final accounts, storage writes, new code. It is what the
//               storage module persists and what the state trie hashes.
//   BlockState  a journaled overlay over a StateView for building one block: every write is
//   undoable
//               back to a snapshot (for reverted calls), and diff() gives the net StateDiff.
//
// Storage slots are 32-byte keys and values are words (uint256); a zero value means "no entry", as
// in the storage trie.

#include <cstdint>
#include <optional>
#include <unordered_map>
#include <unordered_set>
#include <variant>
#include <vector>

#include "rollup/base/bytes.hpp"
#include "rollup/base/error.hpp"
#include "rollup/base/uint256.hpp"
#include "rollup/types/account.hpp"

namespace rollup::state {

enum class Errc {
  ok = 0,
  missing_code,       // an account's code hash has no code in the store
  state_unavailable,  // the requested block's state is pruned or not yet known
  corrupt_state,      // a stored record does not decode
};

}  // namespace rollup::state
ROLLUP_DECLARE_ERRC(rollup::state, Errc);

namespace rollup::state {

using types::Account;

class StateView {
 public:
  virtual ~StateView() = default;
  // nullopt: no such account. The storage root of the returned account is the committed one.
  [[nodiscard]] virtual Result<std::optional<Account>> account(const Address& address) const = 0;
  // The word stored in `slot`, zero when unset.
  [[nodiscard]] virtual Result<uint256> storage(const Address& address, const Hash& slot) const = 0;
  // The code with this hash; empty for types::k_empty_code_hash.
  [[nodiscard]] virtual Result<Bytes> code(const Hash& code_hash) const = 0;
};

struct StorageWrite {
  Hash slot;
  uint256 value;  // zero: delete
  friend bool operator==(const StorageWrite&, const StorageWrite&) = default;
};

struct AccountDiff {
  Address address;
  // The account after the block, or nullopt when it no longer exists. Its storage_root is not an
  // input: the state trie computes it from the storage writes.
  std::optional<Account> account;
  // Everything stored under the account before the block is gone (it was destroyed, possibly
  // recreated); `storage` then applies to empty storage.
  bool storage_cleared = false;
  std::vector<StorageWrite> storage;  // sorted by slot, one write per slot
  std::optional<Bytes> code;          // new code whose hash is account->code_hash
  friend bool operator==(const AccountDiff&, const AccountDiff&) = default;
};

struct StateDiff {
  std::vector<AccountDiff> accounts;  // sorted by address, one entry per address
  friend bool operator==(const StateDiff&, const StateDiff&) = default;
};

// Checks the shape invariants above (sorted, unique, code matches its hash, no storage on a deleted
// account); a diff from BlockState always passes. Returns a description of the first violation.
[[nodiscard]] std::optional<std::string> check_diff(const StateDiff& diff);

class BlockState final : public StateView {
 public:
  // `base` must outlive this overlay and must not change while it is used.
  explicit BlockState(const StateView& base);

  [[nodiscard]] Result<std::optional<Account>> account(const Address& address) const override;
  [[nodiscard]] Result<uint256> storage(const Address& address, const Hash& slot) const override;
  [[nodiscard]] Result<Bytes> code(const Hash& code_hash) const override;
  // Whether the account holds any non-zero storage slot now.
  [[nodiscard]] Result<bool> has_storage(const Address& address) const;

  // Creates the account if needed (an account written to exists afterwards).
  [[nodiscard]] Result<void> set_balance(const Address& address, const uint256& balance);
  [[nodiscard]] Result<void> add_balance(const Address& address, const uint256& amount);
  // Fails with no change when the balance is too small (the caller validated it; this is the
  // guard).
  [[nodiscard]] Result<void> sub_balance(const Address& address, const uint256& amount);
  [[nodiscard]] Result<void> set_nonce(const Address& address, std::uint64_t nonce);
  [[nodiscard]] Result<void> set_code(const Address& address, Bytes code);
  [[nodiscard]] Result<void> set_storage(const Address& address, const Hash& slot,
                                         const uint256& value);
  // A fresh account at `address`: no nonce, no code, empty storage; the balance is kept (value sent
  // to an address before its contract is created stays with it).
  [[nodiscard]] Result<void> create_account(const Address& address);
  // The account and its storage disappear.
  [[nodiscard]] Result<void> destroy_account(const Address& address);
  // Writes `diff` over the overlay: each account as given (nullopt removes it and its storage),
  // then its storage writes. An account whose code hash changes and whose diff carries no code
  // gets the code the base holds under that hash. For state edits outside transactions (the
  // devnet's cheat methods and snapshot reverts).
  [[nodiscard]] Result<void> apply(const StateDiff& diff);

  // Journal positions: revert_to(s) undoes every write made after snapshot() returned s.
  [[nodiscard]] std::size_t snapshot() const noexcept { return m_journal.size(); }
  void revert_to(std::size_t snapshot);

  // The net changes against the base. Accounts that were written and ended as they started are
  // left out, as are storage writes that restore the base value.
  [[nodiscard]] Result<StateDiff> diff() const;

 private:
  struct AccountEntry {
    std::optional<Account> original;            // the base's value, read once on first write
    std::optional<Account> account;             // current value in this overlay
    bool storage_cleared = false;               // base storage is hidden
    std::unordered_map<Hash, uint256> storage;  // written slots
  };
  // Undo records hold what a write replaced, so reverting costs what the writes cost.
  struct AccountUndo {
    Address address;
    bool had_entry;  // false: the address had no entry in the overlay
    std::optional<Account> previous;
  };
  struct ClearUndo {
    Address address;
    bool was_cleared;
    std::unordered_map<Hash, uint256> storage;  // the written slots the clear dropped
  };
  struct StorageUndo {
    Address address;
    Hash slot;
    std::optional<uint256> previous;  // nullopt: the slot had not been written
  };
  using Undo = std::variant<AccountUndo, ClearUndo, StorageUndo>;

  // The overlay entry for `address`, created from the base on first write (journaled).
  [[nodiscard]] Result<AccountEntry*> entry_for_write(const Address& address);
  // Journals the account value, then replaces it.
  void write_account(const Address& address, AccountEntry& entry, std::optional<Account> account);
  void clear_storage(const Address& address, AccountEntry& entry);

  const StateView& m_base;
  std::unordered_map<Address, AccountEntry> m_entries;
  std::unordered_map<Hash, Bytes> m_code;  // code set in this block, by hash
  std::vector<Undo> m_journal;
};

}  // namespace rollup::state
