#include "rollup/txpool/pool.hpp"

#include <gtest/gtest.h>

#include "rollup/crypto/keccak.hpp"
#include "rollup/execution/errors.hpp"
#include "support/chain.hpp"

namespace rollup::txpool {
namespace {

using namespace rollup::testing;

class PoolTest : public ::testing::Test {
 protected:
  PoolTest() {
    chain.chain_id = k_chain_id;
    state = std::make_shared<testing::AccountsState>();
    for (const Key* k : {&alice, &bob, &carol}) {
      types::Account a;
      a.balance = 10 * k_ether;
      state->map[k->address] = a;
    }
  }

  Head head() const { return {state, k_gwei, 30'000'000}; }
  Pool make_pool(Config config = {}) { return Pool(config, chain, head(), false); }

  types::Transaction tx(const Key& from, std::uint64_t nonce, const uint256& max_fee = 10 * k_gwei,
                        const uint256& tip = 2 * k_gwei, const uint256& value = uint256(1)) {
    return testing::transfer(from, k_chain_id, nonce, dest, value, max_fee, tip);
  }

  static std::string message(const Result<Hash>& r) {
    return r ? std::string("accepted") : r.error().message();
  }

  execution::ChainConfig chain;
  std::shared_ptr<testing::AccountsState> state;
  Key alice = make_key(1);
  Key bob = make_key(2);
  Key carol = make_key(3);
  Address dest = testing::plain_address(9);
};

TEST_F(PoolTest, GapsAreQueuedUntilFilled) {
  Pool pool = make_pool();
  ASSERT_TRUE(pool.add(tx(alice, 0), alice.address));
  ASSERT_TRUE(pool.add(tx(alice, 2), alice.address));
  EXPECT_EQ(pool.status().pending, 1u);
  EXPECT_EQ(pool.status().queued, 1u);
  EXPECT_EQ(*pool.pending_nonce(alice.address), 1u);
  ASSERT_TRUE(pool.add(tx(alice, 1), alice.address));
  EXPECT_EQ(pool.status().pending, 3u);
  EXPECT_EQ(pool.status().queued, 0u);
  EXPECT_EQ(*pool.pending_nonce(alice.address), 3u);
  EXPECT_EQ(*pool.pending_nonce(bob.address), 0u);
  const auto pending = pool.pending();
  ASSERT_EQ(pending.size(), 1u);
  ASSERT_EQ(pending[0].size(), 3u);
  for (std::uint64_t i = 0; i < 3; ++i) EXPECT_EQ(pending[0][i]->txn.nonce, i);
}

TEST_F(PoolTest, RefusalsCarryGethMessages) {
  Pool pool = make_pool();
  const auto first = tx(alice, 0);
  ASSERT_TRUE(pool.add(first, alice.address));
  auto again = pool.add(first, alice.address);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code(), make_error_code(Errc::already_known));

  auto poor = pool.add(tx(bob, 0, 10 * k_gwei, 2 * k_gwei, 20 * k_ether), bob.address);
  ASSERT_FALSE(poor);
  EXPECT_EQ(poor.error().code(), make_error_code(execution::Errc::insufficient_funds));
  EXPECT_NE(message(poor).find("insufficient funds for gas * price + value: balance "
                               "10000000000000000000, tx cost 20000300000000000000, overshot "
                               "10000300000000000000"),
            std::string::npos)
      << message(poor);

  auto cheap = pool.add(tx(bob, 0, 10 * k_gwei, uint256{}), bob.address);
  ASSERT_FALSE(cheap);
  EXPECT_EQ(cheap.error().code(), make_error_code(Errc::underpriced));
  EXPECT_NE(message(cheap).find("transaction underpriced"), std::string::npos);

  auto big = tx(bob, 0);
  big.gas_limit = 30'000'001;
  ASSERT_TRUE(types::sign_transaction(big, bob.secret));
  auto too_big = pool.add(big, bob.address);
  ASSERT_FALSE(too_big);
  EXPECT_EQ(too_big.error().code(), make_error_code(execution::Errc::exceeds_block_gas_limit));

  auto fat = tx(bob, 0);
  fat.data = Bytes(130 * 1024, 1);
  fat.gas_limit = 3'000'000;
  ASSERT_TRUE(types::sign_transaction(fat, bob.secret));
  auto oversized = pool.add(fat, bob.address);
  ASSERT_FALSE(oversized);
  EXPECT_EQ(oversized.error().code(), make_error_code(Errc::oversized_data));

  auto foreign = tx(bob, 0);
  foreign.chain_id = 1;
  ASSERT_TRUE(types::sign_transaction(foreign, bob.secret));
  auto wrong_chain = pool.add(foreign, bob.address);
  ASSERT_FALSE(wrong_chain);
  EXPECT_EQ(wrong_chain.error().code(), make_error_code(types::Errc::wrong_chain_id));

