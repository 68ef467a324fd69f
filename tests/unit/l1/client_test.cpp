#include "rollup/l1/client.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "unit/l1/fake_node.hpp"

namespace rollup::l1 {
namespace {

using namespace std::chrono_literals;
using test::FakeNode;
using test::Reply;
using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

// Short waits everywhere, so that the retry and timeout tests take fractions of a second.
ClientOptions fast(std::string url) {
  ClientOptions options;
  options.url = std::move(url);
  options.timeout = 2s;
  options.connect_timeout = 1s;
  options.backoff_initial = 20ms;
  options.backoff_max = 100ms;
  return options;
}

std::unique_ptr<Client> open(ClientOptions options) {
  auto client = Client::create(std::move(options));
  EXPECT_TRUE(client) << client.error().message();
  return client ? std::move(*client) : nullptr;
}

std::chrono::milliseconds since(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
}

// Waits up to 5 s for a condition another thread makes true.
template <typename F>
bool eventually(F condition) {
  const auto deadline = Clock::now() + 5s;
  while (!condition()) {
    if (Clock::now() > deadline) return false;
    std::this_thread::sleep_for(2ms);
  }
  return true;
}

TEST(Client, SingleCallSendsJsonRpcOverPost) {
  std::mutex mutex;
  test::HttpRequest seen;
  FakeNode node([&](const test::HttpRequest& request) {
    std::lock_guard lock(mutex);
    seen = request;
    return Reply{.body = test::result_for(json::parse(request.body()), "0x7a69").dump()};
  });
  auto client = open(fast(node.url()));
  const auto answer = client->call("eth_chainId");
  ASSERT_TRUE(answer) << answer.error().message();
  EXPECT_EQ(*answer, "0x7a69");

  std::lock_guard lock(mutex);
  EXPECT_EQ(seen.method(), test::http::verb::post);
  EXPECT_EQ(seen.target(), "/");
  EXPECT_EQ(seen[test::http::field::content_type], "application/json");
  EXPECT_EQ(seen[test::http::field::host], "127.0.0.1:" + std::to_string(node.port()));
  const json body = json::parse(seen.body());
  EXPECT_EQ(body.at("jsonrpc"), "2.0");
  EXPECT_EQ(body.at("method"), "eth_chainId");
  EXPECT_EQ(body.at("params"), json::array());
  EXPECT_TRUE(body.at("id").is_number_unsigned());
}

TEST(Client, NullResultIsAnAnswer) {
  FakeNode node(test::rpc([](const json& call) { return test::result_for(call, nullptr); }));
  auto client = open(fast(node.url()));
  const auto answer = client->call("eth_getTransactionReceipt", json::array({"0x00"}));
  ASSERT_TRUE(answer) << answer.error().message();
  EXPECT_TRUE(answer->is_null());
}

TEST(Client, NullParamsAreLeftOut) {
  std::atomic<bool> had_params{true};
  FakeNode node([&](const test::HttpRequest& request) {
    const json call = json::parse(request.body());
    had_params = call.contains("params");
    return Reply{.body = test::result_for(call, 1).dump()};
  });
  auto client = open(fast(node.url()));
  ASSERT_TRUE(client->call("net_version", nullptr));
  EXPECT_FALSE(had_params);
}

TEST(Client, BatchMatchesAnswersInAnyOrder) {
  // Answers come reversed; "skip" gets none, "fail" an error, and a stray id is ignored.
  FakeNode node([](const test::HttpRequest& request) {
    const json calls = json::parse(request.body());
    json out = json::array();
    for (const json& call : calls) {
      if (call.at("method") == "skip") continue;
      if (call.at("method") == "fail") {
        out.push_back(test::error_for(call, -32601, "the method fail does not exist"));
      } else {
        out.push_back(test::result_for(call, call.at("params")));
      }
    }
    std::reverse(out.begin(), out.end());
    out.push_back({{"jsonrpc", "2.0"}, {"id", 1u << 30}, {"result", "stray"}});
    return Reply{.body = out.dump()};
  });
  auto client = open(fast(node.url()));
  const auto answers = client->batch({{"a", json::array({1})},
                                      {"skip", json::array()},
                                      {"b", json::array({2})},
                                      {"fail", json::array()},
                                      {"c", json::array({3})}});
  ASSERT_EQ(answers.size(), 5u);
  ASSERT_TRUE(answers[0]);
  EXPECT_EQ(*answers[0], json::array({1}));
  ASSERT_FALSE(answers[1]);
  EXPECT_EQ(answers[1].error(), Errc::bad_response);
  EXPECT_NE(answers[1].error().detail().find("no answer"), std::string::npos);
  EXPECT_NE(answers[1].error().detail().find("skip"), std::string::npos);
  ASSERT_TRUE(answers[2]);
  EXPECT_EQ(*answers[2], json::array({2}));
  ASSERT_FALSE(answers[3]);
  ASSERT_TRUE(rpc_error(answers[3].error()));
  EXPECT_EQ(rpc_error(answers[3].error())->code, -32601);
  ASSERT_TRUE(answers[4]);
  EXPECT_EQ(*answers[4], json::array({3}));
  EXPECT_EQ(node.requests(), 1);
}

TEST(Client, BatchWithTwoAnswersForOneIdFailsThatEntry) {
  FakeNode node([](const test::HttpRequest& request) {
    const json calls = json::parse(request.body());
    json out = json::array({test::result_for(calls[0], 1), test::result_for(calls[0], 2),
                            test::result_for(calls[1], 3)});
    return Reply{.body = out.dump()};
  });
  auto client = open(fast(node.url()));
  const auto answers = client->batch({{"a", json::array()}, {"b", json::array()}});
  ASSERT_FALSE(answers[0]);
  EXPECT_EQ(answers[0].error(), Errc::bad_response);
  ASSERT_TRUE(answers[1]);
  EXPECT_EQ(*answers[1], 3);
}

TEST(Client, BatchRefusedAsAWholeFailsEveryEntry) {
  // geth answers a batch above its limit with one error object.
  FakeNode node([](const test::HttpRequest&) {
    return Reply{.body = R"({"jsonrpc":"2.0","id":null,"error":{"code":-32600,)"
                         R"("message":"batch too large"}})"};
  });
  auto client = open(fast(node.url()));
  const auto answers = client->batch({{"a", json::array()}, {"b", json::array()}});
  ASSERT_EQ(answers.size(), 2u);
  for (const auto& answer : answers) {
    ASSERT_FALSE(answer);
    ASSERT_TRUE(rpc_error(answer.error()));
    EXPECT_EQ(rpc_error(answer.error())->message, "batch too large");
  }
}

TEST(Client, EmptyBatchSendsNothing) {
  FakeNode node(test::echo());
  auto client = open(fast(node.url()));
  EXPECT_TRUE(client->batch({}).empty());
  EXPECT_EQ(node.requests(), 0);
}

TEST(Client, RpcErrorCarriesCodeMessageAndDataAndIsNotRetried) {
  FakeNode node(test::rpc([](const json& call) {
    return test::error_for(call, -32000, "nonce too low: next nonce 5, tx nonce 4", "0xdead");
  }));
  auto client = open(fast(node.url()));
  const auto answer = client->call("eth_sendRawTransaction", json::array({"0x02"}));
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error(), Errc::rpc_error);
  const auto error = rpc_error(answer.error());
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code, -32000);
  EXPECT_EQ(error->message, "nonce too low: next nonce 5, tx nonce 4");
  EXPECT_EQ(error->data, "0xdead");
  EXPECT_NE(answer.error().message().find("nonce too low"), std::string::npos);
  EXPECT_EQ(node.requests(), 1);
  // Other errors carry no RpcError.
  EXPECT_FALSE(rpc_error(Error(make_error_code(Errc::timeout), "x")));
}

