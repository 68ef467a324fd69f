#include <algorithm>

#include "rollup/base/assert.hpp"
#include "rollup/crypto/keccak.hpp"
#include "rollup/state/state.hpp"

namespace rollup::state {

std::string_view category_name(Errc) noexcept {
  return "state";
}

std::string_view describe(Errc e) noexcept {
  switch (e) {
    case Errc::ok: return "ok";
    case Errc::missing_code: return "contract code missing from the store";
    case Errc::state_unavailable: return "state not available";
    case Errc::corrupt_state: return "stored state record is corrupt";
  }
  return "unknown state error";
}

std::optional<std::string> check_diff(const StateDiff& diff) {
  for (std::size_t i = 0; i < diff.accounts.size(); ++i) {
    const AccountDiff& a = diff.accounts[i];
    if (i > 0 && !(diff.accounts[i - 1].address < a.address)) {
      return "accounts not sorted or repeated at index " + std::to_string(i);
    }
    if (!a.account && (!a.storage.empty() || a.code)) {
      return "deleted account with storage or code at index " + std::to_string(i);
    }
    for (std::size_t j = 1; j < a.storage.size(); ++j) {
      if (!(a.storage[j - 1].slot < a.storage[j].slot)) {
        return "storage not sorted or repeated in account " + std::to_string(i);
      }
    }
    if (a.code && crypto::keccak256(*a.code) != a.account->code_hash) {
      return "code does not match the code hash in account " + std::to_string(i);
    }
  }
  return std::nullopt;
}

BlockState::BlockState(const StateView& base) : m_base(base) {}

Result<std::optional<Account>> BlockState::account(const Address& address) const {
  if (const auto it = m_entries.find(address); it != m_entries.end()) return it->second.account;
  return m_base.account(address);
}

Result<uint256> BlockState::storage(const Address& address, const Hash& slot) const {
  if (const auto it = m_entries.find(address); it != m_entries.end()) {
    const AccountEntry& entry = it->second;
    if (const auto s = entry.storage.find(slot); s != entry.storage.end()) return s->second;
    if (entry.storage_cleared || !entry.account) return uint256{};
  }
  return m_base.storage(address, slot);
}

Result<Bytes> BlockState::code(const Hash& code_hash) const {
  if (const auto it = m_code.find(code_hash); it != m_code.end()) return it->second;
  return m_base.code(code_hash);
}

Result<bool> BlockState::has_storage(const Address& address) const {
  const auto it = m_entries.find(address);
  if (it == m_entries.end()) {
    ROLLUP_TRY(std::optional<Account> base, m_base.account(address));
    return base && base->storage_root != types::k_empty_root_hash;
  }
  const AccountEntry& entry = it->second;
  if (!entry.account) return false;
  for (const auto& [slot, value] : entry.storage) {
    if (!value.is_zero()) return true;
  }
  // Slots written to zero may have emptied the base storage; reading every base slot to find out
  // would cost a scan, and an account that held storage but has neither nonce nor code (the only
  // case where the answer matters, EIP-7610) cannot have been emptied by its own code.
  return !entry.storage_cleared && entry.original &&
         entry.original->storage_root != types::k_empty_root_hash;
}

Result<BlockState::AccountEntry*> BlockState::entry_for_write(const Address& address) {
  if (const auto it = m_entries.find(address); it != m_entries.end()) return &it->second;
  ROLLUP_TRY(std::optional<Account> base, m_base.account(address));
  m_journal.push_back(AccountUndo{address, false, std::nullopt});
  AccountEntry& entry = m_entries[address];
  entry.original = base;
  entry.account = std::move(base);
  return &entry;
}

void BlockState::write_account(const Address& address, AccountEntry& entry,
                               std::optional<Account> account) {
  m_journal.push_back(AccountUndo{address, true, entry.account});
  entry.account = std::move(account);
}

void BlockState::clear_storage(const Address& address, AccountEntry& entry) {
  m_journal.push_back(ClearUndo{address, entry.storage_cleared, std::move(entry.storage)});
  entry.storage.clear();
  entry.storage_cleared = true;
}

Result<void> BlockState::set_balance(const Address& address, const uint256& balance) {
  ROLLUP_TRY(AccountEntry * entry, entry_for_write(address));
  Account next = entry->account.value_or(Account{});
  next.balance = balance;
  write_account(address, *entry, next);
  return {};
}

Result<void> BlockState::add_balance(const Address& address, const uint256& amount) {
  ROLLUP_TRY(AccountEntry * entry, entry_for_write(address));
  Account next = entry->account.value_or(Account{});
  // Total supply is far below 2^256; an overflow here is a bug in the caller.
  uint256 sum;
  ROLLUP_ASSERT(!add_overflow(next.balance, amount, sum));
  next.balance = sum;
  write_account(address, *entry, next);
  return {};
}

Result<void> BlockState::sub_balance(const Address& address, const uint256& amount) {
  ROLLUP_TRY(AccountEntry * entry, entry_for_write(address));
  Account next = entry->account.value_or(Account{});
  if (next.balance < amount) {
    return fail(Errc::corrupt_state, "balance below the amount subtracted");
  }
  next.balance = next.balance - amount;
  write_account(address, *entry, next);
  return {};
}

Result<void> BlockState::set_nonce(const Address& address, std::uint64_t nonce) {
  ROLLUP_TRY(AccountEntry * entry, entry_for_write(address));
  Account next = entry->account.value_or(Account{});
  next.nonce = nonce;
  write_account(address, *entry, next);
  return {};
}

Result<void> BlockState::set_code(const Address& address, Bytes code) {
  ROLLUP_TRY(AccountEntry * entry, entry_for_write(address));
  Account next = entry->account.value_or(Account{});
  next.code_hash = crypto::keccak256(code);
  // Code is content-addressed: keeping it after a revert is harmless and saves re-hashing.
  if (!code.empty()) m_code.try_emplace(next.code_hash, std::move(code));
  write_account(address, *entry, next);
  return {};
}

Result<void> BlockState::set_storage(const Address& address, const Hash& slot,
                                     const uint256& value) {
  ROLLUP_TRY(AccountEntry * entry, entry_for_write(address));
  if (!entry->account) write_account(address, *entry, Account{});
  const auto it = entry->storage.find(slot);
  m_journal.push_back(StorageUndo{
      address, slot, it == entry->storage.end() ? std::nullopt : std::optional(it->second)});
  entry->storage.insert_or_assign(slot, value);
  return {};
}

Result<void> BlockState::create_account(const Address& address) {
  ROLLUP_TRY(AccountEntry * entry, entry_for_write(address));
  Account fresh;
  if (entry->account) fresh.balance = entry->account->balance;
  write_account(address, *entry, fresh);
  clear_storage(address, *entry);
  return {};
}

Result<void> BlockState::destroy_account(const Address& address) {
  ROLLUP_TRY(AccountEntry * entry, entry_for_write(address));
  write_account(address, *entry, std::nullopt);
  clear_storage(address, *entry);
  return {};
}

Result<void> BlockState::apply(const StateDiff& diff) {
  for (const AccountDiff& d : diff.accounts) {
    if (!d.account) {
      ROLLUP_TRY_VOID(destroy_account(d.address));
      continue;
    }
    if (d.storage_cleared) ROLLUP_TRY_VOID(destroy_account(d.address));
    ROLLUP_TRY(const std::optional<Account> now, account(d.address));
    const Hash now_code = now ? now->code_hash : types::k_empty_code_hash;
    if (d.code) {
      ROLLUP_TRY_VOID(set_code(d.address, *d.code));
    } else if (now_code != d.account->code_hash) {
      ROLLUP_TRY(Bytes code, this->code(d.account->code_hash));
      ROLLUP_TRY_VOID(set_code(d.address, std::move(code)));
    }
    ROLLUP_TRY_VOID(set_balance(d.address, d.account->balance));
    ROLLUP_TRY_VOID(set_nonce(d.address, d.account->nonce));
    for (const StorageWrite& w : d.storage) {
      ROLLUP_TRY_VOID(set_storage(d.address, w.slot, w.value));
    }
  }
  return {};
}

void BlockState::revert_to(std::size_t snapshot) {
  ROLLUP_ASSERT(snapshot <= m_journal.size());
  while (m_journal.size() > snapshot) {
    Undo undo = std::move(m_journal.back());
    m_journal.pop_back();
    if (auto* a = std::get_if<AccountUndo>(&undo)) {
      if (!a->had_entry) {
        m_entries.erase(a->address);
      } else {
        m_entries.at(a->address).account = std::move(a->previous);
      }
    } else if (auto* c = std::get_if<ClearUndo>(&undo)) {
      AccountEntry& entry = m_entries.at(c->address);
      entry.storage = std::move(c->storage);
      entry.storage_cleared = c->was_cleared;
    } else {
      auto& s = std::get<StorageUndo>(undo);
      AccountEntry& entry = m_entries.at(s.address);
      if (s.previous) {
        entry.storage.insert_or_assign(s.slot, *s.previous);
      } else {
        entry.storage.erase(s.slot);
      }
    }
  }
}

Result<StateDiff> BlockState::diff() const {
  std::vector<const std::pair<const Address, AccountEntry>*> entries;
  entries.reserve(m_entries.size());
  for (const auto& e : m_entries) entries.push_back(&e);
  std::ranges::sort(entries, [](auto* a, auto* b) { return a->first < b->first; });

  StateDiff out;
  for (const auto* e : entries) {
    const Address& address = e->first;
    const AccountEntry& entry = e->second;
    const std::optional<Account>& base = entry.original;
    AccountDiff d;
    d.address = address;
    d.account = entry.account;
    // A cleared account that had storage loses it even when it ends up equal otherwise.
    d.storage_cleared = (entry.storage_cleared || !entry.account) && base.has_value() &&
                        base->storage_root != types::k_empty_root_hash;
    if (entry.account) {
      for (const auto& [slot, value] : entry.storage) {
        if (!d.storage_cleared && !entry.storage_cleared) {
          ROLLUP_TRY(uint256 before, m_base.storage(address, slot));
          if (before == value) continue;
        } else if (value == uint256{}) {
          continue;  // the storage is empty after the clear already
        }
        d.storage.push_back({slot, value});
      }
      std::ranges::sort(d.storage, [](const auto& a, const auto& b) { return a.slot < b.slot; });
      const bool code_changed = !base || base->code_hash != entry.account->code_hash;
      if (code_changed && entry.account->code_hash != types::k_empty_code_hash) {
        const auto code = m_code.find(entry.account->code_hash);
        if (code != m_code.end()) d.code = code->second;
      }
    }
    const bool same_account =
        base.has_value() == entry.account.has_value() &&
        (!base || (base->nonce == entry.account->nonce && base->balance == entry.account->balance &&
                   base->code_hash == entry.account->code_hash));
    if (same_account && !d.storage_cleared && d.storage.empty()) continue;
    if (!base && !entry.account) continue;  // created and destroyed within the block
    out.accounts.push_back(std::move(d));
  }
  return out;
}

}  // namespace rollup::state
