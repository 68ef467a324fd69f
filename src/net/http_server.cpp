#include "rollup/net/http_server.hpp"
#include "rollup/net/thread.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <charconv>
#include <exception>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include "rollup/base/assert.hpp"
#include "rollup/net/metrics.hpp"
#include "server_shared.hpp"

namespace rollup::net {

namespace detail {
namespace {

// After a refusal the client may still be sending the body we did not read; closing on unread data
// makes the kernel send a reset, which can destroy our response before the client reads it. So the
// connection half-closes and drains for a moment first, as Go's server does.
constexpr auto k_linger = std::chrono::seconds(2);
constexpr std::size_t k_first_read = 4096;
constexpr std::string_view k_continue = "HTTP/1.1 100 Continue\r\n\r\n";

char ascii_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::ranges::equal(a, b, [](char x, char y) { return ascii_lower(x) == ascii_lower(y); });
}

// RFC 9110 token characters, which is all a method may contain.
bool is_token(std::string_view s) {
  constexpr std::string_view extra = "!#$%&'*+-.^_`|~";
  return !s.empty() && std::ranges::all_of(s, [&](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           extra.find(c) != std::string_view::npos;
  });
}

std::string format_endpoint(const tcp::endpoint& ep) {
  const std::string addr = ep.address().to_string();
  const std::string port = std::to_string(ep.port());
  return ep.address().is_v6() ? "[" + addr + "]:" + port : addr + ":" + port;
}

// The path of a request target: origin-form "/a?q" gives "/a"; absolute-form, which HTTP/1.1
// servers must accept, "http://host/a?q" also gives "/a".
std::string target_path(std::string_view target) {
  if (const auto scheme = target.find("://");
      scheme != std::string_view::npos && scheme < target.find('/')) {
    const auto slash = target.find('/', scheme + 3);
    target = slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
  }
  return std::string(target.substr(0, target.find_first_of("?#")));
}

// A route's path: exact, so no query, fragment or space.
bool is_route_path(std::string_view path) {
  return path.starts_with('/') && path.find_first_of("?# ") == std::string_view::npos;
}

Response plain(unsigned status, std::string body) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

// One connection. Every member function runs on the connection's strand; the object lives as long
// as an operation of it is pending.
class Session final : public Connection, public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, std::shared_ptr<Shared> shared)
      : m_stream(std::move(socket)), m_shared(std::move(shared)) {}

  ~Session() override { m_shared->remove(this); }

  // Called from the acceptor's strand.
  void start() {
    if (!m_shared->add(this, weak_from_this())) return;
    asio::dispatch(m_stream.get_executor(),
                   beast::bind_front_handler(&Session::begin, shared_from_this()));
  }

  void post_close() override {
    asio::post(m_stream.get_executor(), [self = shared_from_this()] { self->close(); });
  }

 private:
  const HttpServerOptions& options() const { return m_shared->options; }

  void begin() {
    error_code ec;
    const auto remote = m_stream.socket().remote_endpoint(ec);
    if (!ec) m_remote = format_endpoint(remote);
    read_request();
  }

  void read_request() {
    if (m_closed) return;
    m_parser.emplace();
    m_parser->body_limit(options().body_limit);
    m_parser->header_limit(options().header_limit);
    // The first request and pipelined bytes go straight to the read timeout; otherwise the idle
    // timeout covers the wait for a next request's first byte, and the read timeout starts there.
    if (m_first_request || m_buffer.size() > 0) {
      read_header();
      return;
    }
    m_stream.expires_after(options().idle_timeout);
    m_stream.async_read_some(
        m_buffer.prepare(k_first_read),
        beast::bind_front_handler(&Session::on_first_bytes, shared_from_this()));
  }

  void on_first_bytes(error_code ec, std::size_t n) {
    if (ec) return close();
    m_buffer.commit(n);
    read_header();
  }

