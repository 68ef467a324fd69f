#pragma once
// A scripted HTTP/1.1 server for the l1 client tests: a raw Asio acceptor with one blocking thread
// per connection, so each request's reply can misbehave on purpose (hang, close mid-answer, send
// garbage, answer slowly) and the server counts the connections and requests it saw.
// net::HttpServer is too well-behaved for this.

// g++ 12's false positives inside Asio and Beast (see src/net/CMakeLists.txt), before the includes.
#pragma GCC diagnostic ignored "-Wnull-dereference"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include <sys/socket.h>

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <list>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <utility>

#include "unit/l1/tls_cert.hpp"

namespace rollup::l1::test {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;
using json = nlohmann::json;

using HttpRequest = http::request<http::string_body>;

struct Reply {
  enum class Kind {
    answer,  // status and body, after delay
    hang,    // read the request, then never answer (until the server stops)
    close,   // close the connection without a byte
    raw,     // write `raw` as it is, then close
  };
  Kind kind = Kind::answer;
  unsigned status = 200;
  std::string body{};
  std::chrono::milliseconds delay{0};
  std::string raw{};
  bool close_after = false;     // close after answering, without announcing it
  bool announce_close = false;  // answer with "Connection: close" and close
};

using Script = std::function<Reply(const HttpRequest&)>;

// A port nothing listens on right now (the system picked it and we let it go).
inline std::uint16_t free_port() {
  asio::io_context ioc;
  tcp::acceptor acceptor(ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  return acceptor.local_endpoint().port();
}

class FakeNode {
 public:
  // With `tls`, every connection starts with a TLS handshake as that identity.
  explicit FakeNode(Script script, std::uint16_t port = 0, const TlsIdentity* tls = nullptr)
      : m_script(std::move(script)), m_acceptor(m_ioc) {
    if (tls != nullptr) {
      m_tls.emplace(asio::ssl::context::tls_server);
      m_tls->use_certificate_chain(asio::buffer(tls->cert_pem));
      m_tls->use_private_key(asio::buffer(tls->key_pem), asio::ssl::context::pem);
    }
    const tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), port);
    m_acceptor.open(endpoint.protocol());
    m_acceptor.set_option(tcp::acceptor::reuse_address(true));
    m_acceptor.bind(endpoint);
    m_acceptor.listen();
    m_port = m_acceptor.local_endpoint().port();
    m_accepting = std::thread([this] { accept_loop(); });
  }

  ~FakeNode() { stop(); }
  FakeNode(const FakeNode&) = delete;
  FakeNode& operator=(const FakeNode&) = delete;

  void stop() {
    {
      std::lock_guard lock(m_mutex);
      if (m_stopping) return;
      m_stopping = true;
      // shutdown() wakes a thread blocked in accept() or read() on the descriptor; closing it from
      // here could hand the number to a new socket under that thread.
      ::shutdown(m_acceptor.native_handle(), SHUT_RDWR);
      for (int fd : m_open) ::shutdown(fd, SHUT_RDWR);
    }
    m_wake.notify_all();
    m_accepting.join();
    for (auto& t : m_threads) t.join();
  }

  [[nodiscard]] std::uint16_t port() const { return m_port; }
  [[nodiscard]] std::string url() const { return "http://127.0.0.1:" + std::to_string(m_port); }
  [[nodiscard]] int connections() const { return m_connections; }
  [[nodiscard]] int requests() const { return m_requests; }
  // Connections open at the same time, at most.
  [[nodiscard]] int peak_open() const { return m_peak; }
  // The server name the last TLS client asked for (SNI); empty when it sent none.
  [[nodiscard]] std::string server_name() {
    std::lock_guard lock(m_mutex);
    return m_server_name;
  }

