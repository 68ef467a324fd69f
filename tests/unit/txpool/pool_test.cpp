#include "rollup/txpool/pool.hpp"

#include <gtest/gtest.h>

#include <map>

#include "rollup/base/hex.hpp"
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
    for (const Key* k : {&alice, &bob, &carol, &dave}) {
      types::Account a;
      a.balance = 10 * k_ether;
      state->map[k->address] = a;
    }
  }

  Head head(const uint256& base_fee = k_gwei) const { return {state, base_fee, 30'000'000}; }
  Pool make_pool(Config config = {}) { return Pool(config, chain, head()); }

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
  Key dave = make_key(4);
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

  // A well-formed blob transaction has no place on a chain without blob space.
  auto blob = tx(bob, 0);
  blob.type = types::TxType::blob;
  blob.max_fee_per_blob_gas = 1;
  blob.blob_versioned_hashes.emplace_back();
  blob.blob_versioned_hashes[0].bytes[0] = 0x01;
  ASSERT_TRUE(types::sign_transaction(blob, bob.secret));
  auto blob_added = pool.add(blob, bob.address);
  ASSERT_FALSE(blob_added);
  EXPECT_EQ(blob_added.error().code(), make_error_code(types::Errc::blob_tx_unsupported));

  // Nothing refused was kept.
  EXPECT_EQ(pool.status().pending, 1u);
  EXPECT_EQ(pool.status().queued, 0u);

  // Calls into contracts and creations are ordinary transactions.
  types::Account contract;
  contract.code_hash = crypto::keccak256(Bytes{0x00});
  state->map[dest] = contract;
  ASSERT_TRUE(pool.add(tx(bob, 0), bob.address));
  auto create = tx(bob, 1);
  create.to.reset();
  create.gas_limit = 100'000;
  ASSERT_TRUE(types::sign_transaction(create, bob.secret));
  ASSERT_TRUE(pool.add(create, bob.address));
  EXPECT_EQ(pool.status().pending, 3u);
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

TEST_F(PoolTest, GuaranteedAccountSlotsSurviveAFloodFromAnotherSender) {
  Config config;
  config.global_slots = 4;
  config.account_slots = 2;
  config.global_queue = 16;
  Pool pool = make_pool(config);
  const auto b0 = pool.add(tx(bob, 0, 5 * k_gwei, k_gwei), bob.address);
  const auto b1 = pool.add(tx(bob, 1, 5 * k_gwei, k_gwei), bob.address);
  ASSERT_TRUE(b0 && b1);
  // Alice pays ten times more, but beyond her own two guaranteed slots the pending pool is full:
  // her third executable transaction would be cut at once, so it is refused, and bob keeps his.
  for (std::uint64_t n = 0; n < 3; ++n) {
    auto r = pool.add(tx(alice, n, 50 * k_gwei, 10 * k_gwei), alice.address);
    if (n < 2) {
      ASSERT_TRUE(r) << message(r);
      continue;
    }
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code(), make_error_code(Errc::pool_full));
    EXPECT_NE(message(r).find("txpool is full"), std::string::npos) << message(r);
    EXPECT_EQ(pool.get(crypto::keccak256(
                  types::encode_transaction(tx(alice, n, 50 * k_gwei, 10 * k_gwei)))),
              nullptr);
  }
  // Her later nonces cannot execute yet: they wait in the queue, which has room.
  for (std::uint64_t n = 3; n < 6; ++n) {
    ASSERT_TRUE(pool.add(tx(alice, n, 50 * k_gwei, 10 * k_gwei), alice.address));
  }
  EXPECT_NE(pool.get(*b0), nullptr);
  EXPECT_NE(pool.get(*b1), nullptr);
  EXPECT_EQ(pool.status().pending, 4u);
  EXPECT_EQ(pool.status().queued, 3u);
  EXPECT_EQ(*pool.pending_nonce(alice.address), 2u);
  EXPECT_EQ(*pool.pending_nonce(bob.address), 2u);
}