TEST(Client, RetriesTheRetryableStatuses) {
  for (unsigned status : {429u, 502u, 503u, 504u}) {
    std::atomic<int> seen{0};
    FakeNode node([&](const test::HttpRequest& request) {
      if (seen++ < 2) return Reply{.status = status, .body = "busy"};
      return Reply{.body = test::result_for(json::parse(request.body()), "0x1").dump()};
    });
    auto client = open(fast(node.url()));
    const auto answer = client->call("eth_blockNumber");
    ASSERT_TRUE(answer) << status << ": " << answer.error().message();
    EXPECT_EQ(*answer, "0x1");
    EXPECT_EQ(node.requests(), 3) << status;
    // The 503s kept the connection alive, and the retries used it.
    EXPECT_EQ(node.connections(), 1) << status;
  }
}

TEST(Client, OtherStatusesAreNotRetried) {
  for (unsigned status : {400u, 401u, 404u, 500u}) {
    FakeNode node([&](const test::HttpRequest&) { return Reply{.status = status}; });
    auto client = open(fast(node.url()));
    const auto answer = client->call("eth_blockNumber");
    ASSERT_FALSE(answer);
    EXPECT_EQ(answer.error(), Errc::http_status);
    EXPECT_NE(answer.error().detail().find("HTTP " + std::to_string(status)), std::string::npos);
    EXPECT_EQ(node.requests(), 1);
  }
}

