// submit(): decoding and sender recovery on worker threads, in chunks, with every answer back at
// the position of its envelope.

#include <gtest/gtest.h>

#include "rollup/crypto/keccak.hpp"
#include "rollup/txpool/pool.hpp"
#include "support/chain.hpp"

namespace rollup::txpool {
namespace {

using namespace rollup::testing;

TEST(Submit, AnswersKeepTheirPlacesAcrossChunksAndThreads) {
  auto state = std::make_shared<AccountsState>();
  std::vector<Key> keys;
  for (std::uint8_t i = 1; i <= 10; ++i) {
    keys.push_back(make_key(i));
    state->map[keys.back().address].balance = 10 * k_ether;
  }
  execution::ChainConfig chain;
  chain.chain_id = k_chain_id;
  Pool pool(Config{}, chain, Head{state, k_gwei, 30'000'000});

  // 300 envelopes (several chunks on two threads): every 7th undecodable, every 11th with a
  // high-s signature, the rest valid transfers, 30 nonces from each of ten senders.
  std::vector<Bytes> envelopes;
  std::vector<char> kind;  // 'd' undecodable, 's' bad signature, 'v' valid
  std::vector<std::uint64_t> next_nonce(keys.size(), 0);
  for (std::size_t i = 0; i < 300; ++i) {
    const std::size_t who = i % keys.size();
    if (i % 7 == 3) {
      envelopes.push_back(Bytes{0x02, 0xc1, 0x80});
      kind.push_back('d');
      continue;
    }
    auto txn = transfer(keys[who], k_chain_id, next_nonce[who], plain_address(99), uint256(1),
                        10 * k_gwei, k_gwei);
    if (i % 11 == 5) {
      txn.s = crypto::k_secp256k1_n - txn.s;  // the same signature, high-s form
      kind.push_back('s');
    } else {
      ++next_nonce[who];
      kind.push_back('v');
    }
    envelopes.push_back(types::encode_transaction(txn));
  }

  const auto results = submit(pool, envelopes, 2);
  ASSERT_EQ(results.size(), envelopes.size());
  std::size_t valid = 0;
  for (std::size_t i = 0; i < results.size(); ++i) {
    switch (kind[i]) {
      case 'd': EXPECT_FALSE(results[i]) << i; break;
      case 's':
        ASSERT_FALSE(results[i]) << i;
        EXPECT_EQ(results[i].error(), types::Errc::invalid_signature) << i;
        break;
      default:
        ASSERT_TRUE(results[i]) << i << ": " << results[i].error().message();
        EXPECT_EQ(*results[i], crypto::keccak256(envelopes[i])) << i;
        ++valid;
    }
  }
  EXPECT_EQ(pool.status().pending, valid);
  for (std::size_t k = 0; k < keys.size(); ++k) {
    EXPECT_EQ(*pool.pending_nonce(keys[k].address), next_nonce[k]) << k;
  }
}

}  // namespace
}  // namespace rollup::txpool