  void read_header() {
    // One deadline for the whole request, head and body, like Go's ReadTimeout.
    m_stream.expires_after(options().read_timeout);
    http::async_read_header(m_stream, m_buffer, *m_parser,
                            beast::bind_front_handler(&Session::on_header, shared_from_this()));
  }

  void on_header(error_code ec, std::size_t) {
    if (ec) return on_read_error(ec);
    const auto& msg = m_parser->get();
    // Clients such as curl hold a large body back until the server agrees to take it.
    if (!m_parser->is_done() && msg.version() >= 11 &&
        iequals(msg[http::field::expect], "100-continue")) {
      asio::async_write(m_stream, asio::buffer(k_continue.data(), k_continue.size()),
                        [self = shared_from_this()](error_code wec, std::size_t) {
                          if (wec) return self->close();
                          self->read_body();
                        });
      return;
    }
    read_body();
  }

  void read_body() {
    if (m_parser->is_done()) return dispatch();
    http::async_read(m_stream, m_buffer, *m_parser,
                     beast::bind_front_handler(&Session::on_body, shared_from_this()));
  }

  void on_body(error_code ec, std::size_t) {
    if (ec) return on_read_error(ec);
    dispatch();
  }

  void on_read_error(error_code ec) {
    if (ec == http::error::body_limit) {
      const std::string_view length = m_parser->get()[http::field::content_length];
      std::uint64_t n = 0;
      const auto [end, parse_ec] = std::from_chars(length.data(), length.data() + length.size(), n);
      if (parse_ec == std::errc{} && end == length.data() + length.size()) {
        return refuse(413, "content length too large (" + std::to_string(n) + ">" +
                               std::to_string(options().body_limit) + ")");
      }
      // Chunked: the total is unknown, only that it passed the limit.
      return refuse(413,
                    "request body too large (limit " + std::to_string(options().body_limit) + ")");
    }
    if (ec == http::error::header_limit) return refuse(431, "431 Request Header Fields Too Large");
    // A client that hangs up or goes quiet, or stop(), ends the connection without an answer.
    const bool parse_error =
        ec.category() == http::make_error_code(http::error::bad_method).category() &&
        ec != http::error::end_of_stream && ec != http::error::partial_message;
    if (!parse_error) return close();
    refuse(400, "400 Bad Request: " + ec.message());
  }

