// The node in-process, as wallets will use it once RPC lands: raw transactions in, blocks out.
// Covers the intake's answers (geth's messages), block production, receipts, the pool journal
// across a restart, and conservation of value: every wei of the genesis is still in some account.

#include "rollup/node/daemon.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <thread>

#include "rollup/node/logging.hpp"
#include "support/chain.hpp"
#include "support/temp_dir.hpp"

namespace rollup::node {
namespace {

using namespace rollup::testing;

class DaemonTest : public ::testing::Test {
 protected:
  DaemonTest() {
    Config::Log quiet;
    quiet.level = "warn";
    EXPECT_TRUE(setup_logging(quiet));
    const auto genesis = dir.path() / "genesis.json";
    const Address funded[] = {alice.address, bob.address};
    std::ofstream(genesis) << genesis_json(funded);
    config.datadir = dir.path() / "data";
    config.genesis = genesis;
    config.http.port = 0;
    config.sequencer.block_time_ms = 50;
    config.sequencer.fee_recipient = plain_address(0xc0);
    config.rollup.base_fee_vault = plain_address(0xfe);
  }

  // Raw envelopes in, one answer each, as eth_sendRawTransaction will give them.
  std::vector<Result<Hash>> send(Daemon& d, const std::vector<types::Transaction>& txns) {
    std::vector<Bytes> raw;
    for (const auto& t : txns) raw.push_back(types::encode_transaction(t));
    return txpool::submit(d.pool(), raw, 2);
  }

  static std::string why(const Result<Hash>& r) { return r ? "accepted" : r.error().message(); }

  // Waits (generously: this is about behaviour, not speed) until the pool holds exactly `left`.
  static void wait_for_pool(Daemon& d, std::size_t left) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
      const auto s = d.pool().status();
      if (s.pending + s.queued == left) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    // One more block time, so the block that emptied the pool is committed and visible.
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
  }

  static types::Account account(const Daemon& d, const Address& a) {
    auto view = d.database().state_at(d.database().heads().unsafe.number);
    EXPECT_TRUE(view.has_value());
    auto acc = (*view)->account(a);
    EXPECT_TRUE(acc.has_value());
    return acc->value_or(types::Account{});
  }

