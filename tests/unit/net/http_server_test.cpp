// The HTTP server against a real Beast client over loopback: keep-alive, routing errors, geth's
// body limit, throwing handlers, malformed input, timeouts, stop() with idle connections, and a
// port in use. The client runs every operation with a deadline, so a server that never answers
// fails a test instead of hanging it.

#include "rollup/net/http_server.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "rollup/net/metrics.hpp"
#include "unit/net/clients.hpp"

namespace rollup::net {
namespace {

using namespace test;  // the clients and the Beast aliases

Response text(std::string body) {
  Response r;
  r.body = std::move(body);
  return r;
}

class HttpServerTest : public ::testing::Test {
 protected:
  // Routes: GET /hello, GET+POST /echo, GET /throw, GET /remote.
  void start(HttpServerOptions options = {}) {
    options.address = "127.0.0.1";
    options.port = 0;
    options.on_error = [this](const Error& e) {
      std::scoped_lock lock(m_mutex);
      m_errors.push_back(e);
    };
    m_server = std::make_unique<HttpServer>(std::move(options));
    ASSERT_TRUE(m_server->route("GET", "/hello", [](const Request& req) {
      Response r = text("hello " + req.target);
      r.headers.emplace_back("X-Test", "yes");
      return r;
    }));
    ASSERT_TRUE(m_server->route("POST", "/echo", [](const Request& req) {
      Response r = text(req.body);
      r.content_type = std::string(req.header("content-type"));
      return r;
    }));
    ASSERT_TRUE(m_server->route("GET", "/echo", [](const Request&) { return text("get"); }));
    ASSERT_TRUE(m_server->route(
        "GET", "/throw", [](const Request&) -> Response { throw std::runtime_error("boom"); }));
    ASSERT_TRUE(
        m_server->route("GET", "/remote", [](const Request& req) { return text(req.remote); }));
    ASSERT_TRUE(m_server->start());
    ASSERT_NE(m_server->port(), 0);
  }

  std::vector<Error> errors() {
    std::scoped_lock lock(m_mutex);
    return m_errors;
  }

