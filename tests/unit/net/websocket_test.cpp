// WebSocket sessions of HttpServer against a Beast client over loopback: echo, order of messages
// sent from other threads, parallel sessions, the accept hook, geth's read limit (1009), binary
// messages (1003), the send queue bound (1008) and the write deadline for clients that stop
// reading, pings, handler closes and throws, and stop() with sessions open or still held by
// handlers. Waits are on conditions with deadlines, never fixed sleeps.

#include <gtest/gtest.h>

#include <atomic>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "rollup/net/http_server.hpp"
#include "unit/net/clients.hpp"

namespace rollup::net {
namespace {

using namespace test;  // the clients and the Beast aliases
using Clock = std::chrono::steady_clock;

void echo(const std::shared_ptr<WsSession>& session, std::string message) {
  session->send(std::move(message));
}

// A message that says where it belongs in a sequence: "<stream>:<index>:" then padding.
std::string numbered(std::string_view stream, std::size_t index, std::size_t size = 0) {
  std::string s = std::string(stream) + ":" + std::to_string(index) + ":";
  if (s.size() < size) s.resize(size, '.');
  return s;
}

// The index of a numbered() message; npos for anything else (an error text from the client).
std::size_t index_of(std::string_view message) {
  const auto first = message.find(':');
  const auto second = message.find(':', first + 1);
  if (first == std::string_view::npos || second == std::string_view::npos) return std::string::npos;
  std::size_t index = 0;
  const auto [end, ec] =
      std::from_chars(message.data() + first + 1, message.data() + second, index);
  return ec == std::errc{} && end == message.data() + second ? index : std::string::npos;
}

class WebSocketTest : public ::testing::Test {
 protected:
  // Serves `handlers` at WebSocket /ws (on_open and on_close are recorded around them), plus
  // POST /ws (echo) and GET /hello over HTTP.
  void start(WsHandlers handlers, HttpServerOptions options = {}) {
    options.address = "127.0.0.1";
    options.port = 0;
    options.on_error = [this](const Error& e) {
      std::scoped_lock lock(m_mutex);
      m_errors.push_back(e);
      m_cv.notify_all();
    };
    m_server = std::make_unique<HttpServer>(std::move(options));
    handlers.on_open =
        [this, inner = std::move(handlers.on_open)](const std::shared_ptr<WsSession>& session) {
          if (m_stopped) ++m_late_calls;
          {
            std::scoped_lock lock(m_mutex);
            m_opened.push_back(session);
            m_cv.notify_all();
          }
          if (inner) inner(session);
        };
    handlers.on_close =
        [this, inner = std::move(handlers.on_close)](const std::shared_ptr<WsSession>& session) {
          if (m_stopped) ++m_late_calls;
          if (session->is_open()) ++m_open_in_on_close;
          if (inner) inner(session);
          std::scoped_lock lock(m_mutex);
          m_closed.push_back(session);
          m_cv.notify_all();
        };
    if (handlers.on_message) {
      handlers.on_message = [this, inner = std::move(handlers.on_message)](
                                const std::shared_ptr<WsSession>& session, std::string message) {
        if (m_stopped) ++m_late_calls;
        ++m_messages;
        inner(session, std::move(message));
      };
    }
    ASSERT_TRUE(m_server->websocket("/ws", std::move(handlers)));
    ASSERT_TRUE(m_server->route("POST", "/ws", [](const Request& req) {
      Response r;
      r.body = req.body;
      return r;
    }));
    ASSERT_TRUE(m_server->route("GET", "/hello", [](const Request&) {
      Response r;
      r.body = "hello";
      return r;
    }));
    ASSERT_TRUE(m_server->start());
  }

  void TearDown() override { EXPECT_EQ(m_open_in_on_close, 0); }

  void stop() {
    m_server->stop();
    m_stopped = true;
  }

  // Waits for pred (called under m_mutex) to hold; false if it did not within the timeout.
  bool wait_until(const std::function<bool()>& pred, std::chrono::milliseconds timeout = 5s) {
    std::unique_lock lock(m_mutex);
    return m_cv.wait_for(lock, timeout, pred);
  }

  bool wait_opened(std::size_t n) {
    return wait_until([&] { return m_opened.size() >= n; });
  }
  bool wait_closed(std::size_t n) {
    return wait_until([&] { return m_closed.size() >= n; });
  }

