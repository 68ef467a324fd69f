// The RocksDB database: genesis, block commits, chain reads, historical state, rewinds, reopen
// checks. Each test works in its own temporary directory.

#include "rollup/storage/database.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <random>

#include "rollup/base/assert.hpp"
#include "rollup/crypto/keccak.hpp"
#include "support/chain.hpp"
#include "support/temp_dir.hpp"

namespace rollup::storage {
namespace {

namespace fs = std::filesystem;

using testing::TempDir;

Address addr(std::uint8_t n) {
  Address a;
  a.bytes[0] = n;
  a.bytes[19] = 1;
  return a;
}
Hash slot(std::uint8_t n) {
  Hash h;
  h.bytes[31] = n;
  return h;
}

types::Header genesis_header(const Hash& root) {
  return testing::cancun_genesis_header(root);
}

state::StateDiff genesis_alloc() {
  state::StateDiff diff;
  for (std::uint8_t i = 1; i <= 3; ++i) {
    state::AccountDiff a;
    a.address = addr(i);
    a.account = state::Account{.nonce = 0, .balance = uint256{1000u * i}};
    if (i == 2) a.storage.push_back({slot(1), uint256{77}});
    diff.accounts.push_back(a);
  }
  return diff;
}

// The head header's state root equals the root rebuilt from the flat state alone.
void expect_head_root_matches_flat_state(const Database& d) {
  auto head = d.header(d.heads().unsafe.hash);
  ASSERT_TRUE(head.has_value() && head->has_value());
  auto root = d.recompute_state_root();
  ASSERT_TRUE(root.has_value()) << root.error().message();
  EXPECT_EQ(*root, (*head)->state_root);
}

// Builds, prepares and commits one block with a balance change, a storage write and a deletion.
Hash commit_next(Database& db, std::uint64_t salt) {
  const Heads h = db.heads();
  auto view = db.state_at(h.unsafe.number);
  EXPECT_TRUE(view.has_value());
  state::BlockState s(**view);
  EXPECT_TRUE(s.add_balance(addr(1), uint256{salt}).has_value());
  EXPECT_TRUE(
      s.set_storage(addr(2), slot(static_cast<std::uint8_t>(salt % 4)), uint256{salt}).has_value());
  EXPECT_TRUE(s.set_storage(addr(2), slot(1), uint256{salt % 2}).has_value());
  auto diff = s.diff();
  EXPECT_TRUE(diff.has_value());
  auto update = db.prepare_state(*diff);
  EXPECT_TRUE(update.has_value());
  Block block;
  block.header = genesis_header(update->state_root);
  block.header.number = h.unsafe.number + 1;
  block.header.parent_hash = h.unsafe.hash;
  block.header.timestamp = block.header.number;
  block.l1_origin.number = 100 + block.header.number;
  block.l1_origin.hash.bytes[0] = static_cast<std::uint8_t>(block.header.number);
  auto r = db.commit_block(block, {}, *diff, std::move(*update));
  EXPECT_TRUE(r.has_value()) << r.error().message();
  return types::header_hash(block.header);
}

TEST(Database, GenesisThenBlocksThenReopen) {
  TempDir dir;
  auto db = Database::create(dir.path(), {}, genesis_alloc(), genesis_header);
  ASSERT_TRUE(db.has_value()) << db.error().message();
  EXPECT_EQ((*db)->heads().unsafe.number, 0u);
  EXPECT_EQ((*db)->heads().safe, (*db)->heads().unsafe);
  auto root0 = (*db)->recompute_state_root();
  ASSERT_TRUE(root0.has_value());
  auto g = (*db)->header((*db)->heads().unsafe.hash);
  ASSERT_TRUE(g.has_value() && g->has_value());
  EXPECT_EQ((*g)->state_root, *root0);

  std::vector<Hash> hashes;
  for (std::uint64_t i = 1; i <= 5; ++i) hashes.push_back(commit_next(**db, i));
  EXPECT_EQ((*db)->heads().unsafe.number, 5u);
  db->reset();

  auto reopened = Database::open(dir.path(), {});
  ASSERT_TRUE(reopened.has_value()) << reopened.error().message();
  Database& d = **reopened;
  EXPECT_EQ(d.heads().unsafe.hash, hashes.back());
  for (std::uint64_t i = 1; i <= 5; ++i) {
    EXPECT_EQ(*d.canonical_hash(i), hashes[i - 1]);
    EXPECT_EQ(*d.block_number(hashes[i - 1]), i);
  }
  expect_head_root_matches_flat_state(d);
  EXPECT_FALSE(d.canonical_hash(6)->has_value());
  // A sixth block continues on the reopened trie.
  commit_next(d, 6);
  expect_head_root_matches_flat_state(d);
}

TEST(Database, HistoricalStateAndRewind) {
  TempDir dir;
  auto db = Database::create(dir.path(), {}, genesis_alloc(), genesis_header);
  ASSERT_TRUE(db.has_value());
  Database& d = **db;
  std::vector<uint256> balance{uint256{1000}};
  std::vector<uint256> slot1{uint256{77}};
  for (std::uint64_t i = 1; i <= 6; ++i) {
    commit_next(d, i);
    balance.push_back(balance.back() + uint256{i});
    slot1.push_back(uint256{i % 2});
  }
  for (std::uint64_t n = 0; n <= 6; ++n) {
    auto view = d.state_at(n);
    ASSERT_TRUE(view.has_value()) << n;
    EXPECT_EQ((*(*view)->account(addr(1)))->balance, balance[n]) << n;
    EXPECT_EQ(*(*view)->storage(addr(2), slot(1)), slot1[n]) << n;
  }
  EXPECT_FALSE(d.state_at(7).has_value());

  ASSERT_TRUE(d.rewind_to(3).has_value());
  EXPECT_EQ(d.heads().unsafe.number, 3u);
  EXPECT_FALSE(d.canonical_hash(4)->has_value());
  expect_head_root_matches_flat_state(d);
  auto view = d.state_at(3);
  EXPECT_EQ((*(*view)->account(addr(1)))->balance, balance[3]);
  // The chain continues from the rewound head.
  commit_next(d, 100);
  EXPECT_EQ(d.heads().unsafe.number, 4u);
  expect_head_root_matches_flat_state(d);
}

TEST(Database, HistoryIsPrunedBehindTheWindow) {
  TempDir dir;
  Options options;
  options.history_blocks = 3;
  auto db = Database::create(dir.path(), options, genesis_alloc(), genesis_header);
  ASSERT_TRUE(db.has_value());
  for (std::uint64_t i = 1; i <= 8; ++i) commit_next(**db, i);
  EXPECT_EQ((*db)->history_tail(), 5u);
  auto old = (*db)->state_at(4);
  ASSERT_FALSE(old.has_value());
  EXPECT_EQ(old.error(), Errc::history_pruned);
  EXPECT_TRUE((*db)->state_at(5).has_value());
  EXPECT_FALSE((*db)->rewind_to(4).has_value());
}

TEST(Database, RefusesBlocksThatDoNotExtendTheHead) {
  TempDir dir;
  auto db = Database::create(dir.path(), {}, genesis_alloc(), genesis_header);
  ASSERT_TRUE(db.has_value());
  state::StateDiff empty;
  auto update = (*db)->prepare_state(empty);
  ASSERT_TRUE(update.has_value());
  Block block;
  block.header = genesis_header(update->state_root);
  block.header.number = 2;  // skips 1
  block.header.parent_hash = (*db)->heads().unsafe.hash;
  auto r = (*db)->commit_block(block, {}, empty, *update);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error(), Errc::not_next_block);
  block.header.number = 1;
  block.header.state_root = crypto::keccak256(Bytes{1});
  update = (*db)->prepare_state(empty);
  r = (*db)->commit_block(block, {}, empty, *update);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error(), Errc::state_mismatch);
  EXPECT_EQ((*db)->heads().unsafe.number, 0u);
}

