// The sequencer over a real database and pool: blocks of pending transactions in fee and nonce
// order, correct headers, the pool following the head, and no value created or destroyed.

#include "rollup/sequencer/sequencer.hpp"

#include <gtest/gtest.h>

#include "rollup/trie/trie.hpp"
#include "support/chain.hpp"
#include "support/temp_dir.hpp"

namespace rollup::sequencer {
namespace {

using namespace rollup::testing;
constexpr std::uint64_t k_genesis_time = 1'700'000'000;

types::Header genesis_header(const Hash& root) {
  types::Header h = cancun_genesis_header(root);
  h.timestamp = k_genesis_time;
  return h;
}

class SequencerTest : public ::testing::Test {
 protected:
  SequencerTest() {
    chain.chain_id = k_chain_id;
    chain.base_fee_vault = testing::plain_address(0xfe);
    config.fee_recipient = testing::plain_address(0xc0);
    state::StateDiff alloc;
    for (const Key* k : {&alice, &bob}) {
      state::AccountDiff a;
      a.address = k->address;
      a.account = types::Account{.nonce = 0, .balance = 100 * k_ether};
      alloc.accounts.push_back(a);
    }
    std::ranges::sort(alloc.accounts,
                      [](const auto& x, const auto& y) { return x.address < y.address; });
    auto created = storage::Database::create(dir.path() / "db", {}, alloc, genesis_header);
    EXPECT_TRUE(created.has_value()) << created.error().message();
    db = std::move(*created);
    auto head = Sequencer::pool_head(*db, chain, 0);
    EXPECT_TRUE(head.has_value());
    pool = std::make_unique<txpool::Pool>(txpool::Config{}, chain, *head);
  }

  Sequencer make(Config c) { return Sequencer(*db, *pool, chain, std::move(c)); }

  uint256 balance_at_head(const Address& a) {
    auto view = db->state_at(db->heads().unsafe.number);
    EXPECT_TRUE(view.has_value());
    auto acc = (*view)->account(a);
    EXPECT_TRUE(acc.has_value());
    return *acc ? (**acc).balance : uint256{};
  }

  types::Transaction tx(const Key& from, std::uint64_t nonce, const Address& to,
                        const uint256& value, const uint256& tip = 2 * k_gwei) {
    return testing::transfer(from, k_chain_id, nonce, to, value, 10 * k_gwei, tip);
  }

