#pragma once
// The devnet's cheat methods, named and shaped as anvil and Hardhat serve them: evm_mine,
// evm_increaseTime, evm_setNextBlockTimestamp, evm_snapshot, evm_revert, anvil_mine,
// anvil_setBalance, anvil_setCode, anvil_setNonce, anvil_setStorageAt and their hardhat_ aliases.
// The node serves them only when configured for a devnet (devnet.cheats): they change state outside
// transactions, which no one can replay from the chain's L1 data. docs/rpc.md says how each one
// behaves here.

#include <cstdint>
#include <optional>

#include "rollup/base/bytes.hpp"
#include "rollup/base/error.hpp"
#include "rollup/base/uint256.hpp"
#include "rollup/rpc/jsonrpc.hpp"

namespace rollup::rpc {

// What the cheat methods ask of the node. Every change is a new block, so readers and the batcher
// only ever see whole blocks whose state root matches their state.
class DevChain {
 public:
  virtual ~DevChain() = default;
  struct Mined {
    std::uint64_t number = 0;
    std::uint64_t timestamp = 0;
  };
  // Makes a block now (at `timestamp` when given; later blocks follow on from it).
  [[nodiscard]] virtual Result<Mined> mine(std::optional<std::uint64_t> timestamp) = 0;
  // The next block, whenever it comes, gets `timestamp`; later blocks follow on from it.
  [[nodiscard]] virtual Result<void> set_next_timestamp(std::uint64_t timestamp) = 0;
  [[nodiscard]] virtual Result<void> set_balance(const Address& address, const uint256& value) = 0;
  [[nodiscard]] virtual Result<void> set_nonce(const Address& address, std::uint64_t nonce) = 0;
  [[nodiscard]] virtual Result<void> set_code(const Address& address, Bytes code) = 0;
  [[nodiscard]] virtual Result<void> set_storage(const Address& address, const Hash& slot,
                                                 const uint256& value) = 0;
  // Moves the clock of later blocks ahead; returns the total shift in seconds.
  [[nodiscard]] virtual Result<std::int64_t> increase_time(std::int64_t seconds) = 0;
  // Remembers the current state under a new id.
  [[nodiscard]] virtual Result<std::uint64_t> snapshot() = 0;
  // Brings back the state of snapshot `id` and forgets it and every later snapshot; false when
  // there is no such snapshot.
  [[nodiscard]] virtual Result<bool> revert(std::uint64_t id) = 0;
};

// Adds the cheat methods (namespaces evm, anvil, hardhat: each only if enabled in `dispatcher`).
// `chain` must outlive the dispatcher.
void add_dev_methods(Dispatcher& dispatcher, DevChain& chain);

}  // namespace rollup::rpc
