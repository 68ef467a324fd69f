// The l1 client and its typed layer against a real node: anvil (Foundry, from npm), started here on
// a free port with --no-mining, so that transactions wait in its pool until evm_mine and the pool's
// refusals can be seen. Skips when no anvil binary is found: ROLLUP_ANVIL in the environment, else
// the one npm installed in the source tree at configure time.

#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "rollup/base/hex.hpp"
#include "rollup/crypto/secp256k1.hpp"
#include "rollup/l1/eth.hpp"
#include "rollup/types/transaction.hpp"
#include "unit/l1/fake_node.hpp"

extern char** environ;

namespace rollup::l1 {
namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;

std::string anvil_path() {
  if (const char* env = std::getenv("ROLLUP_ANVIL"); env != nullptr && *env != '\0') return env;
  return ROLLUP_ANVIL;
}

// The first of anvil's development accounts (the "test test ... junk" mnemonic), public knowledge.
constexpr std::string_view k_dev_key =
    "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
constexpr std::string_view k_dev_address = "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266";

class Anvil : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const std::string path = anvil_path();
    if (path.empty() || ::access(path.c_str(), X_OK) != 0) return;
    const std::string port = std::to_string(test::free_port());
    std::vector<std::string> args = {path, "--host",      "127.0.0.1", "--port",
                                     port, "--no-mining", "--silent"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (::posix_spawn(&s_pid, path.c_str(), nullptr, nullptr, argv.data(), environ) != 0) {
      s_pid = 0;
      return;
    }
    ClientOptions options;
    options.url = "http://127.0.0.1:" + port;
    // anvil takes a moment to listen; the client's retries of a refused connection wait for it.
    options.max_attempts = 60;
    options.backoff_initial = 50ms;
    options.backoff_max = 200ms;
    s_client = std::move(*Client::create(options)).release();
  }

  static void TearDownTestSuite() {
    delete s_client;
    s_client = nullptr;
    if (s_pid > 0) {
      ::kill(s_pid, SIGTERM);
      int status = 0;
      ::waitpid(s_pid, &status, 0);
      s_pid = 0;
    }
  }

  void SetUp() override {
    if (s_client == nullptr) GTEST_SKIP() << "no anvil (set ROLLUP_ANVIL or run npm install)";
  }

  static crypto::SecretKey key(std::string_view hex_key) {
    return *crypto::SecretKey::from_bytes(*hex::decode(hex_key));
  }

  // A signed EIP-1559 transfer of `value` wei to an arbitrary address.
  static Bytes transfer(const crypto::SecretKey& from, std::uint64_t nonce, uint256 value,
                        uint256 max_fee) {
    types::Transaction txn;
    txn.type = types::TxType::dynamic_fee;
    txn.chain_id = 31337;
    txn.nonce = nonce;
    txn.max_priority_fee_per_gas = 1;
    txn.max_fee_per_gas = max_fee;
    txn.gas_limit = 21000;
    txn.to = *hex::decode_fixed<20>("0x00000000000000000000000000000000000b0b00");
    txn.value = value;
    EXPECT_TRUE(types::sign_transaction(txn, from));
    return types::encode_transaction(txn);
  }

  static inline pid_t s_pid = 0;
  static inline Client* s_client = nullptr;
};

TEST_F(Anvil, ChainAndBlocks) {
  Eth eth(*s_client);
  const auto chain = eth.chain_id();
  ASSERT_TRUE(chain) << chain.error().message();
  EXPECT_EQ(*chain, 31337u);
  ASSERT_TRUE(eth.block_number());
  for (BlockId id : {BlockId{BlockTag::latest}, BlockId{BlockTag::safe},
                     BlockId{BlockTag::finalized}, BlockId{std::uint64_t{0}}}) {
    const auto block = eth.get_block(id, true);
    ASSERT_TRUE(block) << to_param(id) << ": " << block.error().message();
    ASSERT_TRUE(*block) << to_param(id);
    EXPECT_TRUE((*block)->base_fee);
  }
  const auto missing = eth.get_block(std::uint64_t{1'000'000}, false);
  ASSERT_TRUE(missing);
  EXPECT_FALSE(*missing);
  const Address dev = *hex::decode_fixed<20>(k_dev_address);
  const auto balance = eth.get_balance(dev, BlockTag::latest);
  ASSERT_TRUE(balance);
  EXPECT_GT(*balance, uint256(0));
}

