#include "rollup/l1/eth.hpp"

#include <gtest/gtest.h>

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "rollup/base/hex.hpp"
#include "unit/l1/fake_node.hpp"

namespace rollup::l1 {
namespace {

using json = nlohmann::json;
using test::FakeNode;

// Answers shaped as geth 1.14 gives them on a Cancun chain (every member it sends, also those we
// do not read), so that the decoders are shown to ignore what they do not need.
const json k_block_header = json::parse(R"({
  "baseFeePerGas": "0x3b9aca00",
  "blobGasUsed": "0x20000",
  "difficulty": "0x0",
  "excessBlobGas": "0x0",
  "extraData": "0xd883010e06846765746888676f312e32322e34856c696e7578",
  "gasLimit": "0x1c9c380",
  "gasUsed": "0xa410",
  "hash": "0x8f5bab218b6bb34476f51ca588e9f4553a3a7ce5e13a66c660a5283e97e9a85a",
  "logsBloom": "0x00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
  "miner": "0x95222290dd7278aa3ddd389cc1e1d165cc4bafe5",
  "mixHash": "0x4f0a1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7",
  "nonce": "0x0000000000000000",
  "number": "0x13a3f7b",
  "parentBeaconBlockRoot": "0x1d2e3f405162738495a6b7c8d9eafb0c1d2e3f405162738495a6b7c8d9eafb0c",
  "parentHash": "0x2c4f6a8b0d1e3f5061728394a5b6c7d8e9f0112233445566778899aabbccddee",
  "receiptsRoot": "0x056b23fbba480696b65fe5a59b8f2148a1299103c4f57df839233af2cf4ca2d2",
  "sha3Uncles": "0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347",
  "size": "0x3d1",
  "stateRoot": "0x7b1c8e0e7f9d3e2a6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a3928170600",
  "timestamp": "0x66a0f3c7",
  "totalDifficulty": "0xc70d815d562d3cfa955",
  "transactionsRoot": "0x9f3c1b2a0d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a",
  "uncles": [],
  "withdrawals": [],
  "withdrawalsRoot": "0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421"
})");

const json k_eip1559_txn = json::parse(R"({
  "accessList": [],
  "blockHash": "0x8f5bab218b6bb34476f51ca588e9f4553a3a7ce5e13a66c660a5283e97e9a85a",
  "blockNumber": "0x13a3f7b",
  "chainId": "0x1",
  "from": "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266",
  "gas": "0x5208",
  "gasPrice": "0x3b9aca01",
  "hash": "0x6e3f3c1b0a9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f",
  "input": "0x00ff",
  "maxFeePerGas": "0x77359400",
  "maxPriorityFeePerGas": "0x1",
  "nonce": "0x2a",
  "r": "0x1b5e176d927f8e9ab405058b2d2457392da3e20f328b16ddabcebc33eaac5fea",
  "s": "0x4ba69724e8f69de52f0125ad8b3c5c2cef33019bac3249e2c0a2192766d1721c",
  "to": "0xff00000000000000000000000000000000000901",
  "transactionIndex": "0x0",
  "type": "0x2",
  "v": "0x1",
  "value": "0x0",
  "yParity": "0x1"
})");

// A legacy contract creation, still pending: "to", "blockHash" and "blockNumber" are null.
const json k_pending_creation = json::parse(R"({
  "blockHash": null,
  "blockNumber": null,
  "from": "0x70997970c51812dc3a010c7d01b50e0d17dc79c8",
  "gas": "0x30d40",
  "gasPrice": "0x4a817c800",
  "hash": "0x0b1c2d3e4f5061728394a5b6c7d8e9fa0b1c2d3e4f5061728394a5b6c7d8e9fa",
  "input": "0x6080604052",
  "nonce": "0x0",
  "r": "0x3",
  "s": "0x4",
  "to": null,
  "transactionIndex": null,
  "type": "0x0",
  "v": "0x25",
  "value": "0x0"
})");

