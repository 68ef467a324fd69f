// BlockState (journal, snapshots, net diff) over an in-memory base, and StateTrie roots against
// roots rebuilt from scratch with trie_root over the full state.

#include <gtest/gtest.h>

#include <map>
#include <random>

#include "rollup/crypto/keccak.hpp"
#include "rollup/state/state.hpp"
#include "rollup/state/state_trie.hpp"

namespace rollup::state {
namespace {

Address addr(std::uint8_t n) {
  Address a;
  a.bytes[19] = n;
  a.bytes[0] = static_cast<std::uint8_t>(n * 7);
  return a;
}
Hash slot(std::uint8_t n) {
  Hash h;
  h.bytes[31] = n;
  return h;
}

// A complete state in maps: the reference both for reads and for from-scratch roots.
class MapState final : public StateView {
 public:
  std::map<Address, Account> accounts;
  std::map<Address, std::map<Hash, uint256>> slots;
  std::map<Hash, Bytes> codes;

  Result<std::optional<Account>> account(const Address& a) const override {
    const auto it = accounts.find(a);
    if (it == accounts.end()) return std::optional<Account>{};
    return std::optional<Account>{it->second};
  }
  Result<uint256> storage(const Address& a, const Hash& s) const override {
    const auto it = slots.find(a);
    if (it == slots.end()) return uint256{};
    const auto v = it->second.find(s);
    return v == it->second.end() ? uint256{} : v->second;
  }
  Result<Bytes> code(const Hash& h) const override {
    if (h == types::k_empty_code_hash) return Bytes{};
    const auto it = codes.find(h);
    if (it == codes.end()) return fail(Errc::missing_code);
    return it->second;
  }

  // Applies a diff the way the storage module will, using the storage roots StateTrie computed.
  void apply(const StateDiff& diff, const StateUpdate& update) {
    for (std::size_t i = 0; i < diff.accounts.size(); ++i) {
      const AccountDiff& d = diff.accounts[i];
      if (d.storage_cleared || !d.account) slots.erase(d.address);
      if (!update.accounts[i]) {
        accounts.erase(d.address);
        continue;
      }
      accounts[d.address] = *update.accounts[i];
      for (const auto& w : d.storage) {
        if (w.value == uint256{}) {
          slots[d.address].erase(w.slot);
        } else {
          slots[d.address][w.slot] = w.value;
        }
      }
      if (d.code) codes[d.account->code_hash] = *d.code;
    }
  }

