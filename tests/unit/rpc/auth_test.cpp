#include "rollup/rpc/auth.hpp"

#include <gtest/gtest.h>

#include "rollup/rpc/jsonrpc.hpp"

namespace rollup::rpc {
namespace {

const Bytes k_secret(32, 0x42);
constexpr std::int64_t k_now = 1'800'000'000;

std::string detail(const Result<void>& r) {
  return r ? "" : r.error().detail();
}

TEST(Jwt, AFreshTokenSignedWithTheSecretPasses) {
  EXPECT_TRUE(verify_jwt("Bearer " + make_jwt(k_secret, k_now), k_secret, k_now));
  // Clocks may differ by up to a minute either way.
  EXPECT_TRUE(verify_jwt("Bearer " + make_jwt(k_secret, k_now - 60), k_secret, k_now));
  EXPECT_TRUE(verify_jwt("Bearer " + make_jwt(k_secret, k_now + 60), k_secret, k_now));
}

TEST(Jwt, EverythingElseIsRefusedWithAReason) {
  EXPECT_EQ(detail(verify_jwt("", k_secret, k_now)), "missing token");
  EXPECT_EQ(detail(verify_jwt("Basic abc", k_secret, k_now)),
            "the Authorization header is not a bearer token");
  EXPECT_EQ(detail(verify_jwt("Bearer " + make_jwt(k_secret, k_now - 61), k_secret, k_now)),
            "token is expired");
  EXPECT_EQ(detail(verify_jwt("Bearer " + make_jwt(k_secret, k_now + 61), k_secret, k_now)),
            "token is issued in the future");
  const Bytes other(32, 0x43);
  EXPECT_EQ(detail(verify_jwt("Bearer " + make_jwt(other, k_now), k_secret, k_now)),
            "invalid token signature");
  std::string token = make_jwt(k_secret, k_now);
  token.back() = token.back() == 'A' ? 'B' : 'A';
  EXPECT_FALSE(verify_jwt("Bearer " + token, k_secret, k_now));
  EXPECT_EQ(detail(verify_jwt("Bearer abc", k_secret, k_now)), "malformed token");
}

TEST(Jwt, ProtectedNamespacesAnswerOnlyAuthenticatedCallers) {
  DispatcherOptions options;
  options.namespaces.insert("admin");
  Dispatcher d(options);
  d.add("admin_ping", [](const Params&) -> RpcResult<Json> { return Json("pong"); });
  d.add("eth_ping", [](const Params&) -> RpcResult<Json> { return Json("pong"); });
  const std::string admin = R"({"jsonrpc":"2.0","id":1,"method":"admin_ping"})";
  const Json refused = Json::parse(*d.handle(admin, Caller{"token is expired"}));
  EXPECT_EQ(refused["error"]["code"], k_unauthorized);
  EXPECT_EQ(refused["error"]["message"], "unauthorized: token is expired");
  EXPECT_EQ(Json::parse(*d.handle(admin, Caller{std::nullopt}))["result"], "pong");
  // Other namespaces do not care.
  EXPECT_EQ(Json::parse(*d.handle(R"({"jsonrpc":"2.0","id":1,"method":"eth_ping"})"))["result"],
            "pong");
}

}  // namespace
}  // namespace rollup::rpc