const json k_receipt = json::parse(R"({
  "blobGasPrice": "0x1",
  "blobGasUsed": "0x20000",
  "blockHash": "0x8f5bab218b6bb34476f51ca588e9f4553a3a7ce5e13a66c660a5283e97e9a85a",
  "blockNumber": "0x13a3f7b",
  "contractAddress": null,
  "cumulativeGasUsed": "0xa410",
  "effectiveGasPrice": "0x3b9aca01",
  "from": "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266",
  "gasUsed": "0x5208",
  "logs": [],
  "logsBloom": "0x00",
  "status": "0x1",
  "to": "0xff00000000000000000000000000000000000901",
  "transactionHash": "0x6e3f3c1b0a9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f",
  "transactionIndex": "0x0",
  "type": "0x2"
})");

const json k_fee_history = json::parse(R"({
  "baseFeePerGas": ["0x3b9aca00", "0x3b9aca07", "0x3a699d00", "0x3b02334d"],
  "gasUsedRatio": [0.5003, 0.2, 0.7],
  "oldestBlock": "0x13a3f79",
  "reward": [["0x1", "0x5f5e100"], ["0x0", "0x3b9aca00"], ["0x1", "0x1"]]
})");

json full_block() {
  json block = k_block_header;
  block["transactions"] = json::array({k_eip1559_txn, k_pending_creation});
  return block;
}

json hashes_block() {
  json block = k_block_header;
  block["transactions"] = json::array({k_eip1559_txn["hash"], k_pending_creation["hash"]});
  return block;
}

template <typename T>
std::string detail_of(const Result<T>& r) {
  return r ? std::string("(no error)") : r.error().detail();
}

Hash hash_of(const json& text) {
  return *hex::decode_fixed<32>(text.get<std::string>());
}

