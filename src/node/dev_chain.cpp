#include "rollup/node/dev_chain.hpp"

#include <utility>

#include "rollup/crypto/keccak.hpp"
#include "rollup/rpc/codec.hpp"

namespace rollup::node {

namespace {

// An edit of one account, read from the parent's state when the block is built so that nothing
// the account gained or spent in between is lost.
template <typename Change>
sequencer::Sequencer::Edit account_edit(const Address& address, Change change) {
  return [address,
          change = std::move(change)](const state::StateView& parent) -> Result<state::StateDiff> {
    ROLLUP_TRY(const std::optional<state::Account> account, parent.account(address));
    state::AccountDiff d;
    d.address = address;
    d.account = account.value_or(state::Account{});
    change(d);
    state::StateDiff diff;
    diff.accounts.push_back(std::move(d));
    return diff;
  };
}

}  // namespace

Result<void> DevChain::edit(sequencer::Sequencer::Edit edit) {
  ROLLUP_TRY_VOID(m_loop.mine(std::nullopt, std::move(edit)));
  return {};
}

Result<void> DevChain::check_not_before_head(std::uint64_t timestamp) const {
  ROLLUP_TRY(const std::optional<types::Header> head, m_db.header(m_db.heads().unsafe.hash));
  if (head && timestamp < head->timestamp) {
    // Refused rather than quietly moved to the head's time.
    return fail(rpc::Errc::invalid_argument, "timestamp " + std::to_string(timestamp) +
                                                 " is before the head block's " +
                                                 std::to_string(head->timestamp));
  }
  return {};
}

Result<rpc::DevChain::Mined> DevChain::mine(std::optional<std::uint64_t> timestamp) {
  if (timestamp) ROLLUP_TRY_VOID(check_not_before_head(*timestamp));
  ROLLUP_TRY(const sequencer::Sealed sealed, m_loop.mine(timestamp));
  return Mined{sealed.header.number, sealed.header.timestamp};
}

Result<void> DevChain::set_next_timestamp(std::uint64_t timestamp) {
  ROLLUP_TRY_VOID(check_not_before_head(timestamp));
  m_loop.set_next_timestamp(timestamp);
  return {};
}

Result<void> DevChain::set_balance(const Address& address, const uint256& value) {
  return edit(
      account_edit(address, [value](state::AccountDiff& d) { d.account->balance = value; }));
}

Result<void> DevChain::set_nonce(const Address& address, std::uint64_t nonce) {
  return edit(account_edit(address, [nonce](state::AccountDiff& d) { d.account->nonce = nonce; }));
}

Result<void> DevChain::set_code(const Address& address, Bytes code) {
  return edit(account_edit(address, [code = std::move(code)](state::AccountDiff& d) {
    d.account->code_hash = crypto::keccak256(code);
    d.code = code;
  }));
}

Result<void> DevChain::set_storage(const Address& address, const Hash& slot, const uint256& value) {
  return edit(account_edit(address, [slot, value](state::AccountDiff& d) {
    d.storage.push_back({slot, value});
  }));
}

Result<std::int64_t> DevChain::increase_time(std::int64_t seconds) {
  return m_loop.increase_time(seconds);
}

Result<std::uint64_t> DevChain::snapshot() {
  std::lock_guard lock(m_mutex);
  const std::uint64_t id = m_next_id++;
  m_snapshots.emplace(id, m_db.heads().unsafe.number);
  return id;
}

Result<bool> DevChain::revert(std::uint64_t id) {
  std::uint64_t number = 0;
  {
    std::lock_guard lock(m_mutex);
    const auto it = m_snapshots.find(id);
    if (it == m_snapshots.end()) return false;
    number = it->second;
    // As anvil does: the snapshot and every later one are used up.
    m_snapshots.erase(it, m_snapshots.end());
  }
  const storage::Database& db = m_db;
  ROLLUP_TRY_VOID(edit([&db, number](const state::StateView&) -> Result<state::StateDiff> {
    return db.changes_back_to(number);
  }));
  return true;
}

}  // namespace rollup::node