TEST_F(Anvil, SendMineAndRead) {
  Eth eth(*s_client);
  const auto dev_key = key(k_dev_key);
  const Address dev = *hex::decode_fixed<20>(k_dev_address);
  const auto nonce = eth.get_transaction_count(dev, BlockTag::pending);
  ASSERT_TRUE(nonce);
  const auto head = eth.get_block(BlockTag::latest, false);
  ASSERT_TRUE(head && *head);
  const uint256 max_fee = *(*head)->base_fee * uint256(2) + uint256(1);

  const Bytes raw = transfer(dev_key, *nonce, 1, max_fee);
  const auto sent = eth.send_raw_transaction(raw);
  ASSERT_TRUE(sent) << sent.error().message();
  EXPECT_EQ(*sent, types::transaction_hash(*types::decode_transaction(raw)));

  // In the pool, not mined: the same bytes again, and the same nonce at the same price.
  const auto again = eth.send_raw_transaction(raw);
  ASSERT_FALSE(again);
  EXPECT_EQ(txn_rejection(again.error()), TxnRejection::already_known) << again.error().message();
  const auto replacement = eth.send_raw_transaction(transfer(dev_key, *nonce, 2, max_fee));
  ASSERT_FALSE(replacement);
  EXPECT_EQ(txn_rejection(replacement.error()), TxnRejection::replacement_underpriced)
      << replacement.error().message();
  const auto pending = eth.get_transaction_receipt(*sent);
  ASSERT_TRUE(pending);
  EXPECT_FALSE(*pending);

  ASSERT_TRUE(s_client->call("evm_mine"));
  const auto receipt = eth.get_transaction_receipt(*sent);
  ASSERT_TRUE(receipt) << receipt.error().message();
  ASSERT_TRUE(*receipt);
  EXPECT_EQ((*receipt)->status, 1u);
  EXPECT_EQ((*receipt)->gas_used, 21000u);
  EXPECT_GT((*receipt)->effective_gas_price, uint256(0));

  const auto txn = eth.get_transaction(*sent);
  ASSERT_TRUE(txn && *txn) << (txn ? "null" : txn.error().message());
  EXPECT_EQ((*txn)->from, dev);
  EXPECT_EQ((*txn)->type, 2u);
  EXPECT_EQ((*txn)->block_num, (*receipt)->block_num);

  const auto block = eth.get_block((*receipt)->block_num, true);
  ASSERT_TRUE(block && *block);
  EXPECT_EQ((*block)->hash, (*receipt)->block_hash);
  ASSERT_EQ((*block)->txns.size(), 1u);
  EXPECT_EQ((*block)->txns[0].hash, *sent);

  // Mined: the same bytes are now an old nonce.
  const auto late = eth.send_raw_transaction(raw);
  ASSERT_FALSE(late);
  EXPECT_EQ(txn_rejection(late.error()), TxnRejection::nonce_too_low) << late.error().message();

  const std::vector<double> percentiles = {25, 75};
  const auto history = eth.fee_history(2, BlockTag::latest, percentiles);
  ASSERT_TRUE(history) << history.error().message();
  EXPECT_EQ(history->base_fees.size(), history->gas_used_ratios.size() + 1);
  EXPECT_EQ(history->rewards.size(), history->gas_used_ratios.size());
}

TEST_F(Anvil, InsufficientFunds) {
  Eth eth(*s_client);
  const auto poor = key("0x0000000000000000000000000000000000000000000000000000000000000b0b");
  const auto sent = eth.send_raw_transaction(transfer(poor, 0, 1, 10'000'000'000));
  ASSERT_FALSE(sent);
  EXPECT_EQ(txn_rejection(sent.error()), TxnRejection::insufficient_funds)
      << sent.error().message();
}

TEST_F(Anvil, BatchOfReads) {
  const auto answers = s_client->batch({{"eth_chainId", json::array()},
                                        {"eth_blockNumber", json::array()},
                                        {"eth_noSuchMethod", json::array()}});
  ASSERT_EQ(answers.size(), 3u);
  ASSERT_TRUE(answers[0]);
  EXPECT_EQ(*answers[0], "0x7a69");
  ASSERT_TRUE(answers[1]);
  ASSERT_FALSE(answers[2]);
  EXPECT_EQ(answers[2].error(), Errc::rpc_error);
}

}  // namespace
}  // namespace rollup::l1
