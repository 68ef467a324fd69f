#pragma once
// What the EVM needs from the world: accounts, storage and code, changed through a journal it can
// roll back. The state module implements it over a block's overlay; tests implement it in memory.
//
// Every read returns Result because the state behind it may live in a database: a failed read is
// a failure of the node, never an empty account, and it aborts the transaction being executed.
// Rules of the EVM (warm and cold accounts, refunds, logs, transient storage, self-destruction)
// live in the EVM itself; the host only stores and reverts.

#include <cstdint>
#include <optional>

#include "rollup/base/bytes.hpp"
#include "rollup/base/error.hpp"
#include "rollup/base/uint256.hpp"

namespace rollup::evm {

struct AccountState {
  std::uint64_t nonce = 0;
  uint256 balance;
  Hash code_hash;  // keccak256 of the code; the empty code's hash for accounts without code
};

class Host {
 public:
  virtual ~Host() = default;

  // nullopt: no such account.
  [[nodiscard]] virtual Result<std::optional<AccountState>> account(const Address& address) = 0;
  // The account's code; empty for an account without code or no account.
  [[nodiscard]] virtual Result<Bytes> code(const Address& address) = 0;
  [[nodiscard]] virtual Result<uint256> storage(const Address& address, const Hash& slot) = 0;
  // Whether any storage slot of the account is non-zero (EIP-7610: creating over it collides).
  [[nodiscard]] virtual Result<bool> has_storage(const Address& address) = 0;
  // The hash of block `number`, one of the 256 before the current block (the caller checked).
  [[nodiscard]] virtual Result<Hash> block_hash(std::uint64_t number) = 0;

  // Writes create the account when it does not exist.
  [[nodiscard]] virtual Result<void> set_storage(const Address& address, const Hash& slot,
                                                 const uint256& value) = 0;
  [[nodiscard]] virtual Result<void> set_balance(const Address& address,
                                                 const uint256& balance) = 0;
  [[nodiscard]] virtual Result<void> set_nonce(const Address& address, std::uint64_t nonce) = 0;
  [[nodiscard]] virtual Result<void> set_code(const Address& address, Bytes code) = 0;
  // A fresh account: nonce 0, no code, no storage; any balance already there is kept.
  [[nodiscard]] virtual Result<void> create_account(const Address& address) = 0;
  // The account and its storage are gone.
  [[nodiscard]] virtual Result<void> destroy_account(const Address& address) = 0;

  // revert_to(s) undoes every write made since snapshot() returned s.
  [[nodiscard]] virtual std::size_t snapshot() = 0;
  virtual void revert_to(std::size_t snapshot) = 0;
};

}  // namespace rollup::evm