TEST(Client, GivesUpAfterMaxAttemptsWithGrowingBackoff) {
  FakeNode node([](const test::HttpRequest&) { return Reply{.status = 503}; });
  auto options = fast(node.url());
  options.max_attempts = 3;
  options.backoff_initial = 100ms;
  options.backoff_max = 1s;
  auto client = open(options);
  const auto start = Clock::now();
  const auto answer = client->call("eth_blockNumber");
  const auto elapsed = since(start);
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error(), Errc::http_status);
  EXPECT_NE(answer.error().detail().find("after 3 attempts"), std::string::npos);
  EXPECT_EQ(node.requests(), 3);
  // Waits drawn from [50, 100] and [100, 200] ms.
  EXPECT_GE(elapsed, 150ms);
  EXPECT_LT(elapsed, 1500ms);
}

TEST(Client, BackoffStopsGrowingAtTheCap) {
  FakeNode node([](const test::HttpRequest&) { return Reply{.status = 503}; });
  auto options = fast(node.url());
  options.max_attempts = 8;
  options.backoff_initial = 10ms;
  options.backoff_max = 40ms;
  auto client = open(options);
  const auto start = Clock::now();
  ASSERT_FALSE(client->call("eth_blockNumber"));
  // Uncapped, the seven waits would be at least 5+10+20+40+80+160+320 ms.
  EXPECT_LT(since(start), 500ms);
  EXPECT_GE(since(start), 5ms + 10ms + 20ms * 5);
  EXPECT_EQ(node.requests(), 8);
}

TEST(Client, RetriesUntilTheServerStarts) {
  const std::uint16_t port = test::free_port();
  auto options = fast("http://127.0.0.1:" + std::to_string(port));
  options.max_attempts = 20;
  options.backoff_initial = 50ms;
  options.backoff_max = 200ms;
  auto client = open(options);
  const auto start = Clock::now();
  auto answer = std::async(std::launch::async, [&] { return client->call("eth_chainId"); });
  std::this_thread::sleep_for(400ms);
  FakeNode node(test::rpc([](const json& call) { return test::result_for(call, "0x1"); }), port);
  const auto result = answer.get();
  ASSERT_TRUE(result) << result.error().message();
  EXPECT_EQ(*result, "0x1");
  EXPECT_GE(since(start), 400ms);
}

TEST(Client, RefusedConnectionIsUnreachable) {
  const std::uint16_t port = test::free_port();
  auto options = fast("http://127.0.0.1:" + std::to_string(port));
  options.max_attempts = 2;
  auto client = open(options);
  const auto answer = client->call("eth_chainId");
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error(), Errc::unreachable);
  EXPECT_NE(answer.error().detail().find("127.0.0.1:" + std::to_string(port)), std::string::npos);
  EXPECT_NE(answer.error().detail().find("after 2 attempts"), std::string::npos);
}

TEST(Client, UnknownHostIsUnreachable) {
  // .invalid never resolves (RFC 6761).
  auto options = fast("http://l1.invalid:8545");
  options.max_attempts = 1;
  options.connect_timeout = 5s;
  auto client = open(options);
  const auto answer = client->call("eth_chainId");
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error(), Errc::unreachable) << answer.error().message();
}

TEST(Client, HangingServerTimesOutEachAttempt) {
  FakeNode node([](const test::HttpRequest&) { return Reply{.kind = Reply::Kind::hang}; });
  auto options = fast(node.url());
  options.timeout = 200ms;
  options.max_attempts = 2;
  auto client = open(options);
  const auto start = Clock::now();
  const auto answer = client->call("eth_chainId");
  const auto elapsed = since(start);
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error(), Errc::timeout);
  EXPECT_NE(answer.error().detail().find("200 ms"), std::string::npos);
  EXPECT_EQ(node.requests(), 2);
  EXPECT_GE(elapsed, 400ms);
  EXPECT_LT(elapsed, 2s);
}