  types::Account contract;
  contract.code_hash = crypto::keccak256(Bytes{0x00});
  state->map[dest] = contract;
  auto call = pool.add(tx(bob, 0), bob.address);
  ASSERT_FALSE(call);
  EXPECT_EQ(call.error().code(), make_error_code(execution::Errc::code_execution_unsupported));
  // Nothing refused was kept.
  EXPECT_EQ(pool.status().pending, 1u);
  EXPECT_EQ(pool.status().queued, 0u);
}

TEST_F(PoolTest, ReplacementNeedsTheBumpOnBothFees) {
  Pool pool = make_pool();
  auto old_hash = pool.add(tx(alice, 0, 10 * k_gwei, 2 * k_gwei), alice.address);
  ASSERT_TRUE(old_hash);
  // +10% on the max fee but +5% on the tip: not enough.
  auto low = pool.add(tx(alice, 0, 11 * k_gwei, uint256(2'100'000'000)), alice.address);
  ASSERT_FALSE(low);
  EXPECT_EQ(low.error().code(), make_error_code(Errc::replacement_underpriced));
  EXPECT_NE(message(low).find("replacement transaction underpriced"), std::string::npos);
  auto bumped = pool.add(tx(alice, 0, 11 * k_gwei, uint256(2'200'000'000)), alice.address);
  ASSERT_TRUE(bumped) << message(bumped);
  EXPECT_EQ(pool.get(*old_hash), nullptr);
  EXPECT_NE(pool.get(*bumped), nullptr);
  EXPECT_EQ(pool.status().pending, 1u);
}

TEST_F(PoolTest, LimitsEvictTheCheapestOfOthersOrRefuse) {
  Config config;
  config.global_slots = 3;
  config.global_queue = 1;
  config.account_queue = 1;
  Pool pool = make_pool(config);
  ASSERT_TRUE(pool.add(tx(alice, 0, 5 * k_gwei, k_gwei), alice.address));
  ASSERT_TRUE(pool.add(tx(alice, 5), alice.address));  // queued
  auto second_queued = pool.add(tx(alice, 7), alice.address);
  ASSERT_FALSE(second_queued);
  EXPECT_EQ(second_queued.error().code(), make_error_code(Errc::account_limit));
  ASSERT_TRUE(pool.add(tx(bob, 0, 6 * k_gwei, k_gwei), bob.address));
  ASSERT_TRUE(pool.add(tx(bob, 1, 6 * k_gwei, k_gwei), bob.address));
  ASSERT_EQ(pool.status().pending + pool.status().queued, 4u);  // full
  // Not paying more than the cheapest: refused.
  auto equal = pool.add(tx(carol, 0, 5 * k_gwei, k_gwei), carol.address);
  ASSERT_FALSE(equal);
  EXPECT_EQ(equal.error().code(), make_error_code(Errc::pool_full));
  // Paying more: alice's cheapest goes, and her nonce 5 stays queued behind the gap.
  ASSERT_TRUE(pool.add(tx(carol, 0, 7 * k_gwei, k_gwei), carol.address));
  EXPECT_EQ(*pool.pending_nonce(alice.address), 0u);
  EXPECT_EQ(pool.status().pending, 3u);
  EXPECT_EQ(pool.status().queued, 1u);
}

TEST_F(PoolTest, NewHeadDropsIncludedAndUnaffordableAndPromotes) {
  Pool pool = make_pool();
  for (std::uint64_t n = 0; n < 4; ++n) ASSERT_TRUE(pool.add(tx(alice, n), alice.address));
  ASSERT_TRUE(pool.add(tx(bob, 1), bob.address));  // queued behind bob's nonce 0
  EXPECT_EQ(pool.status().pending, 4u);
  EXPECT_EQ(pool.status().queued, 1u);
  // A block included alice's 0 and 1, and bob's nonce 0 from elsewhere.
  state->map[alice.address].nonce = 2;
  state->map[bob.address].nonce = 1;
  const std::vector<Address> changed{alice.address, bob.address};
  ASSERT_TRUE(pool.set_head(head(), changed));
  EXPECT_EQ(pool.status().pending, 3u);  // alice 2, 3 and bob 1
  EXPECT_EQ(pool.status().queued, 0u);
  EXPECT_EQ(*pool.pending_nonce(alice.address), 4u);
  // Alice is drained: nothing of hers is affordable any more.
  state->map[alice.address].balance = uint256(1000);
  ASSERT_TRUE(pool.set_head(head(), changed));
  EXPECT_EQ(pool.status().pending, 1u);
  EXPECT_EQ(*pool.pending_nonce(alice.address), 2u);
  // An account the block did not touch is not re-read.
  state->map[bob.address].nonce = 5;
  ASSERT_TRUE(pool.set_head(head(), std::vector<Address>{}));
  EXPECT_EQ(pool.status().pending, 1u);
}

TEST_F(PoolTest, ASendersTransactionsMustBeAffordableTogether) {
  Pool pool = make_pool();
  // 10 ether: two transfers of 4 fit, a third does not, though it would alone.
  ASSERT_TRUE(pool.add(tx(alice, 0, 10 * k_gwei, 2 * k_gwei, 4 * k_ether), alice.address));
  ASSERT_TRUE(pool.add(tx(alice, 1, 10 * k_gwei, 2 * k_gwei, 4 * k_ether), alice.address));
  auto third = pool.add(tx(alice, 2, 10 * k_gwei, 2 * k_gwei, 4 * k_ether), alice.address);
  ASSERT_FALSE(third);
  EXPECT_EQ(third.error().code(), make_error_code(execution::Errc::insufficient_funds));
  EXPECT_NE(message(third).find("queued cost 8000600000000000000"), std::string::npos)
      << message(third);
  // A replacement counts instead of the transaction it replaces.
  ASSERT_TRUE(pool.add(tx(alice, 1, 11 * k_gwei, 3 * k_gwei, 5 * k_ether), alice.address));
}

TEST_F(PoolTest, AFutureTransactionNeverEvictsAnExecutableOne) {
  Config config;
  config.global_slots = 2;
  config.global_queue = 0;
  Pool pool = make_pool(config);
  ASSERT_TRUE(pool.add(tx(alice, 0, 5 * k_gwei, k_gwei), alice.address));
  ASSERT_TRUE(pool.add(tx(bob, 0, 5 * k_gwei, k_gwei), bob.address));
  // carol's nonce 3 cannot run, so it may not push out either, whatever it pays.
  auto future = pool.add(tx(carol, 3, 9 * k_gwei, 2 * k_gwei), carol.address);
  ASSERT_FALSE(future);
  EXPECT_EQ(future.error().code(), make_error_code(Errc::pool_full));
  // Her nonce 0 can, and pays more: it takes the cheapest slot.
  ASSERT_TRUE(pool.add(tx(carol, 0, 9 * k_gwei, 2 * k_gwei), carol.address));
  EXPECT_EQ(pool.status().pending, 2u);
}

TEST_F(PoolTest, ReplacementFollowsGethsThreshold) {
  Pool pool = make_pool();
  ASSERT_TRUE(pool.add(tx(alice, 0, uint256(15), uint256(15)), alice.address));
  // geth: old 15 wei -> threshold 15 * 110 / 100 = 16 (integer division), so 16 replaces.
  auto r = pool.add(tx(alice, 0, uint256(16), uint256(16)), alice.address);
  EXPECT_TRUE(r) << message(r);
  // Equal fees never replace, even with a bump of zero.
  Config zero;
  zero.price_bump_percent = 0;
  Pool flat = make_pool(zero);
  ASSERT_TRUE(flat.add(tx(bob, 0, uint256(100), uint256(50)), bob.address));
  auto same = flat.add(tx(bob, 0, uint256(100), uint256(50), uint256(2)), bob.address);
  ASSERT_FALSE(same);
  EXPECT_EQ(same.error().code(), make_error_code(Errc::replacement_underpriced));
}

TEST_F(PoolTest, QueuedTransactionsExpireButPendingOnesStay) {
  auto now = std::chrono::steady_clock::now();
  Config config;
  config.now = [&now] { return now; };
  Pool pool = make_pool(config);
  ASSERT_TRUE(pool.add(tx(alice, 0), alice.address));
  ASSERT_TRUE(pool.add(tx(alice, 2), alice.address));  // waits for nonce 1
  now += std::chrono::hours(3) - std::chrono::seconds(1);
  ASSERT_TRUE(pool.set_head(head(), std::vector<Address>{}));
  EXPECT_EQ(pool.status().queued, 1u);
  now += std::chrono::seconds(2);
  ASSERT_TRUE(pool.set_head(head(), std::vector<Address>{}));
  EXPECT_EQ(pool.status().queued, 0u);
  EXPECT_EQ(pool.status().pending, 1u) << "an executable transaction does not expire";
}

TEST_F(PoolTest, BestTransactionsOrdersByEffectiveTipAndKeepsNonceOrder) {
  Pool pool = make_pool();
  // alice: tips 1 then 5 gwei; bob: 3 gwei; carol: max fee below the base fee of 4 gwei below.
  ASSERT_TRUE(pool.add(tx(alice, 0, 20 * k_gwei, k_gwei), alice.address));
  ASSERT_TRUE(pool.add(tx(alice, 1, 20 * k_gwei, 5 * k_gwei), alice.address));
  ASSERT_TRUE(pool.add(tx(bob, 0, 20 * k_gwei, 3 * k_gwei), bob.address));
  ASSERT_TRUE(pool.add(tx(carol, 0, 3 * k_gwei, 3 * k_gwei), carol.address));
  BestTransactions best(pool.pending(), 4 * k_gwei);
  std::vector<std::pair<Address, std::uint64_t>> order;
  while (TxPtr t = best.next()) order.emplace_back(t->sender, t->txn.nonce);
  const std::vector<std::pair<Address, std::uint64_t>> expected{
      {bob.address, 0}, {alice.address, 0}, {alice.address, 1}};
  EXPECT_EQ(order, expected);

  // A failed transaction takes the rest of its sender with it.
  BestTransactions skipping(pool.pending(), 4 * k_gwei);
  TxPtr first = skipping.next();
  ASSERT_EQ(first->sender, bob.address);
  TxPtr second = skipping.next();
  ASSERT_EQ(second->sender, alice.address);
  skipping.skip_sender();
  EXPECT_EQ(skipping.next(), nullptr);
}

}  // namespace
}  // namespace rollup::txpool
