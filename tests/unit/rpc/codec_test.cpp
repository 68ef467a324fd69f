#include "rollup/rpc/codec.hpp"

#include <gtest/gtest.h>

#include "rollup/base/hex.hpp"

namespace rollup::rpc {
namespace {

TEST(RpcCodec, QuantitiesAreStrict) {
  EXPECT_EQ(*decode_quantity("0x0"), uint256(0));
  EXPECT_EQ(*decode_quantity("0x1aF"), uint256(0x1af));
  EXPECT_EQ(*decode_u64("0xffffffffffffffff"), ~0ULL);
  for (const Json& bad : {Json("0x"), Json("0x01"), Json("12"), Json(12), Json("0xg"),
                          Json(nullptr), Json("0x10000000000000000")}) {
    // The last one fits 256 bits but not 64.
    auto r = decode_u64(bad);
    ASSERT_FALSE(r) << bad.dump();
    EXPECT_EQ(r.error(), Errc::invalid_argument) << bad.dump();
    EXPECT_FALSE(r.error().detail().empty()) << bad.dump();
  }
  EXPECT_EQ(quantity(std::uint64_t{0}), "0x0");
  EXPECT_EQ(quantity(uint256(255)), "0xff");
}

TEST(RpcCodec, DataAddressesAndHashes) {
  EXPECT_EQ(*decode_data("0x"), Bytes{});
  EXPECT_EQ(*decode_data("0x00ff"), (Bytes{0, 0xff}));
  EXPECT_FALSE(decode_data("0x0"));
  EXPECT_FALSE(decode_data("00"));
  const std::string addr = "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266";
  EXPECT_EQ(hex_data(*decode_address(addr)), addr);
  auto short_addr = decode_address("0xf39fd6e51aad88f6f4ce6ab8827279cfffb922");
  ASSERT_FALSE(short_addr);
  EXPECT_EQ(short_addr.error().detail(), "hex string has length 38, want 40 for an address");
  EXPECT_FALSE(decode_hash(addr));
}

TEST(RpcCodec, ChecksumAddressesFollowEip55) {
  // EIP-55's own examples.
  for (const char* a :
       {"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
        "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
        "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb"}) {
    EXPECT_EQ(checksum_address(*decode_address(Json(a))), a);
  }
}

TEST(RpcCodec, BlockIds) {
  EXPECT_EQ(decode_block_id("latest")->kind, BlockId::Kind::latest);
  EXPECT_EQ(decode_block_id("pending")->kind, BlockId::Kind::pending);
  EXPECT_EQ(decode_block_id("safe")->kind, BlockId::Kind::safe);
  EXPECT_EQ(decode_block_id("finalized")->kind, BlockId::Kind::finalized);
  EXPECT_EQ(decode_block_id("earliest")->kind, BlockId::Kind::earliest);
  const auto n = decode_block_id("0x10");
  ASSERT_TRUE(n);
  EXPECT_EQ(n->kind, BlockId::Kind::number);
  EXPECT_EQ(n->number, 16u);
  const std::string h = "0x" + std::string(62, '0') + "ab";
  const auto by_hash = decode_block_id(Json{{"blockHash", h}, {"requireCanonical", true}});
  ASSERT_TRUE(by_hash);
  EXPECT_EQ(by_hash->kind, BlockId::Kind::hash);
  EXPECT_TRUE(by_hash->require_canonical);
  EXPECT_EQ(hex_data(by_hash->hash), h);
  EXPECT_EQ(decode_block_id(Json{{"blockNumber", "0x5"}})->number, 5u);
  EXPECT_FALSE(decode_block_id(Json{{"blockNumber", "0x5"}, {"blockHash", h}}));
  EXPECT_FALSE(decode_block_id(Json::object()));
  EXPECT_FALSE(decode_block_id("newest"));
  EXPECT_FALSE(decode_block_id(5));
}

TEST(RpcCodec, PendingTransactionHasNullPlaceAndFeeCapAsPrice) {
  types::Transaction t;
  t.type = types::TxType::dynamic_fee;
  t.chain_id = 901;
  t.nonce = 3;
  t.max_fee_per_gas = uint256(100);
  t.max_priority_fee_per_gas = uint256(2);
  t.gas_limit = 21000;
  t.to = Address{};
  t.value = uint256(5);
  const Json pending = transaction_json(t, Hash{}, Address{}, std::nullopt);
  EXPECT_TRUE(pending["blockHash"].is_null());
  EXPECT_TRUE(pending["blockNumber"].is_null());
  EXPECT_EQ(pending["gasPrice"], "0x64");
  EXPECT_EQ(pending["type"], "0x2");
  EXPECT_EQ(pending["chainId"], "0x385");
  EXPECT_EQ(pending["maxPriorityFeePerGas"], "0x2");
  // Included at base fee 90: it paid 90 + min(2, 100 - 90) = 92 per gas.
  const Json mined = transaction_json(t, Hash{}, Address{}, TxPlace{Hash{}, 7, 0, uint256(90)});
  EXPECT_EQ(mined["gasPrice"], "0x5c");
  EXPECT_EQ(mined["blockNumber"], "0x7");
  EXPECT_EQ(mined["transactionIndex"], "0x0");
}

TEST(RpcCodec, ReceiptOfACreationNamesTheNewContract) {
  types::Transaction t;
  t.nonce = 0;
  t.gas_limit = 100000;
  t.max_fee_per_gas = t.max_priority_fee_per_gas = uint256(1);
  types::Receipt r;
  r.success = true;
  r.cumulative_gas_used = 60000;
  // The address Ethereum assigns to the first contract of
  // 0x6ac7ea33f8831ea9dcc53393aaa88b25a785dbf0 (the yellow paper's example sender, widely quoted):
  // 0xcd234a471b72ba2f1ccf0a70fcaba648a5eecd8d.
  const Address from = *hex::decode_fixed<20>("0x6ac7ea33f8831ea9dcc53393aaa88b25a785dbf0");
  const Json j = receipt_json(r, t, Hash{}, from, TxPlace{Hash{}, 1, 0, uint256(1)}, 60000, 0);
  EXPECT_EQ(j["contractAddress"], "0xcd234a471b72ba2f1ccf0a70fcaba648a5eecd8d");
  EXPECT_EQ(j["status"], "0x1");
  EXPECT_EQ(j["gasUsed"], "0xea60");
  EXPECT_TRUE(j["to"].is_null());
}

}  // namespace
}  // namespace rollup::rpc