TEST(Client, SlowAnswerWithinTheTimeoutArrives) {
  FakeNode node([](const test::HttpRequest& request) {
    return Reply{.body = test::result_for(json::parse(request.body()), "0x2").dump(),
                 .delay = 150ms};
  });
  auto options = fast(node.url());
  options.timeout = 1s;
  auto client = open(options);
  const auto answer = client->call("eth_chainId");
  ASSERT_TRUE(answer) << answer.error().message();
  EXPECT_EQ(node.requests(), 1);
}

TEST(Client, OversizeAnswerIsRefusedAndNotRetried) {
  FakeNode node([](const test::HttpRequest& request) {
    return Reply{
        .body = test::result_for(json::parse(request.body()), std::string(2 << 20, 'a')).dump()};
  });
  auto options = fast(node.url());
  options.max_response_bytes = 1 << 20;
  auto client = open(options);
  const auto answer = client->call("eth_getBlockByNumber");
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error(), Errc::response_too_large);
  EXPECT_EQ(node.requests(), 1);
  // Below the limit the same answer is fine.
  auto roomy = fast(node.url());
  roomy.max_response_bytes = 4 << 20;
  EXPECT_TRUE(open(roomy)->call("eth_getBlockByNumber"));
}

TEST(Client, MalformedAnswersAreBadResponsesAndNotRetried) {
  // Each makes the answer to a call with the given id.
  const std::vector<std::pair<std::string, std::function<Reply(const json&)>>> cases = {
      {"not JSON", [](const json&) { return Reply{.body = "<html>oops</html>"}; }},
      {"an array for a single call", [](const json&) { return Reply{.body = "[1,2]"}; }},
      {"wrong id",
       [](const json& call) {
         return Reply{.body = json{
                          {"jsonrpc", "2.0"},
                          {"id", call.at("id").get<std::uint64_t>() + 1},
                          {"result",
                           1}}.dump()};
       }},
      {"string id",
       [](const json& call) {
         return Reply{.body = json{
                          {"jsonrpc", "2.0"},
                          {"id", std::to_string(call.at("id").get<std::uint64_t>())},
                          {"result",
                           1}}.dump()};
       }},
      {"no jsonrpc member",
       [](const json& call) {
         return Reply{.body = json{{"id", call.at("id")}, {"result", 1}}.dump()};
       }},
      {"result and error",
       [](const json& call) {
         json answer = test::error_for(call, 1, "x");
         answer["result"] = 1;
         return Reply{.body = answer.dump()};
       }},
      {"neither result nor error",
       [](const json& call) {
         return Reply{.body = json{{"jsonrpc", "2.0"}, {"id", call.at("id")}}.dump()};
       }},
      {"error without a code",
       [](const json& call) {
         return Reply{
             .body = json{{"jsonrpc", "2.0"}, {"id", call.at("id")}, {"error", {{"message", "x"}}}}
                         .dump()};
       }},
      {"not HTTP",
       [](const json&) {
         return Reply{.kind = Reply::Kind::raw, .raw = "SSH-2.0-OpenSSH_9.2\r\n\r\n"};
       }},
  };
  for (const auto& [name, make] : cases) {
    FakeNode node(
        [&make](const test::HttpRequest& request) { return make(json::parse(request.body())); });
    auto client = open(fast(node.url()));
    const auto answer = client->call("eth_chainId");
    ASSERT_FALSE(answer) << name;
    EXPECT_EQ(answer.error(), Errc::bad_response) << name << ": " << answer.error().message();
    EXPECT_EQ(node.requests(), 1) << name;
  }
}

TEST(Client, AnswerCutOffMidwayIsRetried) {
  std::atomic<int> seen{0};
  FakeNode node([&](const test::HttpRequest& request) {
    if (seen++ == 0) {
      return Reply{.kind = Reply::Kind::raw,
                   .raw = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"jsonrpc\":"};
    }
    return Reply{.body = test::result_for(json::parse(request.body()), "0x3").dump()};
  });
  auto client = open(fast(node.url()));
  const auto answer = client->call("eth_chainId");
  ASSERT_TRUE(answer) << answer.error().message();
  EXPECT_EQ(*answer, "0x3");
  EXPECT_EQ(node.requests(), 2);
}