TEST(EthDecode, FullBlock) {
  const auto block = parse_block(full_block(), true);
  ASSERT_TRUE(block) << block.error().message();
  ASSERT_TRUE(*block);
  const Block& b = **block;
  EXPECT_EQ(b.number, 0x13a3f7bu);
  EXPECT_EQ(b.hash, hash_of(k_block_header["hash"]));
  EXPECT_EQ(b.parent_hash, hash_of(k_block_header["parentHash"]));
  EXPECT_EQ(b.timestamp, 0x66a0f3c7u);
  EXPECT_EQ(b.gas_limit, 0x1c9c380u);
  EXPECT_EQ(b.gas_used, 0xa410u);
  ASSERT_TRUE(b.base_fee);
  EXPECT_EQ(*b.base_fee, uint256(1'000'000'000));
  ASSERT_EQ(b.txns.size(), 2u);
  ASSERT_EQ(b.txn_hashes.size(), 2u);
  EXPECT_EQ(b.txn_hashes[0], hash_of(k_eip1559_txn["hash"]));

  const Txn& batch = b.txns[0];
  EXPECT_EQ(batch.type, 2u);
  EXPECT_EQ(batch.nonce, 42u);
  EXPECT_EQ(hex::encode(batch.from), "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266");
  ASSERT_TRUE(batch.to);
  EXPECT_EQ(hex::encode(*batch.to), "0xff00000000000000000000000000000000000901");
  EXPECT_EQ(batch.input, (Bytes{0x00, 0xff}));
  EXPECT_EQ(batch.block_num, 0x13a3f7bu);

  const Txn& creation = b.txns[1];
  EXPECT_EQ(creation.type, 0u);
  EXPECT_FALSE(creation.to);
  EXPECT_FALSE(creation.block_hash);
  EXPECT_FALSE(creation.block_num);
}

TEST(EthDecode, BlockWithHashesAndPreLondonBlock) {
  auto block = parse_block(hashes_block(), false);
  ASSERT_TRUE(block) << block.error().message();
  EXPECT_EQ((*block)->txn_hashes.size(), 2u);
  EXPECT_TRUE((*block)->txns.empty());

  json old = hashes_block();
  old.erase("baseFeePerGas");
  block = parse_block(old, false);
  ASSERT_TRUE(block);
  EXPECT_FALSE((*block)->base_fee);
}

TEST(EthDecode, NullIsNotFound) {
  EXPECT_FALSE(*parse_block(nullptr, true));
  EXPECT_FALSE(*parse_txn(nullptr));
  EXPECT_FALSE(*parse_receipt(nullptr));
}

TEST(EthDecode, MalformedBlocksNameTheMember) {
  struct Case {
    std::string name;
    std::function<void(json&)> spoil;
    std::string expect;  // in the detail
  };
  const std::vector<Case> cases = {
      {"leading zero", [](json& b) { b["number"] = "0x013a3f7b"; }, "number"},
      {"zero with a zero", [](json& b) { b["gasUsed"] = "0x00"; }, "gasUsed"},
      {"no prefix", [](json& b) { b["timestamp"] = "66a0f3c7"; }, "timestamp"},
      {"empty quantity", [](json& b) { b["gasLimit"] = "0x"; }, "gasLimit"},
      {"JSON number", [](json& b) { b["number"] = 20594555; }, "number: not a string"},
      {"missing hash", [](json& b) { b.erase("hash"); }, "hash: missing"},
      {"short hash", [](json& b) { b["parentHash"] = "0x2c4f"; }, "parentHash"},
      {"base fee leading zero", [](json& b) { b["baseFeePerGas"] = "0x03b9aca00"; },
       "baseFeePerGas"},
      {"no transactions", [](json& b) { b.erase("transactions"); }, "transactions"},
      {"hashes for a full block",
       [](json& b) { b["transactions"] = hashes_block()["transactions"]; }, "transactions[0]"},
      {"txn with odd input", [](json& b) { b["transactions"][0]["input"] = "0x0ff"; }, "input"},
      {"txn from 19 bytes",
       [](json& b) { b["transactions"][1]["from"] = "0x70997970c51812dc3a010c7d01b50e0d17dc79"; },
       "transactions[1] (from"},
      {"txn without type", [](json& b) { b["transactions"][0].erase("type"); }, "type: missing"},
      {"txn to empty", [](json& b) { b["transactions"][0]["to"] = "0x"; }, "to"},
      {"a block that is an array", [](json& b) { b = json::array(); }, "block is not an object"},
  };
  for (const auto& c : cases) {
    json block = full_block();
    c.spoil(block);
    const auto decoded = parse_block(block, true);
    ASSERT_FALSE(decoded) << c.name;
    EXPECT_EQ(decoded.error(), Errc::bad_response) << c.name;
    EXPECT_NE(decoded.error().detail().find(c.expect), std::string::npos)
        << c.name << ": " << decoded.error().detail();
  }
  // A full transaction where a hash is expected.
  const auto mixed = parse_block(full_block(), false);
  ASSERT_FALSE(mixed);
  EXPECT_NE(mixed.error().detail().find("transactions[0]: not a string"), std::string::npos);
}

TEST(EthDecode, Receipt) {
  const auto receipt = parse_receipt(k_receipt);
  ASSERT_TRUE(receipt) << receipt.error().message();
  const Receipt& r = **receipt;
  EXPECT_EQ(r.status, 1u);
  EXPECT_EQ(r.block_num, 0x13a3f7bu);
  EXPECT_EQ(r.block_hash, hash_of(k_receipt["blockHash"]));
  EXPECT_EQ(r.txn_hash, hash_of(k_receipt["transactionHash"]));
  EXPECT_EQ(r.gas_used, 21000u);
  EXPECT_EQ(r.effective_gas_price, uint256(1'000'000'001));

  for (const auto& [member, value] :
       std::vector<std::pair<std::string, json>>{{"status", "0x2"},
                                                 {"status", "0x01"},
                                                 {"gasUsed", nullptr},
                                                 {"effectiveGasPrice", "0x"},
                                                 {"blockHash", "0x8f"}}) {
    json spoilt = k_receipt;
    spoilt[member] = value;
    const auto decoded = parse_receipt(spoilt);
    ASSERT_FALSE(decoded) << member << "=" << value;
    EXPECT_EQ(decoded.error(), Errc::bad_response);
    EXPECT_NE(decoded.error().detail().find(member), std::string::npos) << detail_of(decoded);
  }
  // Pre-Byzantium receipts carry a state root instead of a status.
  json old = k_receipt;
  old.erase("status");
  old["root"] = k_block_header["stateRoot"];
  EXPECT_FALSE(parse_receipt(old));
}

TEST(EthDecode, FeeHistory) {
  const auto history = parse_fee_history(k_fee_history, 2);
  ASSERT_TRUE(history) << history.error().message();
  EXPECT_EQ(history->oldest_block, 0x13a3f79u);
  ASSERT_EQ(history->base_fees.size(), 4u);
  EXPECT_EQ(history->base_fees[3], uint256(0x3b02334d));  // the next block's
  ASSERT_EQ(history->gas_used_ratios.size(), 3u);
  EXPECT_DOUBLE_EQ(history->gas_used_ratios[0], 0.5003);
  ASSERT_EQ(history->rewards.size(), 3u);
  EXPECT_EQ(history->rewards[0][1], uint256(100'000'000));

  // Without percentiles geth leaves the reward out.
  json no_reward = k_fee_history;
  no_reward.erase("reward");
  ASSERT_TRUE(parse_fee_history(no_reward, 0));
  EXPECT_TRUE(parse_fee_history(no_reward, 0)->rewards.empty());

  const std::vector<std::pair<std::string, std::function<void(json&)>>> spoilers = {
      {"reward", [](json& h) { h.erase("reward"); }},
      {"reward", [](json& h) { h["reward"][1] = json::array({"0x1"}); }},
      {"reward[2]", [](json& h) { h["reward"][2][0] = "0x01"; }},
      {"baseFeePerGas", [](json& h) { h["baseFeePerGas"].erase(3); }},
      {"baseFeePerGas[0]", [](json& h) { h["baseFeePerGas"][0] = 1000000000; }},
      {"gasUsedRatio", [](json& h) { h["gasUsedRatio"][0] = "0.5"; }},
      {"oldestBlock", [](json& h) { h["oldestBlock"] = "0x0013a3f79"; }},
  };
  for (const auto& [member, spoil] : spoilers) {
    json spoilt = k_fee_history;
    spoil(spoilt);
    const auto decoded = parse_fee_history(spoilt, 2);
    ASSERT_FALSE(decoded) << member;
    EXPECT_NE(decoded.error().detail().find(member), std::string::npos) << detail_of(decoded);
  }
}

TEST(EthDecode, TxnRejections) {
  const auto rejection = [](std::string message) {
    return txn_rejection(Error(make_error_code(Errc::rpc_error),
                               json{{"code", -32000}, {"message", std::move(message)}}.dump()));
  };
  EXPECT_EQ(rejection("nonce too low: next nonce 7, tx nonce 6"), TxnRejection::nonce_too_low);
  EXPECT_EQ(rejection("already known"), TxnRejection::already_known);
  EXPECT_EQ(rejection("known transaction: 6e3f3c1b"), TxnRejection::already_known);
  EXPECT_EQ(rejection("transaction already imported"), TxnRejection::already_known);
  EXPECT_EQ(rejection("insufficient funds for gas * price + value: balance 0, tx cost 21000"),
            TxnRejection::insufficient_funds);
  EXPECT_EQ(rejection("replacement transaction underpriced"),
            TxnRejection::replacement_underpriced);
  EXPECT_EQ(rejection("intrinsic gas too low"), TxnRejection::other);
  EXPECT_FALSE(txn_rejection(Error(make_error_code(Errc::timeout), "nonce too low")));
}

TEST(EthDecode, BlockParams) {
  EXPECT_EQ(to_param(BlockId{std::uint64_t{0}}), "0x0");
  EXPECT_EQ(to_param(BlockId{std::uint64_t{436}}), "0x1b4");
  EXPECT_EQ(to_param(BlockTag::latest), "latest");
  EXPECT_EQ(to_param(BlockTag::safe), "safe");
  EXPECT_EQ(to_param(BlockTag::finalized), "finalized");
}

// The typed layer over a node: what goes out, and what comes back.
class EthOverNode : public ::testing::Test {
 protected:
  EthOverNode()
      : m_node(test::rpc([this](const json& call) {
          std::lock_guard lock(m_mutex);
          m_calls.push_back(call);
          const std::string method = call.at("method");
          if (method == "eth_sendRawTransaction" && call["params"][0] == "0x02c0")
            return test::error_for(call, -32000, "already known");
          const auto it = m_answers.find(method);
          return it == m_answers.end() ? test::error_for(call, -32601, "no such method")
                                       : test::result_for(call, it->second);
        })) {
    ClientOptions options;
    options.url = m_node.url();
    m_client = std::move(*Client::create(options));
    m_answers = {
        {"eth_chainId", "0x7a69"},
        {"eth_blockNumber", "0x13a3f7b"},
        {"eth_getBlockByNumber", full_block()},
        {"eth_getTransactionByHash", k_pending_creation},
        {"eth_getTransactionReceipt", nullptr},
        {"eth_getTransactionCount", "0x2a"},
        {"eth_getBalance", "0x1bc16d674ec800000000000"},  // above 2^64
        {"eth_feeHistory", k_fee_history},
        {"eth_sendRawTransaction", k_eip1559_txn["hash"]},
    };
  }

  json last_call() {
    std::lock_guard lock(m_mutex);
    return m_calls.back();
  }

  std::mutex m_mutex;
  std::vector<json> m_calls;
  std::map<std::string, json> m_answers;
  FakeNode m_node;
  std::unique_ptr<Client> m_client;
};

TEST_F(EthOverNode, TypedCalls) {
  Eth eth(*m_client);
  EXPECT_EQ(eth.chain_id().value(), 31337u);
  EXPECT_EQ(eth.block_number().value(), 0x13a3f7bu);

  const auto block = eth.get_block(BlockTag::finalized, true);
  ASSERT_TRUE(block) << block.error().message();
  ASSERT_TRUE(*block);
  EXPECT_EQ((*block)->txns.size(), 2u);
  EXPECT_EQ(last_call()["params"], json::array({"finalized", true}));

  const Hash h = hash_of(k_eip1559_txn["hash"]);
  const auto txn = eth.get_transaction(h);
  ASSERT_TRUE(txn && *txn);
  EXPECT_FALSE((*txn)->to);
  EXPECT_EQ(last_call()["params"], json::array({hex::encode(h)}));

  const auto receipt = eth.get_transaction_receipt(h);
  ASSERT_TRUE(receipt);
  EXPECT_FALSE(*receipt);

  const Address a = *hex::decode_fixed<20>("0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266");
  EXPECT_EQ(eth.get_transaction_count(a, BlockTag::pending).value(), 42u);
  EXPECT_EQ(last_call()["params"], json::array({hex::encode(a), "pending"}));
  const auto balance = eth.get_balance(a, std::uint64_t{0x10});
  ASSERT_TRUE(balance);
  EXPECT_EQ(to_hex_quantity(*balance), "0x1bc16d674ec800000000000");
  EXPECT_EQ(last_call()["params"], json::array({hex::encode(a), "0x10"}));

  const std::vector<double> percentiles = {25, 75};
  const auto history = eth.fee_history(3, BlockTag::latest, percentiles);
  ASSERT_TRUE(history) << history.error().message();
  EXPECT_EQ(history->base_fees.size(), 4u);
  EXPECT_EQ(last_call()["params"], json::array({"0x3", "latest", json::array({25.0, 75.0})}));

  const auto sent = eth.send_raw_transaction(Bytes{0x02, 0xf8});
  ASSERT_TRUE(sent);
  EXPECT_EQ(*sent, h);
  EXPECT_EQ(last_call()["params"], json::array({"0x02f8"}));
}

TEST_F(EthOverNode, NodeErrorsComeBackUnchanged) {
  Eth eth(*m_client);
  const auto sent = eth.send_raw_transaction(Bytes{0x02, 0xc0});
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error(), Errc::rpc_error);
  EXPECT_EQ(txn_rejection(sent.error()), TxnRejection::already_known);
  ASSERT_TRUE(rpc_error(sent.error()));
  EXPECT_EQ(rpc_error(sent.error())->code, -32000);
}

TEST_F(EthOverNode, MalformedAnswersNameMethodAndMember) {
  {
    std::lock_guard lock(m_mutex);
    m_answers["eth_chainId"] = "0x07a69";
    m_answers["eth_getBlockByNumber"] = hashes_block();  // asked for full transactions
    m_answers["eth_sendRawTransaction"] = "0x1234";
  }
  Eth eth(*m_client);
  const auto chain = eth.chain_id();
  ASSERT_FALSE(chain);
  EXPECT_EQ(chain.error(), Errc::bad_response);
  EXPECT_NE(chain.error().detail().find("eth_chainId"), std::string::npos);
  EXPECT_NE(chain.error().message().find("leading zero"), std::string::npos)
      << chain.error().message();

  const auto block = eth.get_block(BlockTag::latest, true);
  ASSERT_FALSE(block);
  EXPECT_NE(block.error().detail().find("eth_getBlockByNumber"), std::string::npos);
  EXPECT_NE(block.error().detail().find("transactions[0]"), std::string::npos);

  const auto sent = eth.send_raw_transaction(Bytes{0x02, 0xf8});
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error(), Errc::bad_response);
}

}  // namespace
}  // namespace rollup::l1