  testing::TempDir dir;
  execution::ChainConfig chain;
  Config config;
  std::unique_ptr<storage::Database> db;
  std::unique_ptr<txpool::Pool> pool;
  Key alice = make_key(1);
  Key bob = make_key(2);
  Address carol = testing::plain_address(3);
};

TEST_F(SequencerTest, EmptyBlocksOnlyWhenConfigured) {
  config.empty_blocks = false;
  Sequencer quiet = make(config);
  auto none = quiet.produce(k_genesis_time + 1);
  ASSERT_TRUE(none.has_value()) << none.error().message();
  EXPECT_FALSE(none->has_value());
  EXPECT_EQ(db->heads().unsafe.number, 0u);

  config.empty_blocks = true;
  Sequencer steady = make(config);
  auto empty = steady.produce(k_genesis_time + 1);
  ASSERT_TRUE(empty.has_value() && empty->has_value());
  const types::Header& h = (*empty)->header;
  EXPECT_EQ(h.number, 1u);
  EXPECT_EQ(h.gas_used, 0u);
  EXPECT_EQ(h.transactions_root, types::k_empty_root_hash);
  // Each block after an empty one has a base fee an eighth lower (genesis: 1 gwei, empty).
  EXPECT_EQ(h.base_fee_per_gas, uint256(875'000'000));
  auto next = steady.produce(k_genesis_time + 1);
  ASSERT_TRUE(next.has_value() && next->has_value());
  EXPECT_EQ((*next)->header.base_fee_per_gas, uint256(765'625'000));
  EXPECT_EQ(db->heads().unsafe.hash, (*next)->hash);
}

TEST_F(SequencerTest, BlocksTakePendingTransactionsInOrderAndConserveValue) {
  Sequencer seq = make(config);
  // bob's nonce 1 arrives before his nonce 0; alice pays the lower tip.
  ASSERT_TRUE(pool->add(tx(bob, 1, carol, 2 * k_ether, 3 * k_gwei), bob.address));
  ASSERT_TRUE(pool->add(tx(alice, 0, carol, k_ether, k_gwei), alice.address));
  ASSERT_TRUE(pool->add(tx(alice, 1, bob.address, k_ether, k_gwei), alice.address));
  ASSERT_TRUE(pool->add(tx(bob, 0, carol, 2 * k_ether, 3 * k_gwei), bob.address));
  ASSERT_EQ(pool->status().pending, 4u);

  auto sealed = seq.produce(k_genesis_time + 5);
  ASSERT_TRUE(sealed.has_value() && sealed->has_value()) << sealed.error().message();
  EXPECT_EQ((*sealed)->transactions, 4u);
  const types::Header& h = (*sealed)->header;
  EXPECT_EQ(h.gas_used, 4u * 21'000u);
  EXPECT_EQ(h.timestamp, k_genesis_time + 5);
  EXPECT_EQ(h.beneficiary, config.fee_recipient);

  auto body = db->body((*sealed)->hash);
  ASSERT_TRUE(body.has_value() && body->has_value());
  std::vector<std::pair<Address, std::uint64_t>> order;
  std::vector<Bytes> encoded;
  for (const auto& t : **body) {
    auto sender = types::recover_sender(t);
    ASSERT_TRUE(sender.has_value());
    order.emplace_back(*sender, t.nonce);
    encoded.push_back(types::encode_transaction(t));
  }
  const std::vector<std::pair<Address, std::uint64_t>> expected{
      {bob.address, 0}, {bob.address, 1}, {alice.address, 0}, {alice.address, 1}};
  EXPECT_EQ(order, expected);
  EXPECT_EQ(h.transactions_root, trie::ordered_trie_root(encoded));
  auto receipts = db->receipts((*sealed)->hash);
  ASSERT_TRUE(receipts.has_value() && receipts->has_value());
  ASSERT_EQ((*receipts)->size(), 4u);
  EXPECT_EQ((*receipts)->back().cumulative_gas_used, 84'000u);

  // The pool followed the head: everything included is gone.
  EXPECT_EQ(pool->status().pending, 0u);
  EXPECT_EQ(*pool->pending_nonce(alice.address), 2u);

  uint256 total;
  for (const Address& a :
       {alice.address, bob.address, carol, config.fee_recipient, *chain.base_fee_vault}) {
    total += balance_at_head(a);
  }
  EXPECT_EQ(total, 200 * k_ether) << "no value created or destroyed";
  EXPECT_EQ(balance_at_head(carol), 5 * k_ether);
  // The base fee of block 1 is 7/8 of genesis' 1 gwei (genesis was empty).
  EXPECT_EQ(balance_at_head(*chain.base_fee_vault), uint256(84'000) * uint256(875'000'000));
}

class FakeL1 final : public L1View {
 public:
  std::optional<storage::BlockRef> origin() const override { return latest; }
  std::uint64_t block_bytes_limit() const override { return limit; }
  std::optional<storage::BlockRef> latest;
  std::uint64_t limit = 0;
};

storage::BlockRef l1_block(std::uint64_t n) {
  storage::BlockRef r{n, {}};
  r.hash.bytes[0] = static_cast<std::uint8_t>(n);
  return r;
}

TEST_F(SequencerTest, BlocksRecordTheirL1OriginWhichNeverGoesBack) {
  FakeL1 l1;
  Sequencer seq(*db, *pool, chain, config, &l1);
  ASSERT_TRUE(seq.produce(k_genesis_time + 1).has_value());  // no origin known yet
  EXPECT_EQ(*db->l1_origin(1), storage::BlockRef{});
  l1.latest = l1_block(50);
  ASSERT_TRUE(seq.produce(k_genesis_time + 2).has_value());
  EXPECT_EQ(*db->l1_origin(2), l1_block(50));
  l1.latest = l1_block(48);  // an L1 view that went back (a reorg, a lagging node)
  ASSERT_TRUE(seq.produce(k_genesis_time + 3).has_value());
  EXPECT_EQ(*db->l1_origin(3), l1_block(50));
  l1.latest.reset();
  ASSERT_TRUE(seq.produce(k_genesis_time + 4).has_value());
  EXPECT_EQ(*db->l1_origin(4), l1_block(50));
  // A restarted sequencer continues from the parent's origin.
  Sequencer again = make(config);
  ASSERT_TRUE(again.produce(k_genesis_time + 5).has_value());
  EXPECT_EQ(*db->l1_origin(5), l1_block(50));
}

TEST_F(SequencerTest, BackPressureMakesSmallerBlocksUntilLifted) {
  FakeL1 l1;
  Sequencer seq(*db, *pool, chain, config, &l1);
  for (std::uint64_t n = 0; n < 6; ++n) {
    ASSERT_TRUE(pool->add(tx(alice, n, carol, k_ether), alice.address));
  }
  const std::size_t one = types::encode_transaction(tx(alice, 0, carol, k_ether)).size();
  l1.limit = 2 * one + one / 2;  // room for two transfers
  auto first = seq.produce(k_genesis_time + 1);
  ASSERT_TRUE(first.has_value() && first->has_value());
  EXPECT_EQ((*first)->transactions, 2u);
  EXPECT_TRUE((*first)->throttled);
  l1.limit = 1;  // below one transaction: still one per block, so the chain moves
  auto second = seq.produce(k_genesis_time + 2);
  ASSERT_TRUE(second.has_value() && second->has_value());
  EXPECT_EQ((*second)->transactions, 1u);
  l1.limit = 0;
  auto rest = seq.produce(k_genesis_time + 3);
  ASSERT_TRUE(rest.has_value() && rest->has_value());
  EXPECT_EQ((*rest)->transactions, 3u);
  EXPECT_FALSE((*rest)->throttled);
}

TEST_F(SequencerTest, TimestampsNeverGoBackAndUnaffordableTransactionsAreSkipped) {
  // A pool whose view of bob is richer than the chain (as when it has not caught up with a
  // block yet): both transactions are admitted, only the first can execute.
  auto rich = std::make_shared<AccountsState>();
  rich->map[bob.address] = types::Account{.nonce = 0, .balance = 200 * k_ether};
  auto head = Sequencer::pool_head(*db, chain, 0);
  ASSERT_TRUE(head.has_value());
  head->state = rich;
  pool = std::make_unique<txpool::Pool>(txpool::Config{}, chain, *head);
  Sequencer seq = make(config);
  ASSERT_TRUE(pool->add(tx(bob, 0, carol, 60 * k_ether), bob.address));
  ASSERT_TRUE(pool->add(tx(bob, 1, carol, 60 * k_ether), bob.address));
  auto first = seq.produce(k_genesis_time + 10);
  ASSERT_TRUE(first.has_value() && first->has_value());
  EXPECT_EQ((*first)->transactions, 1u);
  EXPECT_EQ((*first)->skipped, 1u);
  // After the block the pool sees the chain's state and drops what bob can no longer pay for.
  EXPECT_EQ(pool->status().pending + pool->status().queued, 0u);
  // The wall clock stepped back: the block keeps its parent's timestamp.
  auto second = seq.produce(k_genesis_time + 3);
  ASSERT_TRUE(second.has_value() && second->has_value());
  EXPECT_EQ((*second)->header.timestamp, k_genesis_time + 10);
  EXPECT_EQ((*second)->header.parent_hash, (*first)->hash);
}

TEST_F(SequencerTest, TheLoopProducesBlocksOnSchedule) {
  config.block_time = std::chrono::milliseconds(100);
  Sequencer seq = make(config);
  std::atomic<int> sealed{0};
  std::atomic<int> errors{0};
  {
    Loop loop(
        seq, [&](const Sealed&) { ++sealed; }, [&](const Error&) { ++errors; });
    loop.start();
    ASSERT_TRUE(pool->add(tx(alice, 0, carol, k_ether), alice.address));
    // Behaviour, not speed: wait (generously, for a loaded machine) for three blocks.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (sealed.load() < 3 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    loop.stop();
  }
  EXPECT_EQ(errors.load(), 0);
  EXPECT_GE(sealed.load(), 3);
  EXPECT_EQ(db->heads().unsafe.number, static_cast<std::uint64_t>(sealed.load()));
  EXPECT_EQ(balance_at_head(carol), k_ether);
}

}  // namespace
}  // namespace rollup::sequencer
