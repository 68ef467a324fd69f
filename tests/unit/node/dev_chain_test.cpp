// The devnet's cheat methods end to end: JSON-RPC calls through the dispatcher to DevChain, which
// makes blocks on a running sequencer loop over a real database. A revert must bring back the
// snapshot's state exactly, which the state root proves.

#include "rollup/node/dev_chain.hpp"

#include <gtest/gtest.h>

#include "rollup/base/hex.hpp"
#include "rollup/crypto/keccak.hpp"
#include "rollup/rpc/codec.hpp"
#include "support/chain.hpp"
#include "support/temp_dir.hpp"

namespace rollup::node {
namespace {

using namespace rollup::testing;
using rpc::Json;
constexpr std::uint64_t k_genesis_time = 1'700'000'000;

class DevChainTest : public ::testing::Test {
 protected:
  DevChainTest() {
    chain.chain_id = k_chain_id;
    state::StateDiff alloc;
    state::AccountDiff a;
    a.address = alice.address;
    a.account = types::Account{.nonce = 0, .balance = 100 * k_ether};
    alloc.accounts.push_back(a);
    auto created = storage::Database::create(dir.path() / "db", {}, alloc, [](const Hash& root) {
      types::Header h = cancun_genesis_header(root);
      h.timestamp = k_genesis_time;
      return h;
    });
    EXPECT_TRUE(created.has_value()) << created.error().message();
    db = std::move(*created);
    auto head = sequencer::Sequencer::pool_head(*db, chain, 0);
    EXPECT_TRUE(head.has_value());
    pool = std::make_unique<txpool::Pool>(txpool::Config{}, chain, *head);
    sequencer::Config config;
    config.block_time = std::chrono::hours(1);  // only the cheat methods make blocks here
    config.empty_blocks = false;
    seq = std::make_unique<sequencer::Sequencer>(*db, *pool, chain, config);
    loop = std::make_unique<sequencer::Loop>(
        *seq, [this](const sequencer::Sealed&) { ++sealed; },
        [](const Error& e) { ADD_FAILURE() << e.message(); });
    loop->start();
    dev = std::make_unique<DevChain>(*loop, *db);
    rpc::DispatcherOptions options;
    options.namespaces = {"eth", "evm", "anvil", "hardhat"};
    dispatcher = std::make_unique<rpc::Dispatcher>(options);
    rpc::add_dev_methods(*dispatcher, *dev);
  }
  ~DevChainTest() override { loop->stop(); }

  Json call(const std::string& method, const Json& params) {
    const Json request = {{"jsonrpc", "2.0"}, {"id", 1}, {"method", method}, {"params", params}};
    auto out = dispatcher->handle(request.dump());
    EXPECT_TRUE(out.has_value());
    return out ? Json::parse(*out) : Json();
  }

  std::optional<types::Account> account(const Address& a, std::uint64_t number) {
    auto view = db->state_at(number);
    EXPECT_TRUE(view.has_value());
    auto acc = (*view)->account(a);
    EXPECT_TRUE(acc.has_value());
    return *acc;
  }
  std::optional<types::Account> head_account(const Address& a) {
    return account(a, db->heads().unsafe.number);
  }
  uint256 head_storage(const Address& a, const Hash& slot) {
    auto view = db->state_at(db->heads().unsafe.number);
    EXPECT_TRUE(view.has_value());
    auto word = (*view)->storage(a, slot);
    EXPECT_TRUE(word.has_value());
    return word.value_or(uint256{});
  }
  types::Header header(std::uint64_t number) {
    auto hash = db->canonical_hash(number);
    EXPECT_TRUE(hash.has_value() && hash->has_value());
    auto h = db->header(**hash);
    EXPECT_TRUE(h.has_value() && h->has_value());
    return **h;
  }