TEST_F(PoolTest, PendingOverGlobalSlotsIsCutFromTheBiggestAccountsHighestNonces) {
  Config config;
  config.global_slots = 6;
  config.account_slots = 2;
  config.global_queue = 16;
  config.account_queue = 16;
  Pool pool = make_pool(config);
  std::map<std::pair<Address, std::uint64_t>, Hash> hashes;
  auto add = [&](const Key& k, std::uint64_t nonce) {
    auto r = pool.add(tx(k, nonce), k.address);
    ASSERT_TRUE(r) << message(r);
    hashes[{k.address, nonce}] = *r;
  };
  for (std::uint64_t n : {0, 1}) add(carol, n);
  for (std::uint64_t n : {0, 1, 2}) add(bob, n);
  for (std::uint64_t n : {0, 2, 3, 4, 5, 6}) add(alice, n);  // 2..6 wait for nonce 1
  ASSERT_EQ(pool.status().pending, 6u);
  ASSERT_EQ(pool.status().queued, 5u);
  // Alice's nonce 1 makes her 0..6 executable: 12 pending for 6 slots. She is cut first, down to
  // bob's size, then both evenly, down to their 2 guaranteed slots; carol, within hers, keeps all.
  add(alice, 1);
  EXPECT_EQ(pool.status().pending, 6u);
  EXPECT_EQ(pool.status().queued, 0u) << "what was cut is dropped, not queued";
  EXPECT_EQ(*pool.pending_nonce(alice.address), 2u);
  EXPECT_EQ(*pool.pending_nonce(bob.address), 2u);
  EXPECT_EQ(*pool.pending_nonce(carol.address), 2u);
  // Only the highest nonces went: nobody keeps a transaction above a removed one.
  for (const auto& [key, hash] : hashes) {
    EXPECT_EQ(pool.get(hash) != nullptr, key.second < 2)
        << hex::encode(key.first.view()) << " nonce " << key.second;
  }
}

TEST_F(PoolTest, ANewHeadCutsPendingButNeverBelowTheGuaranteedSlots) {
  Config config;
  config.global_slots = 4;
  config.account_slots = 2;
  config.global_queue = 16;
  Pool pool = make_pool(config);
  for (std::uint64_t n : {0, 1}) ASSERT_TRUE(pool.add(tx(carol, n), carol.address));
  for (std::uint64_t n : {0, 1}) ASSERT_TRUE(pool.add(tx(bob, n), bob.address));
  for (std::uint64_t n = 1; n <= 5; ++n) ASSERT_TRUE(pool.add(tx(alice, n), alice.address));
  ASSERT_EQ(pool.status().pending, 4u);
  ASSERT_EQ(pool.status().queued, 5u);
  // Her nonce 0 was included elsewhere: 1..5 become executable at once, 9 pending for 4 slots.
  state->map[alice.address].nonce = 1;
  ASSERT_TRUE(pool.set_head(head(), std::vector<Address>{alice.address}));
  // Alice goes down to her 2; then every sender is within its guarantee, which the cut respects
  // even though pending stays above global_slots.
  EXPECT_EQ(pool.status().pending, 6u);
  EXPECT_EQ(pool.status().queued, 0u);
  EXPECT_EQ(*pool.pending_nonce(alice.address), 3u);
  EXPECT_EQ(*pool.pending_nonce(bob.address), 2u);
  EXPECT_EQ(*pool.pending_nonce(carol.address), 2u);
}

TEST_F(PoolTest, QueuedOverGlobalQueueIsCutLongestWaitingSenderFirst) {
  Config config;
  config.global_queue = 3;
  config.account_queue = 8;
  Pool pool = make_pool(config);
  const auto a2 = pool.add(tx(alice, 2), alice.address);
  const auto a3 = pool.add(tx(alice, 3), alice.address);
  const auto b5 = pool.add(tx(bob, 5), bob.address);
  ASSERT_TRUE(a2 && a3 && b5);
  ASSERT_EQ(pool.status().queued, 3u);
  // Alice's gap has been open longest: her queue goes first, from the top.
  const auto c4 = pool.add(tx(carol, 4), carol.address);
  ASSERT_TRUE(c4) << message(c4);
  EXPECT_EQ(pool.get(*a3), nullptr);
  EXPECT_NE(pool.get(*a2), nullptr);
  EXPECT_EQ(pool.status().queued, 3u);
  const auto b6 = pool.add(tx(bob, 6), bob.address);
  ASSERT_TRUE(b6) << message(b6);
  EXPECT_EQ(pool.get(*a2), nullptr);
  EXPECT_EQ(pool.status().queued, 3u);
  // Now bob's gap is the oldest, so his own new transaction would be the first to go: refused,
  // and nothing else moves.
  auto b8 = pool.add(tx(bob, 8), bob.address);
  ASSERT_FALSE(b8);
  EXPECT_EQ(b8.error().code(), make_error_code(Errc::pool_full));
  EXPECT_NE(message(b8).find("queued transactions at the limit of 3"), std::string::npos)
      << message(b8);
  for (const auto& kept : {b5, b6, c4}) EXPECT_NE(pool.get(*kept), nullptr);
  EXPECT_EQ(pool.status().queued, 3u);
  EXPECT_EQ(pool.status().pending, 0u);
}

