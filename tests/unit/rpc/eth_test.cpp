// The node's methods over a real database, pool and sequencer, called through the dispatcher as a
// client would. These cover what the client suites (tests/e2e) cannot pin down: the moments between
// a block's write and its publication, and between the head and the pool catching up with it.

#include "rollup/rpc/eth.hpp"

#include <gtest/gtest.h>

#include <optional>

#include <algorithm>
#include <tuple>

#include "rollup/base/hex.hpp"
#include "rollup/crypto/keccak.hpp"
#include "rollup/rpc/codec.hpp"
#include "rollup/sequencer/sequencer.hpp"
#include "rollup/trie/trie.hpp"
#include "support/chain.hpp"
#include "support/temp_dir.hpp"

namespace rollup::rpc {
namespace {

using namespace rollup::testing;
constexpr std::uint64_t k_genesis_time = 1'700'000'000;

// A database whose published head can be held back, as it is for a moment after each commit (the
// block is readable before heads() names it).
class HeldBackHead final : public storage::Database {
 public:
  explicit HeldBackHead(storage::Database& db) : m_db(db) {}
  std::optional<storage::Heads> held;

  storage::Heads heads() const override { return held ? *held : m_db.heads(); }
  Result<std::optional<Hash>> canonical_hash(std::uint64_t n) const override {
    return m_db.canonical_hash(n);
  }
  Result<std::optional<std::uint64_t>> block_number(const Hash& h) const override {
    return m_db.block_number(h);
  }
  Result<std::optional<types::Header>> header(const Hash& h) const override {
    return m_db.header(h);
  }
  Result<std::optional<std::vector<types::Transaction>>> body(const Hash& h) const override {
    return m_db.body(h);
  }
  Result<std::optional<std::vector<types::Receipt>>> receipts(const Hash& h) const override {
    return m_db.receipts(h);
  }
  Result<std::optional<storage::TxLocation>> tx_location(const Hash& h) const override {
    return m_db.tx_location(h);
  }
  Result<std::unique_ptr<state::StateView>> state_at(std::uint64_t n) const override {
    return m_db.state_at(n);
  }
  std::uint64_t history_tail() const override { return m_db.history_tail(); }
  Result<state::StateDiff> changes_back_to(std::uint64_t number) const override {
    return m_db.changes_back_to(number);
  }
  Result<storage::AccountProof> prove(std::uint64_t n, const Address& a,
                                      std::span<const Hash> slots) const override {
    return m_db.prove(n, a, slots);
  }
  Result<Hash> recompute_state_root() const override { return m_db.recompute_state_root(); }
  Result<state::StateUpdate> prepare_state(const state::StateDiff& d) override {
    return m_db.prepare_state(d);
  }
  Result<void> commit_block(const storage::Block& b, const std::vector<types::Receipt>& r,
                            const state::StateDiff& d, state::StateUpdate u) override {
    return m_db.commit_block(b, r, d, std::move(u));
  }
  void discard_prepared() override { m_db.discard_prepared(); }
  Result<void> set_safe_head(const storage::BlockRef& r) override { return m_db.set_safe_head(r); }
  Result<void> set_finalized_head(const storage::BlockRef& r) override {
    return m_db.set_finalized_head(r);
  }
  Result<void> update_batcher(const storage::BatcherUpdate& u) override {
    return m_db.update_batcher(u);
  }
  Result<std::optional<storage::BlockRef>> l1_origin(std::uint64_t n) const override {
    return m_db.l1_origin(n);
  }
  Result<std::vector<std::pair<std::string, Bytes>>> batcher_records() const override {
    return m_db.batcher_records();
  }
  Result<void> rewind_to(std::uint64_t n) override { return m_db.rewind_to(n); }