TEST(Database, CreateRefusesAnExistingDatabaseAndOpenRefusesAMissingOne) {
  TempDir dir;
  auto missing = Database::open(dir.path() / "none", {});
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error(), Errc::not_initialized);
  auto db = Database::create(dir.path(), {}, genesis_alloc(), genesis_header);
  ASSERT_TRUE(db.has_value());
  auto again = Database::create(dir.path(), {}, genesis_alloc(), genesis_header);
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error(), Errc::already_initialized);
  auto second = Database::open(dir.path(), {});
  ASSERT_FALSE(second.has_value());
  EXPECT_EQ(second.error(), Errc::in_use);
}

TEST(Database, HeadRules) {
  TempDir dir;
  auto db = Database::create(dir.path(), {}, genesis_alloc(), genesis_header);
  ASSERT_TRUE(db.has_value());
  Database& d = **db;
  for (std::uint64_t i = 1; i <= 4; ++i) commit_next(d, i);
  const auto ref = [&](std::uint64_t n) { return BlockRef{n, *d.canonical_hash(n)->operator->()}; };
  ASSERT_TRUE(d.set_safe_head(ref(3)).has_value());
  EXPECT_FALSE(d.set_finalized_head(ref(4)).has_value());  // beyond safe
  ASSERT_TRUE(d.set_finalized_head(ref(2)).has_value());
  EXPECT_FALSE(d.rewind_to(2).has_value());  // below safe
  // An L1 reorg can take a batch away: safe steps back, but not below finalized.
  ASSERT_TRUE(d.set_safe_head(ref(2)).has_value());
  EXPECT_EQ(d.heads().safe, ref(2));
  EXPECT_FALSE(d.set_safe_head(ref(1)).has_value());
  EXPECT_FALSE(d.set_finalized_head(ref(1)).has_value());  // finalized never goes back
  EXPECT_FALSE(d.set_safe_head({3, Hash{}}).has_value());  // not canonical
  EXPECT_FALSE(d.set_safe_head({9, ref(4).hash}).has_value());
}

