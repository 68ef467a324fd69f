#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "rollup/base/hex.hpp"
#include "rollup/crypto/keccak.hpp"

namespace rollup::crypto {
namespace {

Hash openssl_sha3_256(ByteView data) {
  Hash out;
  unsigned int len = 0;
  EXPECT_EQ(EVP_Digest(data.data(), data.size(), out.data(), &len, EVP_sha3_256(), nullptr), 1);
  EXPECT_EQ(len, 32u);
  return out;
}

std::string hex_of(const Hash& h) { return hex::encode(h, false); }

// Known Keccak-256 answers (the pre-FIPS padding Ethereum uses), from the Keccak team's reference
// results as quoted throughout Ethereum tooling.
TEST(Keccak256, KnownVectors) {
  EXPECT_EQ(hex_of(keccak256(as_bytes(""))),
            "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
  EXPECT_EQ(hex_of(keccak256(as_bytes("abc"))),
            "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45");
  EXPECT_EQ(hex_of(keccak256(as_bytes("The quick brown fox jumps over the lazy dog"))),
            "4d741b6f1eb29cb2a9b9911c82f56fa8d73b04959d3d9d222895df6c0b28aa15");
  // rlp([]) and rlp(""): the empty ommers hash and the empty trie root.
  EXPECT_EQ(hex_of(keccak256(Bytes{0xc0})),
            "1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347");
  EXPECT_EQ(hex_of(keccak256(Bytes{0x80})),
            "56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421");
  // The ERC-20 Transfer event topic.
  EXPECT_EQ(hex_of(keccak256(as_bytes("Transfer(address,address,uint256)"))),
            "ddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef");
}

TEST(Sha3_256, KnownVectorsFips202) {
  EXPECT_EQ(hex_of(sha3_256(as_bytes(""))),
            "a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a");
  EXPECT_EQ(hex_of(sha3_256(as_bytes("abc"))),
            "3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532");
}

// The permutation is shared by both sponges, so agreeing with OpenSSL's SHA3-256 at every length
// across the 136-byte rate boundaries checks it and our padding/absorb logic.
TEST(Sha3_256, MatchesOpenSslForEveryLengthUpTo1000) {
  std::mt19937_64 rng(0x5eed);
  for (std::size_t len = 0; len <= 1000; ++len) {
    Bytes data(len);
    for (auto& b : data) b = static_cast<std::uint8_t>(rng());
    ASSERT_EQ(sha3_256(data), openssl_sha3_256(data)) << "length " << len;
  }
}

TEST(Keccak256, IncrementalMatchesOneShot) {
  std::mt19937_64 rng(7);
  for (int round = 0; round < 300; ++round) {
    Bytes data(rng() % 700);
    for (auto& b : data) b = static_cast<std::uint8_t>(rng());
    Keccak256 k;
    Keccak256 s;
    std::size_t at = 0;
    while (at < data.size()) {
      const std::size_t n = std::min<std::size_t>(rng() % 150, data.size() - at);
      k.update(ByteView(data).subspan(at, n));
      s.update(ByteView(data).subspan(at, n));
      at += n;
    }
    ASSERT_EQ(k.finalize(), keccak256(data));
    ASSERT_EQ(s.finalize_sha3(), openssl_sha3_256(data));
  }
}

TEST(Keccak256, FinalizeResetsTheHasher) {
  Keccak256 k;
  k.update(as_bytes("abc"));
  (void)k.finalize();
  k.update(as_bytes("abc"));
  EXPECT_EQ(k.finalize(), keccak256(as_bytes("abc")));
}

// Random inputs for keccak256_many: lengths 0..700, with the rate boundaries (135/136/137, 272,
// 408, 544, 680) drawn often because that is where the lanes of one group diverge.
std::vector<Bytes> random_batch(std::mt19937_64& rng, std::size_t count) {
  constexpr std::size_t edges[] = {0, 1, 135, 136, 137, 271, 272, 273, 408, 544, 680};
  std::vector<Bytes> batch(count);
  for (auto& data : batch) {
    const std::size_t len =
        rng() % 3 == 0 ? edges[rng() % std::size(edges)] : static_cast<std::size_t>(rng() % 701);
    data.resize(len);
    for (auto& b : data) b = static_cast<std::uint8_t>(rng());
  }
  return batch;
}

// keccak256_many through the given kernel must equal keccak256 of every input, at its own index.
void expect_many_matches_scalar(detail::KeccakManyKernel kernel, const std::vector<Bytes>& batch) {
  std::vector<ByteView> in(batch.begin(), batch.end());
  // Pre-filled with a pattern no digest will have, so a skipped output shows up.
  std::vector<Hash> out(batch.size());
  for (auto& h : out) h.bytes.fill(0xee);
  ASSERT_TRUE(detail::keccak256_many_with(kernel, in, out));
  for (std::size_t i = 0; i < batch.size(); ++i) {
    ASSERT_EQ(out[i], keccak256(batch[i]))
        << "kernel " << static_cast<int>(kernel) << ", batch of " << batch.size() << ", input " << i
        << " of " << batch[i].size() << " bytes";
  }
}

// Every kernel this CPU can run, so a machine with AVX-512VL checks the AVX2 kernel too.
std::vector<detail::KeccakManyKernel> runnable_kernels() {
  std::vector<detail::KeccakManyKernel> kernels;
  for (auto k : {detail::KeccakManyKernel::scalar, detail::KeccakManyKernel::avx2,
                 detail::KeccakManyKernel::avx512}) {
    std::vector<Hash> none;
    if (detail::keccak256_many_with(k, {}, none)) kernels.push_back(k);
  }
  return kernels;
}

TEST(Keccak256Many, ChosenKernelIsRunnable) {
  const auto kernels = runnable_kernels();
  EXPECT_NE(std::find(kernels.begin(), kernels.end(), detail::keccak256_many_kernel()),
            kernels.end());
}

TEST(Keccak256Many, MatchesScalarForRandomMixedBatches) {
  std::mt19937_64 rng(0xba7c4);
  for (auto kernel : runnable_kernels()) {
    for (std::size_t count : {0, 1, 2, 3, 4, 5, 7, 8, 9, 17, 100}) {
      for (int round = 0; round < 20; ++round) {
        expect_many_matches_scalar(kernel, random_batch(rng, count));
      }
    }
  }
}

// Crosses the 256-input chunks keccak256_many sorts in, with leftovers of one, two and three.
TEST(Keccak256Many, MatchesScalarAcrossSortChunks) {
  std::mt19937_64 rng(0xc4a9);
  for (auto kernel : runnable_kernels()) {
    for (std::size_t count : {255, 256, 257, 258, 259, 513, 600}) {
      expect_many_matches_scalar(kernel, random_batch(rng, count));
    }
  }
}

TEST(Keccak256Many, MatchesScalarForIdenticalInputs) {
  std::mt19937_64 rng(11);
  for (auto kernel : runnable_kernels()) {
    for (std::size_t len : {0, 32, 136, 532}) {
      Bytes data(len);
      for (auto& b : data) b = static_cast<std::uint8_t>(rng());
      expect_many_matches_scalar(kernel, std::vector<Bytes>(9, data));
    }
  }
}

TEST(Keccak256Many, EmptyInputs) {
  const std::string empty_digest =
      "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470";
  for (auto kernel : runnable_kernels()) {
    // Default-constructed views carry a null pointer.
    const std::vector<ByteView> in(6);
    std::vector<Hash> out(in.size());
    ASSERT_TRUE(detail::keccak256_many_with(kernel, in, out));
    for (const Hash& h : out) EXPECT_EQ(hex_of(h), empty_digest);
    // Empty and non-empty inputs in one group.
    std::vector<Bytes> mixed = {Bytes{}, Bytes(200, 0xab), Bytes{}, Bytes(32, 0x01), Bytes{}};
    expect_many_matches_scalar(kernel, mixed);
  }
}

// The public entry point, through whichever kernel this CPU chose.
TEST(Keccak256Many, DefaultEntryPointMatchesScalar) {
  std::mt19937_64 rng(5);
  const std::vector<Bytes> batch = random_batch(rng, 37);
  std::vector<ByteView> in(batch.begin(), batch.end());
  std::vector<Hash> out(batch.size());
  keccak256_many(in, out);
  for (std::size_t i = 0; i < batch.size(); ++i) ASSERT_EQ(out[i], keccak256(batch[i])) << i;
  keccak256_many({}, {});
}

}  // namespace
}  // namespace rollup::crypto