  void dispatch() {
    auto& msg = m_parser->get();
    Request req;
    req.method = std::string(msg.method_string());
    req.target = std::string(msg.target());
    req.path = target_path(req.target);
    for (const auto& field : msg) {
      req.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    req.remote = m_remote;
    const bool keep_alive = msg.keep_alive();
    if (beast::websocket::is_upgrade(msg)) {
      if (const auto ws = m_shared->websockets.find(req.path); ws != m_shared->websockets.end()) {
        return upgrade(ws->second, std::move(req), keep_alive);
      }
    }
    req.body = std::move(msg.body());

    // Beast checks what it is given (a status above 999, a body on a 204) by throwing; that is the
    // handler's bug, answered like one that threw.
    try {
      build_response(m_shared->handle(req), msg.version(), keep_alive);
    } catch (const std::exception& e) {
      m_shared->report(Errc::handler_failed,
                       req.method + " " + req.path + ": invalid response: " + e.what());
      build_response(plain(500, "internal server error\n"), msg.version(), keep_alive);
    }
    write(keep_alive ? After::read : After::close);
  }

  // msg and m_stream are both still whole here, and nothing has been written yet.
  void upgrade(const WsHandlers& handlers, Request req, bool keep_alive) {
    const unsigned version = m_parser->get().version();
    bool accepted = true;
    if (handlers.accept && !m_shared->call_handler("WebSocket accept " + req.path,
                                                   [&] { accepted = handlers.accept(req); })) {
      build_response(plain(500, "internal server error\n"), version, keep_alive);
      return write(keep_alive ? After::read : After::close);
    }
    if (!accepted) {
      build_response(plain(403, "403 Forbidden\n"), version, keep_alive);
      return write(keep_alive ? After::read : After::close);
    }
    // The stream belongs to the WebSocket session from here; close() must leave it alone.
    m_closed = true;
    start_websocket(std::move(m_stream), m_parser->release(), m_shared, handlers,
                    std::move(req.path), std::move(req.remote));
  }

  void build_response(Response r, unsigned version, bool keep_alive) {
    m_response = {};
    m_response.version(version);
    m_response.result(r.status);
    m_response.set(http::field::content_type, r.content_type);
    for (const auto& [name, value] : r.headers) m_response.insert(name, value);
    m_response.body() = std::move(r.body);
    m_response.keep_alive(keep_alive);
    m_response.prepare_payload();
  }

  enum class After { read, close, linger };

  void refuse(unsigned status, std::string message) {
    build_response(plain(status, std::move(message) + "\n"), 11, false);
    write(After::linger);
  }

  void write(After after) {
    m_stream.expires_after(options().write_timeout);
    http::async_write(m_stream, m_response,
                      [self = shared_from_this(), after](error_code ec, std::size_t) {
                        self->on_write(ec, after);
                      });
  }

  void on_write(error_code ec, After after) {
    if (ec) return close();
    switch (after) {
      case After::read:
        m_first_request = false;
        m_response = {};
        read_request();
        return;
      case After::close: return close();
      case After::linger: return linger();
    }
  }

  void linger() {
    error_code ignored;
    m_stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    m_stream.expires_after(std::min<std::chrono::milliseconds>(k_linger, options().read_timeout));
    drain();
  }

  void drain() {
    m_stream.async_read_some(asio::buffer(m_drain),
                             [self = shared_from_this()](error_code ec, std::size_t) {
                               if (ec) return self->close();
                               self->drain();
                             });
  }

  void close() {
    if (m_closed) return;
    m_closed = true;
    error_code ignored;
    m_stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    m_stream.close();
  }

  beast::tcp_stream m_stream;
  std::shared_ptr<Shared> m_shared;
  beast::flat_buffer m_buffer;
  std::optional<http::request_parser<http::string_body>> m_parser;
  http::response<http::string_body> m_response;
  std::string m_remote;
  std::array<char, 4096> m_drain{};
  bool m_first_request = true;
  bool m_closed = false;
};

}  // namespace

bool Shared::add(Connection* connection, std::weak_ptr<Connection> weak) {
  std::scoped_lock lock(m_mutex);
  if (m_stopping) return false;
  m_connections.emplace(connection, std::move(weak));
  return true;
}

void Shared::remove(Connection* connection) {
  std::scoped_lock lock(m_mutex);
  m_connections.erase(connection);
}

std::vector<std::shared_ptr<Connection>> Shared::begin_stop() {
  std::scoped_lock lock(m_mutex);
  m_stopping = true;
  std::vector<std::shared_ptr<Connection>> live;
  for (const auto& [ptr, weak] : m_connections) {
    if (auto c = weak.lock()) live.push_back(std::move(c));
  }
  return live;
}

void Shared::report(Errc code, std::string detail) const noexcept {
  if (!options.on_error) return;
  // The callback runs on an I/O thread; an exception from it must not take the thread down.
  try {
    options.on_error(Error(make_error_code(code), std::move(detail)));
  } catch (...) {
  }
}

Response Shared::handle(const Request& req) const {
  const auto path = routes.find(req.path);
  if (path == routes.end()) return plain(404, "404 page not found\n");
  const auto handler = path->second.by_method.find(req.method);
  if (handler == path->second.by_method.end()) {
    Response r = plain(405, "method not allowed\n");
    r.headers.emplace_back("Allow", path->second.allow);
    return r;
  }
  Response response = plain(500, "internal server error\n");
  call_handler(req.method + " " + req.path, [&] { response = handler->second(req); });
  return response;
}

}  // namespace detail

using namespace detail;

std::string_view Request::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (iequals(key, name)) return value;
  }
  return {};
}