  // The state root from scratch.
  Hash root() const {
    std::vector<std::pair<Bytes, Bytes>> entries;
    for (const auto& [a, account] : accounts) {
      Account copy = account;
      std::vector<std::pair<Bytes, Bytes>> entries_of_account;
      if (const auto it = slots.find(a); it != slots.end()) {
        for (const auto& [s, v] : it->second) {
          const Hash k = storage_key(s);
          entries_of_account.emplace_back(Bytes(k.bytes.begin(), k.bytes.end()),
                                          encode_storage_value(v));
        }
      }
      copy.storage_root = trie::trie_root(entries_of_account);
      EXPECT_EQ(copy, account) << "stored storage root differs from the recomputed one";
      const Hash k = account_key(a);
      entries.emplace_back(Bytes(k.bytes.begin(), k.bytes.end()), types::encode_account(copy));
    }
    return trie::trie_root(entries);
  }
};

TEST(BlockState, WritesReadBackAndRevertToSnapshots) {
  MapState base;
  base.accounts[addr(1)] = Account{.nonce = 3, .balance = uint256{100}};
  base.slots[addr(1)][slot(1)] = uint256{5};
  BlockState s(base);

  ASSERT_TRUE(s.add_balance(addr(1), uint256{50}).has_value());
  EXPECT_EQ((*s.account(addr(1)))->balance, uint256{150});
  const auto snap = s.snapshot();
  ASSERT_TRUE(s.set_storage(addr(1), slot(1), uint256{9}).has_value());
  ASSERT_TRUE(s.set_nonce(addr(1), 4).has_value());
  ASSERT_TRUE(s.set_balance(addr(2), uint256{7}).has_value());
  EXPECT_EQ(*s.storage(addr(1), slot(1)), uint256{9});
  s.revert_to(snap);
  EXPECT_EQ(*s.storage(addr(1), slot(1)), uint256{5});
  EXPECT_EQ((*s.account(addr(1)))->nonce, 3u);
  EXPECT_FALSE(s.account(addr(2))->has_value());
  EXPECT_EQ((*s.account(addr(1)))->balance, uint256{150});
}

TEST(BlockState, SubBalanceRefusesToGoNegative) {
  MapState base;
  base.accounts[addr(1)] = Account{.balance = uint256{10}};
  BlockState s(base);
  EXPECT_FALSE(s.sub_balance(addr(1), uint256{11}).has_value());
  EXPECT_EQ((*s.account(addr(1)))->balance, uint256{10});
  ASSERT_TRUE(s.sub_balance(addr(1), uint256{10}).has_value());
  EXPECT_EQ((*s.account(addr(1)))->balance, uint256{});
}

TEST(BlockState, DestroyHidesStorageAndRecreateStartsEmpty) {
  MapState base;
  base.accounts[addr(1)] = Account{.balance = uint256{10}};
  base.slots[addr(1)][slot(1)] = uint256{5};
  base.accounts[addr(1)].storage_root = crypto::keccak256(Bytes{1});  // non-empty
  BlockState s(base);
  ASSERT_TRUE(s.destroy_account(addr(1)).has_value());
  EXPECT_FALSE(s.account(addr(1))->has_value());
  EXPECT_EQ(*s.storage(addr(1), slot(1)), uint256{});
  ASSERT_TRUE(s.create_account(addr(1)).has_value());
  ASSERT_TRUE(s.set_storage(addr(1), slot(2), uint256{8}).has_value());
  EXPECT_EQ(*s.storage(addr(1), slot(1)), uint256{});
  auto diff = s.diff();
  ASSERT_TRUE(diff.has_value());
  ASSERT_EQ(diff->accounts.size(), 1u);
  EXPECT_TRUE(diff->accounts[0].storage_cleared);
  ASSERT_EQ(diff->accounts[0].storage.size(), 1u);
  EXPECT_EQ(diff->accounts[0].storage[0].slot, slot(2));
}

TEST(BlockState, DiffLeavesOutNoOps) {
  MapState base;
  base.accounts[addr(1)] = Account{.balance = uint256{10}};
  base.slots[addr(1)][slot(1)] = uint256{5};
  BlockState s(base);
  ASSERT_TRUE(s.add_balance(addr(1), uint256{1}).has_value());
  ASSERT_TRUE(s.sub_balance(addr(1), uint256{1}).has_value());
  ASSERT_TRUE(s.set_storage(addr(1), slot(1), uint256{6}).has_value());
  ASSERT_TRUE(s.set_storage(addr(1), slot(1), uint256{5}).has_value());
  ASSERT_TRUE(s.set_balance(addr(3), uint256{1}).has_value());
  ASSERT_TRUE(s.destroy_account(addr(3)).has_value());
  auto diff = s.diff();
  ASSERT_TRUE(diff.has_value());
  EXPECT_TRUE(diff->accounts.empty());
}

TEST(BlockState, CodeTravelsInTheDiff) {
  MapState base;
  BlockState s(base);
  const Bytes code = {0x60, 0x00, 0x60, 0x00, 0xf3};
  ASSERT_TRUE(s.set_code(addr(4), code).has_value());
  EXPECT_EQ(*s.code(crypto::keccak256(code)), code);
  auto diff = s.diff();
  ASSERT_TRUE(diff.has_value());
  ASSERT_EQ(diff->accounts.size(), 1u);
  ASSERT_TRUE(diff->accounts[0].code.has_value());
  EXPECT_EQ(*diff->accounts[0].code, code);
  EXPECT_FALSE(check_diff(*diff).has_value());
}

TEST(StateTrie, RandomBlocksMatchFromScratchRoots) {
  std::mt19937_64 rng(21);
  MapState state;
  trie::MemoryNodeStore nodes;
  StateTrie st(nodes, trie::k_empty_root);
  for (int block = 0; block < 60; ++block) {
    BlockState s(state);
    const int writes = 1 + static_cast<int>(rng() % 30);
    for (int i = 0; i < writes; ++i) {
      const Address a = addr(static_cast<std::uint8_t>(rng() % 40));
      switch (rng() % 7) {
        case 0: ASSERT_TRUE(s.set_balance(a, uint256{rng() % 1000}).has_value()); break;
        case 1: ASSERT_TRUE(s.set_nonce(a, rng() % 5).has_value()); break;
        case 2:
        case 3:
          ASSERT_TRUE(
              s.set_storage(a, slot(static_cast<std::uint8_t>(rng() % 8)), uint256{rng() % 3})
                  .has_value());
          break;
        case 4: ASSERT_TRUE(s.destroy_account(a).has_value()); break;
        case 5: ASSERT_TRUE(s.create_account(a).has_value()); break;
        default: ASSERT_TRUE(s.set_code(a, Bytes(rng() % 40, 0x5b)).has_value()); break;
      }
      if (rng() % 5 == 0) {
        const auto snap = s.snapshot();
        ASSERT_TRUE(s.set_balance(a, uint256{999999}).has_value());
        s.revert_to(snap);
      }
    }
    auto diff = s.diff();
    ASSERT_TRUE(diff.has_value());
    ASSERT_FALSE(check_diff(*diff).has_value()) << *check_diff(*diff);
    auto update = st.apply(*diff);
    ASSERT_TRUE(update.has_value()) << update.error().message();
    nodes.put(update->nodes);
    state.apply(*diff, *update);
    ASSERT_EQ(update->state_root, state.root()) << "block " << block;
    if (block % 10 == 9) st.trim(1);
  }
}

}  // namespace
}  // namespace rollup::state
