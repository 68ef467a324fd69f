#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <utility>

#include "rollup/base/hex.hpp"
#include "rollup/base/uint256.hpp"
#include "rollup/crypto/bn254.hpp"
#include "support/hex.hpp"

namespace rollup::crypto {
namespace {

// The vectors are written without 0x.
Bytes unhex(std::string_view text) {
  return testing::unhex(text, hex::Prefix::forbidden);
}

// What the EVM hands the precompile: the call data cut or zero-padded to the size it reads.
Bytes fit(Bytes data, std::size_t size) {
  data.resize(size, 0);
  return data;
}

std::string word(const uint256& v) {
  return hex::encode(v.to_be(), false);
}

const uint256 k_p = uint256::from_words(0x30644e72e131a029, 0xb85045b68181585d, 0x97816a916871ca8d,
                                        0x3c208c16d87cfd47);
const uint256 k_r = uint256::from_words(0x30644e72e131a029, 0xb85045b68181585d, 0x2833e84879b97091,
                                        0x43e1f593f0000001);

// The generators: G1 from EIP-196, G2 from EIP-197 (x_imaginary, x_real, y_imaginary, y_real).
const std::string k_g1 = word(1) + word(2);
const std::string k_g2 =
    "198e9393920d483a7260bfb731fb5d25f1aa493335a9e71297e485b7aef312c2"
    "1800deef121f1e76426a00665e5c4479674322d4f75edadd46debd5cd992f6ed"
    "090689d0585ff075ec9e99ad690c3395bc4b313370b38ef355acdadcd122975b"
    "12c85ea5db8c6deb4aab71808dcb408fe3d1e7690c43d37b4ce6cc0166fa7daa";
// 2 G2 and [0x0123456789abcdef0123456789abcdef] G2, computed with @noble/curves (bn254); the first
// is also in the go-ethereum pairing vectors below.
const std::string k_g2_times_2 =
    "203e205db4f19b37b60121b83a7333706db86431c6d835849957ed8c3928ad79"
    "27dc7234fd11d3e8c36c59277c3e6f149d5cd3cfa9a62aee49f8130962b4b3b9"
    "195e8aa5b7827463722b8c153931579d3505566b4edf48d498e185f0509de152"
    "04bb53b8977e5f92a0bc372742c4830944a59b4fe6b1c0466e2a6dad122b5d2e";
const uint256 k_big_b = uint256::from_words(0, 0, 0x0123456789abcdef, 0x0123456789abcdef);
const std::string k_g2_times_big_b =
    "102155049a352fa0f036b854c58b6d1e0eff265e283354c1d64a1e3008d2f649"
    "2be62e8776ff8b5c1875178032abe822b1358fde995d499f02efc0b1624f2620"
    "2b627e657c83bfe451a3502fac9393665a1667f399a999dd3b920c69db878ffa"
    "0c9ff0e6d4889c8858d50e2a6abcc525d711ac6aa787494175a9bb09ea4a56c5";
const std::string k_infinity_g1 = word(0) + word(0);
const std::string k_infinity_g2 = word(0) + word(0) + word(0) + word(0);

std::string add_hex(const std::string& p, const std::string& q) {
  auto r = bn254::add(unhex(p + q));
  EXPECT_TRUE(r) << r.error().message();
  return r ? hex::encode(r->view(), false) : std::string{};
}

std::string mul_hex(const std::string& p, const uint256& k) {
  auto r = bn254::mul(unhex(p + word(k)));
  EXPECT_TRUE(r) << r.error().message();
  return r ? hex::encode(r->view(), false) : std::string{};
}

std::string neg_g1(const std::string& p) {
  const uint256 y = uint256::from_be(unhex(p.substr(64)));
  return p.substr(0, 64) + word(y.is_zero() ? y : k_p - y);
}

// A pairing check's answer, or "error: <detail>".
std::string pairing(const std::string& input) {
  auto r = bn254::pairing_check(unhex(input));
  if (!r) return "error: " + r.error().detail();
  return *r ? "true" : "false";
}

struct Vector {
  const char* name;
  const char* input;
  const char* expected;
};

// go-ethereum's precompile test vectors, core/vm/testdata/precompiles/bn256Add.json, by name.
const Vector k_add_vectors[] = {
    {"chfast1",
     "18b18acfb4c2c30276db5411368e7185b311dd124691610c5d3b74034e093dc9"
     "063c909c4720840cb5134cb9f59fa749755796819658d32efc0d288198f37266"
     "07c2b7f58a84bd6145f00c9c2bc0bb1a187f20ff2c92963a88019e7c6a014eed"
     "06614e20c147e940f2d70da3f74c9a17df361706a4485c742bd6788478fa17d7",
     "2243525c5efd4b9c3d3c45ac0ca3fe4dd85e830a4ce6b65fa1eeaee202839703"
     "301d1d33be6da8e509df21cc35964723180eed7532537db9ae5e7d48f195c915"},
    {"chfast2",
     "2243525c5efd4b9c3d3c45ac0ca3fe4dd85e830a4ce6b65fa1eeaee202839703"
     "301d1d33be6da8e509df21cc35964723180eed7532537db9ae5e7d48f195c915"
     "18b18acfb4c2c30276db5411368e7185b311dd124691610c5d3b74034e093dc9"
     "063c909c4720840cb5134cb9f59fa749755796819658d32efc0d288198f37266",
     "2bd3e6d0f3b142924f5ca7b49ce5b9d54c4703d7ae5648e61d02268b1a0a9fb7"
     "21611ce0a6af85915e2f1d70300909ce2e49dfad4a4619c8390cae66cefdb204"},
    {"cdetrio11",
     "0000000000000000000000000000000000000000000000000000000000000001"
     "0000000000000000000000000000000000000000000000000000000000000002"
     "0000000000000000000000000000000000000000000000000000000000000001"
     "0000000000000000000000000000000000000000000000000000000000000002",
     "030644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd3"
     "15ed738c0e0a7c92e7845f96b2ae9c0a68a6a449e3538fc7ff3ebf7a5a18a2c4"},
    {"cdetrio13",
     "17c139df0efee0f766bc0204762b774362e4ded88953a39ce849a8a7fa163fa9"
     "01e0559bacb160664764a357af8a9fe70baa9258e0b959273ffc5718c6d4cc7c"
     "039730ea8dff1254c0fee9c0ea777d29a9c710b7e616683f194f18c43b43b869"
     "073a5ffcc6fc7a28c30723d6e58ce577356982d65b833a5a5c15bf9024b43d98",
     "15bf2bb17880144b5d1cd2b1f46eff9d617bffd1ca57c37fb5a49bd84e53cf66"
     "049c797f9ce0d17083deb32b5e36f2ea2a212ee036598dd7624c168993d1355f"},
    {"cdetrio14",
     "17c139df0efee0f766bc0204762b774362e4ded88953a39ce849a8a7fa163fa9"
     "01e0559bacb160664764a357af8a9fe70baa9258e0b959273ffc5718c6d4cc7c"
     "17c139df0efee0f766bc0204762b774362e4ded88953a39ce849a8a7fa163fa9"
     "2e83f8d734803fc370eba25ed1f6b8768bd6d83887b87165fc2434fe11a830cb"
     "0000000000000000000000000000000000000000000000000000000000000000"
     "0000000000000000000000000000000000000000000000000000000000000000",
     ""},
};

TEST(Bn254, AddKnownAnswers) {
  for (const auto& v : k_add_vectors) {
    const Bytes input = fit(unhex(v.input), 128);
    auto r = bn254::add(input);
    ASSERT_TRUE(r) << v.name << ": " << r.error().message();
    const std::string expected = *v.expected ? v.expected : std::string(128, '0');
    EXPECT_EQ(hex::encode(r->view(), false), expected) << v.name;
  }
  // cdetrio1..10 and 12: zeros of every length from none to 192 bytes, and (1, 2) with infinity
  // or itself, padded or cut as the EVM does.
  for (std::size_t len : {0u, 64u, 80u, 128u, 192u}) {
    EXPECT_EQ(hex::encode(bn254::add(fit(Bytes(len, 0), 128))->view(), false),
              std::string(128, '0'));
  }
  EXPECT_EQ(add_hex(k_infinity_g1, k_g1), k_g1);
  EXPECT_EQ(add_hex(k_g1, k_infinity_g1), k_g1);
  EXPECT_EQ(hex::encode(bn254::add(fit(unhex(k_g1), 128))->view(), false), k_g1);
  // cdetrio12: cdetrio11's (1, 2) + (1, 2) followed by bytes the precompile does not read.
  ASSERT_STREQ(k_add_vectors[2].name, "cdetrio11");
  EXPECT_EQ(hex::encode(bn254::add(fit(unhex(k_g1 + k_g1 + k_g1), 128))->view(), false),
            k_add_vectors[2].expected);
}

// go-ethereum core/vm/testdata/precompiles/bn256ScalarMul.json.
const Vector k_mul_vectors[] = {
    {"chfast1",
     "2bd3e6d0f3b142924f5ca7b49ce5b9d54c4703d7ae5648e61d02268b1a0a9fb7"
     "21611ce0a6af85915e2f1d70300909ce2e49dfad4a4619c8390cae66cefdb204"
     "00000000000000000000000000000000000000000000000011138ce750fa15c2",
     "070a8d6a982153cae4be29d434e8faef8a47b274a053f5a4ee2a6c9c13c31e5c"
     "031b8ce914eba3a9ffb989f9cdd5b0f01943074bf4f0f315690ec3cec6981afc"},
    {"chfast2",
     "070a8d6a982153cae4be29d434e8faef8a47b274a053f5a4ee2a6c9c13c31e5c"
     "031b8ce914eba3a9ffb989f9cdd5b0f01943074bf4f0f315690ec3cec6981afc"
     "30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd46",
     "025a6f4181d2b4ea8b724290ffb40156eb0adb514c688556eb79cdea0752c2bb"
     "2eff3f31dea215f1eb86023a133a996eb6300b44da664d64251d05381bb8a02e"},
    {"chfast3",
     "025a6f4181d2b4ea8b724290ffb40156eb0adb514c688556eb79cdea0752c2bb"
     "2eff3f31dea215f1eb86023a133a996eb6300b44da664d64251d05381bb8a02e"
     "183227397098d014dc2822db40c0ac2ecbc0b548b438e5469e10460b6c3e7ea3",
     "14789d0d4a730b354403b5fac948113739e276c23e0258d8596ee72f9cd9d323"
     "0af18a63153e0ec25ff9f2951dd3fa90ed0197bfef6e2a1a62b5095b9d2b4a27"},
    {"cdetrio1",
     "1a87b0584ce92f4593d161480614f2989035225609f08058ccfa3d0f940febe3"
     "1a2f3c951f6dadcc7ee9007dff81504b0fcd6d7cf59996efdc33d92bf7f9f8f6"
     "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
     "2cde5879ba6f13c0b5aa4ef627f159a3347df9722efce88a9afbb20b763b4c41"
     "1aa7e43076f6aee272755a7f9b84832e71559ba0d2e0b17d5f9f01755e5b0d11"},
    {"cdetrio2",
     "1a87b0584ce92f4593d161480614f2989035225609f08058ccfa3d0f940febe3"
     "1a2f3c951f6dadcc7ee9007dff81504b0fcd6d7cf59996efdc33d92bf7f9f8f6"
     "30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000000",
     "1a87b0584ce92f4593d161480614f2989035225609f08058ccfa3d0f940febe3"
     "163511ddc1c3f25d396745388200081287b3fd1472d8339d5fecb2eae0830451"},
    {"cdetrio3",
     "1a87b0584ce92f4593d161480614f2989035225609f08058ccfa3d0f940febe3"
     "1a2f3c951f6dadcc7ee9007dff81504b0fcd6d7cf59996efdc33d92bf7f9f8f6"
     "0000000000000000000000000000000100000000000000000000000000000000",
     "1051acb0700ec6d42a88215852d582efbaef31529b6fcbc3277b5c1b300f5cf0"
     "135b2394bb45ab04b8bd7611bd2dfe1de6a4e6e2ccea1ea1955f577cd66af85b"},
    {"cdetrio4",
     "1a87b0584ce92f4593d161480614f2989035225609f08058ccfa3d0f940febe3"
     "1a2f3c951f6dadcc7ee9007dff81504b0fcd6d7cf59996efdc33d92bf7f9f8f6"
     "0000000000000000000000000000000000000000000000000000000000000009",
     "1dbad7d39dbc56379f78fac1bca147dc8e66de1b9d183c7b167351bfe0aeab74"
     "2cd757d51289cd8dbd0acf9e673ad67d0f0a89f912af47ed1be53664f5692575"},
    {"cdetrio5",
     "1a87b0584ce92f4593d161480614f2989035225609f08058ccfa3d0f940febe3"
     "1a2f3c951f6dadcc7ee9007dff81504b0fcd6d7cf59996efdc33d92bf7f9f8f6"
     "0000000000000000000000000000000000000000000000000000000000000001",
     "1a87b0584ce92f4593d161480614f2989035225609f08058ccfa3d0f940febe3"
     "1a2f3c951f6dadcc7ee9007dff81504b0fcd6d7cf59996efdc33d92bf7f9f8f6"},
    {"cdetrio6",
     "17c139df0efee0f766bc0204762b774362e4ded88953a39ce849a8a7fa163fa9"
     "01e0559bacb160664764a357af8a9fe70baa9258e0b959273ffc5718c6d4cc7c"
     "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
     "29e587aadd7c06722aabba753017c093f70ba7eb1f1c0104ec0564e7e3e21f60"
     "22b1143f6a41008e7755c71c3d00b6b915d386de21783ef590486d8afa8453b1"},
    {"cdetrio7",
     "17c139df0efee0f766bc0204762b774362e4ded88953a39ce849a8a7fa163fa9"
     "01e0559bacb160664764a357af8a9fe70baa9258e0b959273ffc5718c6d4cc7c"
     "30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000000",
     "17c139df0efee0f766bc0204762b774362e4ded88953a39ce849a8a7fa163fa9"
     "2e83f8d734803fc370eba25ed1f6b8768bd6d83887b87165fc2434fe11a830cb"},
    {"cdetrio8",
     "17c139df0efee0f766bc0204762b774362e4ded88953a39ce849a8a7fa163fa9"
     "01e0559bacb160664764a357af8a9fe70baa9258e0b959273ffc5718c6d4cc7c"
     "0000000000000000000000000000000100000000000000000000000000000000",
     "221a3577763877920d0d14a91cd59b9479f83b87a653bb41f82a3f6f120cea7c"
     "2752c7f64cdd7f0e494bff7b60419f242210f2026ed2ec70f89f78a4c56a1f15"},
    {"cdetrio9",
     "17c139df0efee0f766bc0204762b774362e4ded88953a39ce849a8a7fa163fa9"
     "01e0559bacb160664764a357af8a9fe70baa9258e0b959273ffc5718c6d4cc7c"
     "0000000000000000000000000000000000000000000000000000000000000009",
     "228e687a379ba154554040f8821f4e41ee2be287c201aa9c3bc02c9dd12f1e69"
     "1e0fd6ee672d04cfd924ed8fdc7ba5f2d06c53c1edc30f65f2af5a5b97f0a76a"},
    {"cdetrio10",
     "17c139df0efee0f766bc0204762b774362e4ded88953a39ce849a8a7fa163fa9"
     "01e0559bacb160664764a357af8a9fe70baa9258e0b959273ffc5718c6d4cc7c"
     "0000000000000000000000000000000000000000000000000000000000000001",
     "17c139df0efee0f766bc0204762b774362e4ded88953a39ce849a8a7fa163fa9"
     "01e0559bacb160664764a357af8a9fe70baa9258e0b959273ffc5718c6d4cc7c"},
    {"cdetrio11",
     "039730ea8dff1254c0fee9c0ea777d29a9c710b7e616683f194f18c43b43b869"
     "073a5ffcc6fc7a28c30723d6e58ce577356982d65b833a5a5c15bf9024b43d98"
     "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
     "00a1a234d08efaa2616607e31eca1980128b00b415c845ff25bba3afcb81dc00"
     "242077290ed33906aeb8e42fd98c41bcb9057ba03421af3f2d08cfc441186024"},
    {"cdetrio12",
     "039730ea8dff1254c0fee9c0ea777d29a9c710b7e616683f194f18c43b43b869"
     "073a5ffcc6fc7a28c30723d6e58ce577356982d65b833a5a5c15bf9024b43d98"
     "30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000000",
     "039730ea8dff1254c0fee9c0ea777d29a9c710b7e616683f194f18c43b43b869"
     "2929ee761a352600f54921df9bf472e66217e7bb0cee9032e00acc86b3c8bfaf"},
    {"cdetrio13",
     "039730ea8dff1254c0fee9c0ea777d29a9c710b7e616683f194f18c43b43b869"
     "073a5ffcc6fc7a28c30723d6e58ce577356982d65b833a5a5c15bf9024b43d98"
     "0000000000000000000000000000000100000000000000000000000000000000",
     "1071b63011e8c222c5a771dfa03c2e11aac9666dd097f2c620852c3951a4376a"
     "2f46fe2f73e1cf310a168d56baa5575a8319389d7bfa6b29ee2d908305791434"},
    {"cdetrio14",
     "039730ea8dff1254c0fee9c0ea777d29a9c710b7e616683f194f18c43b43b869"
     "073a5ffcc6fc7a28c30723d6e58ce577356982d65b833a5a5c15bf9024b43d98"
     "0000000000000000000000000000000000000000000000000000000000000009",
     "19f75b9dd68c080a688774a6213f131e3052bd353a304a189d7a2ee367e3c258"
     "2612f545fb9fc89fde80fd81c68fc7dcb27fea5fc124eeda69433cf5c46d2d7f"},
    {"cdetrio15",
     "039730ea8dff1254c0fee9c0ea777d29a9c710b7e616683f194f18c43b43b869"
     "073a5ffcc6fc7a28c30723d6e58ce577356982d65b833a5a5c15bf9024b43d98"
     "0000000000000000000000000000000000000000000000000000000000000001",
     "039730ea8dff1254c0fee9c0ea777d29a9c710b7e616683f194f18c43b43b869"
     "073a5ffcc6fc7a28c30723d6e58ce577356982d65b833a5a5c15bf9024b43d98"},
};

TEST(Bn254, MulKnownAnswers) {
  for (const auto& v : k_mul_vectors) {
    auto r = bn254::mul(fit(unhex(v.input), 96));
    ASSERT_TRUE(r) << v.name << ": " << r.error().message();
    EXPECT_EQ(hex::encode(r->view(), false), v.expected) << v.name;
  }
}

// The inputs of go-ethereum's core/vm/testdata/precompiles/bn256Pairing.json, split into 192-byte
// elements (or 64-byte G1 points) so that the long inputs read as their parts.
const char* const k_jeff1_p1 =
    "1c76476f4def4bb94541d57ebba1193381ffa7aa76ada664dd31c16024c43f59"
    "3034dd2920f673e204fee2811c678745fc819b55d3e9d294e45c9b03a76aef41"
    "209dd15ebff5d46c4bd888e51a93cf99a7329636c63514396b4a452003a35bf7"
    "04bf11ca01483bfa8b34b43561848d28905960114c8ac04049af4b6315a41678"
    "2bb8324af6cfc93537a2ad1a445cfd0ca2a71acd7ac41fadbf933c2a51be344d"
    "120a2a4cf30c1bf9845f20c6fe39e07ea2cce61f0c9bb048165fe5e4de877550";
const char* const k_jeff1_p2 =
    "111e129f1cf1097710d41c4ac70fcdfa5ba2023c6ff1cbeac322de49d1b6df7c"
    "2032c61a830e3c17286de9462bf242fca2883585b93870a73853face6a6bf411"
    "198e9393920d483a7260bfb731fb5d25f1aa493335a9e71297e485b7aef312c2"
    "1800deef121f1e76426a00665e5c4479674322d4f75edadd46debd5cd992f6ed"
    "090689d0585ff075ec9e99ad690c3395bc4b313370b38ef355acdadcd122975b"
    "12c85ea5db8c6deb4aab71808dcb408fe3d1e7690c43d37b4ce6cc0166fa7daa";
const char* const k_jeff2_p1 =
    "2eca0c7238bf16e83e7a1e6c5d49540685ff51380f309842a98561558019fc02"
    "03d3260361bb8451de5ff5ecd17f010ff22f5c31cdf184e9020b06fa5997db84"
    "1213d2149b006137fcfb23036606f848d638d576a120ca981b5b1a5f9300b3ee"
    "2276cf730cf493cd95d64677bbb75fc42db72513a4c1e387b476d056f80aa75f"
    "21ee6226d31426322afcda621464d0611d226783262e21bb3bc86b537e986237"
    "096df1f82dff337dd5972e32a8ad43e28a78a96a823ef1cd4debe12b6552ea5f";
const char* const k_jeff2_p2 =
    "06967a1237ebfeca9aaae0d6d0bab8e28c198c5a339ef8a2407e31cdac516db9"
    "22160fa257a5fd5b280642ff47b65eca77e626cb685c84fa6d3b6882a283ddd1"
    "198e9393920d483a7260bfb731fb5d25f1aa493335a9e71297e485b7aef312c2"
    "1800deef121f1e76426a00665e5c4479674322d4f75edadd46debd5cd992f6ed"
    "090689d0585ff075ec9e99ad690c3395bc4b313370b38ef355acdadcd122975b"
    "12c85ea5db8c6deb4aab71808dcb408fe3d1e7690c43d37b4ce6cc0166fa7daa";
const char* const k_jeff3_p1 =
    "0f25929bcb43d5a57391564615c9e70a992b10eafa4db109709649cf48c50dd2"
    "16da2f5cb6be7a0aa72c440c53c9bbdfec6c36c7d515536431b3a865468acbba"
    "2e89718ad33c8bed92e210e81d1853435399a271913a6520736a4729cf0d51eb"
    "01a9e2ffa2e92599b68e44de5bcf354fa2642bd4f26b259daa6f7ce3ed57aeb3"
    "14a9a87b789a58af499b314e13c3d65bede56c07ea2d418d6874857b70763713"
    "178fb49a2d6cd347dc58973ff49613a20757d0fcc22079f9abd10c3baee24590";
const char* const k_jeff3_p2 =
    "1b9e027bd5cfc2cb5db82d4dc9677ac795ec500ecd47deee3b5da006d6d049b8"
    "11d7511c78158de484232fc68daf8a45cf217d1c2fae693ff5871e8752d73b21"
    "198e9393920d483a7260bfb731fb5d25f1aa493335a9e71297e485b7aef312c2"
    "1800deef121f1e76426a00665e5c4479674322d4f75edadd46debd5cd992f6ed"
    "090689d0585ff075ec9e99ad690c3395bc4b313370b38ef355acdadcd122975b"
    "12c85ea5db8c6deb4aab71808dcb408fe3d1e7690c43d37b4ce6cc0166fa7daa";
// jeff4 and jeff5 have three elements each.
const char* const k_jeff4 =
    "2f2ea0b3da1e8ef11914acf8b2e1b32d99df51f5f4f206fc6b947eae860eddb6"
    "068134ddb33dc888ef446b648d72338684d678d2eb2371c61a50734d78da4b72"
    "25f83c8b6ab9de74e7da488ef02645c5a16a6652c3c71a15dc37fe3a5dcb7cb1"
    "22acdedd6308e3bb230d226d16a105295f523a8a02bfc5e8bd2da135ac4c245d"
    "065bbad92e7c4e31bf3757f1fe7362a63fbfee50e7dc68da116e67d600d9bf68"
    "06d302580dc0661002994e7cd3a7f224e7ddc27802777486bf80f40e4ca3cfdb"
    "186bac5188a98c45e6016873d107f5cd131f3a3e339d0375e58bd6219347b008"
    "122ae2b09e539e152ec5364e7e2204b03d11d3caa038bfc7cd499f8176aacbee"
    "1f39e4e4afc4bc74790a4a028aff2c3d2538731fb755edefd8cb48d6ea589b5e"
    "283f150794b6736f670d6a1033f9b46c6f5204f50813eb85c8dc4b59db1c5d39"
    "140d97ee4d2b36d99bc49974d18ecca3e7ad51011956051b464d9e27d46cc25e"
    "0764bb98575bd466d32db7b15f582b2d5c452b36aa394b789366e5e3ca5aabd4"
    "15794ab061441e51d01e94640b7e3084a07e02c78cf3103c542bc5b298669f21"
    "1b88da1679b0b64a63b7e0e7bfe52aae524f73a55be7fe70c7e9bfc94b4cf0da"
    "1213d2149b006137fcfb23036606f848d638d576a120ca981b5b1a5f9300b3ee"
    "2276cf730cf493cd95d64677bbb75fc42db72513a4c1e387b476d056f80aa75f"
    "21ee6226d31426322afcda621464d0611d226783262e21bb3bc86b537e986237"
    "096df1f82dff337dd5972e32a8ad43e28a78a96a823ef1cd4debe12b6552ea5f";
const char* const k_jeff5 =
    "20a754d2071d4d53903e3b31a7e98ad6882d58aec240ef981fdf0a9d22c5926a"
    "29c853fcea789887315916bbeb89ca37edb355b4f980c9a12a94f30deeed3021"
    "1213d2149b006137fcfb23036606f848d638d576a120ca981b5b1a5f9300b3ee"
    "2276cf730cf493cd95d64677bbb75fc42db72513a4c1e387b476d056f80aa75f"
    "21ee6226d31426322afcda621464d0611d226783262e21bb3bc86b537e986237"
    "096df1f82dff337dd5972e32a8ad43e28a78a96a823ef1cd4debe12b6552ea5f"
    "1abb4a25eb9379ae96c84fff9f0540abcfc0a0d11aeda02d4f37e4baf74cb0c1"
    "1073b3ff2cdbb38755f8691ea59e9606696b3ff278acfc098fa8226470d03869"
    "217cee0a9ad79a4493b5253e2e4e3a39fc2df38419f230d341f60cb064a0ac29"
    "0a3d76f140db8418ba512272381446eb73958670f00cf46f1d9e64cba057b53c"
    "26f64a8ec70387a13e41430ed3ee4a7db2059cc5fc13c067194bcc0cb49a9855"
    "2fd72bd9edb657346127da132e5b82ab908f5816c826acb499e22f2412d1a2d7"
    "0f25929bcb43d5a57391564615c9e70a992b10eafa4db109709649cf48c50dd2"
    "198a1f162a73261f112401aa2db79c7dab1533c9935c77290a6ce3b191f2318d"
    "198e9393920d483a7260bfb731fb5d25f1aa493335a9e71297e485b7aef312c2"
    "1800deef121f1e76426a00665e5c4479674322d4f75edadd46debd5cd992f6ed"
    "090689d0585ff075ec9e99ad690c3395bc4b313370b38ef355acdadcd122975b"
    "12c85ea5db8c6deb4aab71808dcb408fe3d1e7690c43d37b4ce6cc0166fa7daa";
// jeff6: jeff1 with the second G1 point negated, so the product is not one.
const char* const k_jeff6_p2 =
    "111e129f1cf1097710d41c4ac70fcdfa5ba2023c6ff1cbeac322de49d1b6df7c"
    "103188585e2364128fe25c70558f1560f4f9350baf3959e603cc91486e110936"
    "198e9393920d483a7260bfb731fb5d25f1aa493335a9e71297e485b7aef312c2"
    "1800deef121f1e76426a00665e5c4479674322d4f75edadd46debd5cd992f6ed"
    "090689d0585ff075ec9e99ad690c3395bc4b313370b38ef355acdadcd122975b"
    "12c85ea5db8c6deb4aab71808dcb408fe3d1e7690c43d37b4ce6cc0166fa7daa";
// -G2: the generator with y negated (the G2 point of two_point_match_2's second element).
const char* const k_neg_g2 =
    "198e9393920d483a7260bfb731fb5d25f1aa493335a9e71297e485b7aef312c2"
    "1800deef121f1e76426a00665e5c4479674322d4f75edadd46debd5cd992f6ed"
    "275dc4a288d1afb3cbb1ac09187524c7db36395df7be3b99e673b13a075a65ec"
    "1d9befcd05a5323e6da4d435f3b617cdb3af83285c2df711ef39c01571827f9d";
// two_point_match_3: (G1, 2 G2) then (-2 G1, G2); this is -2 G1.
const char* const k_match3_p2_g1 =
    "030644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd3"
    "1a76dae6d3272396d0cbe61fced2bc532edac647851e3ac53ce1cc9c7e645a83";
// two_point_match_4 (ten_point_match_3 is the same input).
const char* const k_match4 =
    "105456a333e6d636854f987ea7bb713dfd0ae8371a72aea313ae0c32c0bf1016"
    "0cf031d41b41557f3e7e3ba0c51bebe5da8e6ecd855ec50fc87efcdeac168bcc"
    "0476be093a6d2b4bbf907172049874af11e1b6267606e00804d3ff0037ec57fd"
    "3010c68cb50161b7d1d96bb71edfec9880171954e56871abf3d93cc94d745fa1"
    "14c059d74e5b6c4ec14ae5864ebe23a71781d86c29fb8fb6cce94f70d3de7a21"
    "01b33461f39d9e887dbb100f170a2345dde3c07e256d1dfa2b657ba5cd030427"
    "0000000000000000000000000000000000000000000000000000000000000001"
    "0000000000000000000000000000000000000000000000000000000000000002"
    "1a2c3013d2ea92e13c800cde68ef56a294b883f6ac35d25f587c09b1b3c635f7"
    "290158a80cd3d66530f74dc94c94adb88f5cdb481acca997b6e60071f08a115f"
    "2f997f3dbd66a7afe07fe7862ce239edba9e05c5afff7f8a1259c9733b2dfbb9"
    "29d1691530ca701b4a106054688728c9972c8512e9789e9567aae23e302ccd75";

std::string repeat(const std::string& s, int times) {
  std::string out;
  for (int i = 0; i < times; ++i) out += s;
  return out;
}

TEST(Bn254, PairingKnownAnswers) {
  EXPECT_EQ(pairing(std::string(k_jeff1_p1) + k_jeff1_p2), "true");
  EXPECT_EQ(pairing(std::string(k_jeff2_p1) + k_jeff2_p2), "true");
  EXPECT_EQ(pairing(std::string(k_jeff3_p1) + k_jeff3_p2), "true");
  EXPECT_EQ(pairing(k_jeff4), "true");
  EXPECT_EQ(pairing(k_jeff5), "true");
  EXPECT_EQ(pairing(std::string(k_jeff1_p1) + k_jeff6_p2), "false");
  EXPECT_EQ(pairing(""), "true");            // empty_data
  EXPECT_EQ(pairing(k_g1 + k_g2), "false");  // one_point
  const std::string match2 = k_g1 + k_g2 + k_g1 + k_neg_g2;
  EXPECT_EQ(pairing(match2), "true");  // two_point_match_2
  const std::string match3 = k_g1 + k_g2_times_2 + k_match3_p2_g1 + k_g2;
  EXPECT_EQ(pairing(match3), "true");  // two_point_match_3
  EXPECT_EQ(pairing(k_match4), "true");
  // ten_point_match_1 and _2 are two_point_match_2 and _3 five times over.
  EXPECT_EQ(pairing(repeat(match2, 5)), "true");
  EXPECT_EQ(pairing(repeat(match3, 5)), "true");
}

TEST(Bn254, MulMatchesRepeatedAdd) {
  std::string sum = k_infinity_g1;
  for (std::uint64_t k = 0; k <= 40; ++k) {
    EXPECT_EQ(mul_hex(k_g1, k), sum) << k;
    sum = add_hex(sum, k_g1);
  }
}

TEST(Bn254, MulIsLinearInTheScalar) {
  const uint256 scalars[] = {
      1,
      2,
      0xffffffffffffffffULL,
      uint256::from_words(0x1234, 0x5678, 0x9abc, 0xdef0),
      k_r - 1,
      k_r - 2,
      k_p,  // reduced mod r it is still nonzero
      uint256::max(),
  };
  for (const auto& a : scalars) {
    for (const auto& b : scalars) {
      // Modulo r, which is all that matters for a point of order r; a + b may wrap 2^256, so
      // reduce first.
      const uint256 sum = (a % k_r + b % k_r) % k_r;
      EXPECT_EQ(add_hex(mul_hex(k_g1, a), mul_hex(k_g1, b)), mul_hex(k_g1, sum));
    }
  }
  // Scalars are not reduced first, and r + k gives kG.
  EXPECT_EQ(mul_hex(k_g1, k_r + 5), mul_hex(k_g1, 5));
}

TEST(Bn254, GroupLaw) {
  const std::string p = mul_hex(k_g1, 0xdeadbeef);
  const std::string q = mul_hex(k_g1, uint256::from_words(7, 6, 5, 4));
  EXPECT_EQ(mul_hex(k_g1, k_r), k_infinity_g1);
  EXPECT_EQ(mul_hex(p, k_r), k_infinity_g1);
  EXPECT_EQ(mul_hex(p, 0), k_infinity_g1);
  EXPECT_EQ(mul_hex(k_infinity_g1, 12345), k_infinity_g1);
  EXPECT_EQ(mul_hex(p, 1), p);
  EXPECT_EQ(add_hex(p, k_infinity_g1), p);
  EXPECT_EQ(add_hex(k_infinity_g1, p), p);
  EXPECT_EQ(add_hex(k_infinity_g1, k_infinity_g1), k_infinity_g1);
  EXPECT_EQ(add_hex(p, neg_g1(p)), k_infinity_g1);
  EXPECT_EQ(mul_hex(p, k_r - 1), neg_g1(p));
  EXPECT_EQ(add_hex(p, p), mul_hex(p, 2));  // doubling through ECADD
  EXPECT_EQ(add_hex(p, q), add_hex(q, p));
  EXPECT_EQ(add_hex(add_hex(p, q), p), add_hex(q, add_hex(p, p)));
}

// e(aP, bQ) e(-abP, Q) == 1 for scalars a and b, and not for -(ab + 1).
TEST(Bn254, PairingIsBilinear) {
  const std::pair<uint256, const std::string*> bs[] = {{2, &k_g2_times_2},
                                                       {k_big_b, &k_g2_times_big_b}};
  const uint256 as[] = {1, 3, 0xfedcba9876543210ULL, uint256::from_words(0, 0, 1, 0) * 12345};
  for (const auto& [b, b_g2] : bs) {
    for (const auto& a : as) {
      const std::string ap = mul_hex(k_g1, a);
      const uint256 ab = a * b % k_r;  // a, b < 2^128: no wrap
      EXPECT_EQ(pairing(ap + *b_g2 + mul_hex(k_g1, k_r - ab) + k_g2), "true");
      EXPECT_EQ(pairing(ap + *b_g2 + mul_hex(k_g1, k_r - ab - 1) + k_g2), "false");
      // The same with the G2 side negated instead, and with the pairs in the other order.
      EXPECT_EQ(pairing(mul_hex(k_g1, ab) + k_neg_g2 + ap + *b_g2), "true");
    }
  }
  // e(P, Q) alone is not one, nor is e(P, Q)^2, but e(P, Q) e(P, -Q) is.
  EXPECT_EQ(pairing(k_g1 + k_g2_times_2), "false");
  EXPECT_EQ(pairing(k_g1 + k_g2 + k_g1 + k_g2), "false");
  EXPECT_EQ(pairing(k_g1 + k_g2 + k_g1 + k_neg_g2), "true");
}

TEST(Bn254, PairingSkipsInfinity) {
  const std::string neutral = k_infinity_g1 + k_g2;
  EXPECT_EQ(pairing(neutral), "true");
  EXPECT_EQ(pairing(k_g1 + k_infinity_g2), "true");
  EXPECT_EQ(pairing(k_infinity_g1 + k_infinity_g2), "true");
  EXPECT_EQ(pairing(neutral + k_g1 + k_g2), "false");
  EXPECT_EQ(pairing(k_g1 + k_g2 + neutral + k_g1 + k_neg_g2 + k_g1 + k_infinity_g2), "true");
}

// A point on the twist curve outside the order-r subgroup: x = 1 (x_imaginary = 0) with a square
// root of 1 + 3/(9 + i) as y, found with a short script (a square root in Fp2) and checked there
// to have [r]Q != O. Most twist points are such points: the cofactor is 2p - r.
const std::string k_g2_not_in_subgroup =
    word(0) + word(1) + "0d1271953ed9ea0836846e70a1934187998c7f790cb4d7511b7f8da82de048a4" +
    "2869111d5381f072f8e2728fdb825a51aadd70e52c9830e9ab4b871c0531f1bb";
// A random twist point times r, so that its order divides the cofactor (from @noble/curves).
const std::string k_g2_cofactor_order =
    "248479b860306c7c6fb1e7eda7a015640d8e5f104b8b9e41ff001fc423e4eb1a"
    "2f4d3b46af8b7d0e4b8c6c02c36d4c0f852eed464fac6cbb00bb671a181f0bd6"
    "1c36e8228176c5aab4004df5c02894a3c74799a726e9410392b1d46dd5cc6e19"
    "2c871e33f282cfdd65559ec1867d101cffbffb5e649a2479f0fdcaa0a435a82d";

const std::string k_not_below_p = "coordinate is not below the field modulus";
const std::string k_g1_off_curve = "G1 point is not on the curve";
const std::string k_g2_off_curve = "G2 point is not on the twist curve";
const std::string k_g2_outside = "G2 point is not in the order-r subgroup";

std::string add_error(const std::string& input) {
  auto r = bn254::add(unhex(input));
  if (r) return "ok";
  EXPECT_EQ(r.error(), Errc::invalid_curve_point);
  return r.error().detail();
}

std::string mul_error(const std::string& input) {
  auto r = bn254::mul(unhex(input));
  if (r) return "ok";
  EXPECT_EQ(r.error(), Errc::invalid_curve_point);
  return r.error().detail();
}

TEST(Bn254, AddAndMulRejectBadPoints) {
  const std::string g_y_plus_p = word(1) + word(k_p + 2);  // (1, 2 + p): the generator, unreduced
  const std::string off_curve = word(1) + word(3);
  EXPECT_EQ(add_error(g_y_plus_p + k_g1), k_not_below_p);
  EXPECT_EQ(add_error(k_g1 + g_y_plus_p), k_not_below_p);
  EXPECT_EQ(add_error(word(k_p) + word(0) + k_g1), k_not_below_p);  // x == p
  EXPECT_EQ(add_error(word(1) + word(k_p) + k_g1), k_not_below_p);  // y == p
  EXPECT_EQ(add_error(word(uint256::max()) + word(2) + k_g1), k_not_below_p);
  EXPECT_EQ(add_error(off_curve + k_g1), k_g1_off_curve);
  EXPECT_EQ(add_error(k_g1 + off_curve), k_g1_off_curve);
  EXPECT_EQ(add_error(word(0) + word(1) + k_infinity_g1), k_g1_off_curve);  // (0, y) is no point
  EXPECT_EQ(add_error(word(1) + word(0) + k_infinity_g1), k_g1_off_curve);
  EXPECT_EQ(add_error(k_infinity_g1 + off_curve), k_g1_off_curve);

  EXPECT_EQ(mul_error(g_y_plus_p + word(1)), k_not_below_p);
  EXPECT_EQ(mul_error(word(k_p) + word(2) + word(0)), k_not_below_p);
  EXPECT_EQ(mul_error(off_curve + word(0)), k_g1_off_curve);  // even when the result would be O
  EXPECT_EQ(mul_error(off_curve + word(5)), k_g1_off_curve);
  EXPECT_EQ(mul_error(k_g1 + word(uint256::max())), "ok");  // any scalar is fine
}

TEST(Bn254, PairingRejectsBadInput) {
  const std::string good = k_g1 + k_g2;
  // Length not a multiple of 192.
  for (std::size_t len : {1u, 64u, 191u, 193u, 383u}) {
    auto r = bn254::pairing_check(Bytes(len, 0));
    ASSERT_FALSE(r) << len;
    EXPECT_EQ(r.error(), Errc::invalid_curve_point);
    EXPECT_EQ(r.error().detail(), "pairing input length is not a multiple of 192");
  }
  // G1: coordinate == p, off the curve.
  EXPECT_EQ(pairing(word(k_p) + word(2) + k_g2), "error: " + k_not_below_p);
  EXPECT_EQ(pairing(word(1) + word(k_p + 2) + k_g2), "error: " + k_not_below_p);
  EXPECT_EQ(pairing(word(1) + word(3) + k_g2), "error: " + k_g1_off_curve);
  // G2: each of the four coordinates at p, and p + the real x of the generator.
  for (int i = 0; i < 4; ++i) {
    std::string g2 = k_g2;
    g2.replace(static_cast<std::size_t>(i) * 64, 64, word(k_p));
    EXPECT_EQ(pairing(k_g1 + g2), "error: " + k_not_below_p) << i;
  }
  {
    std::string g2 = k_g2;
    g2.replace(64, 64, word(uint256::from_be(unhex(k_g2.substr(64, 64))) + k_p));
    EXPECT_EQ(pairing(k_g1 + g2), "error: " + k_not_below_p);
  }
  // G2 off the twist: y nudged, real and imaginary parts swapped (a point of the wrong encoding).
  {
    std::string g2 = k_g2;
    g2.replace(255, 1, "b");  // y_real ...daa -> ...dab
    EXPECT_EQ(pairing(k_g1 + g2), "error: " + k_g2_off_curve);
    const std::string swapped =
        k_g2.substr(64, 64) + k_g2.substr(0, 64) + k_g2.substr(192, 64) + k_g2.substr(128, 64);
    EXPECT_EQ(pairing(k_g1 + swapped), "error: " + k_g2_off_curve);
    EXPECT_EQ(pairing(k_g1 + word(0) + word(1) + word(0) + word(0)), "error: " + k_g2_off_curve);
  }
  // On the twist but outside G2; y negated is on the curve too, and outside as well.
  EXPECT_EQ(pairing(k_g1 + k_g2_not_in_subgroup), "error: " + k_g2_outside);
  {
    std::string neg = k_g2_not_in_subgroup;
    neg.replace(128, 64, word(k_p - uint256::from_be(unhex(neg.substr(128, 64)))));
    neg.replace(192, 64, word(k_p - uint256::from_be(unhex(neg.substr(192, 64)))));
    EXPECT_EQ(pairing(k_g1 + neg), "error: " + k_g2_outside);
    std::string nudged = k_g2_not_in_subgroup;
    nudged.replace(255, 1, "c");  // ...1bb -> ...1bc: off the curve altogether
    EXPECT_EQ(pairing(k_g1 + nudged), "error: " + k_g2_off_curve);
  }
  EXPECT_EQ(pairing(k_g1 + k_g2_cofactor_order), "error: " + k_g2_outside);
  // Points are validated even where their pair contributes nothing, and after good pairs.
  EXPECT_EQ(pairing(k_infinity_g1 + k_g2_not_in_subgroup), "error: " + k_g2_outside);
  EXPECT_EQ(pairing(word(1) + word(3) + k_infinity_g2), "error: " + k_g1_off_curve);
  EXPECT_EQ(pairing(good + good + k_g1 + k_g2_not_in_subgroup), "error: " + k_g2_outside);
}

}  // namespace
}  // namespace rollup::crypto
