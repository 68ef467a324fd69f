// The transaction manager's records: what the batcher persists before each transaction goes out
// must read back exactly, and a damaged record must fail rather than read as something else.

#include <gtest/gtest.h>

#include "rollup/l1/tx_manager.hpp"

namespace rollup::l1 {
namespace {

TxRecord full_record() {
  TxRecord r;
  r.id = (7ULL << 16) | 3;
  r.data = Bytes(300, 0xab);
  r.nonce = 0;  // zero is a nonce, not "unassigned"
  r.raw = {0x02, 0xf8, 0x01};
  r.tip = uint256(1'000'000'000);
  r.max_fee = uint256::max();
  r.hashes = {Hash{}, Hash{}};
  r.hashes[1].bytes[31] = 1;
  r.included = Inclusion{.block = 99,
                         .block_hash = r.hashes[1],
                         .txn_hash = r.hashes[0],
                         .gas_used = 21'000,
                         .effective_gas_price = uint256(7),
                         .success = true};
  return r;
}

TEST(TxRecord, RoundTrips) {
  const TxRecord fresh{.id = 1, .data = {1, 2}, .nonce = std::nullopt, .raw = {}, .tip = {},
                       .max_fee = {}, .hashes = {}, .included = std::nullopt};
  for (const TxRecord& r : {fresh, full_record()}) {
    const auto back = decode_record(encode_record(r));
    ASSERT_TRUE(back.has_value()) << back.error().message();
    EXPECT_EQ(*back, r);
  }
}

TEST(TxRecord, DamagedRecordsFail) {
  const Bytes good = encode_record(full_record());
  for (std::size_t n = 0; n < good.size(); n += 7) {
    EXPECT_FALSE(decode_record(ByteView(good).first(n)).has_value()) << "prefix " << n;
  }
  Bytes longer = good;
  longer.push_back(0);
  EXPECT_FALSE(decode_record(longer).has_value());
}

}  // namespace
}  // namespace rollup::l1