TEST_F(PoolTest, ANewHeadThatQueuesTransactionsCutsTheQueue) {
  Config config;
  config.global_queue = 1;
  Pool pool = make_pool(config);
  ASSERT_TRUE(pool.add(tx(alice, 0), alice.address));
  ASSERT_TRUE(pool.add(tx(alice, 1, 10 * k_gwei, 2 * k_gwei, 5 * k_ether), alice.address));
  ASSERT_TRUE(pool.add(tx(alice, 2), alice.address));
  ASSERT_TRUE(pool.add(tx(alice, 3), alice.address));
  const auto b5 = pool.add(tx(bob, 5), bob.address);
  ASSERT_TRUE(b5);
  ASSERT_EQ(pool.status().queued, 1u);
  // Alice can no longer pay for her nonce 1, so 2 and 3 wait behind a gap: 3 queued for 1 slot.
  // Hers have waited longest and go.
  state->map[alice.address].balance = k_ether;
  ASSERT_TRUE(pool.set_head(head(), std::vector<Address>{alice.address}));
  EXPECT_EQ(pool.status().queued, 1u);
  EXPECT_EQ(pool.status().pending, 1u);
  EXPECT_NE(pool.get(*b5), nullptr);
}

TEST_F(PoolTest, EvictionPicksTheLowestEffectiveTipAtTheCurrentBaseFee) {
  Config config;
  config.global_slots = 2;
  config.global_queue = 0;
  Pool pool = make_pool(config);
  // At a base fee of 1 gwei alice's effective tip is 2 gwei, bob's 3 (his max fee leaves room).
  const auto a = pool.add(tx(alice, 0, 100 * k_gwei, 2 * k_gwei), alice.address);
  const auto b = pool.add(tx(bob, 0, 4 * k_gwei, 3 * k_gwei), bob.address);
  ASSERT_TRUE(a && b);
  // Paying exactly what alice pays is not enough, though it is far above bob's max fee.
  auto same = pool.add(tx(carol, 0, 100 * k_gwei, 2 * k_gwei), carol.address);
  ASSERT_FALSE(same);
  EXPECT_EQ(same.error().code(), make_error_code(Errc::pool_full));
  EXPECT_NE(pool.get(*a), nullptr);
  EXPECT_NE(pool.get(*b), nullptr);
  // An effective tip of 2.5 gwei outbids alice, the cheapest, not bob.
  const auto c = pool.add(tx(carol, 0, 100 * k_gwei, uint256(2'500'000'000)), carol.address);
  ASSERT_TRUE(c) << message(c);
  EXPECT_EQ(pool.get(*a), nullptr);
  EXPECT_NE(pool.get(*b), nullptr);

  // At 3.5 gwei bob's max fee leaves him 0.5 gwei: now he is the cheapest.
  ASSERT_TRUE(pool.set_head(head(uint256(3'500'000'000)), std::vector<Address>{}));
  const auto d = pool.add(tx(dave, 0, 10 * k_gwei, k_gwei), dave.address);
  ASSERT_TRUE(d) << message(d);
  EXPECT_EQ(pool.get(*b), nullptr);
  EXPECT_NE(pool.get(*c), nullptr);

  // At 12 gwei dave's max fee of 10 is below the base fee: he ranks below any includable
  // transaction, whatever his tip.
  ASSERT_TRUE(pool.set_head(head(12 * k_gwei), std::vector<Address>{}));
  const auto a2 = pool.add(tx(alice, 0, 20 * k_gwei, uint256(1)), alice.address);
  ASSERT_TRUE(a2) << message(a2);
  EXPECT_EQ(pool.get(*d), nullptr);
  EXPECT_NE(pool.get(*c), nullptr);
}

TEST_F(PoolTest, ATransactionTheLimitsWouldCutIsRefusedAndTakesNothingWithIt) {
  Config config;
  config.global_slots = 2;
  config.account_slots = 1;
  config.global_queue = 1;
  Pool pool = make_pool(config);
  ASSERT_TRUE(pool.add(tx(bob, 0, 50 * k_gwei, 5 * k_gwei), bob.address));
  ASSERT_TRUE(pool.add(tx(bob, 1, 50 * k_gwei, 5 * k_gwei), bob.address));
  const auto c5 = pool.add(tx(carol, 5, 5 * k_gwei, k_gwei), carol.address);
  ASSERT_TRUE(c5);
  // The pool is full. Bob's nonce 2 outbids carol's queued transaction, but once in, it is the
  // one the pending limit cuts (bob holds more than his guaranteed slot): refused, and carol's
  // transaction, evicted to make room for it, is back.
  auto b2 = pool.add(tx(bob, 2, 50 * k_gwei, 5 * k_gwei), bob.address);
  ASSERT_FALSE(b2);
  EXPECT_EQ(b2.error().code(), make_error_code(Errc::pool_full));
  EXPECT_NE(pool.get(*c5), nullptr);
  EXPECT_EQ(pool.status().pending, 2u);
  EXPECT_EQ(pool.status().queued, 1u);
  EXPECT_EQ(*pool.pending_nonce(bob.address), 2u);
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