 private:
  storage::Database& m_db;
};

class EthTest : public ::testing::Test {
 protected:
  EthTest() {
    chain.chain_id = k_chain_id;
    chain.base_fee_vault = plain_address(0xfe);
    state::StateDiff alloc;
    state::AccountDiff a;
    a.address = alice.address;
    a.account = types::Account{.nonce = 0, .balance = 100 * k_ether};
    alloc.accounts.push_back(a);
    // Contracts for the call, estimate and log tests (addresses 0xaa..c1, 0xaa..c2, 0xaa..c3).
    for (const auto& [address, code, slot0] : {std::tuple{reverter, reverter_code(), uint256{}},
                                               std::tuple{clearer, clearer_code(), uint256(1)},
                                               std::tuple{emitter, emitter_code(), uint256{}}}) {
      state::AccountDiff c;
      c.address = address;
      c.account = types::Account{.nonce = 1, .balance = {}, .code_hash = crypto::keccak256(code)};
      c.code = code;
      if (!slot0.is_zero()) c.storage.push_back({Hash{}, slot0});
      alloc.accounts.push_back(c);
    }
    std::ranges::sort(alloc.accounts,
                      [](const auto& x, const auto& y) { return x.address < y.address; });
    auto created = storage::Database::create(dir.path() / "db", {}, alloc, [](const Hash& root) {
      types::Header h = cancun_genesis_header(root);
      h.timestamp = k_genesis_time;
      return h;
    });
    EXPECT_TRUE(created.has_value()) << created.error().message();
    db = std::move(*created);
    view = std::make_unique<HeldBackHead>(*db);
    auto head = sequencer::Sequencer::pool_head(*db, chain, 0);
    EXPECT_TRUE(head.has_value());
    pool = std::make_unique<txpool::Pool>(txpool::Config{}, chain, *head);
    stale_pool = std::make_unique<txpool::Pool>(txpool::Config{}, chain, *head);
    backend.db = view.get();
    backend.pool = pool.get();
    intake = std::make_unique<txpool::GroupSubmitter>(*pool);
    backend.intake = intake.get();
    backend.chain = chain;
    add_node_methods(dispatcher, backend);
  }

  Json call(const std::string& method, Json params) {
    const Json request = {{"jsonrpc", "2.0"}, {"id", 1}, {"method", method}, {"params", params}};
    auto answer = dispatcher.call(request);
    EXPECT_TRUE(answer.has_value());
    EXPECT_FALSE(answer->contains("error")) << method << ": " << answer->dump();
    return (*answer)["result"];
  }

  // Sends a transfer from alice through eth_sendRawTransaction and seals a block with it.
  Hash send_and_seal(std::uint64_t nonce) {
    const auto txn =
        transfer(alice, k_chain_id, nonce, plain_address(7), uint256(5), 10 * k_gwei, k_gwei);
    const Json hash =
        call("eth_sendRawTransaction", Json::array({hex_data(types::encode_transaction(txn))}));
    sequencer::Sequencer seq(*db, *pool, chain, sequencer::Config{});
    auto sealed = seq.produce(k_genesis_time + 1 + nonce);
    EXPECT_TRUE(sealed.has_value() && sealed->has_value());
    return *decode_hash(hash);
  }

  // REVERT with Solidity's Error("nope").
  static Bytes reverter_code() {
    return *hex::decode(
        "0x6308c379a060e01b60005260206004526004602452636e6f706560e01b60445260646000fd");
  }
  // SSTORE(0, 0): slot 0 holds 1, so the clear earns a refund and the call needs more gas than
  // it finally uses.
  static Bytes clearer_code() { return *hex::decode("0x6000600055"); }
  // LOG2(0, 32, topic 0x11, CALLDATALOAD(0)) with the word 0x2a in memory.
  static Bytes emitter_code() {
    return *hex::decode(
        "0x602a6000526000356011602060"
        "00a200");
  }

  // Sends `data` from alice to `to` and seals a block with it.
  Json call_and_seal(std::uint64_t nonce, const Address& to, const Bytes& data) {
    auto txn = transfer(alice, k_chain_id, nonce, to, uint256{}, 10 * k_gwei, k_gwei);
    txn.gas_limit = 100'000;
    txn.data = data;
    EXPECT_TRUE(types::sign_transaction(txn, alice.secret).has_value());
    call("eth_sendRawTransaction", Json::array({hex_data(types::encode_transaction(txn))}));
    sequencer::Sequencer seq(*db, *pool, chain, sequencer::Config{});
    auto sealed = seq.produce(k_genesis_time + 1 + nonce);
    EXPECT_TRUE(sealed.has_value() && sealed->has_value());
    return call("eth_getTransactionReceipt", Json::array({hex_data(types::transaction_hash(txn))}));
  }