  std::shared_ptr<WsSession> opened(std::size_t i) {
    std::scoped_lock lock(m_mutex);
    return m_opened.at(i);
  }
  std::shared_ptr<WsSession> closed(std::size_t i) {
    std::scoped_lock lock(m_mutex);
    return m_closed.at(i);
  }
  std::size_t closed_count() {
    std::scoped_lock lock(m_mutex);
    return m_closed.size();
  }
  std::vector<Error> errors() {
    std::scoped_lock lock(m_mutex);
    return m_errors;
  }

  std::uint16_t port() const { return m_server->port(); }

  std::mutex m_mutex;
  std::condition_variable m_cv;
  std::vector<Error> m_errors;
  std::vector<std::shared_ptr<WsSession>> m_opened;
  std::vector<std::shared_ptr<WsSession>> m_closed;
  std::atomic<int> m_messages = 0;
  std::atomic<bool> m_stopped = false;
  std::atomic<int> m_late_calls = 0;        // handler calls after stop() returned
  std::atomic<int> m_open_in_on_close = 0;  // on_close found the session still taking messages
  // Last, so destroyed first: its destructor stops it, which calls on_close handlers that use the
  // members above.
  std::unique_ptr<HttpServer> m_server;
};

TEST_F(WebSocketTest, EchoRoundTripAndClientClose) {
  start({.on_message = echo});
  WsClient client(port());
  ASSERT_FALSE(client.handshake_error()) << client.handshake_error().message();
  EXPECT_EQ(client.response().result_int(), 101);

  ASSERT_FALSE(client.write("hello"));
  EXPECT_EQ(client.read_text(), "hello");
  ASSERT_FALSE(client.write(""));
  EXPECT_EQ(client.read_text(), "");
  const std::string big(1024 * 1024, 'x');
  ASSERT_FALSE(client.write(big));
  EXPECT_EQ(client.read_text(), big);
  EXPECT_EQ(m_messages, 3);

  ASSERT_TRUE(wait_opened(1));
  const auto session = opened(0);
  EXPECT_TRUE(session->is_open());
  EXPECT_TRUE(session->remote().starts_with("127.0.0.1:")) << session->remote();

  EXPECT_FALSE(client.close());
  ASSERT_TRUE(wait_closed(1));
  EXPECT_EQ(closed(0), session);
  EXPECT_FALSE(session->is_open());
  EXPECT_TRUE(errors().empty());
}

TEST_F(WebSocketTest, HttpAndWebSocketShareAPath) {
  start({.on_message = echo});
  Client http_client(port());
  const ClientResponse post = http_client.request(http::verb::post, "/ws", "over http");
  EXPECT_EQ(post.result_int(), 200);
  EXPECT_EQ(post.body(), "over http");
  // A GET that is not an upgrade is an ordinary request for the routes.
  const ClientResponse get = http_client.request(http::verb::get, "/ws");
  EXPECT_EQ(get.result_int(), 405);
  EXPECT_EQ(get[http::field::allow], "POST");

  WsClient ws(port());
  ASSERT_FALSE(ws.handshake_error());
  ASSERT_FALSE(ws.write("over ws"));
  EXPECT_EQ(ws.read_text(), "over ws");

  // An upgrade on a path without WebSocket goes to the routes too.
  WsClient to_route(port(), {.target = "/hello"});
  EXPECT_EQ(to_route.handshake_error(), websocket::error::upgrade_declined);
  EXPECT_EQ(to_route.response().result_int(), 200);
  WsClient nowhere(port(), {.target = "/nope"});
  EXPECT_EQ(nowhere.handshake_error(), websocket::error::upgrade_declined);
  EXPECT_EQ(nowhere.response().result_int(), 404);

  // The HTTP connection is still good after all that.
  EXPECT_EQ(http_client.request(http::verb::get, "/hello").body(), "hello");
  EXPECT_TRUE(wait_opened(1));
  EXPECT_EQ(closed_count(), 0u);
}

TEST_F(WebSocketTest, AcceptRefusingGives403) {
  std::atomic<int> asked = 0;
  start({.accept =
             [&](const Request& req) {
               ++asked;
               EXPECT_EQ(req.method, "GET");
               EXPECT_EQ(req.path, "/ws");
               EXPECT_TRUE(req.remote.starts_with("127.0.0.1:"));
               return req.header("origin") == "https://good.example";
             },
         .on_message = echo});
  WsClient refused(port(), {.origin = "https://evil.example"});
  EXPECT_EQ(refused.handshake_error(), websocket::error::upgrade_declined);
  EXPECT_EQ(refused.response().result_int(), 403);
  WsClient no_origin(port());
  EXPECT_EQ(no_origin.response().result_int(), 403);

  WsClient accepted(port(), {.origin = "https://good.example"});
  ASSERT_FALSE(accepted.handshake_error());
  ASSERT_FALSE(accepted.write("in"));
  EXPECT_EQ(accepted.read_text(), "in");
  EXPECT_EQ(asked, 3);
  ASSERT_TRUE(wait_opened(1));
  std::scoped_lock lock(m_mutex);
  EXPECT_EQ(m_opened.size(), 1u);  // the refused ones never opened
}

TEST_F(WebSocketTest, ThrowingAcceptIs500) {
  start({.accept = [](const Request&) -> bool { throw std::runtime_error("no"); }});
  WsClient client(port());
  EXPECT_EQ(client.handshake_error(), websocket::error::upgrade_declined);
  EXPECT_EQ(client.response().result_int(), 500);
  const auto errs = errors();
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0], Errc::handler_failed);
  EXPECT_EQ(errs[0].detail(), "WebSocket accept /ws: no");
}

