#pragma once
// The genesis alloc as a state change on an empty state, and its root.

#include "rollup/execution/genesis.hpp"
#include "rollup/state/state.hpp"

namespace rollup::execution {

// The alloc as a StateDiff (sorted, as the storage module requires). Every listed account is kept,
// empty ones included, as geth commits them.
[[nodiscard]] state::StateDiff genesis_state(const Genesis& genesis);

// The state root of the alloc, computed in memory without touching any database.
[[nodiscard]] Hash genesis_state_root(const state::StateDiff& alloc);

}  // namespace rollup::execution
