#include <gtest/gtest.h>
#include <secp256k1.h>
#include <secp256k1_recovery.h>

#include <random>

#include "rollup/base/hex.hpp"
#include "rollup/crypto/digests.hpp"
#include "rollup/crypto/keccak.hpp"
#include "rollup/crypto/secp256k1.hpp"

namespace rollup::crypto {
namespace {

SecretKey key_from_hex(std::string_view text) {
  auto bytes = hex::decode(text);
  EXPECT_TRUE(bytes);
  auto key = SecretKey::from_bytes(*bytes);
  EXPECT_TRUE(key);
  return *key;
}

// Address derivations published with the keys: the first account of the standard development
// mnemonic (anvil, Hardhat) and the web3.js documentation example key.
TEST(Secp256k1, AddressOfKnownKeys) {
  const auto dev = key_from_hex("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");
  EXPECT_EQ(hex::encode(address_of(*public_key(dev))), "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266");
  const auto doc = key_from_hex("0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318");
  EXPECT_EQ(hex::encode(address_of(*public_key(doc))), "0x2c7536e3605d9c16a7a3d7b1898e529396a65c23");
}

TEST(Secp256k1, SecretKeyRange) {
  EXPECT_EQ(SecretKey::from_bytes(Bytes(32, 0)).error(), Errc::invalid_secret_key);
  EXPECT_EQ(SecretKey::from_bytes(Bytes(31, 1)).error(), Errc::invalid_secret_key);
  const auto n = k_secp256k1_n.to_be();
  EXPECT_EQ(SecretKey::from_bytes(n).error(), Errc::invalid_secret_key);
  EXPECT_TRUE(SecretKey::from_bytes((k_secp256k1_n - 1).to_be()));
}

TEST(Secp256k1, SignRecoverRoundTripIsDeterministicAndLowS) {
  std::mt19937_64 rng(42);
  for (int i = 0; i < 200; ++i) {
    Bytes raw(32);
    for (auto& b : raw) b = static_cast<std::uint8_t>(rng());
    auto key = SecretKey::from_bytes(raw);
    if (!key) continue;  // astronomically unlikely; the range test covers the error path
    Hash msg;
    for (auto& b : msg.bytes) b = static_cast<std::uint8_t>(rng());
    auto sig = sign(msg, *key);
    ASSERT_TRUE(sig);
    EXPECT_LE(sig->s, k_secp256k1_half_n);
    auto again = sign(msg, *key);
    EXPECT_EQ(sig->r, again->r);  // RFC 6979: no randomness in the nonce
    EXPECT_EQ(sig->s, again->s);
    EXPECT_EQ(*recover_address(msg, *sig), address_of(*public_key(*key)));
    // A different message recovers some other key, never ours.
    Hash other = msg;
    other.bytes[0] ^= 1;
    auto wrong = recover_address(other, *sig);
    if (wrong) {
      EXPECT_NE(*wrong, address_of(*public_key(*key)));
    }
  }
}

TEST(Secp256k1, SignatureValueRules) {
  const uint256 n = k_secp256k1_n;
  const uint256 half = k_secp256k1_half_n;
  EXPECT_TRUE(check_signature_values(1, 1, true));
  EXPECT_TRUE(check_signature_values(n - 1, half, true));
  EXPECT_EQ(check_signature_values(0, 1, true).error(), Errc::invalid_signature);
  EXPECT_EQ(check_signature_values(1, 0, true).error(), Errc::invalid_signature);
  EXPECT_EQ(check_signature_values(n, 1, true).error(), Errc::invalid_signature);
  EXPECT_EQ(check_signature_values(1, n, false).error(), Errc::invalid_signature);
  EXPECT_EQ(check_signature_values(1, half + 1, true).error(), Errc::high_s);
  EXPECT_TRUE(check_signature_values(1, half + 1, false));
  EXPECT_EQ(half * 2 + 1, n);
}

TEST(Secp256k1, RecoveryRejectsBadInput) {
  Hash msg;
  msg.bytes[0] = 1;
  EXPECT_EQ(recover_address(msg, {1, 1, 2}).error(), Errc::invalid_recovery_id);
  EXPECT_EQ(recover_address(msg, {k_secp256k1_n, 1, 0}).error(), Errc::invalid_signature);
  EXPECT_FALSE(recover_address(msg, {0, 0, 0}));
}

// Our wrapper must give the same key as a bare libsecp256k1 call on the same inputs.
TEST(Secp256k1, AgreesWithBareLibrary) {
  const auto key = key_from_hex("0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318");
  const Hash msg = keccak256(as_bytes("rollupd"));
  const auto sig = *sign(msg, key);
  secp256k1_context* ctx = secp256k1_context_create(SECP256K1_CONTEXT_VERIFY);
  std::uint8_t compact[64];
  sig.r.to_be(std::span<std::uint8_t, 32>(compact, 32));
  sig.s.to_be(std::span<std::uint8_t, 32>(compact + 32, 32));
  secp256k1_ecdsa_recoverable_signature rsig;
  ASSERT_EQ(secp256k1_ecdsa_recoverable_signature_parse_compact(ctx, &rsig, compact, sig.y_parity), 1);
  secp256k1_pubkey pub;
  ASSERT_EQ(secp256k1_ecdsa_recover(ctx, &pub, &rsig, msg.data()), 1);
  std::uint8_t out[65];
  std::size_t len = 65;
  secp256k1_ec_pubkey_serialize(ctx, out, &len, &pub, SECP256K1_EC_UNCOMPRESSED);
  secp256k1_context_destroy(ctx);
  EXPECT_TRUE(equal(ByteView(out + 1, 64), recover_public_key(msg, sig)->view()));
}

// FIPS 180-2 and the RIPEMD-160 authors' test vectors.
TEST(Digests, KnownVectors) {
  EXPECT_EQ(hex::encode(sha256(as_bytes("abc")), false),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(hex::encode(sha256(as_bytes("")), false),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(hex::encode(ripemd160(as_bytes("abc")), false),
            "8eb208f7e05d987a9b044a8e98c6b087f15a0bfc");
  EXPECT_EQ(hex::encode(ripemd160(as_bytes("")), false),
            "9c1185a5c5e9fc54612808977ee8f548b2258d31");
}

}  // namespace
}  // namespace rollup::crypto