  // The whole answer, error or result.
  Json answer(const std::string& method, Json params) {
    const Json request = {{"jsonrpc", "2.0"}, {"id", 1}, {"method", method}, {"params", params}};
    return *dispatcher.call(request);
  }

  Address reverter = plain_address(0xc1);
  Address clearer = plain_address(0xc2);
  Address emitter = plain_address(0xc3);
  testing::TempDir dir;
  execution::ChainConfig chain;
  std::unique_ptr<storage::Database> db;
  std::unique_ptr<HeldBackHead> view;
  std::unique_ptr<txpool::Pool> pool;
  std::unique_ptr<txpool::Pool> stale_pool;
  std::unique_ptr<txpool::GroupSubmitter> intake;
  Backend backend;
  Dispatcher dispatcher;
  Key alice = make_key(1);
};

TEST_F(EthTest, ReadersSeeOnlyPublishedBlocks) {
  const storage::Heads genesis = db->heads();
  const Hash hash = send_and_seal(0);
  ASSERT_EQ(db->heads().unsafe.number, 1u);
  // Block 1 is written but, for readers, not yet published.
  view->held = genesis;
  EXPECT_TRUE(call("eth_getTransactionReceipt", Json::array({hex_data(hash)})).is_null());
  EXPECT_TRUE(call("eth_getBlockByNumber", Json::array({"0x1", false})).is_null());
  EXPECT_TRUE(call("eth_getBlockByHash", Json::array({hex_data(db->heads().unsafe.hash), false}))
                  .is_null());
  EXPECT_EQ(call("eth_blockNumber", Json::array()), "0x0");
  // Published: everything appears at once, and the nonce agrees with the receipt.
  view->held.reset();
  const Json receipt = call("eth_getTransactionReceipt", Json::array({hex_data(hash)}));
  ASSERT_TRUE(receipt.is_object());
  EXPECT_EQ(receipt["blockNumber"], "0x1");
  EXPECT_EQ(receipt["status"], "0x1");
  EXPECT_EQ(call("eth_getTransactionCount", Json::array({hex_data(alice.address), "latest"})),
            "0x1");
}

TEST_F(EthTest, ThePendingNonceIsNeverBelowTheHeadsNonce) {
  send_and_seal(0);
  send_and_seal(1);
  // A pool that has not caught up with the head yet knows nothing of alice's two transactions.
  backend.pool = stale_pool.get();
  EXPECT_EQ(call("eth_getTransactionCount", Json::array({hex_data(alice.address), "pending"})),
            "0x2");
  backend.pool = pool.get();
  EXPECT_EQ(call("eth_getTransactionCount", Json::array({hex_data(alice.address), "pending"})),
            "0x2");
}

TEST_F(EthTest, ReceiptsAndBlocksDescribeTheTransaction) {
  const Hash hash = send_and_seal(0);
  const Json tx = call("eth_getTransactionByHash", Json::array({hex_data(hash)}));
  EXPECT_EQ(tx["from"], hex_data(alice.address));
  EXPECT_EQ(tx["blockNumber"], "0x1");
  EXPECT_EQ(tx["nonce"], "0x0");
  const Json full = call("eth_getBlockByNumber", Json::array({"latest", true}));
  ASSERT_EQ(full["transactions"].size(), 1u);
  EXPECT_EQ(full["transactions"][0]["hash"], hex_data(hash));
  EXPECT_EQ(full["gasUsed"], "0x5208");
  const Json receipts = call("eth_getBlockReceipts", Json::array({"0x1"}));
  ASSERT_EQ(receipts.size(), 1u);
  EXPECT_EQ(receipts[0]["gasUsed"], "0x5208");
  EXPECT_EQ(call("eth_getBalance", Json::array({hex_data(plain_address(7)), "latest"})), "0x5");
  EXPECT_EQ(call("eth_getBalance", Json::array({hex_data(plain_address(7)), "earliest"})), "0x0");
}

TEST_F(EthTest, ProofsVerifyAgainstTheBlocksStateRoot) {
  send_and_seal(0);
  const Json block = call("eth_getBlockByNumber", Json::array({"latest", false}));
  const Hash root = *decode_hash(block["stateRoot"]);
  const auto check = [&](const Address& who, bool present) {
    const Json proof =
        call("eth_getProof", Json::array({hex_data(who), Json::array({"0x0"}), "latest"}));
    std::vector<Bytes> nodes;
    for (const Json& n : proof["accountProof"]) nodes.push_back(*decode_data(n));
    const Hash key = crypto::keccak256(who.view());
    auto proven = trie::verify_proof(root, key.view(), nodes);
    ASSERT_TRUE(proven.has_value()) << proven.error().message();
    ASSERT_EQ(proven->has_value(), present);
    if (present) {
      const auto account = types::decode_account(**proven);
      ASSERT_TRUE(account.has_value());
      EXPECT_EQ(quantity(account->balance), proof["balance"]);
      EXPECT_EQ(quantity(account->nonce), proof["nonce"]);
    } else {
      EXPECT_EQ(proof["balance"], "0x0");
    }
    ASSERT_EQ(proof["storageProof"].size(), 1u);
    EXPECT_EQ(proof["storageProof"][0]["key"], "0x0");
    EXPECT_EQ(proof["storageProof"][0]["value"], "0x0");
  };
  check(alice.address, true);
  check(plain_address(7), true);
  check(plain_address(0x55), false);
  // The genesis state is still provable: alice untouched, the recipient absent.
  const Json old =
      call("eth_getProof", Json::array({hex_data(plain_address(7)), Json::array(), "0x0"}));
  EXPECT_EQ(old["balance"], "0x0");
}

TEST_F(EthTest, ACallThatRevertsAnswersCode3WithTheReasonAndData) {
  const Json call_obj = {{"to", hex_data(reverter)}};
  for (const char* method : {"eth_call", "eth_estimateGas"}) {
    const Json a = answer(method, Json::array({call_obj, "latest"}));
    ASSERT_TRUE(a.contains("error")) << a.dump();
    EXPECT_EQ(a["error"]["code"], 3);
    EXPECT_EQ(a["error"]["message"], "execution reverted: nope");
    EXPECT_EQ(a["error"]["data"], std::string("0x08c379a0") + std::string(62, '0') + "20" +
                                      std::string(62, '0') + "04" + "6e6f7065" +
                                      std::string(56, '0'));
  }
}

// The estimate is the least gas limit that succeeds: one less fails. The clear's refund makes the
// gas finally used lower than that, so a gas-used answer would be too low.
TEST_F(EthTest, TheEstimateIsTheLeastGasThatSucceeds) {
  const Json call_obj = {{"from", hex_data(alice.address)}, {"to", hex_data(clearer)}};
  const std::uint64_t estimate = *decode_u64(call("eth_estimateGas", Json::array({call_obj})));
  const auto at = [&](std::uint64_t gas) {
    Json c = call_obj;
    c["gas"] = quantity(gas);
    return answer("eth_call", Json::array({c, "latest"}));
  };
  EXPECT_FALSE(at(estimate).contains("error")) << at(estimate).dump();
  const Json less = at(estimate - 1);
  ASSERT_TRUE(less.contains("error"));
  EXPECT_EQ(less["error"]["code"], -32000);
  EXPECT_EQ(less["error"]["message"], "out of gas");
  // 21,000 + 6 for the pushes + 5,000 for the SSTORE (a cold slot, 2,100, reset from non-zero,
  // 2,900); its refund of 4,800 comes only after.
  EXPECT_EQ(estimate, 21'000u + 6 + 5'000);
  // A plain transfer to an account without code needs the floor only.
  EXPECT_EQ(call("eth_estimateGas", Json::array({{{"to", hex_data(plain_address(9))}}})), "0x5208");
  // A call priced above what the sender has is refused with geth's message.
  const Json poor = answer("eth_call", Json::array({{{"from", hex_data(plain_address(9))},
                                                     {"to", hex_data(clearer)},
                                                     {"gasPrice", "0x3b9aca00"}},
                                                    "latest"}));
  ASSERT_TRUE(poor.contains("error"));
  EXPECT_EQ(poor["error"]["code"], -32000);
  EXPECT_TRUE(poor["error"]["message"].get<std::string>().starts_with(
      "insufficient funds for gas * price + value"));
}

TEST_F(EthTest, LogsAreFoundByAddressTopicsAndRangeAndFiltersReportThemOnce) {
  const Json filter = call("eth_newFilter", Json::array({{{"address", hex_data(emitter)}}}));
  const Json blocks = call("eth_newBlockFilter", Json::array());
  const Hash t1 = uint256(1).to_hash();
  const Hash t2 = uint256(2).to_hash();
  const Json r1 = call_and_seal(0, emitter, Bytes(t1.bytes.begin(), t1.bytes.end()));
  const Json r2 = call_and_seal(1, emitter, Bytes(t2.bytes.begin(), t2.bytes.end()));
  call_and_seal(2, clearer, {});
  ASSERT_EQ(r1["logs"].size(), 1u);
  EXPECT_EQ(r1["logs"][0]["data"], hex_data(uint256(42).to_hash()));
  const Json topic0 = hex_data(uint256(0x11).to_hash());
  const auto logs = [&](Json f) { return call("eth_getLogs", Json::array({f})); };
  EXPECT_EQ(logs({{"fromBlock", "0x1"}, {"toBlock", "latest"}}).size(), 2u);
  EXPECT_EQ(logs({{"fromBlock", "0x1"},
                  {"address", hex_data(emitter)},
                  {"topics", Json::array({topic0, hex_data(t2)})}}),
            r2["logs"]);
  EXPECT_EQ(logs({{"fromBlock", "0x1"},
                  {"topics", Json::array({nullptr, Json::array({hex_data(t1), hex_data(t2)})})}})
                .size(),
            2u);
  // A position named, even as a wildcard, asks for a topic there (geth): these logs have two.
  EXPECT_EQ(
      logs({{"fromBlock", "0x1"}, {"topics", Json::array({nullptr, nullptr, nullptr})}}).size(),
      0u);
  EXPECT_EQ(logs({{"fromBlock", "0x1"}, {"address", hex_data(clearer)}}).size(), 0u);
  EXPECT_EQ(logs({{"blockHash", r1["blockHash"]}}), r1["logs"]);
  EXPECT_EQ(logs({{"fromBlock", "0x2"}, {"toBlock", "0x2"}}), r2["logs"]);
  const Json backwards =
      answer("eth_getLogs", Json::array({{{"fromBlock", "0x3"}, {"toBlock", "0x1"}}}));
  EXPECT_EQ(backwards["error"]["message"], "invalid block range params");
  // The filters: both logs once, then nothing; three blocks once.
  Json changes = call("eth_getFilterChanges", Json::array({filter}));
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[0], r1["logs"][0]);
  EXPECT_EQ(call("eth_getFilterChanges", Json::array({filter})).size(), 0u);
  EXPECT_EQ(call("eth_getFilterChanges", Json::array({blocks})).size(), 3u);
  // eth_getFilterLogs queries the criteria: with no fromBlock that is the latest block only, as in
  // geth (block 3 holds no log); from block 1, both.
  EXPECT_EQ(call("eth_getFilterLogs", Json::array({filter})).size(), 0u);
  const Json ranged = call("eth_newFilter", Json::array({{{"fromBlock", "0x1"}}}));
  EXPECT_EQ(call("eth_getFilterLogs", Json::array({ranged})).size(), 2u);
  EXPECT_EQ(call("eth_uninstallFilter", Json::array({filter})), true);
  EXPECT_EQ(answer("eth_getFilterChanges", Json::array({filter}))["error"]["message"],
            "filter not found");
  // A bounded query: a range beyond the configured limit is refused.
  backend.logs_block_range = 2;
  const Json wide =
      answer("eth_getLogs", Json::array({{{"fromBlock", "0x0"}, {"toBlock", "0x3"}}}));
  EXPECT_EQ(wide["error"]["message"], "block range too large: 4 blocks, limit 2");
}

}  // namespace
}  // namespace rollup::rpc