TEST(Database, L1OriginsAreKeptWithTheirBlocks) {
  TempDir dir;
  auto db = Database::create(dir.path(), {}, genesis_alloc(), genesis_header);
  ASSERT_TRUE(db.has_value());
  Database& d = **db;
  for (std::uint64_t i = 1; i <= 3; ++i) commit_next(d, i);
  const auto origin = d.l1_origin(2);
  ASSERT_TRUE(origin.has_value() && origin->has_value());
  EXPECT_EQ((*origin)->number, 102u);
  EXPECT_EQ((*origin)->hash.bytes[0], 2);
  ASSERT_TRUE(d.rewind_to(1).has_value());
  EXPECT_FALSE(d.l1_origin(2)->has_value());
  EXPECT_EQ((*d.l1_origin(1))->number, 101u);
}

TEST(Database, BatcherRecordsAndHeadsMoveTogetherAndSurviveAReopen) {
  TempDir dir;
  {
    auto db = Database::create(dir.path(), {}, genesis_alloc(), genesis_header);
    ASSERT_TRUE(db.has_value());
    Database& d = **db;
    for (std::uint64_t i = 1; i <= 3; ++i) commit_next(d, i);
    const BlockRef b2{2, *d.canonical_hash(2)->operator->()};
    ASSERT_TRUE(d.update_batcher({.records = {{"a", Bytes{1}}, {"b", Bytes{2, 3}}},
                                  .safe = b2,
                                  .finalized = std::nullopt})
                    .has_value());
    // A refused head move writes none of the records either.
    EXPECT_FALSE(d.update_batcher({.records = {{"c", Bytes{4}}},
                                   .safe = std::nullopt,
                                   .finalized = BlockRef{3, d.heads().unsafe.hash}})
                     .has_value());
    ASSERT_TRUE(
        d.update_batcher(
             {.records = {{"a", std::nullopt}}, .safe = std::nullopt, .finalized = std::nullopt})
            .has_value());
  }
  auto db = Database::open(dir.path(), {});
  ASSERT_TRUE(db.has_value()) << db.error().message();
  const auto records = (*db)->batcher_records();
  ASSERT_TRUE(records.has_value());
  ASSERT_EQ(records->size(), 1u);
  EXPECT_EQ((*records)[0].first, "b");
  EXPECT_EQ((*records)[0].second, (Bytes{2, 3}));
  EXPECT_EQ((*db)->heads().safe.number, 2u);
}