TEST_F(WebSocketTest, MessagesFromOtherThreadsArriveInOrder) {
  start({});
  WsClient client(port());
  ASSERT_FALSE(client.handshake_error());
  ASSERT_TRUE(wait_opened(1));
  const auto session = opened(0);

  // Two producers at once: each one's messages must arrive in the order it sent them.
  constexpr std::size_t n = 2000;
  std::vector<std::thread> producers;
  for (const char* stream : {"a", "b"}) {
    producers.emplace_back([&, stream] {
      for (std::size_t i = 0; i < n; ++i) session->send(numbered(stream, i, i % 7 * 100));
    });
  }
  // Checked to the end before asserting, so that the producers are joined on every path.
  std::map<std::string, std::size_t> next;
  std::string wrong;
  for (std::size_t i = 0; i < 2 * n && wrong.empty(); ++i) {
    const std::string message = client.read_text();
    const std::string stream = message.substr(0, message.find(':'));
    if ((stream != "a" && stream != "b") || index_of(message) != next[stream]) {
      wrong = message;
    }
    ++next[stream];
  }
  for (auto& t : producers) t.join();
  EXPECT_EQ(wrong, "");
  EXPECT_EQ(next["a"], n);
  EXPECT_EQ(next["b"], n);
}

TEST_F(WebSocketTest, ManySessionsInParallel) {
  // Each session's on_message calls must never overlap; the server's threads run several sessions
  // at once.
  std::mutex busy_mutex;
  std::set<const WsSession*> busy;
  std::atomic<int> overlaps = 0;
  HttpServerOptions options;
  options.threads = 4;
  start({.on_message =
             [&](const std::shared_ptr<WsSession>& session, std::string message) {
               {
                 std::scoped_lock lock(busy_mutex);
                 if (!busy.insert(session.get()).second) ++overlaps;
               }
               std::this_thread::yield();
               session->send(std::move(message));
               std::scoped_lock lock(busy_mutex);
               busy.erase(session.get());
             }},
        options);

  constexpr int clients = 8;
  constexpr std::size_t per_client = 200;
  std::atomic<int> good = 0;
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      WsClient client(port());
      if (client.handshake_error()) return;
      const std::string stream = "c" + std::to_string(c);
      // All sent before any is read, so the server has a backlog per session to go through.
      for (std::size_t i = 0; i < per_client; ++i) {
        if (client.write(numbered(stream, i))) return;
      }
      for (std::size_t i = 0; i < per_client; ++i) {
        if (client.read_text() != numbered(stream, i)) return;
      }
      ++good;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(good, clients);
  EXPECT_EQ(overlaps, 0);
  EXPECT_EQ(m_messages, clients * static_cast<int>(per_client));
}

TEST_F(WebSocketTest, OversizedMessageCloses1009AndServingGoesOn) {
  HttpServerOptions options;
  options.ws_read_limit = 1024;
  start({.on_message = echo}, options);
  {
    WsClient client(port());
    ASSERT_FALSE(client.handshake_error());
    const std::string at_limit(1024, 'a');
    ASSERT_FALSE(client.write(at_limit));
    EXPECT_EQ(client.read_text(), at_limit);
    ASSERT_FALSE(client.write(std::string(1025, 'b')));
    EXPECT_EQ(client.read_until_close(), websocket::close_code::too_big);
    ASSERT_TRUE(wait_closed(1));
    EXPECT_EQ(m_messages, 1);
  }
  Client http_client(port());
  EXPECT_EQ(http_client.request(http::verb::get, "/hello").body(), "hello");
  WsClient other(port());
  ASSERT_FALSE(other.handshake_error());
  ASSERT_FALSE(other.write("still serving"));
  EXPECT_EQ(other.read_text(), "still serving");
}

