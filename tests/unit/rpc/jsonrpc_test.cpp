#include "rollup/rpc/jsonrpc.hpp"

#include <gtest/gtest.h>

#include "rollup/execution/errors.hpp"
#include "rollup/rpc/codec.hpp"
#include "rollup/txpool/pool.hpp"
#include "rollup/types/errors.hpp"

namespace rollup::rpc {
namespace {

Dispatcher make_dispatcher(DispatcherOptions options = {}) {
  Dispatcher d(std::move(options));
  d.add("eth_echo", [](const Params& p) -> RpcResult<Json> {
    if (auto ok = p.at_most(1); !ok) return std::unexpected(ok.error());
    auto v = p.required(0, decode_u64);
    if (!v) return std::unexpected(v.error());
    return Json(quantity(*v));
  });
  d.add("eth_big", [](const Params&) -> RpcResult<Json> { return Json(std::string(1000, 'x')); });
  d.add("eth_throws", [](const Params&) -> RpcResult<Json> { throw std::runtime_error("boom"); });
  d.add("admin_secret", [](const Params&) -> RpcResult<Json> { return Json("nope"); });
  return d;
}

Json answer(const Dispatcher& d, std::string_view body) {
  auto out = d.handle(body);
  EXPECT_TRUE(out.has_value()) << body;
  return out ? Json::parse(*out) : Json();
}

TEST(JsonRpc, SingleCallEchoesIdAndVersion) {
  const auto d = make_dispatcher();
  const Json r = answer(d, R"({"jsonrpc":"2.0","id":7,"method":"eth_echo","params":["0x2a"]})");
  EXPECT_EQ(r, Json::parse(R"({"jsonrpc":"2.0","id":7,"result":"0x2a"})"));
  const Json s = answer(d, R"({"jsonrpc":"2.0","id":"abc","method":"eth_echo","params":["0x0"]})");
  EXPECT_EQ(s["id"], "abc");
  EXPECT_EQ(s["result"], "0x0");
}

TEST(JsonRpc, GethCodesAndMessages) {
  const auto d = make_dispatcher();
  const Json parse = answer(d, R"({"jsonrpc":"2.0","id":1,"method":)");
  EXPECT_EQ(parse["error"]["code"], code::parse_error);
  EXPECT_TRUE(parse["id"].is_null());
  const Json unknown = answer(d, R"({"jsonrpc":"2.0","id":1,"method":"eth_nothing"})");
  EXPECT_EQ(unknown["error"]["code"], code::method_not_found);
  EXPECT_EQ(unknown["error"]["message"], "the method eth_nothing does not exist/is not available");
  // A namespace that is not enabled looks exactly like a method that does not exist.
  const Json admin = answer(d, R"({"jsonrpc":"2.0","id":2,"method":"admin_secret"})");
  EXPECT_EQ(admin["error"]["code"], code::method_not_found);
  const Json bad = answer(d, R"({"jsonrpc":"2.0","id":3,"method":"eth_echo","params":["42"]})");
  EXPECT_EQ(bad["error"]["code"], code::invalid_params);
  EXPECT_EQ(bad["error"]["message"].get<std::string>().rfind("invalid argument 0: ", 0), 0u)
      << bad.dump();
  const Json missing = answer(d, R"({"jsonrpc":"2.0","id":4,"method":"eth_echo","params":[]})");
  EXPECT_EQ(missing["error"]["message"], "missing value for required argument 0");
  const Json extra =
      answer(d, R"({"jsonrpc":"2.0","id":5,"method":"eth_echo","params":["0x1","0x2"]})");
  EXPECT_EQ(extra["error"]["message"], "too many arguments, want at most 1");
  const Json object = answer(d, R"({"jsonrpc":"2.0","id":6,"method":"eth_echo","params":{"a":1}})");
  EXPECT_EQ(object["error"]["code"], code::invalid_params);
  for (const char* invalid : {R"({"id":1,"method":"eth_echo"})", R"({"jsonrpc":"1.0","id":1})",
                              R"({"jsonrpc":"2.0","id":1,"method":5})", R"(42)",
                              R"({"jsonrpc":"2.0","id":[1],"method":"eth_echo"})"}) {
    const Json r = answer(d, invalid);
    EXPECT_EQ(r["error"]["code"], code::invalid_request) << invalid;
    EXPECT_EQ(r["error"]["message"], "invalid request") << invalid;
  }
  const Json threw = answer(d, R"({"jsonrpc":"2.0","id":8,"method":"eth_throws"})");
  EXPECT_EQ(threw["error"]["code"], code::internal);
}

TEST(JsonRpc, NotificationsGetNoAnswer) {
  const auto d = make_dispatcher();
  EXPECT_FALSE(d.handle(R"({"jsonrpc":"2.0","method":"eth_echo","params":["0x1"]})"));
  EXPECT_FALSE(d.handle(R"([{"jsonrpc":"2.0","method":"eth_echo","params":["0x1"]}])"));
  // An explicit null id is a call, answered with id null.
  const Json r = answer(d, R"({"jsonrpc":"2.0","id":null,"method":"eth_echo","params":["0x1"]})");
  EXPECT_EQ(r["result"], "0x1");
}

TEST(JsonRpc, BatchesAnswerEachCallInOrderAndSkipNotifications) {
  const auto d = make_dispatcher();
  const Json r = answer(d, R"([
      {"jsonrpc":"2.0","id":1,"method":"eth_echo","params":["0x1"]},
      {"jsonrpc":"2.0","method":"eth_echo","params":["0x2"]},
      {"jsonrpc":"2.0","id":3,"method":"eth_nothing"},
      5])");
  ASSERT_TRUE(r.is_array());
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0]["result"], "0x1");
  EXPECT_EQ(r[1]["error"]["code"], code::method_not_found);
  EXPECT_EQ(r[2]["error"]["code"], code::invalid_request);
  const Json empty = answer(d, "[]");
  EXPECT_EQ(empty["error"]["code"], code::invalid_request);
  EXPECT_EQ(empty["error"]["message"], "empty batch");
}

