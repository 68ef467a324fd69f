#include "rollup/crypto/kzg.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "rollup/base/hex.hpp"
#include "rollup/base/uint256.hpp"
#include "rollup/crypto/bls12_381.hpp"
#include "support/hex.hpp"

namespace rollup::crypto {
namespace {

using testing::unhex;

const uint256 k_r = uint256::from_words(0x73eda753299d7d48, 0x3339d80809a1d805, 0x53bda402fffe5bfe,
                                        0xffffffff00000001);

// "true", "false" or "error: <detail>".
std::string verify(const kzg::Bytes48& commitment, const Hash& z, const Hash& y,
                   const kzg::Bytes48& proof) {
  auto r = kzg::verify_kzg_proof(commitment, z, y, proof);
  if (!r) {
    EXPECT_EQ(r.error(), Errc::invalid_curve_point);
    return "error: " + r.error().detail();
  }
  return *r ? "true" : "false";
}

struct Vector {
  const char* name;
  const char* commitment;
  const char* z;
  const char* y;
  const char* proof;
  const char* expected;  // "true", "false" or "error" (the specs' null output)
};

// The consensus-spec-tests verify_kzg_proof vectors (kzg-mainnet), by case name: c-kzg-4844 keeps
// them as tests/verify_kzg_proof/kzg-mainnet/<name>/data.yaml, and execution-spec-tests turned
// them into the GeneralStateTests point_evaluation_precompile_external_vectors.json.
const Vector k_vectors[] = {
    {"correct_proof_31ebd010e6098750",
     "8f59a8d2a1a625a17f3fea0fe5eb8c896db3764f3185481bc22f91b4aaffcca25f26936857bc3a7c2539ea8ec3a95"
     "2b7",
     "73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000000",
     "1522a4a7f34e1ea350ae07c29c96c7e79655aa926122e95fe69fcbd932ca49e9",
     "a62ad71d14c5719385c0686f1871430475bf3a00f0aa3f7b8dd99a9abc2160744faf0070725e00b60ad9a026a15b1"
     "a8c",
     "true"},
    {"correct_proof_f7f44e1e864aa967",
     "8f59a8d2a1a625a17f3fea0fe5eb8c896db3764f3185481bc22f91b4aaffcca25f26936857bc3a7c2539ea8ec3a95"
     "2b7",
     "0000000000000000000000000000000000000000000000000000000000000000",
     "61157104410181bdc6eac224aa9436ac268bdcfeecb6badf71d228adda820af3",
     "809adfa8b078b0921cdb8696ca017a0cc2d5337109016f36a766886eade28d32f205311ff5def247c3ddba91896fa"
     "e97",
     "true"},
    {"correct_proof_e68d7111a2364a49",
     "8f59a8d2a1a625a17f3fea0fe5eb8c896db3764f3185481bc22f91b4aaffcca25f26936857bc3a7c2539ea8ec3a95"
     "2b7",
     "0000000000000000000000000000000000000000000000000000000000000002",
     "549345dd3612e36fab0ab7baffe3faa5b820d56b71348c89ecaf63f7c4f85370",
     "a35c4f136a09a33c6437c26dc0c617ce6548a14bc4af7127690a411f5e1cde2f73157365212dbcea6432e0e7869cb"
     "006",
     "true"},
    {"correct_proof_c5e1490d672d026d",
     "8f59a8d2a1a625a17f3fea0fe5eb8c896db3764f3185481bc22f91b4aaffcca25f26936857bc3a7c2539ea8ec3a95"
     "2b7",
     "564c0a11a0f704f4fc3e8acfe0f8245f0ad1347b378fbf96e206da11a5d36306",
     "24d25032e67a7e6a4910df5834b8fe70e6bcfeeac0352434196bdf4b2485d5a1",
     "873033e038326e87ed3e1276fd140253fa08e9fc25fb2d9a98527fc22a2c9612fbeafdad446cbc7bcdbdcd780af2c"
     "16a",
     "true"},
    {"correct_proof_point_at_infinity_for_zero_poly_3ac8dc31e9aa6a70",
     "c00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
     "000",
     "73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000000",
     "0000000000000000000000000000000000000000000000000000000000000000",
     "c00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
     "000",
     "true"},
    {"incorrect_proof_31ebd010e6098750",
     "8f59a8d2a1a625a17f3fea0fe5eb8c896db3764f3185481bc22f91b4aaffcca25f26936857bc3a7c2539ea8ec3a95"
     "2b7",
     "73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000000",
     "1522a4a7f34e1ea350ae07c29c96c7e79655aa926122e95fe69fcbd932ca49e9",
     "b9b65c2ebc89e669cf19e82fb178f0d1e9c958edbebe9ead62e97e95e2dcdc4972729fb9661f0cae3532b71b2664a"
     "8c1",
     "false"},
    {"incorrect_proof_392169c16a2e5ef6",
     "a421e229565952cfff4ef3517100a97da1d4fe57956fa50a442f92af03b1bf37adacc8ad4ed209b31287ea5bb94d9"
     "d06",
     "73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000000",
     "304962b3598a0adf33189fdfd9789feab1096ff40006900400000003fffffffc",
     "b08a5afbb1717334e08e05576b07bff58e8851d8cfd9ea71da1ab4233ad4217cffabd669dfa89c3ebf4c44f91694a"
     "2f4",
     "false"},
    {"incorrect_proof_f7f44e1e864aa967",
     "8f59a8d2a1a625a17f3fea0fe5eb8c896db3764f3185481bc22f91b4aaffcca25f26936857bc3a7c2539ea8ec3a95"
     "2b7",
     "0000000000000000000000000000000000000000000000000000000000000000",
     "61157104410181bdc6eac224aa9436ac268bdcfeecb6badf71d228adda820af3",
     "a1d8f2a5ab22acdfc1a9492ee2e1c2cbde681b51b312bf718821937e5088cd8ee002b718264027d10c5c5855dabe0"
     "353",
     "false"},
    {"invalid_commitment_32afa9561a4b3b91",
     "8123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abc"
     "def",
     "0000000000000000000000000000000000000000000000000000000000000001",
     "1824b159acc5056f998c4fefecbc4ff55884b7fa0003480200000001fffffffe",
     "b0c829a8d2d3405304fecbea193e6c67f7c3912a6adc7c3737ad3f8a3b750425c1531a7426f03033a3994bc82a106"
     "09f",
     "error"},
    {"invalid_commitment_e9d3e9ec16fbc15f",
     "8123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abc"
     "de0",
     "0000000000000000000000000000000000000000000000000000000000000001",
     "1824b159acc5056f998c4fefecbc4ff55884b7fa0003480200000001fffffffe",
     "b0c829a8d2d3405304fecbea193e6c67f7c3912a6adc7c3737ad3f8a3b750425c1531a7426f03033a3994bc82a106"
     "09f",
     "error"},
    {"invalid_proof_32afa9561a4b3b91",
     "a421e229565952cfff4ef3517100a97da1d4fe57956fa50a442f92af03b1bf37adacc8ad4ed209b31287ea5bb94d9"
     "d06",
     "0000000000000000000000000000000000000000000000000000000000000001",
     "1824b159acc5056f998c4fefecbc4ff55884b7fa0003480200000001fffffffe",
     "8123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abc"
     "def",
     "error"},
    {"invalid_proof_e9d3e9ec16fbc15f",
     "a421e229565952cfff4ef3517100a97da1d4fe57956fa50a442f92af03b1bf37adacc8ad4ed209b31287ea5bb94d9"
     "d06",
     "0000000000000000000000000000000000000000000000000000000000000001",
     "1824b159acc5056f998c4fefecbc4ff55884b7fa0003480200000001fffffffe",
     "8123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abc"
     "de0",
     "error"},
    {"invalid_z_eb0601fec84cc5e9",  // z == r
     "8f59a8d2a1a625a17f3fea0fe5eb8c896db3764f3185481bc22f91b4aaffcca25f26936857bc3a7c2539ea8ec3a95"
     "2b7",
     "73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001",
     "60f840641ec0d0c0d2b77b2d5a393b329442721fad05ab78c7b98f2aa3c20ec9",
     "b30b3d1e4faccc380557792c9a0374d58fa286f5f75fea48870585393f890909cd3c53cfe4897e799fb211b4be531"
     "e43",
     "error"},
    {"invalid_z_35d08d612aad2197",
     "8f59a8d2a1a625a17f3fea0fe5eb8c896db3764f3185481bc22f91b4aaffcca25f26936857bc3a7c2539ea8ec3a95"
     "2b7",
     "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
     "60f840641ec0d0c0d2b77b2d5a393b329442721fad05ab78c7b98f2aa3c20ec9",
     "b30b3d1e4faccc380557792c9a0374d58fa286f5f75fea48870585393f890909cd3c53cfe4897e799fb211b4be531"
     "e43",
     "error"},
    {"invalid_y_eb0601fec84cc5e9",  // y == r
     "8f59a8d2a1a625a17f3fea0fe5eb8c896db3764f3185481bc22f91b4aaffcca25f26936857bc3a7c2539ea8ec3a95"
     "2b7",
     "0000000000000000000000000000000000000000000000000000000000000001",
     "73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001",
     "b30b3d1e4faccc380557792c9a0374d58fa286f5f75fea48870585393f890909cd3c53cfe4897e799fb211b4be531"
     "e43",
     "error"},
    {"invalid_y_64b9ff2b8f7dddee",  // y == r + 1
     "8f59a8d2a1a625a17f3fea0fe5eb8c896db3764f3185481bc22f91b4aaffcca25f26936857bc3a7c2539ea8ec3a95"
     "2b7",
     "0000000000000000000000000000000000000000000000000000000000000001",
     "73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000002",
     "b30b3d1e4faccc380557792c9a0374d58fa286f5f75fea48870585393f890909cd3c53cfe4897e799fb211b4be531"
     "e43",
     "error"},
};

TEST(Kzg, ConsensusSpecVectors) {
  for (const auto& v : k_vectors) {
    std::string got =
        verify(unhex<48>(v.commitment), unhex<32>(v.z), unhex<32>(v.y), unhex<48>(v.proof));
    if (got.starts_with("error")) got = "error";
    EXPECT_EQ(got, v.expected) << v.name;
  }
}

// The errors name what is wrong.
TEST(Kzg, ErrorsNameTheirCause) {
  const auto& good = k_vectors[0];
  const auto c = unhex<48>(good.commitment);
  const auto z = unhex<32>(good.z);
  const auto y = unhex<32>(good.y);
  const auto pi = unhex<48>(good.proof);
  const Hash r = k_r.to_hash();
  EXPECT_EQ(verify(c, r, y, pi), "error: KZG evaluation point z is not below the BLS modulus");
  EXPECT_EQ(verify(c, z, r, pi), "error: KZG claimed value y is not below the BLS modulus");
  // x = 1 is not on the curve (1 + 4 is not a square).
  const auto off_curve = unhex<48>("80" + std::string(92, '0') + "01");
  EXPECT_EQ(verify(off_curve, z, y, pi),
            "error: KZG commitment (BLS12-381 G1 point is not on the curve)");
  EXPECT_EQ(verify(c, z, y, off_curve),
            "error: KZG proof (BLS12-381 G1 point is not on the curve)");
  // (0, 2) is on the curve, of order 3; so is the invalid_commitment vectors' point, of some
  // other order.
  const auto order3 = unhex<48>("80" + std::string(94, '0'));
  EXPECT_EQ(verify(c, z, y, order3),
            "error: KZG proof (BLS12-381 G1 point is not in the order-r subgroup)");
  EXPECT_EQ(verify(unhex<48>(k_vectors[8].commitment), z, y, pi),
            "error: KZG commitment (BLS12-381 G1 point is not in the order-r subgroup)");
  // Uncompressed: the flag is required.
  auto flagless = c;
  flagless.bytes[0] &= 0x7f;
  EXPECT_EQ(verify(flagless, z, y, pi),
            "error: KZG commitment (BLS12-381 G1 encoding lacks the compression flag)");
}

// r - 1 is the largest canonical field element, and r the smallest that is not.
TEST(Kzg, FieldElementBoundary) {
  const auto& good = k_vectors[0];
  const auto c = unhex<48>(good.commitment);
  const auto pi = unhex<48>(good.proof);
  const Hash r_minus_1 = (k_r - 1).to_hash();
  EXPECT_EQ(verify(c, r_minus_1, r_minus_1, pi), "false");
  EXPECT_EQ(verify(c, (k_r).to_hash(), r_minus_1, pi).substr(0, 5), "error");
  EXPECT_EQ(verify(c, r_minus_1, (k_r).to_hash(), pi).substr(0, 5), "error");
  EXPECT_EQ(verify(c, r_minus_1, uint256::max().to_hash(), pi).substr(0, 5), "error");
}

// A constant polynomial f = c commits to [c]G1, and its quotient (f - f(z)) / (X - z) is zero, so
// the proof at any z is the point at infinity and the value is c.
TEST(Kzg, ConstantPolynomials) {
  using bls12_381::G1;
  const kzg::Bytes48 infinity = G1{}.compress();
  for (const uint256 c : {uint256{0}, uint256{1}, uint256{2}, uint256{0xabcdef}, k_r - 1}) {
    const kzg::Bytes48 commitment = (G1::generator() * c.to_hash()).compress();
    for (const uint256 z : {uint256{0}, uint256{7}, k_r - 1}) {
      EXPECT_EQ(verify(commitment, z.to_hash(), c.to_hash(), infinity), "true");
      const uint256 wrong = (c + 1) % k_r;
      EXPECT_EQ(verify(commitment, z.to_hash(), wrong.to_hash(), infinity), "false");
      // A nonzero proof for a constant is wrong too.
      EXPECT_EQ(verify(commitment, z.to_hash(), c.to_hash(), G1::generator().compress()), "false");
    }
  }
}

// A proof for a linear polynomial, made with a known secret in place of the setup's tau: for
// f = a X + b, (f - f(z)) / (X - z) = a, so the proof is [a]G1. That only checks against [s]G2 for
// the same secret s, never against the mainnet [tau]G2; so with the real setup it is false.
TEST(Kzg, ProofsNeedTheRealSetup) {
  using bls12_381::G1;
  const uint256 s = 0x1234567;
  const uint256 a = 5, b = 9, z = 11;
  const kzg::Bytes48 commitment = (G1::generator() * ((a * s + b) % k_r).to_hash()).compress();
  const kzg::Bytes48 proof = (G1::generator() * a.to_hash()).compress();
  EXPECT_EQ(verify(commitment, z.to_hash(), (a * z + b).to_hash(), proof), "false");
}

TEST(Kzg, VersionedHash) {
  // From execution-spec-tests' point evaluation vectors (the versioned hash is the first word of
  // each call's input): the infinity commitment, and two commitments of the vectors above.
  EXPECT_EQ(kzg::kzg_to_versioned_hash(unhex<48>(k_vectors[4].commitment)),
            unhex<32>("010657f37554c781402a22917dee2f75def7ab966d7b770905398eba3c444014"));
  EXPECT_EQ(kzg::kzg_to_versioned_hash(unhex<48>(k_vectors[0].commitment)),
            unhex<32>("01e798154708fe7789429634053cbf9f99b619f9f084048927333fce637f549b"));
  EXPECT_EQ(kzg::kzg_to_versioned_hash(unhex<48>(k_vectors[6].commitment)),
            unhex<32>("014edfed8547661f6cb416eba53061a2f6dce872c0497e6dd485a876fe2567f1"));
}

TEST(Kzg, Constants) {
  EXPECT_EQ(uint256::from_hash(kzg::k_bls_modulus), k_r);
  EXPECT_EQ(kzg::k_field_elements_per_blob, 4096u);
}

}  // namespace
}  // namespace rollup::crypto
