#include "rollup/crypto/hd.hpp"

#include <gtest/gtest.h>

#include "rollup/base/hex.hpp"

namespace rollup::crypto {
namespace {

// The accounts anvil and Hardhat print for the development mnemonic.
TEST(Hd, DevelopmentMnemonicGivesTheWellKnownAccounts) {
  const auto seed = bip39_seed(k_dev_mnemonic);
  const std::pair<std::uint32_t, const char*> known[] = {
      {0, "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266"},
      {1, "0x70997970c51812dc3a010c7d01b50e0d17dc79c8"},
      {2, "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc"},
      {9, "0xa0ee7a142d267c1f36714e4a8f75612f20a79720"}};
  for (const auto& [index, address] : known) {
    auto key = ethereum_account_key(seed, index);
    ASSERT_TRUE(key) << key.error().message();
    EXPECT_EQ(hex::encode(address_of(*public_key(*key))), address) << index;
  }
  auto first = ethereum_account_key(seed, 0);
  ASSERT_TRUE(first);
  EXPECT_EQ(hex::encode(ByteView(first->data(), 32)),
            "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");
}

}  // namespace
}  // namespace rollup::crypto
