#include "rollup/evm/precompiles.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <string>
#include <string_view>

#include "rollup/base/hex.hpp"
#include "rollup/base/uint256.hpp"
#include "rollup/crypto/keccak.hpp"
#include "rollup/crypto/secp256k1.hpp"
#include "support/hex.hpp"

namespace rollup::evm {
namespace {

constexpr std::uint64_t k_max_gas = std::numeric_limits<std::uint64_t>::max();

Address precompile(std::uint8_t n) {
  Address a;
  a.bytes[19] = n;
  return a;
}

Bytes from_hex(std::string_view text) {
  return testing::unhex(text);
}

PrecompileResult run(std::uint8_t n, ByteView input, std::uint64_t gas) {
  return run_precompile(precompile(n), input, gas);
}

PrecompileResult run(std::uint8_t n, std::string_view input_hex, std::uint64_t gas) {
  return run(n, from_hex(input_hex), gas);
}

std::string out_hex(const PrecompileResult& r) {
  return hex::encode(r.output, false);
}

// The 32-byte big-endian word of a number, as hex: for building inputs.
std::string word(const uint256& v) {
  return hex::encode(v.to_hash(), false);
}

void expect_success(const PrecompileResult& r, std::uint64_t gas_left, std::string_view output) {
  EXPECT_EQ(r.status, PrecompileStatus::success);
  EXPECT_EQ(r.gas_left, gas_left);
  EXPECT_EQ(out_hex(r), output);
}

// Out of gas and failure both leave nothing behind.
void expect_halt(const PrecompileResult& r, PrecompileStatus status) {
  EXPECT_EQ(r.status, status);
  EXPECT_EQ(r.gas_left, 0u);
  EXPECT_TRUE(r.output.empty());
}

// The cost boundary: exactly `cost` succeeds with nothing left, one less is out of gas, and more
// leaves the difference.
void expect_cost(std::uint8_t n, ByteView input, std::uint64_t cost) {
  EXPECT_EQ(run(n, input, cost).status, PrecompileStatus::success);
  EXPECT_EQ(run(n, input, cost).gas_left, 0u);
  EXPECT_EQ(run(n, input, cost + 1000).gas_left, 1000u);
  if (cost > 0) expect_halt(run(n, input, cost - 1), PrecompileStatus::out_of_gas);
}

TEST(Precompiles, IsPrecompile) {
  EXPECT_FALSE(is_precompile(precompile(0x00)));
  for (std::uint8_t n = 0x01; n <= 0x0a; ++n) EXPECT_TRUE(is_precompile(precompile(n))) << int{n};
  EXPECT_FALSE(is_precompile(precompile(0x0b)));
  EXPECT_FALSE(is_precompile(precompile(0xff)));
  Address high = precompile(0x01);
  high.bytes[0] = 0x01;  // 0x0100..0001 is an ordinary account
  EXPECT_FALSE(is_precompile(high));
}

// ---- 0x01 ecrecover ----

// geth's core/vm/testdata/precompiles/ecRecover.json, "ValidKey".
constexpr std::string_view k_ecrecover_valid =
    "18c547e4f7b0f325ad1e56f57e26c745b09a3e503d86e00e5255ff7f715d3d1c"
    "000000000000000000000000000000000000000000000000000000000000001c"
    "73b1693892219d736caba55bdb67216e485557ea6b6af75f37096c9aa6a5a75f"
    "eeb940b1d03b21e36b0e47e79769f095fe2ab855bd91e3a38756b7d75a9c4549";

TEST(Precompiles, EcrecoverValidKey) {
  const Bytes input = from_hex(k_ecrecover_valid);
  expect_success(run(0x01, input, 3000), 0,
                 "000000000000000000000000a94f5374fce5edbc8e2a8697c15331677e6ebf0b");
  expect_cost(0x01, input, 3000);
  // Bytes past the 128 are ignored.
  Bytes longer = input;
  longer.push_back(0x42);
  expect_success(run(0x01, longer, 3000), 0,
                 "000000000000000000000000a94f5374fce5edbc8e2a8697c15331677e6ebf0b");
}

// geth's ecRecover.json: a key that does not recover, and v words with stray high bits. All
// succeed, cost 3000 and return nothing.
TEST(Precompiles, EcrecoverInvalidSignaturesSucceedWithEmptyOutput) {
  for (std::string_view input : {
           "a8b53bdf3306a35a7103ab5504a0c9b492295564b6202b1942a84ef300107281"
           "000000000000000000000000000000000000000000000000000000000000001b"
           "3078356531653033663533636531386237373263636230303933666637316633"
           "6635336635633735623734646362333161383561613862383839326234653862"
           "1122334455667788991011121314151617181920212223242526272829303132",
           "18c547e4f7b0f325ad1e56f57e26c745b09a3e503d86e00e5255ff7f715d3d1c"
           "100000000000000000000000000000000000000000000000000000000000001c"
           "73b1693892219d736caba55bdb67216e485557ea6b6af75f37096c9aa6a5a75f"
           "eeb940b1d03b21e36b0e47e79769f095fe2ab855bd91e3a38756b7d75a9c4549",
           "18c547e4f7b0f325ad1e56f57e26c745b09a3e503d86e00e5255ff7f715d3d1c"
           "000000000000000000000000000000000000001000000000000000000000001c"
           "73b1693892219d736caba55bdb67216e485557ea6b6af75f37096c9aa6a5a75f"
           "eeb940b1d03b21e36b0e47e79769f095fe2ab855bd91e3a38756b7d75a9c4549",
       }) {
    expect_success(run(0x01, input, 3000), 0, "");
  }
  expect_success(run(0x01, Bytes{}, 3000), 0, "");  // all zeros: v = 0
  expect_halt(run(0x01, Bytes{}, 2999), PrecompileStatus::out_of_gas);
}

struct SignedInput {
  Hash hash;
  crypto::Signature sig;
  Address signer;
};

// A signature by one of 20 fixed keys over a hash that depends on i.
SignedInput sign_something(std::uint32_t i) {
  Bytes key_bytes(32, 0x11);
  key_bytes[31] = static_cast<std::uint8_t>(i % 20);
  const auto key = crypto::SecretKey::from_bytes(key_bytes);
  EXPECT_TRUE(key);
  SignedInput out;
  out.hash = crypto::keccak256(uint256{i}.to_hash().view());
  out.sig = *crypto::sign(out.hash, *key);
  out.signer = crypto::address_of(*crypto::public_key(*key));
  return out;
}

std::string ecrecover_input(const Hash& hash, const uint256& v, const uint256& r,
                            const uint256& s) {
  return hex::encode(hash, false) + word(v) + word(r) + word(s);
}

std::string padded_address(const Address& a) {
  return std::string(24, '0') + hex::encode(a, false);
}

TEST(Precompiles, EcrecoverOwnSignaturesIncludingHighS) {
  for (std::uint32_t i = 0; i < 20; ++i) {
    const SignedInput in = sign_something(i);
    const uint256 v = 27 + in.sig.y_parity;
    expect_success(run(0x01, ecrecover_input(in.hash, v, in.sig.r, in.sig.s), 5000), 2000,
                   padded_address(in.signer));
    // The same signature with s' = n - s and the other parity: a transaction would refuse it
    // (EIP-2), the precompile does not.
    const uint256 high_s = crypto::k_secp256k1_n - in.sig.s;
    ASSERT_GT(high_s, crypto::k_secp256k1_half_n);
    const uint256 other_v = 27 + (1 - in.sig.y_parity);
    expect_success(run(0x01, ecrecover_input(in.hash, other_v, in.sig.r, high_s), 3000), 0,
                   padded_address(in.signer));
    // The wrong parity recovers some other key (or none), never the signer.
    const auto wrong = run(0x01, ecrecover_input(in.hash, other_v, in.sig.r, in.sig.s), 3000);
    EXPECT_EQ(wrong.status, PrecompileStatus::success);
    EXPECT_NE(out_hex(wrong), padded_address(in.signer));
  }
}

TEST(Precompiles, EcrecoverRefusedValuesGiveEmptyOutput) {
  const SignedInput in = sign_something(7);
  const uint256 v = 27 + in.sig.y_parity;
  const uint256& n = crypto::k_secp256k1_n;
  for (const uint256& bad_v : {uint256{0}, uint256{1}, uint256{26}, uint256{29}, uint256{27 + 256},
                               v + (uint256{1} << 255)}) {
    expect_success(run(0x01, ecrecover_input(in.hash, bad_v, in.sig.r, in.sig.s), 3000), 0, "");
  }
  expect_success(run(0x01, ecrecover_input(in.hash, v, 0, in.sig.s), 3000), 0, "");  // r = 0
  expect_success(run(0x01, ecrecover_input(in.hash, v, in.sig.r, 0), 3000), 0, "");  // s = 0
  expect_success(run(0x01, ecrecover_input(in.hash, v, n, in.sig.s), 3000), 0, "");  // r = n
  expect_success(run(0x01, ecrecover_input(in.hash, v, in.sig.r, n), 3000), 0, "");  // s = n
  expect_success(run(0x01, ecrecover_input(in.hash, v, in.sig.r, n + 1), 3000), 0, "");
  expect_success(run(0x01, ecrecover_input(in.hash, v, in.sig.r, uint256::max()), 3000), 0, "");
  // s = n - 1 is in range, so the call goes on to recovery like any other in-range value.
  EXPECT_EQ(run(0x01, ecrecover_input(in.hash, v, in.sig.r, n - 1), 3000).status,
            PrecompileStatus::success);
}

// Input shorter than 128 bytes is right-padded with zeros: a signature whose s ends in a zero byte
// recovers the same address with that byte cut off.
TEST(Precompiles, EcrecoverShortInputIsZeroPadded) {
  // About 1 signature in 256 has one; signing is deterministic, so the search always ends alike.
  for (std::uint32_t i = 0;; ++i) {
    ASSERT_LT(i, 10'000u) << "no signature with a zero last byte";
    const SignedInput in = sign_something(i);
    if (in.sig.s.low64() & 0xff) continue;
    const Bytes full = from_hex(ecrecover_input(in.hash, 27 + in.sig.y_parity, in.sig.r, in.sig.s));
    const ByteView cut(full.data(), 127);
    expect_success(run(0x01, cut, 3000), 0, padded_address(in.signer));
    break;
  }
}

// ---- 0x02 sha256, 0x03 ripemd160, 0x04 identity ----

// Digests: FIPS 180-4's SHA-256 examples (""; "abc") and the RIPEMD-160 authors' published test
// values (Dobbertin, Bosselaers, Preneel).
TEST(Precompiles, Sha256) {
  expect_success(run(0x02, Bytes{}, 60), 0,
                 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  expect_success(run(0x02, as_bytes("abc"), 100), 28,
                 "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  expect_cost(0x02, Bytes{}, 60);
  expect_cost(0x02, Bytes(1, 0), 72);
  expect_cost(0x02, Bytes(32, 0), 72);
  expect_cost(0x02, Bytes(33, 0), 84);
  expect_cost(0x02, Bytes(1024, 0), 60 + 12 * 32);
}

TEST(Precompiles, Ripemd160IsLeftPaddedTo32Bytes) {
  expect_success(run(0x03, Bytes{}, 600), 0,
                 "0000000000000000000000009c1185a5c5e9fc54612808977ee8f548b2258d31");
  expect_success(run(0x03, as_bytes("abc"), 1000), 280,
                 "0000000000000000000000008eb208f7e05d987a9b044a8e98c6b087f15a0bfc");
  expect_cost(0x03, Bytes{}, 600);
  expect_cost(0x03, Bytes(32, 0), 720);
  expect_cost(0x03, Bytes(33, 0), 840);
}

TEST(Precompiles, Identity) {
  expect_success(run(0x04, Bytes{}, 15), 0, "");
  expect_success(run(0x04, as_bytes("abc"), 20), 2, "616263");
  expect_cost(0x04, Bytes{}, 15);
  expect_cost(0x04, Bytes(32, 7), 18);
  expect_cost(0x04, Bytes(33, 7), 21);
  const Bytes big(100'000, 0xab);
  const auto r = run(0x04, big, 15 + 3 * 3125);
  EXPECT_EQ(r.status, PrecompileStatus::success);
  EXPECT_EQ(r.output, big);
}

// ---- 0x05 modexp ----

std::string modexp_input(const uint256& base_len, const uint256& exp_len, const uint256& mod_len,
                         std::string_view rest = "") {
  return word(base_len) + word(exp_len) + word(mod_len) + std::string(rest);
}

struct ModexpVector {
  std::string_view name;
  std::string_view input;
  std::string_view expected;
  std::uint64_t gas;
};

// geth's core/vm/testdata/precompiles/modexp_eip2565.json (EIP-2565 prices): EIP-198's two
// examples and some of the nagydani cases.
constexpr ModexpVector k_modexp_vectors[] = {
    {"eip_example1",
     "0000000000000000000000000000000000000000000000000000000000000001"
     "0000000000000000000000000000000000000000000000000000000000000020"
     "0000000000000000000000000000000000000000000000000000000000000020"
     "03fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc"
     "2efffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc"
     "2f",
     "0000000000000000000000000000000000000000000000000000000000000001", 1360},
    {"eip_example2",
     "0000000000000000000000000000000000000000000000000000000000000000"
     "0000000000000000000000000000000000000000000000000000000000000020"
     "0000000000000000000000000000000000000000000000000000000000000020"
     "fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2e"
     "fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f",
     "0000000000000000000000000000000000000000000000000000000000000000", 1360},
    {"nagydani-1-square",
     "0000000000000000000000000000000000000000000000000000000000000040"
     "0000000000000000000000000000000000000000000000000000000000000001"
     "0000000000000000000000000000000000000000000000000000000000000040"
     "e09ad9675465c53a109fac66a445c91b292d2bb2c5268addb30cd82f80fcb003"
     "3ff97c80a5fc6f39193ae969c6ede6710a6b7ac27078a06d90ef1c72e5c85fb5"
     "02fc9e1f6beb81516545975218075ec2af118cd8798df6e08a147c60fd6095ac"
     "2bb02c2908cf4dd7c81f11c289e4bce98f3553768f392a80ce22bf5c4f4a248c"
     "6b",
     "60008f1614cc01dcfb6bfb09c625cf90b47d4468db81b5f8b7a39d42f332eab9"
     "b2da8f2d95311648a8f243f4bb13cfb3d8f7f2a3c014122ebb3ed41b02783adc",
     200},
    {"nagydani-1-qube",
     "0000000000000000000000000000000000000000000000000000000000000040"
     "0000000000000000000000000000000000000000000000000000000000000001"
     "0000000000000000000000000000000000000000000000000000000000000040"
     "e09ad9675465c53a109fac66a445c91b292d2bb2c5268addb30cd82f80fcb003"
     "3ff97c80a5fc6f39193ae969c6ede6710a6b7ac27078a06d90ef1c72e5c85fb5"
     "03fc9e1f6beb81516545975218075ec2af118cd8798df6e08a147c60fd6095ac"
     "2bb02c2908cf4dd7c81f11c289e4bce98f3553768f392a80ce22bf5c4f4a248c"
     "6b",
     "4834a46ba565db27903b1c720c9d593e84e4cbd6ad2e64b31885d944f68cd801"
     "f92225a8961c952ddf2797fa4701b330c85c4b363798100b921a1a22a46a7fec",
     200},
    {"nagydani-1-pow0x10001",
     "0000000000000000000000000000000000000000000000000000000000000040"
     "0000000000000000000000000000000000000000000000000000000000000003"
     "0000000000000000000000000000000000000000000000000000000000000040"
     "e09ad9675465c53a109fac66a445c91b292d2bb2c5268addb30cd82f80fcb003"
     "3ff97c80a5fc6f39193ae969c6ede6710a6b7ac27078a06d90ef1c72e5c85fb5"
     "010001fc9e1f6beb81516545975218075ec2af118cd8798df6e08a147c60fd60"
     "95ac2bb02c2908cf4dd7c81f11c289e4bce98f3553768f392a80ce22bf5c4f4a"
     "248c6b",
     "c36d804180c35d4426b57b50c5bfcca5c01856d104564cd513b461d3c8b84091"
     "28a5573e416d0ebe38f5f736766d9dc27143e4da981dfa4d67f7dc474cbee6d2",
     341},
    {"nagydani-2-pow0x10001",
     "0000000000000000000000000000000000000000000000000000000000000080"
     "0000000000000000000000000000000000000000000000000000000000000003"
     "0000000000000000000000000000000000000000000000000000000000000080"
     "cad7d991a00047dd54d3399b6b0b937c718abddef7917c75b6681f40cc15e2be"
     "0003657d8d4c34167b2f0bbbca0ccaa407c2a6a07d50f1517a8f22979ce12a81"
     "dcaf707cc0cebfc0ce2ee84ee7f77c38b9281b9822a8d3de62784c089c9b18dc"
     "b9a2a5eecbede90ea788a862a9ddd9d609c2c52972d63e289e28f6a590ffbf51"
     "010001e6d893b80aeed5e6e9ce9afa8a5d5675c93a32ac05554cb20e9951b2c1"
     "40e3ef4e433068cf0fb73bc9f33af1853f64aa27a0028cbf570d7ac9048eae5d"
     "c7b28c87c31e5810f1e7fa2cda6adf9f1076dbc1ec1238560071e7efc4e9565c"
     "49be9e7656951985860a558a754594115830bcdb421f741408346dd5997bb01c"
     "287087",
     "ad85e8ef13fd1dd46eae44af8b91ad1ccae5b7a1c92944f92a19f21b0b658139"
     "e0cabe9c1f679507c2de354bf2c91ebd965d1e633978a830d517d2f6f8dd5fd5"
     "8065d58559de7e2334a878f8ec6992d9b9e77430d4764e863d77c0f87beede8f"
     "2f7f2ab2e7222f85cc9d98b8467f4bb72e87ef2882423ebdb6daf02dddac6db2",
     1365},
};

TEST(Precompiles, ModexpGethVectors) {
  for (const ModexpVector& v : k_modexp_vectors) {
    SCOPED_TRACE(v.name);
    const Bytes input = from_hex(v.input);
    expect_success(run(0x05, input, v.gas), 0, v.expected);
    expect_cost(0x05, input, v.gas);
  }
}

// EIP-198's third to fifth examples: inputs that end early are read as if padded with zeros, bytes
// past the declared lengths are ignored, and an absurd modulus length is priced out.
TEST(Precompiles, ModexpEip198PaddingExamples) {
  const std::string_view result =
      "3b01b01ac41f2d6e917c6d6a221ce793802469026d9ab7578fa2e79e4da6aaab";
  // base 3 (1 byte), exponent 0xffff (2 bytes), modulus 2^255 (32 bytes) given in full plus a
  // stray byte, then with the modulus cut to its first byte.
  const std::string full = modexp_input(1, 2, 32, "03ffff" + word(uint256{1} << 255) + "07");
  const std::string cut = modexp_input(1, 2, 32, "03ffff80");
  // Price: ceil(32 / 8)^2 = 16 times 15 iterations (0xffff has 16 bits), / 3 = 80, so the floor.
  expect_success(run(0x05, full, 200), 0, result);
  expect_success(run(0x05, cut, 200), 0, result);
  expect_cost(0x05, from_hex(cut), 200);

  const std::string huge_mod =
      modexp_input(0, 32, uint256::max(),
                   "fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2e"
                   "fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f");
  expect_halt(run(0x05, huge_mod, k_max_gas), PrecompileStatus::out_of_gas);
}

TEST(Precompiles, ModexpZeroLengths) {
  // No input at all, or explicit zero lengths: the floor price and no output.
  expect_success(run(0x05, Bytes{}, 200), 0, "");
  expect_cost(0x05, Bytes{}, 200);
  expect_success(run(0x05, modexp_input(0, 0, 0), 200), 0, "");
  // base and modulus empty: the multiplication complexity is 0, so even a 2^256 - 1 byte exponent
  // costs only the floor, and none of it is read.
  expect_success(run(0x05, modexp_input(0, uint256::max(), 0), 200), 0, "");
  expect_cost(0x05, from_hex(modexp_input(0, uint256::max(), 0)), 200);
  // An empty modulus gives an empty result whatever the base and exponent.
  expect_success(run(0x05, modexp_input(1, 1, 0, "0303"), 200), 0, "");
  // An empty base is zero: 0^1 mod 7 = 0, 0^0 mod 7 = 1.
  expect_success(run(0x05, modexp_input(0, 1, 1, "0107"), 200), 0, "00");
  expect_success(run(0x05, modexp_input(0, 0, 1, "07"), 200), 0, "01");
  // A zero modulus of nonzero length gives that many zero bytes.
  expect_success(run(0x05, modexp_input(1, 1, 3, "0203000000"), 200), 0, "000000");
  expect_success(run(0x05, modexp_input(1, 1, 3, "0203"), 200), 0, "000000");
}

// Lengths that would need gigabytes or more: priced at more than any gas, refused before anything
// is allocated (2^64 - 1 gas is offered, so only the price stops them).
TEST(Precompiles, ModexpHugeLengthsAreOutOfGasWithoutAllocating) {
  const uint256 big = uint256{1} << 64;
  for (const std::string& input : {
           modexp_input(uint256::max(), 0, 0), modexp_input(0, 0, uint256::max()),
           modexp_input(uint256::max(), uint256::max(), uint256::max()),
           modexp_input(1, uint256::max(), 1, "0201"), modexp_input(big, 1, 1),
           modexp_input(1, 1, big), modexp_input(1, big, 1),
           modexp_input(uint256{1} << 40, 1, 1),  // 2^74 multiplication complexity
       }) {
    expect_halt(run(0x05, input, k_max_gas), PrecompileStatus::out_of_gas);
  }
  // A price that fits in 64 bits but exceeds a block: 1 MiB modulus, 2^34 complexity.
  const std::string mib = modexp_input(0, 0, uint256{1} << 20);
  expect_halt(run(0x05, mib, 30'000'000), PrecompileStatus::out_of_gas);
}

// The iteration count reads only the first min(32, exp_len) bytes of the exponent.
TEST(Precompiles, ModexpExponentHeadPricing) {
  const std::string mod256(512, 'f');  // a 256-byte modulus: complexity 32^2 = 1024
  // exp_len 1, exponent 1: 1 iteration, 1024 / 3 = 341. The modulus's 0xff bytes right after the
  // exponent must not count as part of its head.
  expect_cost(0x05, from_hex(modexp_input(0, 1, 256, "01" + mod256)), 341);
  // exp_len 3, exponent 0x010000: 17 bits, 16 iterations, 1024 * 16 / 3 = 5461.
  expect_cost(0x05, from_hex(modexp_input(0, 3, 256, "010000" + mod256)), 5461);
  // exp_len 40, head 0x01 then 31 zero bytes: 8 * (40 - 32) + 248 = 312 iterations.
  const std::string exp40 = "01" + std::string(78, '0');
  expect_cost(0x05, from_hex(modexp_input(0, 40, 256, exp40 + mod256)), 1024 * 312 / 3);
  // exp_len 40, all zeros: only the length counts, 64 iterations.
  expect_cost(0x05, from_hex(modexp_input(0, 40, 256, std::string(80, '0') + mod256)),
              1024 * 64 / 3);
  // The exponent lies past the end of the input: its head is zero, and the count is 1.
  expect_cost(0x05, from_hex(modexp_input(0, 32, 256)), 341);
  // A base length that puts the exponent beyond any input is the same.
  const std::string far = modexp_input(uint256{1} << 10, 32, 0);
  expect_cost(0x05, from_hex(far), 128 * 128 / 3);
}

// Results against a plain reference for a few shapes, through the precompile's own parsing.
TEST(Precompiles, ModexpResults) {
  // 2^10 mod 1000 = 24, modulus with leading zeros keeps its width.
  expect_success(run(0x05, modexp_input(1, 1, 4, "020a000003e8"), 200), 0, "00000018");
  // Modulus 1: always zero.
  expect_success(run(0x05, modexp_input(1, 1, 1, "050501"), 200), 0, "00");
  // A base longer than the modulus: 0x0100 mod 0xff = 1, so 1^e = 1.
  expect_success(run(0x05, modexp_input(2, 1, 1, "010009ff"), 200), 0, "01");
}

// ---- 0x09 blake2f ----

// EIP-152's test vectors (https://eips.ethereum.org/EIPS/eip-152); vectors 4 to 8 share all but
// the round count (first 4 bytes) and the final flag (last byte).
constexpr std::string_view k_blake2f_body =
    "48c9bdf267e6096a3ba7ca8485ae67bb2bf894fe72f36e3cf1361d5f3af54fa5"
    "d182e6ad7f520e511f6c3e2b8c68059b6bbd41fbabd9831f79217e1319cde05b"
    "6162630000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000"
    "03000000000000000000000000000000";

Bytes blake2f_input(std::string_view rounds, std::string_view flag) {
  return from_hex(std::string(rounds) + std::string(k_blake2f_body) + std::string(flag));
}

TEST(Precompiles, Blake2fVectors) {
  expect_success(run(0x09, blake2f_input("0000000c", "01"), 12), 0,
                 "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d1"
                 "7d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923");
  expect_success(run(0x09, blake2f_input("0000000c", "00"), 12), 0,
                 "75ab69d3190a562c51aef8d88f1c2775876944407270c42c9844252c26d28752"
                 "98743e7f6d5ea2f2d3e8d226039cd31b4e426ac4f2d3d666a610c2116fde4735");
  expect_success(run(0x09, blake2f_input("00000001", "01"), 1), 0,
                 "b63a380cb2897d521994a85234ee2c181b5f844d2c624c002677e9703449d2fb"
                 "a551b3a8333bcdf5f2f7e08993d53923de3d64fcc68c034e717b9293fed7a421");
  // Zero rounds cost nothing.
  expect_success(run(0x09, blake2f_input("00000000", "01"), 0), 0,
                 "08c9bcf367e6096a3ba7ca8485ae67bb2bf894fe72f36e3cf1361d5f3af54fa5"
                 "d282e6ad7f520e511f6c3e2b8c68059b9442be0454267ce079217e1319cde05b");
  expect_cost(0x09, blake2f_input("0000000c", "01"), 12);
  expect_cost(0x09, blake2f_input("00000000", "01"), 0);
}

// The cost of 2^32 - 1 rounds is charged before any round runs, so asking with less gas is cheap.
TEST(Precompiles, Blake2fMaxRoundsOutOfGasWithoutRunning) {
  expect_halt(run(0x09, blake2f_input("ffffffff", "01"), 0xfffffffe), PrecompileStatus::out_of_gas);
}

// EIP-152's vectors 0 to 3: lengths other than 213 and a flag other than 0 or 1 are failures.
TEST(Precompiles, Blake2fRefusedInputs) {
  const Bytes good = blake2f_input("0000000c", "01");
  expect_halt(run(0x09, Bytes{}, 1'000'000), PrecompileStatus::failure);  // vector 0
  expect_halt(run(0x09, ByteView(good).first(212), 1'000'000), PrecompileStatus::failure);
  Bytes longer = good;
  longer.push_back(0);
  expect_halt(run(0x09, longer, 1'000'000), PrecompileStatus::failure);
  // Vector 1 and 2 proper: the round count written in 3 and 5 bytes.
  expect_halt(run(0x09, from_hex("00000c" + std::string(k_blake2f_body) + "01"), 1'000'000),
              PrecompileStatus::failure);
  expect_halt(run(0x09, from_hex("000000000c" + std::string(k_blake2f_body) + "01"), 1'000'000),
              PrecompileStatus::failure);
  expect_halt(run(0x09, blake2f_input("0000000c", "02"), 1'000'000),  // vector 3
              PrecompileStatus::failure);
  expect_halt(run(0x09, blake2f_input("0000000c", "ff"), 1'000'000), PrecompileStatus::failure);
  // The length is checked before gas is charged, the flag after (execution-specs' order).
  expect_halt(run(0x09, Bytes{}, 0), PrecompileStatus::failure);
  expect_halt(run(0x09, blake2f_input("0000000c", "02"), 11), PrecompileStatus::out_of_gas);
}

// ---- 0x06-0x08: bn254 at EIP-1108 prices (the curve arithmetic has its own tests in crypto) ----

TEST(Precompiles, Bn254PricesAndShapes) {
  // G1's generator (1, 2): added to infinity (short input pads with zeros) it is itself.
  const std::string g1 = word(1) + word(2);
  expect_success(run(0x06, g1, 150), 0, g1);
  expect_halt(run(0x06, g1, 149), PrecompileStatus::out_of_gas);
  // 1 * G = G; times 0 is infinity, 64 zero bytes.
  expect_success(run(0x07, g1 + word(1), 6000), 0, g1);
  expect_success(run(0x07, g1, 7000), 1000, std::string(128, '0'));
  expect_halt(run(0x07, g1 + word(1), 5999), PrecompileStatus::out_of_gas);
  // A point off the curve is a failure that takes all the gas.
  expect_halt(run(0x06, word(1) + word(3), 1000), PrecompileStatus::failure);
  // Pairing: the empty product is one; a pair of infinities costs one pair and is one too.
  const std::string one = word(1);
  expect_success(run(0x08, Bytes{}, 45000), 0, one);
  expect_success(run(0x08, Bytes(192, 0), 79000), 0, one);
  expect_halt(run(0x08, Bytes(192, 0), 78999), PrecompileStatus::out_of_gas);
  // A length that is not a whole number of pairs fails, after the gas for the whole pairs.
  expect_halt(run(0x08, Bytes(191, 0), 1'000'000), PrecompileStatus::failure);
  expect_halt(run(0x08, Bytes(193, 0), 78999), PrecompileStatus::out_of_gas);
}

// ---- 0x0a: KZG point evaluation (EIP-4844) ----

// Calls from execution-spec-tests' point_evaluation_precompile_external_vectors (GeneralStateTests
// Pyspecs/cancun/eip4844_blobs), which wrap the consensus-spec-tests verify_kzg_proof vectors:
// versioned_hash || z || y || commitment || proof.
const std::string k_kzg_vh = "01e798154708fe7789429634053cbf9f99b619f9f084048927333fce637f549b";
const std::string k_kzg_z = "73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000000";
const std::string k_kzg_y = "1522a4a7f34e1ea350ae07c29c96c7e79655aa926122e95fe69fcbd932ca49e9";
const std::string k_kzg_commitment =
    "8f59a8d2a1a625a17f3fea0fe5eb8c896db3764f3185481bc22f91b4aaffcca25f26936857bc3a7c2539ea8ec3a952"
    "b7";
const std::string k_kzg_proof =  // correct_proof_31ebd010e6098750
    "a62ad71d14c5719385c0686f1871430475bf3a00f0aa3f7b8dd99a9abc2160744faf0070725e00b60ad9a026a15b1a"
    "8c";
const std::string k_kzg_wrong_proof =  // incorrect_proof_31ebd010e6098750
    "b9b65c2ebc89e669cf19e82fb178f0d1e9c958edbebe9ead62e97e95e2dcdc4972729fb9661f0cae3532b71b2664a8"
    "c1";
// The point at infinity as commitment and proof: the zero polynomial, 0 at every z.
const std::string k_kzg_infinity = "c0" + std::string(94, '0');
const std::string k_kzg_infinity_vh =
    "010657f37554c781402a22917dee2f75def7ab966d7b770905398eba3c444014";
// FIELD_ELEMENTS_PER_BLOB and BLS_MODULUS, the output of every successful call.
const std::string k_kzg_output =
    word(4096) + "73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001";

TEST(Precompiles, KzgPointEvaluation) {
  const std::string good = k_kzg_vh + k_kzg_z + k_kzg_y + k_kzg_commitment + k_kzg_proof;
  expect_success(run(0x0a, good, 50000), 0, k_kzg_output);
  expect_success(run(0x0a, good, 1'000'000), 950000, k_kzg_output);
  expect_halt(run(0x0a, good, 49999), PrecompileStatus::out_of_gas);
  const std::string zero_poly =
      k_kzg_infinity_vh + word(2) + word(0) + k_kzg_infinity + k_kzg_infinity;
  expect_success(run(0x0a, zero_poly, 50000), 0, k_kzg_output);
}

TEST(Precompiles, KzgPointEvaluationFailures) {
  const std::string tail = k_kzg_commitment + k_kzg_proof;
  // A proof that does not hold, and a claimed value off by one.
  expect_halt(
      run(0x0a, k_kzg_vh + k_kzg_z + k_kzg_y + k_kzg_commitment + k_kzg_wrong_proof, 1'000'000),
      PrecompileStatus::failure);
  expect_halt(run(0x0a, k_kzg_vh + k_kzg_z + word(1) + tail, 1'000'000), PrecompileStatus::failure);
  // The versioned hash must be the commitment's, version byte included.
  std::string vh = k_kzg_vh;
  vh[1] = '2';
  expect_halt(run(0x0a, vh + k_kzg_z + k_kzg_y + tail, 1'000'000), PrecompileStatus::failure);
  expect_halt(run(0x0a, word(0) + k_kzg_z + k_kzg_y + tail, 1'000'000), PrecompileStatus::failure);
  // z or y not below the BLS modulus.
  const std::string r = "73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001";
  expect_halt(run(0x0a, k_kzg_vh + r + k_kzg_y + tail, 1'000'000), PrecompileStatus::failure);
  expect_halt(run(0x0a, k_kzg_vh + k_kzg_z + r + tail, 1'000'000), PrecompileStatus::failure);
  // A proof that is not a valid point, even with a versioned hash that matches.
  expect_halt(
      run(0x0a, k_kzg_vh + k_kzg_z + k_kzg_y + k_kzg_commitment + std::string(96, '0'), 1'000'000),
      PrecompileStatus::failure);
  // Exactly 192 bytes: one short, one over, none.
  const Bytes good = from_hex(k_kzg_vh + k_kzg_z + k_kzg_y + tail);
  expect_halt(run(0x0a, ByteView(good).first(191), 1'000'000), PrecompileStatus::failure);
  Bytes longer = good;
  longer.push_back(0);
  expect_halt(run(0x0a, longer, 1'000'000), PrecompileStatus::failure);
  expect_halt(run(0x0a, Bytes{}, 1'000'000), PrecompileStatus::failure);
  expect_halt(run(0x0a, Bytes(192, 0), 1'000'000), PrecompileStatus::failure);
}

}  // namespace
}  // namespace rollup::evm