TEST(Client, ConnectionClosedWithoutAnAnswerIsRetried) {
  std::atomic<int> seen{0};
  FakeNode node([&](const test::HttpRequest& request) {
    if (seen++ == 0) return Reply{.kind = Reply::Kind::close};
    return Reply{.body = test::result_for(json::parse(request.body()), "0x3").dump()};
  });
  auto client = open(fast(node.url()));
  ASSERT_TRUE(client->call("eth_chainId"));
  EXPECT_EQ(node.requests(), 2);
  EXPECT_EQ(node.connections(), 2);
}

TEST(Client, KeepAliveReusesOneConnection) {
  FakeNode node(test::echo());
  auto client = open(fast(node.url()));
  for (int i = 0; i < 20; ++i) {
    const auto answer = client->call("echo", json::array({i}));
    ASSERT_TRUE(answer) << answer.error().message();
    EXPECT_EQ(*answer, json::array({i}));
  }
  EXPECT_EQ(node.requests(), 20);
  EXPECT_EQ(node.connections(), 1);
}

TEST(Client, ReconnectsAtOnceWhenTheServerClosedTheIdleConnection) {
  // The server closes after each answer without saying so, like a node's idle timeout: the next
  // request finds the kept connection dead and must go again on a new one, without a backoff.
  FakeNode node(test::rpc([](const json& call) { return test::result_for(call, "0x1"); }));
  FakeNode closing([](const test::HttpRequest& request) {
    return Reply{.body = test::result_for(json::parse(request.body()), "0x1").dump(),
                 .close_after = true};
  });
  auto options = fast(closing.url());
  options.backoff_initial = 2s;
  options.backoff_max = 2s;
  options.max_attempts = 2;
  auto client = open(options);
  const auto start = Clock::now();
  for (int i = 0; i < 5; ++i) {
    // Gives the server's close time to arrive, so that the connection is dead when reused.
    std::this_thread::sleep_for(20ms);
    const auto answer = client->call("eth_chainId");
    ASSERT_TRUE(answer) << answer.error().message();
  }
  EXPECT_LT(since(start), 1500ms);
  EXPECT_EQ(closing.connections(), 5);
  EXPECT_EQ(closing.requests(), 5);
}

TEST(Client, AnnouncedCloseOpensANewConnection) {
  FakeNode node([](const test::HttpRequest& request) {
    return Reply{.body = test::result_for(json::parse(request.body()), "0x1").dump(),
                 .announce_close = true};
  });
  auto client = open(fast(node.url()));
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(client->call("eth_chainId"));
  EXPECT_EQ(node.connections(), 3);
}