TEST_F(WebSocketTest, BinaryMessageCloses1003) {
  start({.on_message = echo});
  WsClient client(port());
  ASSERT_FALSE(client.handshake_error());
  ASSERT_FALSE(client.write("text first"));
  EXPECT_EQ(client.read_text(), "text first");
  ASSERT_FALSE(client.write_binary("\x01\x02"));
  EXPECT_EQ(client.read_until_close(), websocket::close_code::unknown_data);
  ASSERT_TRUE(wait_closed(1));
  EXPECT_EQ(m_messages, 1);  // the binary one never reached the handler
}

TEST_F(WebSocketTest, SendQueueLimitClosesAClientThatDoesNotRead) {
  HttpServerOptions options;
  options.ws_send_queue_limit = 128 * 1024;
  start({}, options);
  WsClient stalled(port(), {.receive_buffer = 4096});  // reads nothing until it is closed
  ASSERT_TRUE(wait_opened(1));
  WsClient reading(port());
  ASSERT_TRUE(wait_opened(2));
  const auto stalled_session = opened(0);
  const auto reading_session = opened(1);
  std::mutex progress_mutex;
  std::condition_variable progress;
  std::size_t read_count = 0;
  std::thread reader([&] {
    for (std::string m; (m = reading.read_text()) != "end";) {
      if (index_of(m) != read_count) return;
      std::scoped_lock lock(progress_mutex);
      ++read_count;
      progress.notify_all();
    }
  });

  // The same feed to both, in step with the reading client, which therefore never has more than
  // one message pending; the stalled one's socket buffers fill (some hundred kilobytes to a few
  // megabytes), then its queue passes the limit.
  constexpr std::size_t size = 32 * 1024;
  std::size_t sent = 0;
  const auto deadline = Clock::now() + 20s;
  while (stalled_session->is_open() && Clock::now() < deadline) {
    const std::string message = numbered("q", sent++, size);
    stalled_session->send(message);
    reading_session->send(message);
    std::unique_lock lock(progress_mutex);
    if (!progress.wait_for(lock, 5s, [&] { return read_count == sent; })) break;
  }
  reading_session->send("end");
  reader.join();
  EXPECT_FALSE(stalled_session->is_open()) << "the queue never passed its limit";
  EXPECT_EQ(read_count, sent);
  EXPECT_TRUE(reading_session->is_open());

  ASSERT_TRUE(wait_until([&] { return !m_errors.empty(); }));
  {
    const auto errs = errors();
    ASSERT_EQ(errs.size(), 1u);
    EXPECT_EQ(errs[0], Errc::ws_send_queue_full);
    EXPECT_TRUE(errs[0].detail().starts_with(stalled_session->remote() + ": ")) << errs[0].detail();
    EXPECT_TRUE(errs[0].detail().ends_with("limit 131072")) << errs[0].detail();
  }
  stalled_session->send("dropped");  // closing: does nothing

  // What was written before the limit arrives in order, then the close with 1008.
  std::size_t received = 0;
  for (;;) {
    std::string message;
    const auto ec = stalled.read(message);
    if (ec == websocket::error::closed) break;
    ASSERT_FALSE(ec) << ec.message();
    ASSERT_EQ(index_of(message), received);
    ++received;
  }
  EXPECT_EQ(stalled.close_code(), websocket::close_code::policy_error);
  EXPECT_GT(received, 0u);
  EXPECT_LT(received, sent);
  ASSERT_TRUE(wait_closed(1));
  EXPECT_EQ(closed(0), stalled_session);
}

