#include "rollup/txpool/journal.hpp"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>

#include "rollup/crypto/keccak.hpp"
#include "rollup/txpool/pool.hpp"
#include "support/chain.hpp"
#include "support/temp_dir.hpp"

namespace rollup::txpool {
namespace {

namespace fs = std::filesystem;

using namespace rollup::testing;

class JournalTest : public ::testing::Test {
 protected:
  JournalTest() : path(dir.path() / "transactions.rlp") {}

  std::unique_ptr<Journal> open(Journal::Loaded& loaded) {
    auto j = Journal::open(path, false, loaded);
    EXPECT_TRUE(j.has_value()) << j.error().message();
    return std::move(*j);
  }

  testing::TempDir dir;
  fs::path path;
};

TEST_F(JournalTest, RecordsSurviveReopenAndATornTailIsCut) {
  Journal::Loaded loaded;
  {
    auto j = open(loaded);
    EXPECT_TRUE(loaded.envelopes.empty());
    ASSERT_TRUE(j->append(Bytes{1, 2, 3}));
    ASSERT_TRUE(j->append(Bytes(300, 7)));
  }
  // A kill in the middle of a third append: its header and part of its body reached the file.
  {
    std::ofstream out(path, std::ios::binary | std::ios::app);
    const char torn[] = {0, 0, 0, 50, 1, 2, 3, 4, 9, 9};
    out.write(torn, sizeof torn);
  }
  {
    auto j = open(loaded);
    ASSERT_EQ(loaded.envelopes.size(), 2u);
    EXPECT_EQ(loaded.envelopes[0], (Bytes{1, 2, 3}));
    EXPECT_EQ(loaded.envelopes[1], Bytes(300, 7));
    EXPECT_TRUE(loaded.torn_tail);
    EXPECT_EQ(j->records(), 2u);
    // Appends continue on the record boundary.
    ASSERT_TRUE(j->append(Bytes{4}));
  }
  auto j = open(loaded);
  ASSERT_EQ(loaded.envelopes.size(), 3u);
  EXPECT_EQ(loaded.envelopes[2], (Bytes{4}));
  EXPECT_FALSE(loaded.torn_tail);
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u) << "the journal holds users' transactions";
}

TEST_F(JournalTest, ACorruptRecordIsSkippedAndCounted) {
  Journal::Loaded loaded;
  {
    auto j = open(loaded);
    ASSERT_TRUE(j->append(Bytes{1, 1, 1}));
    ASSERT_TRUE(j->append(Bytes{2, 2, 2}));
  }
  {
    std::fstream f(path, std::ios::binary | std::ios::in | std::ios::out);
    f.seekp(9);  // the first record's body
    f.put(static_cast<char>(0x55));
  }
  auto j = open(loaded);
  ASSERT_EQ(loaded.envelopes.size(), 1u);
  EXPECT_EQ(loaded.envelopes[0], (Bytes{2, 2, 2}));
  EXPECT_EQ(loaded.corrupt, 1u);
}

TEST_F(JournalTest, RewriteReplacesTheContents) {
  Journal::Loaded loaded;
  {
    auto j = open(loaded);
    for (std::uint8_t i = 0; i < 10; ++i) ASSERT_TRUE(j->append(Bytes{i}));
    ASSERT_TRUE(j->rewrite(std::vector<Bytes>{{8}, {9}}));
    EXPECT_EQ(j->records(), 2u);
    ASSERT_TRUE(j->append(Bytes{10}));
  }
  auto j = open(loaded);
  ASSERT_EQ(loaded.envelopes.size(), 3u);
  EXPECT_EQ(loaded.envelopes[0], (Bytes{8}));
  EXPECT_EQ(loaded.envelopes[2], (Bytes{10}));
  EXPECT_FALSE(fs::exists(path.string() + ".new"));
}

TEST_F(JournalTest, APoolRestoresItsTransactionsAfterARestart) {
  auto state = std::make_shared<testing::AccountsState>();
  const auto alice = make_key(1);
  const auto bob = make_key(2);
  for (const auto* k : {&alice, &bob}) state->map[k->address].balance = 10 * k_ether;
  execution::ChainConfig chain;
  chain.chain_id = k_chain_id;
  const Head head{state, k_gwei, 30'000'000};
  const Address to = testing::plain_address(5);
  Journal::Loaded loaded;
  {
    auto journal = open(loaded);
    Pool pool({}, chain, head);
    ASSERT_TRUE(pool.set_journal(journal.get()));
    for (std::uint64_t n = 0; n < 3; ++n) {
      ASSERT_TRUE(pool.add(testing::transfer(alice, k_chain_id, n, to, k_ether), alice.address));
    }
    ASSERT_TRUE(pool.add(testing::transfer(bob, k_chain_id, 4, to, k_ether), bob.address));
    // A refused transaction is not journaled.
    ASSERT_FALSE(pool.add(testing::transfer(bob, k_chain_id, 5, to, 100 * k_ether), bob.address));
  }
  // Meanwhile a block included alice's nonce 0.
  state->map[alice.address].nonce = 1;
  auto journal = open(loaded);
  ASSERT_EQ(loaded.envelopes.size(), 4u);
  Pool pool({}, chain, head);
  const Restored restored = restore(pool, loaded.envelopes, 2);
  EXPECT_EQ(restored.accepted, 3u);
  EXPECT_EQ(restored.refused, 1u);  // nonce too low now
  EXPECT_EQ(restored.undecodable, 0u);
  EXPECT_EQ(pool.status().pending, 2u);
  EXPECT_EQ(pool.status().queued, 1u);
  // Attaching the journal leaves in it exactly what came back.
  ASSERT_TRUE(pool.set_journal(journal.get()));
  ASSERT_TRUE(pool.set_journal(nullptr));
  journal.reset();
  journal = open(loaded);
  EXPECT_EQ(loaded.envelopes.size(), 3u);
}

// Makes writes to files beyond `limit` bytes fail with EFBIG for as long as it lives.
class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t limit) {
    ::getrlimit(RLIMIT_FSIZE, &m_saved);
    m_handler = std::signal(SIGXFSZ, SIG_IGN);  // EFBIG instead of a signal that kills the test
    rlimit lower = m_saved;
    lower.rlim_cur = limit;
    ::setrlimit(RLIMIT_FSIZE, &lower);
  }
  ~FileSizeLimit() {
    ::setrlimit(RLIMIT_FSIZE, &m_saved);
    std::signal(SIGXFSZ, m_handler);
  }

 private:
  rlimit m_saved{};
  void (*m_handler)(int) = nullptr;
};