// Regression: an abandoned prepared state leaked into the next one, so the header committed a root
// that the flat state did not have and its nodes were never written.
TEST(Database, AnAbandonedPreparedStateDoesNotLeakIntoTheNext) {
  TempDir dir;
  auto db = Database::create(dir.path(), {}, genesis_alloc(), genesis_header);
  ASSERT_TRUE(db.has_value());
  Database& d = **db;
  {
    auto view = d.state_at(0);
    state::BlockState s(**view);
    ASSERT_TRUE(s.set_balance(addr(1), uint256{999}).has_value());
    auto abandoned = d.prepare_state(*s.diff());
    ASSERT_TRUE(abandoned.has_value());
  }
  commit_next(d, 5);
  expect_head_root_matches_flat_state(d);
  auto view = d.state_at(1);
  EXPECT_EQ((*(*view)->account(addr(1)))->balance, uint256{1005});
}

TEST(Database, CommitWithoutPrepareIsRefused) {
  TempDir dir;
  auto db = Database::create(dir.path(), {}, genesis_alloc(), genesis_header);
  ASSERT_TRUE(db.has_value());
  state::StateDiff empty;
  auto update = (*db)->prepare_state(empty);
  ASSERT_TRUE(update.has_value());
  (*db)->discard_prepared();
  Block block;
  block.header = genesis_header(update->state_root);
  block.header.number = 1;
  block.header.parent_hash = (*db)->heads().unsafe.hash;
  auto r = (*db)->commit_block(block, {}, empty, *update);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error(), Errc::state_mismatch);
}

// Regression: a state view released after its Database read freed memory (found under ASan).
TEST(Database, AStateViewMayOutliveTheDatabase) {
  TempDir dir;
  auto db = Database::create(dir.path(), {}, genesis_alloc(), genesis_header);
  ASSERT_TRUE(db.has_value());
  auto view = (*db)->state_at(0);
  ASSERT_TRUE(view.has_value());
  db->reset();
  auto account = (*view)->account(addr(2));
  ASSERT_TRUE(account.has_value() && account->has_value());
  EXPECT_EQ((*account)->balance, uint256{2000});
  EXPECT_EQ(*(*view)->storage(addr(2), slot(1)), uint256{77});
}

// Regression: history_blocks = 0 advanced the tail without deleting any history record.
TEST(Database, ZeroHistoryStillKeepsTheParentState) {
  TempDir dir;
  Options options;
  options.history_blocks = 0;
  auto db = Database::create(dir.path(), options, genesis_alloc(), genesis_header);
  ASSERT_TRUE(db.has_value());
  for (std::uint64_t i = 1; i <= 5; ++i) commit_next(**db, i);
  EXPECT_EQ((*db)->history_tail(), 4u);
  EXPECT_TRUE((*db)->state_at(4).has_value());
  EXPECT_FALSE((*db)->state_at(3).has_value());
  ASSERT_TRUE((*db)->rewind_to(4).has_value());
  expect_head_root_matches_flat_state(**db);
}

}  // namespace
}  // namespace rollup::storage
