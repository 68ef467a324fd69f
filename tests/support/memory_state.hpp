#pragma once
// A state held in maps, for tests and the conformance runner (no GoogleTest needed).

#include <map>
#include <utility>

#include "rollup/state/state.hpp"
#include "rollup/types/account.hpp"

namespace rollup::testing {

// Accounts, storage slots and code in maps.
class AccountsState final : public state::StateView {
 public:
  std::map<Address, types::Account> map;
  std::map<std::pair<Address, Hash>, uint256> slots;
  std::map<Hash, Bytes> codes;
  Result<std::optional<types::Account>> account(const Address& a) const override {
    const auto it = map.find(a);
    if (it == map.end()) return std::optional<types::Account>{};
    return std::optional<types::Account>{it->second};
  }
  Result<uint256> storage(const Address& a, const Hash& slot) const override {
    const auto it = slots.find({a, slot});
    return it == slots.end() ? uint256{} : it->second;
  }
  Result<Bytes> code(const Hash& code_hash) const override {
    const auto it = codes.find(code_hash);
    return it == codes.end() ? Bytes{} : it->second;
  }
};

}  // namespace rollup::testing