TEST_F(WebSocketTest, StalledWriteIsDroppedAfterWriteTimeout) {
  HttpServerOptions options;
  options.write_timeout = 300ms;
  options.ws_send_queue_limit = 64 * 1024 * 1024;  // the write deadline acts, not the queue bound
  constexpr std::size_t count = 16;
  start({.on_open =
             [](const std::shared_ptr<WsSession>& session) {
               for (std::size_t i = 0; i < count; ++i) {
                 session->send(numbered("w", i, 1024 * 1024));
               }
             }},
        options);
  WsClient client(port(), {.receive_buffer = 4096});
  ASSERT_FALSE(client.handshake_error());
  const auto begin = Clock::now();
  ASSERT_TRUE(wait_closed(1));
  EXPECT_GE(Clock::now() - begin, 250ms);
  // The connection was dropped, not closed: what is left to read ends without a close frame.
  std::size_t received = 0;
  EXPECT_EQ(client.read_until_close(5s, &received), websocket::close_code::none);
  EXPECT_LT(received, count);
  EXPECT_TRUE(errors().empty());
}

TEST_F(WebSocketTest, PingsKeepAnAnsweringClientOpen) {
  HttpServerOptions options;
  options.ws_ping_interval = 100ms;
  start({}, options);
  WsClient client(port());
  ASSERT_FALSE(client.handshake_error());
  ASSERT_TRUE(wait_opened(1));
  const auto session = opened(0);
  // A pending read answers pings; three of them means the session lived through three intervals
  // in which the client sent nothing but pongs.
  std::string message;
  std::thread reader([&] { message = client.read_text(); });
  const auto deadline = Clock::now() + 5s;
  while (client.pings() < 3 && Clock::now() < deadline) std::this_thread::sleep_for(10ms);
  EXPECT_GE(client.pings(), 3);
  EXPECT_TRUE(session->is_open());
  session->send("still here");
  reader.join();
  EXPECT_EQ(message, "still here");
  EXPECT_EQ(closed_count(), 0u);
}

TEST_F(WebSocketTest, SilentClientIsDroppedAfterPingTimeout) {
  HttpServerOptions options;
  options.ws_ping_interval = 100ms;
  start({}, options);
  WsClient client(port());  // never reads, so never answers a ping
  ASSERT_FALSE(client.handshake_error());
  const auto begin = Clock::now();
  ASSERT_TRUE(wait_closed(1));
  const auto elapsed = Clock::now() - begin;
  // A ping after one interval, then a whole interval without an answer.
  EXPECT_GE(elapsed, 150ms);
  EXPECT_LT(elapsed, 3s);
}

TEST_F(WebSocketTest, HandlerCloseSendsWhatWasQueuedFirst) {
  std::atomic<bool> open_after_close = true;
  start({.on_message = [&](const std::shared_ptr<WsSession>& session, std::string message) {
    if (message != "bye") return;
    session->send("one");
    session->send("two");
    session->close();
    open_after_close = session->is_open();
    session->send("three");  // after close(): does nothing
  }});
  WsClient client(port());
  ASSERT_FALSE(client.handshake_error());
  ASSERT_FALSE(client.write("bye"));
  EXPECT_EQ(client.read_text(), "one");
  EXPECT_EQ(client.read_text(), "two");
  EXPECT_EQ(client.read_until_close(), websocket::close_code::normal);
  EXPECT_FALSE(open_after_close);
  EXPECT_TRUE(wait_closed(1));
}

TEST_F(WebSocketTest, ThrowingHandlerCloses1011AndServingGoesOn) {
  start({.on_message = [](const std::shared_ptr<WsSession>& session, std::string message) {
    if (message == "boom") throw std::runtime_error("boom");
    session->send(std::move(message));
  }});
  WsClient client(port());
  ASSERT_FALSE(client.handshake_error());
  ASSERT_FALSE(client.write("boom"));
  EXPECT_EQ(client.read_until_close(), websocket::close_code::internal_error);
  ASSERT_TRUE(wait_closed(1));
  const auto errs = errors();
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0], Errc::handler_failed);
  EXPECT_EQ(errs[0].message(), "net: request handler threw: WebSocket /ws on_message: boom");

  WsClient other(port());
  ASSERT_FALSE(other.write("fine"));
  EXPECT_EQ(other.read_text(), "fine");
}

