#pragma once
// What the HTTP connections (http_server.cpp) and the WebSocket sessions (websocket.cpp) of one
// HttpServer share: the options and handler tables, written before start() and only read after it,
// and the set of live connections that stop() closes. Internal to the net module; Beast stays here.

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "rollup/net/errors.hpp"
#include "rollup/net/http_server.hpp"

namespace rollup::net::detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using beast::error_code;

// Something stop() must close: an HTTP connection or a WebSocket session.
class Connection {
 public:
  virtual ~Connection() = default;
  // Callable from any thread; the closing itself runs on the connection's strand.
  virtual void post_close() = 0;
};

struct PathRoutes {
  std::map<std::string, Handler, std::less<>> by_method;  // sorted, for the Allow header
  std::string allow;
};

class Shared {
 public:
  HttpServerOptions options;
  std::map<std::string, PathRoutes, std::less<>> routes;
  std::map<std::string, WsHandlers, std::less<>> websockets;

  // Registers a connection for stop(). False once stop() has begun: stop() has collected the
  // connections already and would miss this one, so the caller must not start it.
  [[nodiscard]] bool add(Connection* connection, std::weak_ptr<Connection> weak);
  void remove(Connection* connection);
  // From here on add() refuses; returns the live connections. The caller must drop the references
  // outside any lock of ours: a connection's destructor calls remove().
  [[nodiscard]] std::vector<std::shared_ptr<Connection>> begin_stop();

  void report(Errc code, std::string detail) const noexcept;
  // Calls a handler, which may throw: a throw is reported as handler_failed with `what` in front,
  // and gives false.
  template <typename F>
  bool call_handler(std::string_view what, F&& fn) const noexcept {
    try {
      std::forward<F>(fn)();
      return true;
    } catch (const std::exception& e) {
      report(Errc::handler_failed, std::string(what) + ": " + e.what());
    } catch (...) {
      report(Errc::handler_failed, std::string(what) + ": unknown exception");
    }
    return false;
  }

  // The routes' answer to an HTTP request.
  [[nodiscard]] Response handle(const Request& req) const;

 private:
  std::mutex m_mutex;
  std::unordered_map<Connection*, std::weak_ptr<Connection>> m_connections;
  bool m_stopping = false;
};

// Takes over an HTTP connection whose request is a WebSocket upgrade that `handlers.accept` agreed
// to, and answers the handshake. Runs on the connection's strand, with no operation pending on the
// stream; `handlers` lives in `shared`.
void start_websocket(beast::tcp_stream stream, http::request<http::string_body> request,
                     std::shared_ptr<Shared> shared, const WsHandlers& handlers, std::string path,
                     std::string remote);

}  // namespace rollup::net::detail