  TempDir dir;
  Config config;
  testing::Key alice = make_key(1);
  testing::Key bob = make_key(2);
  testing::Key carol = make_key(3);  // no funds
  Address dest = plain_address(0x0d);
};

TEST_F(DaemonTest, TransfersAreSequencedWithGethAnswersAndValueIsConserved) {
  auto started = Daemon::start(config);
  ASSERT_TRUE(started.has_value()) << started.error().message();
  Daemon& d = **started;
  ASSERT_EQ(d.chain_id(), k_chain_id);

  const auto bob_first = transfer(bob, k_chain_id, 0, dest, 2 * k_ether, 10 * k_gwei, 2 * k_gwei);
  auto foreign = transfer(alice, k_chain_id, 0, dest, k_ether);
  foreign.chain_id = 1;
  EXPECT_TRUE(types::sign_transaction(foreign, alice.secret));
  types::Transaction unprotected;
  unprotected.max_fee_per_gas = unprotected.max_priority_fee_per_gas = 10 * k_gwei;
  unprotected.gas_limit = 21'000;
  unprotected.to = dest;
  unprotected.value = k_ether;
  EXPECT_TRUE(types::sign_transaction(unprotected, alice.secret));

  const auto answers =
      send(d, {transfer(alice, k_chain_id, 0, dest, k_ether),
               transfer(alice, k_chain_id, 2, dest, k_ether),  // a gap ...
               transfer(alice, k_chain_id, 1, dest, k_ether),  // ... filled
               bob_first,
               transfer(bob, k_chain_id, 0, dest, 2 * k_ether, uint256(10'500'000'000),
                        uint256(2'100'000'000)),                                          // +5%
               transfer(bob, k_chain_id, 0, dest, 2 * k_ether, 12 * k_gwei, 3 * k_gwei),  // +20%+
               transfer(carol, k_chain_id, 0, dest, k_ether), foreign, unprotected});
  ASSERT_EQ(answers.size(), 9u);
  for (std::size_t i : {0, 1, 2, 3, 5}) EXPECT_TRUE(answers[i]) << i << ": " << why(answers[i]);
  EXPECT_NE(why(answers[4]).find("replacement transaction underpriced"), std::string::npos)
      << why(answers[4]);
  EXPECT_NE(why(answers[6]).find("insufficient funds for gas * price + value: balance 0, tx cost "),
            std::string::npos)
      << why(answers[6]);
  EXPECT_FALSE(answers[7]) << "a transaction for chain 1";
  EXPECT_NE(why(answers[8]).find("only replay-protected (EIP-155) transactions allowed over RPC"),
            std::string::npos)
      << why(answers[8]);
  // A nonce already used is "nonce too low" once its block is in.
  wait_for_pool(d, 0);
  const auto late = send(d, {transfer(alice, k_chain_id, 0, dest, k_ether, 20 * k_gwei)});
  EXPECT_NE(why(late[0]).find("nonce too low: next nonce 3, tx nonce 0"), std::string::npos)
      << why(late[0]);

  // Every accepted transaction is in a block with a successful receipt; the replaced one is not.
  const storage::Database& db = d.database();
  for (std::size_t i : {0, 1, 2, 5}) {
    auto where = db.tx_location(*answers[i]);
    ASSERT_TRUE(where.has_value() && where->has_value()) << i;
    auto receipts = db.receipts((*where)->block_hash);
    ASSERT_TRUE(receipts.has_value() && receipts->has_value());
    EXPECT_TRUE((**receipts)[(*where)->index].success);
  }
  auto replaced = db.tx_location(*answers[3]);
  ASSERT_TRUE(replaced.has_value());
  EXPECT_FALSE(replaced->has_value());

  EXPECT_EQ(account(d, alice.address).nonce, 3u);
  EXPECT_EQ(account(d, bob.address).nonce, 1u);
  EXPECT_EQ(account(d, dest).balance, 5 * k_ether);

  // Conservation: the genesis supply is all still there, and the vault holds exactly the base
  // fees of the blocks.
  uint256 base_fees;
  for (std::uint64_t n = 1; n <= db.heads().unsafe.number; ++n) {
    auto hash = db.canonical_hash(n);
    ASSERT_TRUE(hash.has_value() && hash->has_value());
    auto header = db.header(**hash);
    ASSERT_TRUE(header.has_value() && header->has_value());
    base_fees += uint256((*header)->gas_used) * *(*header)->base_fee_per_gas;
  }
  EXPECT_EQ(account(d, config.rollup.base_fee_vault).balance, base_fees);
  uint256 total;
  for (const Address& a : {alice.address, bob.address, carol.address, dest,
                           config.sequencer.fee_recipient, config.rollup.base_fee_vault}) {
    total += account(d, a).balance;
  }
  EXPECT_EQ(total, 2000 * k_ether);
}

TEST_F(DaemonTest, ARestartKeepsTheChainAndThePool) {
  std::uint64_t head = 0;
  {
    auto started = Daemon::start(config);
    ASSERT_TRUE(started.has_value()) << started.error().message();
    Daemon& d = **started;
    const auto answers = send(d, {transfer(alice, k_chain_id, 0, dest, k_ether),
                                  transfer(alice, k_chain_id, 5, dest, k_ether)});  // stays queued
    ASSERT_TRUE(answers[0] && answers[1]);
    wait_for_pool(d, 1);
    head = d.database().heads().unsafe.number;
    d.stop();
  }
  config.genesis.clear();  // the datadir has its own copy now
  auto restarted = Daemon::start(config);
  ASSERT_TRUE(restarted.has_value()) << restarted.error().message();
  Daemon& d = **restarted;
  EXPECT_GE(d.database().heads().unsafe.number, head);
  EXPECT_EQ(d.pool().status().queued, 1u) << "the queued transaction came back from the journal";
  EXPECT_EQ(account(d, alice.address).nonce, 1u);
}

}  // namespace
}  // namespace rollup::node
