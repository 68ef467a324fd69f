#pragma once
// An HTTP/1.1 server (Boost.Beast over Asio) for the node's RPC and metrics endpoints, with
// WebSocket sessions on the same port by HTTP upgrade (geth serves --ws on its HTTP port this way).
//
// Invariants:
// - Routes and WebSocket paths are fixed before start(): the I/O threads read them without locks,
//   so route() and websocket() refuse once the server runs.
// - Handlers run on the I/O threads, several at once on different connections, never two at once
//   on one connection or WebSocket session. A handler that blocks holds up one I/O thread; a
//   handler that throws gives its client a 500 (a WebSocket session: a close with 1011) and the
//   server goes on.
// - Limits follow geth's defaults (docs/rpc.md lists them): a body above the limit is refused with
//   413 before it is read, and the connection closes, since the unread body is still on the wire.
//   Malformed requests get a 400 and a close. Every wait on a client is bounded by a timeout.
// - An upgrade request on a websocket() path becomes a WebSocket session; any other request on that
//   path, and an upgrade request on any other path, goes to the routes as usual.
// - A WebSocket session holds at most ws_read_limit bytes of an incoming message and
//   ws_send_queue_limit bytes of outgoing ones: a client that sends too much or reads too slowly is
//   closed, never buffered without bound.
// - stop() returns only when no thread of the server runs and every connection and WebSocket
//   session is closed (on_close called); after it, no handler and no error callback is called
//   again. It must not be called from a handler. A WsSession a handler still holds stays valid
//   after stop() and after the server is destroyed: it refers to nothing of the server, and its
//   send() does nothing.
// - This header keeps Beast out of its users.

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

// A WebSocket session as handlers see it. Every member may be called from any thread at any time,
// also after the session closed and after the server is gone.
class WsSession {
 public:
  virtual ~WsSession() = default;
  // Queues a text message. Messages go out in the order sent. Once the session is closed or
  // closing, it does nothing. A message that would take the bytes queued and not yet written above
  // HttpServerOptions::ws_send_queue_limit closes the session instead (1008, and on_error).
  virtual void send(std::string text) = 0;
  // Closes normally (1000) after the messages already sent; send() does nothing from here on.
  virtual void close() = 0;
  // True while send() would queue: false once close() was called, the server closes the session,
  // or it has closed.
  [[nodiscard]] virtual bool is_open() const = 0;
  // The peer as "address:port".
  [[nodiscard]] virtual const std::string& remote() const = 0;
};

// What a websocket() path does. Each may be empty (the braces let designated initializers leave
// any out without g++'s missing-initializer warning). All run on I/O threads (see the invariants).
struct WsHandlers {
  // Decides whether to accept an upgrade request (an Origin check and such): false answers 403.
  // Empty: accept all.
  std::function<bool(const Request&)> accept{};
  // The session is open; called before any on_message of it.
  std::function<void(const std::shared_ptr<WsSession>&)> on_open{};
  // Each text message, in order; never two at once for one session, several sessions in parallel.
  // Not called once the session is closing.
  std::function<void(const std::shared_ptr<WsSession>&, std::string message)> on_message{};
  // Once per opened session, after its last on_message, whoever closed it (client, server, stop()).
  std::function<void(const std::shared_ptr<WsSession>&)> on_close{};
};

// Called on I/O threads, possibly several at once.
using ErrorCallback = std::function<void(const Error&)>;

struct HttpServerOptions {
  std::string address = "127.0.0.1";  // an IP address or a host name resolved once at start()
  std::uint16_t port = 0;             // 0: the system picks one; see HttpServer::port()
  unsigned threads = 1;
  // Stack of each I/O thread; 0: the system default. Handlers that execute EVM code (eth_call)
  // need evm::k_execution_stack_bytes.
  std::size_t thread_stack_bytes = 0;
  std::size_t body_limit = 5 * 1024 * 1024;
  // The whole request head (request line and fields); Go's http.Server default, which geth keeps.
  std::uint32_t header_limit = 1024 * 1024;
  // From a request's first byte to its last.
  std::chrono::milliseconds read_timeout = std::chrono::seconds(30);
  std::chrono::milliseconds write_timeout = std::chrono::seconds(30);
  // Between requests on a kept-alive connection.
  std::chrono::milliseconds idle_timeout = std::chrono::seconds(120);

  // WebSocket sessions (geth's defaults). Each outgoing message, the 101 response and the closing
  // handshake must complete within write_timeout, or the connection is dropped.
  //
  // The largest incoming message; a larger one closes the session with 1009 (message too big).
  std::size_t ws_read_limit = 32 * 1024 * 1024;
  // A ping goes out every interval; a client from which nothing (pong or other data) arrived for a
  // whole interval after a ping is dropped.
  std::chrono::milliseconds ws_ping_interval = std::chrono::seconds(30);
  // Bytes sent and not yet written to the socket, per session. A send() that would pass it closes
  // the session with 1008 (policy violation) and reports Errc::ws_send_queue_full: a subscriber
  // that stops reading must not grow memory without bound. A message sent while nothing is pending
  // is always taken, so one reply larger than the limit still goes out.
  std::size_t ws_send_queue_limit = 16 * 1024 * 1024;

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

  // Serves WebSocket sessions at an exact path, by upgrade of a GET request. The path may also have
  // routes, which keep answering the requests that are not upgrades.
  Result<void> websocket(std::string_view path, WsHandlers handlers);

  // Binds, listens and starts the I/O threads. A server starts once.
  Result<void> start();
  // Closes the listener and every connection and joins the threads. WebSocket sessions get a close
  // (1001, going away) and at most min(1 s, write_timeout) to answer it. Idempotent.
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