TEST(Client, ManyCallsFromSeveralThreadsShareABoundedPool) {
  FakeNode node([](const test::HttpRequest& request) {
    const json doc = json::parse(request.body());
    return Reply{.body = test::result_for(doc, doc.at("params")).dump(), .delay = 2ms};
  });
  auto options = fast(node.url());
  options.max_connections = 3;
  options.timeout = 10s;
  auto client = open(options);

  constexpr int k_threads = 4;
  constexpr int k_calls = 25;
  std::atomic<int> wrong{0};
  // Async calls from this thread overlap the blocking ones.
  std::atomic<int> async_done{0};
  for (int i = 0; i < 100; ++i) {
    client->call_async("echo", json::array({"async", i}), [&, i](Result<json> answer) {
      if (!answer || *answer != json::array({"async", i})) ++wrong;
      ++async_done;
    });
  }
  std::vector<std::thread> threads;
  for (int t = 0; t < k_threads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < k_calls; ++i) {
        const auto answer = client->call("echo", json::array({t, i}));
        if (!answer || *answer != json::array({t, i})) ++wrong;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  ASSERT_TRUE(eventually([&] { return async_done == 100; }));
  EXPECT_EQ(wrong, 0);
  EXPECT_EQ(node.requests(), 100 + k_threads * k_calls);
  EXPECT_LE(node.peak_open(), 3);
  EXPECT_LE(node.connections(), 3);
}

TEST(Client, StopCancelsCallsInFlightAndWaiting) {
  FakeNode node([](const test::HttpRequest&) { return Reply{.kind = Reply::Kind::hang}; });
  auto options = fast(node.url());
  options.max_connections = 2;
  options.timeout = 30s;
  auto client = open(options);
  std::atomic<int> cancelled{0};
  std::atomic<int> other{0};
  for (int i = 0; i < 6; ++i) {
    client->call_async("eth_chainId", json::array(), [&](Result<json> answer) {
      (!answer && answer.error() == Errc::cancelled ? cancelled : other)++;
    });
  }
  // Two on the wire, four waiting for a connection.
  ASSERT_TRUE(eventually([&] { return node.requests() == 2; }));
  const auto start = Clock::now();
  client->stop();
  EXPECT_LT(since(start), 1s);
  EXPECT_EQ(cancelled, 6);
  EXPECT_EQ(other, 0);

  // After stop(): at once, on this thread.
  bool called = false;
  client->call_async("eth_chainId", json::array(), [&](Result<json> answer) {
    called = true;
    EXPECT_EQ(answer.error(), Errc::cancelled);
  });
  EXPECT_TRUE(called);
  EXPECT_EQ(client->call("eth_chainId").error(), Errc::cancelled);
  EXPECT_EQ(client->batch({{"a", json::array()}})[0].error(), Errc::cancelled);
  client->stop();  // idempotent
}

TEST(Client, StopCancelsACallWaitingToRetry) {
  FakeNode node([](const test::HttpRequest&) { return Reply{.status = 503}; });
  auto options = fast(node.url());
  options.backoff_initial = 10s;
  options.backoff_max = 10s;
  auto client = open(options);
  std::promise<Result<json>> answer;
  client->call_async("eth_chainId", json::array(),
                     [&](Result<json> r) { answer.set_value(std::move(r)); });
  ASSERT_TRUE(eventually([&] { return node.requests() == 1; }));
  const auto start = Clock::now();
  client->stop();
  EXPECT_LT(since(start), 1s);
  EXPECT_EQ(answer.get_future().get().error(), Errc::cancelled);
}

TEST(Client, DestructorCancelsWhatIsInFlight) {
  FakeNode node([](const test::HttpRequest&) { return Reply{.kind = Reply::Kind::hang}; });
  std::promise<Result<json>> answer;
  {
    auto client = open(fast(node.url()));
    client->call_async("eth_chainId", json::array(),
                       [&](Result<json> r) { answer.set_value(std::move(r)); });
    ASSERT_TRUE(eventually([&] { return node.requests() == 1; }));
  }
  EXPECT_EQ(answer.get_future().get().error(), Errc::cancelled);
}

TEST(Client, SecretsStayOutOfErrors) {
  const std::vector<std::string> secrets = {"alice", "hunter2", "KEY123", "KEY456", "KEY789"};
  const auto check = [&](const Error& error) {
    for (const auto& secret : secrets) {
      EXPECT_EQ(error.message().find(secret), std::string::npos) << error.message();
    }
  };
  const auto url_with_secrets = [](std::uint16_t port) {
    return "http://alice:hunter2@127.0.0.1:" + std::to_string(port) + "/v3/KEY123?apikey=KEY456";
  };

  // Nothing listening.
  auto options = fast(url_with_secrets(test::free_port()));
  options.headers = {{"X-Api-Key", "KEY789"}};
  options.max_attempts = 1;
  const auto refused = open(options)->call("eth_chainId");
  ASSERT_FALSE(refused);
  check(refused.error());

  // A node that refuses the key: the credentials went out, and stay out of the error.
  std::mutex mutex;
  test::HttpRequest seen;
  FakeNode node([&](const test::HttpRequest& request) {
    std::lock_guard lock(mutex);
    seen = request;
    return Reply{.status = 401, .body = "invalid key KEY123"};
  });
  options.url = url_with_secrets(node.port());
  const auto unauthorised = open(options)->call("eth_chainId");
  ASSERT_FALSE(unauthorised);
  EXPECT_EQ(unauthorised.error(), Errc::http_status);
  check(unauthorised.error());
  std::lock_guard lock(mutex);
  EXPECT_EQ(seen.target(), "/v3/KEY123?apikey=KEY456");
  EXPECT_EQ(seen[test::http::field::authorization], "Basic YWxpY2U6aHVudGVyMg==");  // alice:hunter2
  EXPECT_EQ(seen["X-Api-Key"], "KEY789");
  EXPECT_EQ(seen[test::http::field::host], "127.0.0.1:" + std::to_string(node.port()));

  // Malformed options name neither the URL nor a header's value.
  auto bad = fast("http://alice:hunter2@[::1/KEY123");
  const auto refused_url = Client::create(bad);
  ASSERT_FALSE(refused_url);
  check(refused_url.error());
  bad = fast("http://127.0.0.1:1/");
  bad.headers = {{"X-Api-Key", "KEY789\r\nInjected: 1"}};
  const auto refused_header = Client::create(bad);
  ASSERT_FALSE(refused_header);
  EXPECT_EQ(refused_header.error(), Errc::invalid_options);
  check(refused_header.error());
}

TEST(Client, RefusesOptionsThatCannotWork) {
  const auto refused = [](ClientOptions options) {
    const auto client = Client::create(std::move(options));
    return !client && client.error() == Errc::invalid_options;
  };
  for (const char* url : {"", "ftp://127.0.0.1", "127.0.0.1:8545", "http://", "http://:8545",
                          "http://host:0", "http://host:65536", "http://host:x",
                          "http://host:", "http://[::1", "http://[::1]x", "http://a%zz@host"}) {
    EXPECT_TRUE(refused(fast(url))) << url;
  }
  auto options = fast("http://127.0.0.1:8545");
  options.max_attempts = 0;
  EXPECT_TRUE(refused(options));
  options = fast("http://127.0.0.1:8545");
  options.max_connections = 0;
  EXPECT_TRUE(refused(options));
  options = fast("http://127.0.0.1:8545");
  options.backoff_max = 1ms;
  EXPECT_TRUE(refused(options));
  options = fast("http://127.0.0.1:8545");
  options.timeout = 0ms;
  EXPECT_TRUE(refused(options));
  options = fast("https://127.0.0.1:8545");
  options.ca_file = "/nonexistent/ca.pem";
  EXPECT_TRUE(refused(options));
  // Accepted forms.
  for (const char* url : {"http://127.0.0.1", "HTTP://localhost:8545/", "https://[::1]:443/rpc?x=1",
                          "http://u:p%40ss@host:1/path#frag"}) {
    EXPECT_TRUE(Client::create(fast(url))) << url;
  }
}

TEST(Client, RefusesParamsThatAreNeitherArrayNorObject) {
  FakeNode node(test::echo());
  auto client = open(fast(node.url()));
  const auto answer = client->call("eth_chainId", 5);
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error(), Errc::invalid_request);
  const auto not_utf8 = client->call("eth_chainId", json::array({std::string("\xff\xfe")}));
  ASSERT_FALSE(not_utf8);
  EXPECT_EQ(not_utf8.error(), Errc::invalid_request);
  const auto batch = client->batch({{"a", json::array()}, {"b", "x"}});
  ASSERT_EQ(batch.size(), 2u);
  EXPECT_EQ(batch[0].error(), Errc::invalid_request);
  EXPECT_EQ(node.requests(), 0);
}

TEST(Client, ObjectParamsAreSent) {
  FakeNode node(test::echo());
  auto client = open(fast(node.url()));
  const auto answer = client->call("x", json{{"a", 1}});
  ASSERT_TRUE(answer);
  EXPECT_EQ(*answer, (json{{"a", 1}}));
}

TEST(Client, HttpsToAPlainServerFailsTheHandshake) {
  FakeNode node(test::echo());
  auto options = fast("https://127.0.0.1:" + std::to_string(node.port()));
  options.max_attempts = 1;
  auto client = open(options);
  const auto answer = client->call("eth_chainId");
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error(), Errc::unreachable) << answer.error().message();
}

TEST(ClientDeathTest, BlockingCallFromAHandlerAborts) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        FakeNode node(test::echo());
        auto client = open(fast(node.url()));
        std::promise<void> never;
        client->call_async("a", json::array(), [&](Result<json>) { (void)client->call("b"); });
        never.get_future().wait_for(10s);
      },
      "assertion failed");
}

}  // namespace
}  // namespace rollup::l1