struct HttpServer::Impl {
  explicit Impl(HttpServerOptions options)
      : shared(std::make_shared<Shared>()),
        ioc(static_cast<int>(std::max(options.threads, 1u))),
        accept_strand(asio::make_strand(ioc)),
        acceptor(accept_strand),
        retry_timer(accept_strand) {
    shared->options = std::move(options);
  }

  void do_accept() {
    acceptor.async_accept(asio::make_strand(ioc),
                          asio::bind_executor(accept_strand, [this](error_code ec, tcp::socket s) {
                            on_accept(ec, std::move(s));
                          }));
  }

  void on_accept(error_code ec, tcp::socket socket) {
    if (!acceptor.is_open()) return;
    if (ec) {
      // Usually out of file descriptors: the connections that hold them may close soon, so wait
      // and accept again rather than stop listening.
      shared->report(Errc::accept_failed, ec.message());
      retry_timer.expires_after(std::chrono::milliseconds(100));
      retry_timer.async_wait([this](error_code timer_ec) {
        if (!timer_ec && acceptor.is_open()) do_accept();
      });
      return;
    }
    std::make_shared<Session>(std::move(socket), shared)->start();
    do_accept();
  }

  void run_thread() {
    for (;;) {
      try {
        ioc.run();
        return;
      } catch (const std::exception& e) {
        shared->report(Errc::internal_error, e.what());
      } catch (...) {
        shared->report(Errc::internal_error, "unknown exception");
      }
    }
  }

  enum class State { idle, running, stopped };

  std::shared_ptr<Shared> shared;
  asio::io_context ioc;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  asio::strand<asio::io_context::executor_type> accept_strand;
  tcp::acceptor acceptor;
  asio::steady_timer retry_timer;
  std::vector<Thread> threads;
  std::atomic<std::uint16_t> port = 0;
  std::mutex control;  // serialises route, start and stop
  std::atomic<State> state = State::idle;
};

HttpServer::HttpServer(HttpServerOptions options)
    : m_impl(std::make_unique<Impl>(std::move(options))) {}

HttpServer::~HttpServer() {
  stop();
}

Result<void> HttpServer::route(std::string_view method, std::string_view path, Handler handler) {
  std::scoped_lock lock(m_impl->control);
  if (m_impl->state != Impl::State::idle) {
    return fail(Errc::already_started, "routes are fixed once the server starts");
  }
  if (!is_token(method)) return fail(Errc::invalid_route, "method '" + std::string(method) + "'");
  if (!is_route_path(path)) return fail(Errc::invalid_route, "path '" + std::string(path) + "'");
  ROLLUP_ASSERT(handler);
  auto& routes = m_impl->shared->routes[std::string(path)];
  if (!routes.by_method.emplace(std::string(method), std::move(handler)).second) {
    return fail(Errc::duplicate_route, std::string(method) + " " + std::string(path));
  }
  routes.allow.clear();
  for (const auto& [m, unused] : routes.by_method) {
    if (!routes.allow.empty()) routes.allow += ", ";
    routes.allow += m;
  }
  return {};
}

Result<void> HttpServer::websocket(std::string_view path, WsHandlers handlers) {
  std::scoped_lock lock(m_impl->control);
  if (m_impl->state != Impl::State::idle) {
    return fail(Errc::already_started, "WebSocket paths are fixed once the server starts");
  }
  if (!is_route_path(path)) return fail(Errc::invalid_route, "path '" + std::string(path) + "'");
  if (!m_impl->shared->websockets.emplace(std::string(path), std::move(handlers)).second) {
    return fail(Errc::duplicate_route, "WebSocket " + std::string(path));
  }
  return {};
}

