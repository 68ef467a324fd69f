#pragma once
// An HTTP/1.1 server (Boost.Beast over Asio) for the node's RPC and metrics endpoints.
//
// Invariants:
// - Routes are fixed before start(): the I/O threads read the route table without locks, so
//   route() refuses once the server runs.
// - Handlers run on the I/O threads, several at once on different connections, never two at once
//   on one connection. A handler that blocks holds up one I/O thread; a handler that throws gives
//   its client a 500 and the server goes on.
// - Limits follow geth (docs: /work/shared/guide/compat.md): a body above the limit is refused with
//   413 before it is read, and the connection closes, since the unread body is still on the wire.
//   Malformed requests get a 400 and a close. Every wait on a client is bounded by a timeout.
// - stop() returns only when no thread of the server runs and every connection is closed; after
//   it, no handler and no error callback is called again. It must not be called from a handler.
// - This header keeps Beast out of its users. Inside, a connection keeps Beast's parsed request
//   and its stream until the response is written, so a WebSocket upgrade on the same port can hook
//   in where requests are dispatched.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "rollup/base/error.hpp"
#include "rollup/net/errors.hpp"

namespace rollup::net {

class Registry;

using Header = std::pair<std::string, std::string>;

struct Request {
  std::string method;  // as sent: "GET", "POST"
  std::string target;  // the request target as sent: "/metrics?x=1"
  std::string path;    // the target's path, without the query: "/metrics"
  std::vector<Header> headers;
  std::string body;
  std::string remote;  // the peer as "address:port", for logs and access rules

  // The first header with that name (names compare case-insensitively); empty when absent.
  [[nodiscard]] std::string_view header(std::string_view name) const;
};

struct Response {
  unsigned status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::vector<Header> headers;  // sent as given, after Content-Type
};

using Handler = std::function<Response(const Request&)>;
// Called on I/O threads, possibly several at once.
using ErrorCallback = std::function<void(const Error&)>;

struct HttpServerOptions {
  std::string address = "127.0.0.1";  // an IP address or a host name resolved once at start()
  std::uint16_t port = 0;             // 0: the system picks one; see HttpServer::port()
  unsigned threads = 1;
  std::size_t body_limit = 5 * 1024 * 1024;
  // The whole request head (request line and fields); Go's http.Server default, which geth keeps.
  std::uint32_t header_limit = 1024 * 1024;
  // From a request's first byte to its last.
  std::chrono::milliseconds read_timeout = std::chrono::seconds(30);
  std::chrono::milliseconds write_timeout = std::chrono::seconds(30);
  // Between requests on a kept-alive connection.
  std::chrono::milliseconds idle_timeout = std::chrono::seconds(120);
  ErrorCallback on_error;
};

class HttpServer {
 public:
  explicit HttpServer(HttpServerOptions options);
  ~HttpServer();  // stops
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Adds a handler for an exact method and path (the target without its query). A path with some
  // routes answers other methods with 405 and an Allow header; any other path is a 404.
  Result<void> route(std::string_view method, std::string_view path, Handler handler);

  // Binds, listens and starts the I/O threads. A server starts once.
  Result<void> start();
  // Closes the listener and every connection and joins the threads. Idempotent.
  void stop();

  // The port bound by start(), which is the ephemeral one when options.port was 0; 0 before.
  [[nodiscard]] std::uint16_t port() const noexcept;
  [[nodiscard]] bool running() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

// A handler that renders the registry in the Prometheus text format, for GET /metrics.
[[nodiscard]] Handler metrics_handler(const Registry& registry);

}  // namespace rollup::net