TEST(JsonRpc, BatchLimitsFollowGeth) {
  DispatcherOptions options;
  options.batch_limit = 3;
  options.response_limit = 2500;
  const auto d = make_dispatcher(options);
  const Json big = answer(d, R"([{"jsonrpc":"2.0","method":"eth_echo","params":["0x1"]},
      {"jsonrpc":"2.0","id":9,"method":"eth_echo","params":["0x1"]},
      {"jsonrpc":"2.0","id":10,"method":"eth_echo","params":["0x1"]},
      {"jsonrpc":"2.0","id":11,"method":"eth_echo","params":["0x1"]}])");
  ASSERT_TRUE(big.is_array());
  ASSERT_EQ(big.size(), 1u);
  EXPECT_EQ(big[0]["error"]["message"], "batch too large");
  EXPECT_EQ(big[0]["id"], 9) << "the id of the first call, not of the notification before it";
  // Three answers of about 1,000 bytes pass a 2,500-byte limit: the third and later get -32003.
  const Json large = answer(d, R"([{"jsonrpc":"2.0","id":1,"method":"eth_big"},
      {"jsonrpc":"2.0","id":2,"method":"eth_big"},
      {"jsonrpc":"2.0","id":3,"method":"eth_big"}])");
  ASSERT_EQ(large.size(), 3u);
  EXPECT_TRUE(large[0].contains("result"));
  EXPECT_TRUE(large[1].contains("result"));
  EXPECT_EQ(large[2]["error"]["code"], code::response_too_large);
  EXPECT_EQ(large[2]["id"], 3);
}

TEST(JsonRpc, NodeErrorsBecomeGethMessages) {
  const RpcError low = to_rpc_error(
      Error(make_error_code(execution::Errc::nonce_too_low), "next nonce 3, tx nonce 1"));
  EXPECT_EQ(low.code, code::server);
  EXPECT_EQ(low.message, "nonce too low: next nonce 3, tx nonce 1");
  const RpcError known = to_rpc_error(Error(make_error_code(txpool::Errc::already_known)));
  EXPECT_EQ(known.message, "already known");
  const RpcError sender =
      to_rpc_error(Error(make_error_code(types::Errc::invalid_signature), "bad recovery id"));
  EXPECT_EQ(sender.message, "invalid sender: bad recovery id");
  const RpcError internal = to_rpc_error(Error(make_error_code(txpool::Errc::journal_io)));
  EXPECT_EQ(internal.code, code::server);
}

}  // namespace
}  // namespace rollup::rpc