Result<void> HttpServer::start() {
  std::scoped_lock lock(m_impl->control);
  Impl& impl = *m_impl;
  const HttpServerOptions& options = impl.shared->options;
  if (impl.state != Impl::State::idle) return fail(Errc::already_started);
  if (options.threads == 0) return fail(Errc::invalid_options, "threads must be at least 1");
  if (options.read_timeout.count() <= 0 || options.write_timeout.count() <= 0 ||
      options.idle_timeout.count() <= 0) {
    return fail(Errc::invalid_options, "timeouts must be positive");
  }
  // Beast reads a zero read limit as "no limit".
  if (options.ws_read_limit == 0 || options.ws_send_queue_limit == 0) {
    return fail(Errc::invalid_options, "WebSocket limits must be positive");
  }
  if (options.ws_ping_interval.count() <= 0) {
    return fail(Errc::invalid_options, "the WebSocket ping interval must be positive");
  }

  error_code ec;
  tcp::endpoint endpoint;
  if (const auto addr = asio::ip::make_address(options.address, ec); !ec) {
    endpoint = tcp::endpoint(addr, options.port);
  } else {
    tcp::resolver resolver(impl.ioc);
    const auto results = resolver.resolve(options.address, std::to_string(options.port), ec);
    if (ec || results.empty()) {
      return fail(Errc::invalid_address,
                  options.address + (ec ? ": " + ec.message() : std::string(": no address")));
    }
    endpoint = results.begin()->endpoint();
  }

  const std::string where = format_endpoint(endpoint);
  // On failure the acceptor must be closed again, so that a later start() can retry.
  auto listen_error = [&](std::string_view step) {
    const Errc code =
        ec == asio::error::address_in_use ? Errc::address_in_use : Errc::listen_failed;
    std::string detail = where;
    if (code != Errc::address_in_use)
      detail += std::string(": ") + std::string(step) + ": " + ec.message();
    error_code ignored;
    impl.acceptor.close(ignored);
    return fail(code, std::move(detail));
  };
  if (impl.acceptor.open(endpoint.protocol(), ec); ec) return listen_error("open");
  // Lets a restarted node bind while its old connections sit in TIME_WAIT; on Linux it does not
  // let two listeners share a port.
  if (impl.acceptor.set_option(asio::socket_base::reuse_address(true), ec); ec) {
    return listen_error("set SO_REUSEADDR");
  }
  if (impl.acceptor.bind(endpoint, ec); ec) return listen_error("bind");
  if (impl.acceptor.listen(asio::socket_base::max_listen_connections, ec); ec) {
    return listen_error("listen");
  }
  impl.port = impl.acceptor.local_endpoint(ec).port();

  impl.work.emplace(asio::make_work_guard(impl.ioc));
  impl.do_accept();
  impl.threads.reserve(options.threads);
  for (unsigned i = 0; i < options.threads; ++i) {
    impl.threads.emplace_back(options.thread_stack_bytes, [&impl] { impl.run_thread(); });
  }
  impl.state = Impl::State::running;
  return {};
}

void HttpServer::stop() {
  std::scoped_lock lock(m_impl->control);
  Impl& impl = *m_impl;
  if (impl.state != Impl::State::running) {
    impl.state = Impl::State::stopped;
    return;
  }
  // Joining from an I/O thread would wait for itself.
  for (const auto& t : impl.threads) ROLLUP_ASSERT(!t.is_current());

  asio::post(impl.accept_strand, [&impl] {
    error_code ignored;
    impl.acceptor.close(ignored);
    impl.retry_timer.cancel();
  });
  std::vector<std::shared_ptr<Connection>> connections = impl.shared->begin_stop();
  for (const auto& c : connections) c->post_close();
  // A connection's destructor takes the connections lock; the last reference may be this one.
  connections.clear();

  impl.work.reset();
  for (auto& t : impl.threads) t.join();
  impl.threads.clear();
  impl.state = Impl::State::stopped;
}

std::uint16_t HttpServer::port() const noexcept {
  return m_impl->port;
}

bool HttpServer::running() const noexcept {
  return m_impl->state == Impl::State::running;
}

Handler metrics_handler(const Registry& registry) {
  return [&registry](const Request&) {
    Response r;
    r.content_type = std::string(Registry::k_content_type);
    r.body = registry.render();
    return r;
  };
}

}  // namespace rollup::net