TEST_F(JournalTest, AFailedAppendIsCutBackSoLaterRecordsSurvive) {
  Journal::Loaded loaded;
  {
    auto j = open(loaded);
    ASSERT_TRUE(j->append(Bytes(100, 1)));
    const auto size = fs::file_size(path);
    {
      FileSizeLimit limit(size + 50);  // the next record (108 bytes) only half fits
      EXPECT_FALSE(j->append(Bytes(100, 2)));
    }
    EXPECT_EQ(fs::file_size(path), size) << "the torn record is cut back";
    ASSERT_TRUE(j->append(Bytes(100, 3)));
  }
  auto j = open(loaded);
  ASSERT_EQ(loaded.envelopes.size(), 2u);
  EXPECT_EQ(loaded.envelopes[1], Bytes(100, 3));
  EXPECT_FALSE(loaded.torn_tail);
  EXPECT_EQ(loaded.corrupt, 0u);
}

TEST_F(JournalTest, AFailedJournalWriteTakesTheWholeBatchBackEvictionsIncluded) {
  auto state = std::make_shared<AccountsState>();
  std::vector<Key> keys;
  for (std::uint8_t i = 1; i <= 4; ++i) {
    keys.push_back(make_key(i));
    state->map[keys.back().address].balance = 10 * k_ether;
  }
  execution::ChainConfig chain;
  chain.chain_id = k_chain_id;
  Config config;
  config.global_slots = 2;
  config.global_queue = 0;
  Pool pool(config, chain, Head{state, k_gwei, 30'000'000});
  Journal::Loaded loaded;
  auto journal = open(loaded);
  ASSERT_TRUE(pool.set_journal(journal.get()));
  const Address to = plain_address(5);
  auto raw = [&](const Key& k, std::uint64_t max_fee_gwei) {
    return types::encode_transaction(
        transfer(k, k_chain_id, 0, to, uint256(1), max_fee_gwei * k_gwei, k_gwei));
  };
  const auto a = submit(pool, std::vector<Bytes>{raw(keys[0], 5)}, 1);
  const auto b = submit(pool, std::vector<Bytes>{raw(keys[1], 20)}, 1);
  ASSERT_TRUE(a[0] && b[0]);
  // In one batch X evicts A, then Y evicts X; the journal write of the batch fails.
  std::vector<Result<Hash>> batch;
  {
    FileSizeLimit limit(fs::file_size(path) + 10);
    batch = submit(pool, std::vector<Bytes>{raw(keys[2], 6), raw(keys[3], 7)}, 1);
  }
  ASSERT_EQ(batch.size(), 2u);
  EXPECT_FALSE(batch[0]);
  EXPECT_FALSE(batch[1]);
  // Exactly as before the batch: A and B, nothing else.
  EXPECT_NE(pool.get(*a[0]), nullptr);
  EXPECT_NE(pool.get(*b[0]), nullptr);
  EXPECT_EQ(pool.status().pending, 2u);
  EXPECT_EQ(pool.status().queued, 0u);
  EXPECT_EQ(*pool.pending_nonce(keys[2].address), 0u);
}