  testing::TempDir dir;
  execution::ChainConfig chain;
  std::unique_ptr<storage::Database> db;
  std::unique_ptr<txpool::Pool> pool;
  std::unique_ptr<sequencer::Sequencer> seq;
  std::unique_ptr<sequencer::Loop> loop;
  std::unique_ptr<DevChain> dev;
  std::unique_ptr<rpc::Dispatcher> dispatcher;
  std::atomic<int> sealed{0};
  Key alice = make_key(1);
  Address bob = plain_address(0xb0);
};

TEST_F(DevChainTest, EachEditIsABlockAndReadsAtTheHead) {
  const std::string who = hex::encode(bob);
  EXPECT_EQ(call("anvil_setBalance", {who, "0x1234"})["result"], nullptr);
  EXPECT_EQ(head_account(bob)->balance, uint256(0x1234));
  EXPECT_EQ(call("hardhat_setBalance", {who, "0x10"})["result"], nullptr);
  EXPECT_EQ(call("anvil_setNonce", {who, "0x7"})["result"], nullptr);
  EXPECT_EQ(call("anvil_setCode", {who, "0x6001600055"})["result"], nullptr);
  // Slots and values as people write them: short quantities or whole words.
  EXPECT_EQ(call("anvil_setStorageAt", {who, "0x1", "0x05"})["result"], true);
  EXPECT_EQ(call("hardhat_setStorageAt",
                 {who, "0x0000000000000000000000000000000000000000000000000000000000000002",
                  "0x00000000000000000000000000000000000000000000000000000000000000ff"})["result"],
            true);
  const auto acc = head_account(bob);
  ASSERT_TRUE(acc.has_value());
  EXPECT_EQ(acc->balance, uint256(0x10));  // a later edit keeps what earlier ones set
  EXPECT_EQ(acc->nonce, 7u);
  const Bytes code = *hex::decode("0x6001600055");
  EXPECT_EQ(acc->code_hash, crypto::keccak256(code));
  EXPECT_EQ(head_storage(bob, uint256(1).to_hash()), uint256(5));
  EXPECT_EQ(head_storage(bob, uint256(2).to_hash()), uint256(0xff));
  EXPECT_EQ(sealed.load(), 6);
  EXPECT_EQ(db->heads().unsafe.number, 6u);
  // Every block's header still commits to its state.
  auto root = db->recompute_state_root();
  ASSERT_TRUE(root.has_value());
  EXPECT_EQ(*root, header(6).state_root);
}

TEST_F(DevChainTest, RevertBringsBackTheSnapshotStateExactly) {
  ASSERT_EQ(call("anvil_setStorageAt", {hex::encode(bob), "0x1", "0x01"})["result"], true);
  const std::uint64_t at = db->heads().unsafe.number;
  const Json id = call("evm_snapshot", Json::array())["result"];
  ASSERT_TRUE(id.is_string()) << id;
  const Json later = call("evm_snapshot", Json::array())["result"];
  ASSERT_NE(id, later);

  // Then a transaction, new code, a new account, changed and new slots.
  ASSERT_TRUE(
      pool->add(transfer(alice, k_chain_id, 0, bob, k_ether, 10 * k_gwei, k_gwei), alice.address));
  EXPECT_EQ(call("evm_mine", Json::array())["result"], "0x0");
  EXPECT_EQ(head_account(alice.address)->nonce, 1u);
  call("anvil_setCode", {hex::encode(bob), "0x00"});
  call("anvil_setBalance", {hex::encode(plain_address(0xcc)), "0x1"});
  call("anvil_setStorageAt", {hex::encode(bob), "0x1", "0x02"});
  call("anvil_setStorageAt", {hex::encode(bob), "0x9", "0x09"});
  const std::uint64_t before_revert = db->heads().unsafe.number;

  const Json reverted = call("evm_revert", Json::array({id}));
  ASSERT_EQ(reverted.value("result", Json()), true) << reverted;
  // The chain grew by one block whose state is the snapshot's.
  const std::uint64_t head = db->heads().unsafe.number;
  EXPECT_EQ(head, before_revert + 1);
  EXPECT_EQ(header(head).state_root, header(at).state_root);
  EXPECT_EQ(head_account(alice.address)->nonce, 0u);
  EXPECT_FALSE(head_account(plain_address(0xcc)).has_value());
  EXPECT_EQ(head_storage(bob, uint256(1).to_hash()), uint256(1));
  // The pool follows: alice's nonce 0 is free again.
  EXPECT_TRUE(pool->add(transfer(alice, k_chain_id, 0, bob, 2 * k_ether, 10 * k_gwei, k_gwei),
                        alice.address));
  // A snapshot is used up by its revert, and so is every later one.
  EXPECT_EQ(call("evm_revert", Json::array({id}))["result"], false);
  EXPECT_EQ(call("evm_revert", Json::array({later}))["result"], false);
  EXPECT_EQ(call("evm_revert", {"0x99"})["result"], false);
}

TEST_F(DevChainTest, TimeMovesOnlyForward) {
  const std::uint64_t ts = k_genesis_time + 1'000'000;
  EXPECT_EQ(call("evm_mine", {ts})["result"], "0x0");
  EXPECT_EQ(header(db->heads().unsafe.number).timestamp, ts);
  // Later blocks follow on from it, shifted by evm_increaseTime.
  const Json total = call("evm_increaseTime", {3600})["result"];
  EXPECT_EQ(total, Json(loop->time_offset()));
  call("evm_mine", {{{"blocks", 2}}});
  EXPECT_GE(header(db->heads().unsafe.number).timestamp, ts + 3600);
  EXPECT_EQ(db->heads().unsafe.number, 3u);
  // Before the head's time: refused, nothing made.
  const Json back = call("evm_mine", {"0x1"});
  EXPECT_EQ(back["error"]["code"], rpc::code::server) << back;
  EXPECT_EQ(db->heads().unsafe.number, 3u);
  EXPECT_EQ(call("evm_increaseTime", {"bad"})["error"]["code"], rpc::code::invalid_params);

  // The next block, whatever makes it, gets the time set for it.
  const std::uint64_t next = header(3).timestamp + 500;
  EXPECT_EQ(call("evm_setNextBlockTimestamp", {next})["result"], nullptr);
  EXPECT_EQ(call("anvil_setBalance", {hex::encode(bob), "0x1"})["result"], nullptr);
  EXPECT_EQ(header(4).timestamp, next);
  EXPECT_EQ(call("evm_setNextBlockTimestamp", {"0x1"})["error"]["code"], rpc::code::server);
  // anvil_mine: blocks `interval` seconds apart.
  EXPECT_EQ(call("hardhat_mine", {"0x3", "0x3c"})["result"], nullptr);
  ASSERT_EQ(db->heads().unsafe.number, 7u);
  EXPECT_EQ(header(6).timestamp, header(5).timestamp + 60);
  EXPECT_EQ(header(7).timestamp, header(6).timestamp + 60);
  EXPECT_EQ(call("anvil_mine", Json::array())["result"], nullptr);
  EXPECT_EQ(db->heads().unsafe.number, 8u);
  EXPECT_EQ(call("anvil_mine", {"0x0"})["error"]["code"], rpc::code::invalid_params);
  EXPECT_EQ(call("evm_mine", {{{"blocks", 0}}})["error"]["code"], rpc::code::invalid_params);
}

TEST_F(DevChainTest, BadArgumentsAndAStoppedLoopAreClearErrors) {
  EXPECT_EQ(call("anvil_setBalance", {"0x12", "0x1"})["error"]["code"], rpc::code::invalid_params);
  EXPECT_EQ(call("anvil_setStorageAt",
                 {hex::encode(bob), "0x" + std::string(65, '1'), "0x1"})["error"]["code"],
            rpc::code::invalid_params);
  EXPECT_EQ(call("anvil_setNonce", {hex::encode(bob)})["error"]["message"],
            "missing value for required argument 1");
  EXPECT_EQ(db->heads().unsafe.number, 0u);
  loop->stop();
  const Json stopped = call("evm_mine", Json::array());
  EXPECT_EQ(stopped["error"]["code"], rpc::code::server) << stopped;
}

TEST(DevMethods, ServedOnlyInEnabledNamespaces) {
  class Unused final : public rpc::DevChain {
    Result<Mined> mine(std::optional<std::uint64_t>) override { return Mined{}; }
    Result<void> set_next_timestamp(std::uint64_t) override { return {}; }
    Result<void> set_balance(const Address&, const uint256&) override { return {}; }
    Result<void> set_nonce(const Address&, std::uint64_t) override { return {}; }
    Result<void> set_code(const Address&, Bytes) override { return {}; }
    Result<void> set_storage(const Address&, const Hash&, const uint256&) override { return {}; }
    Result<std::int64_t> increase_time(std::int64_t s) override { return s; }
    Result<std::uint64_t> snapshot() override { return 0; }
    Result<bool> revert(std::uint64_t) override { return true; }
  } chain;
  rpc::Dispatcher d(rpc::DispatcherOptions{});  // the default namespaces: no cheats
  rpc::add_dev_methods(d, chain);
  for (const char* m : {"evm_mine", "evm_snapshot", "evm_setNextBlockTimestamp", "anvil_mine",
                        "anvil_setBalance", "hardhat_setBalance"}) {
    const Json request = {{"jsonrpc", "2.0"}, {"id", 1}, {"method", m}, {"params", Json::array()}};
    const Json r = Json::parse(*d.handle(request.dump()));
    EXPECT_EQ(r["error"]["code"], rpc::code::method_not_found) << m;
  }
}

}  // namespace
}  // namespace rollup::node