 private:
  void accept_loop() {
    for (;;) {
      tcp::socket socket(m_ioc);
      boost::system::error_code ec;
      m_acceptor.accept(socket, ec);
      std::lock_guard lock(m_mutex);
      if (ec || m_stopping) return;
      ++m_connections;
      m_open.insert(socket.native_handle());
      m_peak = std::max(m_peak.load(), static_cast<int>(m_open.size()));
      m_threads.emplace_back([this, s = std::move(socket)]() mutable { serve(std::move(s)); });
    }
  }

  void serve(tcp::socket socket) {
    if (m_tls) {
      asio::ssl::stream<tcp::socket&> stream(socket, *m_tls);
      boost::system::error_code ec;
      stream.handshake(asio::ssl::stream_base::server, ec);
      if (!ec) {
        const char* name = SSL_get_servername(stream.native_handle(), TLSEXT_NAMETYPE_host_name);
        {
          std::lock_guard lock(m_mutex);
          m_server_name = name == nullptr ? "" : name;
        }
        exchange(stream);
      }
    } else {
      exchange(socket);
    }
    std::lock_guard lock(m_mutex);
    m_open.erase(socket.native_handle());
    boost::system::error_code ignored;
    socket.shutdown(tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
  }

  template <typename Stream>
  void exchange(Stream& socket) {
    boost::beast::flat_buffer buffer;
    for (;;) {
      HttpRequest request;
      boost::system::error_code ec;
      http::read(socket, buffer, request, ec);
      if (ec) break;
      ++m_requests;
      const Reply reply = m_script(request);
      if (reply.kind == Reply::Kind::hang) {
        std::unique_lock lock(m_mutex);
        m_wake.wait(lock, [this] { return m_stopping; });
        break;
      }
      if (reply.kind == Reply::Kind::close) break;
      if (reply.kind == Reply::Kind::raw) {
        asio::write(socket, asio::buffer(reply.raw), ec);
        break;
      }
      if (reply.delay.count() > 0) {
        std::unique_lock lock(m_mutex);
        if (m_wake.wait_for(lock, reply.delay, [this] { return m_stopping; })) break;
      }
      http::response<http::string_body> response{static_cast<http::status>(reply.status), 11};
      response.set(http::field::content_type, "application/json");
      response.keep_alive(!reply.announce_close);
      response.body() = reply.body;
      response.prepare_payload();
      http::write(socket, response, ec);
      if (ec || reply.close_after || reply.announce_close) break;
    }
  }

  Script m_script;
  std::optional<asio::ssl::context> m_tls;
  std::string m_server_name;
  asio::io_context m_ioc;
  tcp::acceptor m_acceptor;
  std::uint16_t m_port = 0;
  std::mutex m_mutex;
  std::condition_variable m_wake;
  bool m_stopping = false;
  std::set<int> m_open;
  std::list<std::thread> m_threads;
  std::thread m_accepting;
  std::atomic<int> m_connections{0};
  std::atomic<int> m_requests{0};
  std::atomic<int> m_peak{0};
};

// --- JSON-RPC answers ---------------------------------------------------------------------------

inline json result_for(const json& request, json result) {
  return {{"jsonrpc", "2.0"}, {"id", request.at("id")}, {"result", std::move(result)}};
}

inline json error_for(const json& request, int code, std::string message, json data = nullptr) {
  json error = {{"code", code}, {"message", std::move(message)}};
  if (!data.is_null()) error["data"] = std::move(data);
  return {{"jsonrpc", "2.0"}, {"id", request.at("id")}, {"error", std::move(error)}};
}

// A node whose answer to each call is computed by `answer` (for batches too: an array of answers in
// the requests' order).
inline Script rpc(std::function<json(const json& call)> answer) {
  return [answer = std::move(answer)](const HttpRequest& request) {
    const json doc = json::parse(request.body());
    if (!doc.is_array()) return Reply{.body = answer(doc).dump()};
    json out = json::array();
    for (const json& call : doc) out.push_back(answer(call));
    return Reply{.body = out.dump()};
  };
}

// A node that answers every call with its params.
inline Script echo() {
  return rpc([](const json& call) { return result_for(call, call.value("params", json())); });
}

}  // namespace rollup::l1::test