TEST_F(JournalTest, AFailedJournalWriteTakesBackTheCutsOfTheLimitsToo) {
  auto state = std::make_shared<AccountsState>();
  const Key bob = make_key(1);
  const Key carol = make_key(2);
  const Key alice = make_key(3);
  const Key dave = make_key(4);
  for (const Key* k : {&bob, &carol, &alice, &dave}) state->map[k->address].balance = 10 * k_ether;
  execution::ChainConfig chain;
  chain.chain_id = k_chain_id;
  Config config;
  config.global_slots = 4;
  config.account_slots = 1;
  config.global_queue = 2;
  const Address to = plain_address(5);
  auto raw = [&](const Key& k, std::uint64_t nonce) {
    return types::encode_transaction(transfer(k, k_chain_id, nonce, to, uint256(1)));
  };
  // Bob 0..2 pending; carol 3 and alice 1 queued, carol's gap the older.
  const std::vector<Bytes> before{raw(bob, 0), raw(bob, 1), raw(bob, 2), raw(carol, 3),
                                  raw(alice, 1)};
  // Dave's gapped 5 passes global_queue: carol's queue goes. Alice's 0 makes her 0 and 1
  // executable and passes global_slots: bob, the biggest, loses his 2.
  const std::vector<Bytes> batch{raw(dave, 5), raw(alice, 0)};
  auto hash = [](const Bytes& envelope) { return crypto::keccak256(envelope); };
  auto make = [&] {
    auto pool = std::make_unique<Pool>(config, chain, Head{state, k_gwei, 30'000'000});
    for (const auto& r : submit(*pool, before, 1)) EXPECT_TRUE(r) << r.error().message();
    return pool;
  };

  // Without a failure the batch is accepted and the limits cut bob's 2 and carol's 3.
  {
    auto pool = make();
    for (const auto& r : submit(*pool, batch, 1)) ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(pool->get(hash(before[2])), nullptr);
    EXPECT_EQ(pool->get(hash(before[3])), nullptr);
    EXPECT_EQ(pool->status().pending, 4u);
    EXPECT_EQ(pool->status().queued, 1u);
  }
  // With the journal write failing, the batch is refused and what it cut is back.
  auto pool = make();
  Journal::Loaded loaded;
  auto journal = open(loaded);
  ASSERT_TRUE(pool->set_journal(journal.get()));
  std::vector<Result<Hash>> results;
  {
    FileSizeLimit limit(fs::file_size(path) + 10);
    results = submit(*pool, batch, 1);
  }
  ASSERT_EQ(results.size(), 2u);
  EXPECT_FALSE(results[0]);
  EXPECT_FALSE(results[1]);
  for (const Bytes& b : before) EXPECT_NE(pool->get(hash(b)), nullptr);
  for (const Bytes& b : batch) EXPECT_EQ(pool->get(hash(b)), nullptr);
  EXPECT_EQ(pool->status().pending, 3u);
  EXPECT_EQ(pool->status().queued, 2u);
  EXPECT_EQ(*pool->pending_nonce(alice.address), 0u);
  EXPECT_EQ(*pool->pending_nonce(bob.address), 3u);
}

TEST(RecoverSenders, MatchesOneByOneRecoveryOnManyThreads) {
  std::vector<types::Transaction> txns;
  std::vector<Address> expected;
  for (std::uint8_t i = 0; i < 150; ++i) {
    const auto key = make_key(static_cast<std::uint8_t>(i + 1));
    txns.push_back(testing::transfer(key, k_chain_id, i, testing::plain_address(1), uint256(1)));
    expected.push_back(key.address);
  }
  txns[7].r = uint256{};  // no sender recovers from a zero r
  const auto senders = recover_senders(txns, 4);
  ASSERT_EQ(senders.size(), txns.size());
  for (std::size_t i = 0; i < txns.size(); ++i) {
    if (i == 7) {
      EXPECT_FALSE(senders[i].has_value());
    } else {
      ASSERT_TRUE(senders[i].has_value());
      EXPECT_EQ(*senders[i], expected[i]);
    }
  }
}

}  // namespace
}  // namespace rollup::txpool
