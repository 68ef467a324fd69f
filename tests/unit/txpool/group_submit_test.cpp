// Group submission: many callers at once, each answered exactly as submit() would answer it alone.

#include "rollup/txpool/group_submit.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "rollup/crypto/keccak.hpp"
#include "support/chain.hpp"

namespace rollup::txpool {
namespace {

using namespace rollup::testing;

TEST(GroupSubmit, ConcurrentCallersEachGetTheirOwnAnswer) {
  auto state = std::make_shared<AccountsState>();
  constexpr int k_senders = 16;
  constexpr int k_each = 20;
  std::vector<Key> keys;
  for (int i = 0; i < k_senders; ++i) {
    keys.push_back(make_key(static_cast<std::uint8_t>(i + 1)));
    state->map[keys.back().address].balance = 10 * k_ether;
  }
  execution::ChainConfig chain;
  chain.chain_id = k_chain_id;
  Pool pool(Config{}, chain, Head{state, k_gwei, 30'000'000});
  GroupSubmitter group(pool);
  std::atomic<int> accepted{0};
  std::atomic<int> refused{0};
  {
    std::vector<std::jthread> callers;
    for (int s = 0; s < k_senders; ++s) {
      callers.emplace_back([&, s] {
        for (int n = 0; n < k_each; ++n) {
          const Bytes raw = types::encode_transaction(
              transfer(keys[s], k_chain_id, static_cast<std::uint64_t>(n), plain_address(9),
                       uint256(1), 10 * k_gwei, k_gwei));
          auto r = group.submit(raw);
          ASSERT_TRUE(r) << r.error().message();
          EXPECT_EQ(*r, crypto::keccak256(raw));
          ++accepted;
          // A stale nonce from the same caller is refused with geth's message, not lost.
          auto again = group.submit(raw);
          ASSERT_FALSE(again);
          EXPECT_EQ(again.error(), Errc::already_known);
          ++refused;
        }
      });
    }
  }
  EXPECT_EQ(accepted, k_senders * k_each);
  EXPECT_EQ(refused, k_senders * k_each);
  EXPECT_EQ(pool.status().pending, static_cast<std::size_t>(k_senders * k_each));
}

}  // namespace
}  // namespace rollup::txpool
