// Batched recovery against libsecp256k1 one signature at a time: every kernel this CPU supports
// must give the same key, or the same error, for random, malformed and crafted signatures.

#include <gtest/gtest.h>

#include <cstdio>
#include <random>

#include "rollup/crypto/keccak.hpp"
#include "rollup/crypto/secp256k1.hpp"

namespace rollup::crypto {
namespace {

using detail::RecoverKernel;

std::vector<RecoverKernel> kernels() {
  std::vector<RecoverKernel> out;
  for (RecoverKernel k : {RecoverKernel::libsecp256k1, RecoverKernel::ifma}) {
    if (detail::recover_kernel_supported(k)) out.push_back(k);
  }
  return out;
}

const char* name(RecoverKernel k) {
  return k == RecoverKernel::ifma ? "ifma" : "libsecp256k1";
}

Hash random_hash(std::mt19937_64& rng) {
  Hash h;
  for (auto& b : h.bytes) b = static_cast<std::uint8_t>(rng());
  return h;
}

uint256 random_below_n(std::mt19937_64& rng) {
  for (;;) {
    const uint256 v = uint256::from_words(rng(), rng(), rng(), rng());
    if (v && v < k_secp256k1_n) return v;
  }
}

SecretKey key_of(const uint256& scalar) {
  auto key = SecretKey::from_bytes(scalar.to_be());
  EXPECT_TRUE(key);
  return *key;
}

struct Signed {
  std::vector<Hash> hashes;
  std::vector<Signature> sigs;
};

// Random messages, each signed with its own random key.
Signed signed_messages(std::uint64_t seed, std::size_t count) {
  std::mt19937_64 rng(seed);
  Signed out;
  for (std::size_t i = 0; i < count; ++i) {
    out.hashes.push_back(random_hash(rng));
    auto sig = sign(out.hashes.back(), key_of(random_below_n(rng)));
    EXPECT_TRUE(sig);
    out.sigs.push_back(*sig);
  }
  return out;
}

uint256 inverse_mod_n(const uint256& a) {
  uint256 r = 1;
  const uint256 e = k_secp256k1_n - 2;
  for (int bit = 255; bit >= 0; --bit) {
    r = mulmod(r, r, k_secp256k1_n);
    if (((e >> static_cast<unsigned>(bit)) & uint256(1)) == uint256(1))
      r = mulmod(r, a, k_secp256k1_n);
  }
  return r;
}

// Each batch answer equals the one-at-a-time answer: the same key or the same error code. The
// vector kernel must have computed all but `fallbacks` of them itself: one that handed everything
// to libsecp256k1 would match too.
void expect_same_as_single(RecoverKernel kernel, const std::vector<Hash>& hashes,
                           const std::vector<Signature>& sigs, std::uint64_t fallbacks = 0) {
  const std::uint64_t before = detail::recover_fallbacks();
  const auto batch = detail::recover_public_keys_with(kernel, hashes, sigs);
  EXPECT_EQ(detail::recover_fallbacks() - before, kernel == RecoverKernel::ifma ? fallbacks : 0u);
  ASSERT_EQ(batch.size(), hashes.size());
  for (std::size_t i = 0; i < hashes.size(); ++i) {
    const auto single = recover_public_key(hashes[i], sigs[i]);
    ASSERT_EQ(batch[i].has_value(), single.has_value()) << name(kernel) << " entry " << i;
    if (single) {
      EXPECT_EQ(*batch[i], *single) << name(kernel) << " entry " << i;
    } else {
      EXPECT_EQ(batch[i].error().code(), single.error().code()) << name(kernel) << " entry " << i;
    }
  }
}

TEST(Secp256k1Many, TheVectorKernelRunsWhereTheCpuHasIfma) {
  const bool ifma = detail::recover_kernel_supported(RecoverKernel::ifma);
  EXPECT_EQ(detail::recover_kernel(), ifma ? RecoverKernel::ifma : RecoverKernel::libsecp256k1);
  // Which paths the other tests exercised on this machine, for the reader of a CI log.
  std::printf("recovery kernels tested here: %s\n", ifma ? "libsecp256k1, ifma" : "libsecp256k1");
}

TEST(Secp256k1Many, SignedMessagesMatchLibsecp256k1AtEveryBatchSize) {
  auto [hashes, sigs] = signed_messages(7, 300);
  for (RecoverKernel kernel : kernels()) {
    // Whole groups of eight, short last groups, and a lone signature.
    for (std::size_t n :
         {std::size_t{1}, std::size_t{7}, std::size_t{8}, std::size_t{9}, std::size_t{300}}) {
      expect_same_as_single(kernel, {hashes.begin(), hashes.begin() + static_cast<long>(n)},
                            {sigs.begin(), sigs.begin() + static_cast<long>(n)});
    }
  }
}

TEST(Secp256k1Many, RandomValuesIncludingPointsOffTheCurve) {
  // Random r is an x coordinate on the curve only about half of the time; both parities, high s.
  std::mt19937_64 rng(11);
  std::vector<Hash> hashes;
  std::vector<Signature> sigs;
  for (int i = 0; i < 400; ++i) {
    hashes.push_back(random_hash(rng));
    sigs.push_back({random_below_n(rng), random_below_n(rng), static_cast<std::uint8_t>(i & 1)});
  }
  std::size_t failed = 0;
  for (std::size_t i = 0; i < hashes.size(); ++i) failed += !recover_public_key(hashes[i], sigs[i]);
  ASSERT_GT(failed, 100u);  // the set really exercises the off-curve path
  ASSERT_LT(failed, 300u);
  for (RecoverKernel kernel : kernels()) expect_same_as_single(kernel, hashes, sigs);
}

TEST(Secp256k1Many, MalformedValuesGetLibsecp256k1sErrors) {
  std::mt19937_64 rng(3);
  const Hash h = random_hash(rng);
  auto good = sign(h, key_of(uint256(42)));
  ASSERT_TRUE(good);
  const uint256 n = k_secp256k1_n;
  std::vector<Signature> sigs = {{0, good->s, 0},
                                 {good->r, 0, 0},
                                 {n, good->s, 0},
                                 {good->r, n, 1},
                                 {good->r, good->s, 2},
                                 {uint256::max(), 1, 0},
                                 {good->r, good->s, good->y_parity}};
  // Padded so that the vector kernel takes them as one batch.
  while (sigs.size() < 20) sigs.push_back(*good);
  const std::vector<Hash> hashes(sigs.size(), h);
  for (RecoverKernel kernel : kernels()) expect_same_as_single(kernel, hashes, sigs);
}

TEST(Secp256k1Many, MessageHashesAtAndAboveTheGroupOrder) {
  // z = 0 and z = n leave u1 = 0, so u1*G is the point at infinity; z >= n is reduced first.
  std::vector<Hash> hashes;
  hashes.push_back(Hash{});
  hashes.push_back(Hash(k_secp256k1_n.to_be()));
  hashes.push_back(Hash((k_secp256k1_n + 5).to_be()));
  hashes.push_back(Hash(uint256::max().to_be()));
  std::vector<Signature> sigs;
  std::mt19937_64 rng(5);
  for (const Hash& h : hashes) {
    auto sig = sign(h, key_of(random_below_n(rng)));
    ASSERT_TRUE(sig);
    sigs.push_back(*sig);
  }
  for (RecoverKernel kernel : kernels()) expect_same_as_single(kernel, hashes, sigs);
}

TEST(Secp256k1Many, CraftedSignaturesWhereTheFinalSumDegenerates) {
  // With R = k*G (r = x(R)), s = -z/k makes u1*G equal u2*R (the result is a doubling), and
  // s = z/k makes them opposite (the result is the point at infinity, so recovery fails). Neither
  // happens by chance; a sender can craft both.
  std::mt19937_64 rng(13);
  std::vector<Hash> hashes;
  std::vector<Signature> sigs;
  for (int i = 0; i < 12; ++i) {
    const uint256 k = random_below_n(rng);
    const auto big_r = public_key(key_of(k));
    ASSERT_TRUE(big_r);
    const uint256 r = uint256::from_be(ByteView(big_r->data(), 32));
    if (r >= k_secp256k1_n) continue;
    const auto parity = static_cast<std::uint8_t>(big_r->data()[63] & 1);
    const Hash h = random_hash(rng);
    const uint256 z = uint256::from_hash(h) % k_secp256k1_n;
    const uint256 z_over_k = mulmod(z, inverse_mod_n(k), k_secp256k1_n);
    hashes.push_back(h);
    sigs.push_back({r, k_secp256k1_n - z_over_k, parity});  // doubling
    hashes.push_back(h);
    sigs.push_back({r, z_over_k, parity});  // infinity
  }
  ASSERT_GE(sigs.size(), 16u);
  std::size_t doubled = 0;
  std::size_t refused = 0;
  for (std::size_t i = 0; i < sigs.size(); ++i) {
    (recover_public_key(hashes[i], sigs[i]) ? doubled : refused) += 1;
  }
  EXPECT_EQ(doubled, sigs.size() / 2);
  EXPECT_EQ(refused, sigs.size() / 2);
  for (RecoverKernel kernel : kernels()) {
    expect_same_as_single(kernel, hashes, sigs, /*fallbacks=*/sigs.size());
  }
}

TEST(Secp256k1Many, AddressesMatchOneByOne) {
  auto [hashes, sigs] = signed_messages(17, 40);
  sigs[5].y_parity = 3;  // one failure among them keeps its place
  const auto addresses = recover_addresses(hashes, sigs);
  ASSERT_EQ(addresses.size(), sigs.size());
  for (std::size_t i = 0; i < sigs.size(); ++i) {
    const auto single = recover_address(hashes[i], sigs[i]);
    ASSERT_EQ(addresses[i].has_value(), single.has_value()) << i;
    if (single) {
      EXPECT_EQ(*addresses[i], *single) << i;
    }
  }
  EXPECT_EQ(addresses[5].error(), Errc::invalid_recovery_id);
}

}  // namespace
}  // namespace rollup::crypto