TEST_F(WebSocketTest, StopClosesEverySessionAndCallsOnClose) {
  HttpServerOptions options;
  options.write_timeout = 300ms;  // also the most stop() waits for a client to answer its close
  start({.on_message = echo}, options);
  WsClient first(port());
  WsClient second(port());
  WsClient silent(port());  // never reads: stop() must not wait on it for long
  ASSERT_TRUE(wait_opened(3));

  // Each reader checks its session with an echo, then waits for the server's close.
  std::atomic<int> ready = 0;
  auto reader = [&ready](WsClient& client, std::uint16_t& code) {
    if (client.write("ready") || client.read_text() != "ready") return;
    ++ready;
    code = client.read_until_close();
  };
  std::uint16_t first_code = 0;
  std::uint16_t second_code = 0;
  std::thread first_reader(reader, std::ref(first), std::ref(first_code));
  std::thread second_reader(reader, std::ref(second), std::ref(second_code));
  const auto deadline = Clock::now() + 5s;
  while (ready < 2 && Clock::now() < deadline) std::this_thread::sleep_for(1ms);
  EXPECT_EQ(ready, 2);

  const auto begin = Clock::now();
  stop();
  EXPECT_LT(Clock::now() - begin, 2s);
  EXPECT_EQ(closed_count(), 3u);  // before stop() returned, not eventually
  first_reader.join();
  second_reader.join();
  EXPECT_EQ(first_code, websocket::close_code::going_away);
  EXPECT_EQ(second_code, websocket::close_code::going_away);
  for (std::size_t i = 0; i < 3; ++i) EXPECT_FALSE(opened(i)->is_open());
  EXPECT_FALSE(m_server->running());
  EXPECT_EQ(m_late_calls, 0);
}

TEST_F(WebSocketTest, SessionHeldAfterStopAndAfterTheServerIsGone) {
  start({.on_message = echo});
  WsClient client(port());
  ASSERT_TRUE(wait_opened(1));
  const auto session = opened(0);
  std::uint16_t code = 0;
  std::thread reader([&] { code = client.read_until_close(); });
  // A subscription feed that keeps sending from its own thread through stop() and destruction, at
  // a pace the client keeps up with (so that the queue limit stays out of it).
  std::atomic<bool> done = false;
  std::atomic<std::size_t> fed = 0;
  std::thread feed([&] {
    for (; !done; ++fed) {
      session->send(numbered("feed", fed));
      std::this_thread::sleep_for(50us);
    }
  });
  while (fed < 100) std::this_thread::yield();
  stop();
  reader.join();
  EXPECT_EQ(code, websocket::close_code::going_away);
  EXPECT_FALSE(session->is_open());
  session->send("after stop");
  session->close();
  m_server.reset();
  const std::size_t fed_at_reset = fed;
  session->send("after the server is gone");
  session->close();
  EXPECT_FALSE(session->is_open());
  EXPECT_TRUE(session->remote().starts_with("127.0.0.1:"));
  while (fed < fed_at_reset + 100) std::this_thread::yield();  // the feed went on meanwhile
  done = true;
  feed.join();
  EXPECT_EQ(closed_count(), 1u);
  EXPECT_EQ(m_late_calls, 0);
}

TEST(WebSocket, RegistrationRules) {
  HttpServer server(HttpServerOptions{});
  EXPECT_TRUE(server.websocket("/", {}));
  EXPECT_EQ(server.websocket("/", {}).error(), Errc::duplicate_route);
  EXPECT_TRUE(server.route("POST", "/", [](const Request&) { return Response{}; }));
  EXPECT_EQ(server.websocket("ws", {}).error(), Errc::invalid_route);
  EXPECT_EQ(server.websocket("/ws?x", {}).error(), Errc::invalid_route);
  ASSERT_TRUE(server.start());
  EXPECT_EQ(server.websocket("/late", {}).error(), Errc::already_started);
}

TEST(WebSocket, OptionsDefaultToGethsAndMustBePositive) {
  const HttpServerOptions defaults;
  EXPECT_EQ(defaults.ws_read_limit, 32u * 1024 * 1024);
  EXPECT_EQ(defaults.ws_ping_interval, std::chrono::seconds(30));
  EXPECT_EQ(defaults.ws_send_queue_limit, 16u * 1024 * 1024);

  HttpServerOptions no_read_limit;
  no_read_limit.ws_read_limit = 0;
  EXPECT_EQ(HttpServer(no_read_limit).start().error(), Errc::invalid_options);
  HttpServerOptions no_queue;
  no_queue.ws_send_queue_limit = 0;
  EXPECT_EQ(HttpServer(no_queue).start().error(), Errc::invalid_options);
  HttpServerOptions no_ping;
  no_ping.ws_ping_interval = std::chrono::milliseconds(0);
  EXPECT_EQ(HttpServer(no_ping).start().error(), Errc::invalid_options);
}

}  // namespace
}  // namespace rollup::net