  std::unique_ptr<HttpServer> m_server;
  std::mutex m_mutex;
  std::vector<Error> m_errors;
};

TEST_F(HttpServerTest, KeepAliveServesTwoRequestsOnOneConnection) {
  start();
  Client client(m_server->port());
  const ClientResponse first = client.request(http::verb::get, "/remote");
  const ClientResponse second = client.request(http::verb::get, "/remote");
  EXPECT_EQ(first.result_int(), 200);
  EXPECT_TRUE(first.keep_alive());
  // The server saw the same client port twice: one connection.
  EXPECT_EQ(first.body(), second.body());
  EXPECT_TRUE(first.body().starts_with("127.0.0.1:"));

  const ClientResponse hello = client.request(http::verb::get, "/hello?x=1");
  EXPECT_EQ(hello.result_int(), 200);
  EXPECT_EQ(hello.body(), "hello /hello?x=1");  // routed by path, target kept whole
  EXPECT_EQ(hello[http::field::content_type], "text/plain; charset=utf-8");
  EXPECT_EQ(hello["X-Test"], "yes");

  const ClientResponse echo = client.request(http::verb::post, "/echo", R"({"id":1})");
  EXPECT_EQ(echo.body(), R"({"id":1})");
}

TEST_F(HttpServerTest, UnknownPathIs404) {
  start();
  Client client(m_server->port());
  const ClientResponse res = client.request(http::verb::get, "/nope");
  EXPECT_EQ(res.result_int(), 404);
  EXPECT_EQ(res.body(), "404 page not found\n");
  // Still serving on the same connection.
  EXPECT_EQ(client.request(http::verb::get, "/hello").result_int(), 200);
}

TEST_F(HttpServerTest, WrongMethodIs405WithAllow) {
  start();
  Client client(m_server->port());
  const ClientResponse res = client.request(http::verb::put, "/echo", "x");
  EXPECT_EQ(res.result_int(), 405);
  EXPECT_EQ(res[http::field::allow], "GET, POST");
  EXPECT_EQ(client.request(http::verb::delete_, "/hello")[http::field::allow], "GET");
}

TEST_F(HttpServerTest, BodyAboveLimitIs413ThenServerStillServes) {
  start();
  {
    Client client(m_server->port());
    http::request<http::string_body> req{http::verb::post, "/echo", 11};
    req.set(http::field::host, "127.0.0.1");
    req.body() = std::string(5 * 1024 * 1024 + 1, 'x');
    req.prepare_payload();
    // The server answers from the header alone and drains the rest, so the write completes.
    EXPECT_FALSE(client.write(req));
    ClientResponse res;
    ASSERT_FALSE(client.read(res));
    EXPECT_EQ(res.result_int(), 413);
    EXPECT_EQ(res.body(), "content length too large (5242881>5242880)\n");
    EXPECT_FALSE(res.keep_alive());
    EXPECT_TRUE(client.closed_by_server());
  }
  {
    // Exactly at the limit is accepted.
    Client client(m_server->port());
    const ClientResponse res =
        client.request(http::verb::post, "/echo", std::string(5 * 1024 * 1024, 'y'));
    EXPECT_EQ(res.result_int(), 200);
    EXPECT_EQ(res.body().size(), 5u * 1024 * 1024);
  }
  Client client(m_server->port());
  EXPECT_EQ(client.request(http::verb::get, "/hello").result_int(), 200);
}

TEST_F(HttpServerTest, ChunkedBodyAboveLimitIs413) {
  HttpServerOptions options;
  options.body_limit = 16;
  start(options);
  Client client(m_server->port());
  ASSERT_FALSE(
      client.write_raw("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                       "10\r\n0123456789abcdef\r\n1\r\nX\r\n0\r\n\r\n"));
  ClientResponse res;
  ASSERT_FALSE(client.read(res));
  EXPECT_EQ(res.result_int(), 413);
  EXPECT_EQ(res.body(), "request body too large (limit 16)\n");
}

TEST_F(HttpServerTest, ThrowingHandlerIs500AndServingContinues) {
  start();
  Client client(m_server->port());
  const ClientResponse res = client.request(http::verb::get, "/throw");
  EXPECT_EQ(res.result_int(), 500);
  EXPECT_EQ(res.body(), "internal server error\n");
  EXPECT_TRUE(res.keep_alive());
  EXPECT_EQ(client.request(http::verb::get, "/hello").result_int(), 200);
  Client other(m_server->port());
  EXPECT_EQ(other.request(http::verb::get, "/hello").result_int(), 200);

  const auto errs = errors();
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0], Errc::handler_failed);
  EXPECT_EQ(errs[0].message(), "net: request handler threw: GET /throw: boom");
}

TEST_F(HttpServerTest, MalformedRequestIs400AndClose) {
  start();
  Client client(m_server->port());
  ASSERT_FALSE(client.write_raw("GET /hello HTTP/1.1\r\nBad Header\r\n\r\n"));
  ClientResponse res;
  ASSERT_FALSE(client.read(res));
  EXPECT_EQ(res.result_int(), 400);
  EXPECT_TRUE(res.body().starts_with("400 Bad Request"));
  EXPECT_TRUE(client.closed_by_server());
  EXPECT_TRUE(errors().empty());  // a client's mistake is not the server's error

  Client next(m_server->port());
  EXPECT_EQ(next.request(http::verb::get, "/hello").result_int(), 200);
}

TEST_F(HttpServerTest, PipelinedRequestsAreAnsweredInOrder) {
  start();
  Client client(m_server->port());
  ASSERT_FALSE(client.write_raw(
      "GET /hello?1 HTTP/1.1\r\nHost: x\r\n\r\nGET /hello?2 HTTP/1.1\r\nHost: x\r\n\r\n"));
  ClientResponse first;
  ClientResponse second;
  ASSERT_FALSE(client.read(first));
  ASSERT_FALSE(client.read(second));
  EXPECT_EQ(first.body(), "hello /hello?1");
  EXPECT_EQ(second.body(), "hello /hello?2");
}

TEST_F(HttpServerTest, ExpectContinueGetsAnInterimResponse) {
  start();
  Client client(m_server->port());
  ASSERT_FALSE(client.write_raw(
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n"));
  // Beast's response parser reads the 100 as a complete message of its own.
  ClientResponse interim;
  ASSERT_FALSE(client.read(interim));
  EXPECT_EQ(interim.result_int(), 100);
  ASSERT_FALSE(client.write_raw("ping"));
  ClientResponse res;
  ASSERT_FALSE(client.read(res));
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_EQ(res.body(), "ping");
}

TEST_F(HttpServerTest, Http10WithoutKeepAliveCloses) {
  start();
  Client client(m_server->port());
  ASSERT_FALSE(client.write_raw("GET /hello HTTP/1.0\r\n\r\n"));
  ClientResponse res;
  ASSERT_FALSE(client.read(res));
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_EQ(res.version(), 10u);
  EXPECT_TRUE(client.closed_by_server());
}

TEST_F(HttpServerTest, IdleKeepAliveConnectionTimesOut) {
  HttpServerOptions options;
  options.idle_timeout = 200ms;
  start(options);
  Client client(m_server->port());
  EXPECT_EQ(client.request(http::verb::get, "/hello").result_int(), 200);
  const auto begin = std::chrono::steady_clock::now();
  EXPECT_TRUE(client.closed_by_server(5s));
  EXPECT_LT(std::chrono::steady_clock::now() - begin, 3s);
}

TEST_F(HttpServerTest, SlowRequestHitsReadTimeout) {
  HttpServerOptions options;
  options.read_timeout = 200ms;
  start(options);
  Client client(m_server->port());
  ASSERT_FALSE(client.write_raw("GET /hello HTTP/1.1\r\nHost: x\r\n"));  // head never ends
  const auto begin = std::chrono::steady_clock::now();
  EXPECT_TRUE(client.closed_by_server(5s));
  EXPECT_LT(std::chrono::steady_clock::now() - begin, 3s);
}

TEST_F(HttpServerTest, StopWithIdleKeepAliveConnectionIsPrompt) {
  start();  // default idle timeout: 120 s
  Client client(m_server->port());
  EXPECT_EQ(client.request(http::verb::get, "/hello").result_int(), 200);
  const auto begin = std::chrono::steady_clock::now();
  m_server->stop();
  EXPECT_LT(std::chrono::steady_clock::now() - begin, 1s);
  EXPECT_FALSE(m_server->running());
  EXPECT_TRUE(client.closed_by_server(2s));
  m_server->stop();  // idempotent
  EXPECT_EQ(m_server->start().error(), Errc::already_started);
}

TEST_F(HttpServerTest, StopWithConnectionMidRequestIsPrompt) {
  start();
  Client client(m_server->port());
  ASSERT_FALSE(client.write_raw("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nab"));
  std::this_thread::sleep_for(50ms);
  const auto begin = std::chrono::steady_clock::now();
  m_server->stop();
  EXPECT_LT(std::chrono::steady_clock::now() - begin, 1s);
  EXPECT_TRUE(client.closed_by_server(2s));
}

TEST_F(HttpServerTest, PortInUseFailsWithTheAddress) {
  start();
  HttpServerOptions options;
  options.address = "127.0.0.1";
  options.port = m_server->port();
  HttpServer second(options);
  const auto r = second.start();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), Errc::address_in_use);
  EXPECT_EQ(r.error().message(),
            "net: address already in use: 127.0.0.1:" + std::to_string(m_server->port()));
  EXPECT_FALSE(second.running());
  // The first one is unaffected.
  Client client(m_server->port());
  EXPECT_EQ(client.request(http::verb::get, "/hello").result_int(), 200);
}

TEST_F(HttpServerTest, ManyClientsOnSeveralThreads) {
  HttpServerOptions options;
  options.threads = 4;
  start(options);
  std::atomic<int> ok = 0;
  std::vector<std::thread> clients;
  for (int t = 0; t < 8; ++t) {
    clients.emplace_back([&] {
      Client client(m_server->port());
      for (int i = 0; i < 50; ++i) {
        if (client.request(http::verb::post, "/echo", std::to_string(i)).body() ==
            std::to_string(i)) {
          ++ok;
        }
      }
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(ok, 8 * 50);
}

TEST(HttpServer, RouteRules) {
  HttpServer server(HttpServerOptions{});
  const Handler h = [](const Request&) { return Response{}; };
  EXPECT_TRUE(server.route("GET", "/", h));
  EXPECT_EQ(server.route("GET", "/", h).error(), Errc::duplicate_route);
  EXPECT_EQ(server.route("", "/x", h).error(), Errc::invalid_route);
  EXPECT_EQ(server.route("G T", "/x", h).error(), Errc::invalid_route);
  EXPECT_EQ(server.route("GET", "x", h).error(), Errc::invalid_route);
  EXPECT_EQ(server.route("GET", "/x?y", h).error(), Errc::invalid_route);
  ASSERT_TRUE(server.start());
  EXPECT_EQ(server.route("POST", "/", h).error(), Errc::already_started);
  EXPECT_EQ(server.start().error(), Errc::already_started);
}

TEST(HttpServer, InvalidOptionsAndAddress) {
  HttpServerOptions no_threads;
  no_threads.threads = 0;
  EXPECT_EQ(HttpServer(no_threads).start().error(), Errc::invalid_options);
  HttpServerOptions bad_address;
  bad_address.address = "no such host.invalid";
  EXPECT_EQ(HttpServer(bad_address).start().error(), Errc::invalid_address);
}

TEST(HttpServer, ServesMetrics) {
  Registry registry;
  Counter& counter = *registry.counter("served_total", "Served.");
  counter.inc(3);
  HttpServer server(HttpServerOptions{});
  ASSERT_TRUE(server.route("GET", "/metrics", metrics_handler(registry)));
  ASSERT_TRUE(server.start());
  Client client(server.port());
  const ClientResponse res = client.request(http::verb::get, "/metrics");
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_EQ(res[http::field::content_type], "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(res.body(),
            "# HELP served_total Served.\n# TYPE served_total counter\nserved_total 3\n");
}

}  // namespace
}  // namespace rollup::net
