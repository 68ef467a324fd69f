#pragma once
// Beast clients for the net tests: HTTP/1.1 and WebSocket, each on its own io_context, run on the
// calling thread. Every operation has a deadline, so a server that never answers fails a test
// instead of hanging it.

// g++ 12 reports false positives inside Asio and Beast (a "null pointer dereference" in the
// scheduler, and with the sanitizers an "uninitialized" boost::optional in the parser);
// src/net/CMakeLists.txt turns the same two off for the server's sources. Before every include, so
// that they cover those headers.
#pragma GCC diagnostic ignored "-Wnull-dereference"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace rollup::net::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

using ClientResponse = http::response<http::string_body>;

class Client {
 public:
  explicit Client(std::uint16_t port) : m_stream(m_ioc) {
    m_stream.expires_after(5s);
    beast::error_code ec;
    m_stream.async_connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port),
                           [&](beast::error_code e) { ec = e; });
    run();
    EXPECT_FALSE(ec) << ec.message();
  }

  beast::error_code write(http::request<http::string_body>& req) {
    beast::error_code ec;
    m_stream.expires_after(5s);
    http::async_write(m_stream, req, [&](beast::error_code e, std::size_t) { ec = e; });
    run();
    return ec;
  }

  beast::error_code write_raw(std::string_view bytes) {
    beast::error_code ec;
    m_stream.expires_after(5s);
    asio::async_write(m_stream, asio::buffer(bytes.data(), bytes.size()),
                      [&](beast::error_code e, std::size_t) { ec = e; });
    run();
    return ec;
  }

  beast::error_code read(ClientResponse& res, std::chrono::milliseconds timeout = 5s) {
    beast::error_code ec;
    m_stream.expires_after(timeout);
    http::async_read(m_stream, m_buffer, res, [&](beast::error_code e, std::size_t) { ec = e; });
    run();
    return ec;
  }

  ClientResponse request(http::verb verb, std::string_view target, std::string body = {}) {
    http::request<http::string_body> req{verb, target, 11};
    req.set(http::field::host, "127.0.0.1");
    req.keep_alive(true);
    req.body() = std::move(body);
    req.prepare_payload();
    EXPECT_FALSE(write(req));
    ClientResponse res;
    const auto ec = read(res);
    EXPECT_FALSE(ec) << ec.message();
    return res;
  }

  // Waits for the server to close the connection: true on EOF (or reset) within the timeout.
  bool closed_by_server(std::chrono::milliseconds timeout = 5s) {
    beast::error_code ec;
    m_stream.expires_after(timeout);
    m_buffer.clear();
    m_stream.async_read_some(m_buffer.prepare(1024), [&](beast::error_code e, std::size_t n) {
      ec = e;
      m_buffer.commit(n);
    });
    run();
    return ec == asio::error::eof || ec == asio::error::connection_reset;
  }

  beast::flat_buffer& buffer() { return m_buffer; }

 private:
  void run() {
    m_ioc.restart();
    m_ioc.run();
  }

  asio::io_context m_ioc;
  beast::tcp_stream m_stream;
  beast::flat_buffer m_buffer;
};

struct WsClientOptions {
  std::string target = "/ws";
  std::string origin{};  // sent as Origin when not empty
  // SO_RCVBUF, set before connecting when not 0. A small one makes a client that does not read
  // stall the server's writes after a few kilobytes instead of after the kernel's autotuned
  // megabytes.
  int receive_buffer = 0;
};

// A WebSocket client. A timed-out operation leaves the stream unusable, which is fine for a test.
class WsClient {
 public:
  explicit WsClient(std::uint16_t port, WsClientOptions options = {}) : m_ws(m_ioc) {
    auto& lowest = beast::get_lowest_layer(m_ws);
    if (options.receive_buffer > 0) {
      lowest.socket().open(tcp::v4());
      lowest.socket().set_option(asio::socket_base::receive_buffer_size(options.receive_buffer));
    }
    lowest.expires_after(5s);
    lowest.async_connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port),
                         [&](beast::error_code e) { m_handshake_error = e; });
    run();
    if (m_handshake_error) return;
    if (!options.origin.empty()) {
      m_ws.set_option(websocket::stream_base::decorator(
          [origin = options.origin](websocket::request_type& req) {
            req.set(http::field::origin, origin);
          }));
    }
    m_ws.control_callback([this](websocket::frame_type kind, beast::string_view) {
      if (kind == websocket::frame_type::ping) ++m_pings;
    });
    lowest.expires_after(5s);
    m_ws.async_handshake(m_response, "127.0.0.1:" + std::to_string(port), options.target,
                         [&](beast::error_code e) { m_handshake_error = e; });
    run();
  }

  // The upgrade's outcome: no error and a 101, or the server's answer in response().
  [[nodiscard]] beast::error_code handshake_error() const { return m_handshake_error; }
  [[nodiscard]] const websocket::response_type& response() const { return m_response; }
  [[nodiscard]] bool is_open() const { return !m_handshake_error; }

  beast::error_code write(std::string_view text) { return write_message(text, true); }
  beast::error_code write_binary(std::string_view bytes) { return write_message(bytes, false); }

  beast::error_code read(std::string& out, std::chrono::milliseconds timeout = 5s) {
    beast::error_code ec;
    beast::get_lowest_layer(m_ws).expires_after(timeout);
    m_buffer.clear();
    m_ws.async_read(m_buffer, [&](beast::error_code e, std::size_t) { ec = e; });
    run();
    out = beast::buffers_to_string(m_buffer.data());
    return ec;
  }

  // One text message, or "<error: ...>" to fail the comparison that follows.
  std::string read_text(std::chrono::milliseconds timeout = 5s) {
    std::string out;
    if (const auto ec = read(out, timeout)) return "<error: " + ec.message() + ">";
    return out;
  }

  // Reads on until the server closes the session; its close code, or close_code::none when the
  // connection ended without a close frame. `discarded` counts the messages read on the way.
  std::uint16_t read_until_close(std::chrono::milliseconds timeout = 5s,
                                 std::size_t* discarded = nullptr) {
    for (;;) {
      std::string ignored;
      const auto ec = read(ignored, timeout);
      if (ec == websocket::error::closed) return close_code();
      if (ec) return websocket::close_code::none;
      if (discarded != nullptr) ++*discarded;
    }
  }

  // The code of the close frame the server sent, once a read has failed with error::closed.
  [[nodiscard]] std::uint16_t close_code() const { return m_ws.reason().code; }

  beast::error_code close(websocket::close_code code = websocket::close_code::normal) {
    beast::error_code ec;
    beast::get_lowest_layer(m_ws).expires_after(5s);
    m_ws.async_close(code, [&](beast::error_code e) { ec = e; });
    run();
    return ec;
  }

  // Pings seen by reads so far; safe to read from another thread while this one reads.
  [[nodiscard]] int pings() const { return m_pings; }

 private:
  beast::error_code write_message(std::string_view data, bool text) {
    beast::error_code ec;
    beast::get_lowest_layer(m_ws).expires_after(5s);
    m_ws.text(text);
    m_ws.async_write(asio::buffer(data.data(), data.size()),
                     [&](beast::error_code e, std::size_t) { ec = e; });
    run();
    return ec;
  }

  void run() {
    m_ioc.restart();
    m_ioc.run();
  }

  asio::io_context m_ioc;
  websocket::stream<beast::tcp_stream> m_ws;
  beast::flat_buffer m_buffer;
  websocket::response_type m_response;
  beast::error_code m_handshake_error;
  std::atomic<int> m_pings = 0;
};

}  // namespace rollup::net::test
