#include "rollup/l1/client.hpp"

#include <openssl/ssl.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <deque>
#include <future>
#include <mutex>
#include <random>
#include <span>
#include <unordered_set>

#include "rollup/base/assert.hpp"
#include "rollup/net/thread.hpp"
#include "url.hpp"

namespace rollup::l1 {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using json = nlohmann::json;
using error_code = boost::system::error_code;

// Beast's default of 8 KiB is tight for a proxy that adds many headers; the body has its own limit.
constexpr std::uint32_t k_header_limit = 64 * 1024;
// How much of a server-chosen value (an unexpected id) an error detail quotes.
constexpr std::size_t k_quote_limit = 64;

// The HTTP answer's body (status 200), or why there is none.
using Body = Result<std::string>;
using BodyHandler = std::function<void(Body)>;

std::string quote(const json& value) {
  std::string text = value.dump(-1, ' ', false, json::error_handler_t::replace);
  if (text.size() > k_quote_limit) text = text.substr(0, k_quote_limit) + "...";
  return text;
}

// A connection to the node; plain or TLS, decided once per client.
class Connection {
 public:
  Connection(asio::io_context& ioc, ssl::context* tls) : m_resolver(ioc) {
    if (tls != nullptr) {
      m_tls.emplace(ioc, *tls);
    } else {
      m_plain.emplace(ioc);
    }
  }

  tcp::socket& socket() { return m_tls ? m_tls->next_layer() : *m_plain; }
  ssl::stream<tcp::socket>* tls() { return m_tls ? &*m_tls : nullptr; }
  tcp::resolver& resolver() { return m_resolver; }
  beast::flat_buffer& buffer() { return m_buffer; }

  template <typename F>
  void with_stream(F&& f) {
    if (m_tls) {
      f(*m_tls);
    } else {
      f(*m_plain);
    }
  }

  // Ends every operation on the connection: they complete with an error.
  void close() {
    m_resolver.cancel();
    error_code ignored;
    socket().close(ignored);
  }

  bool reused = false;

 private:
  tcp::resolver m_resolver;
  std::optional<tcp::socket> m_plain;
  std::optional<ssl::stream<tcp::socket>> m_tls;
  beast::flat_buffer m_buffer;
};

// One HTTP request and its attempts.
struct Exchange {
  explicit Exchange(asio::io_context& ioc) : timer(ioc) {}

  http::request<http::string_body> request;
  BodyHandler done;
  unsigned failures = 0;  // counted failed attempts
  // Deadline of the current attempt's stage, or the backoff before the next attempt. Each arm and
  // disarm bumps `phase`, so a wait that completes after its phase ended does nothing.
  asio::steady_timer timer;
  std::uint64_t phase = 0;
  bool timed_out = false;
  std::unique_ptr<Connection> conn;  // during an attempt
  std::optional<http::response_parser<http::string_body>> parser;
  bool finished = false;
};

enum class Stage { connect, handshake, exchange };

bool retryable_status(unsigned status) {
  return status == 429 || status == 502 || status == 503 || status == 504;
}

// The transport failures that mean the server closed the connection under us.
bool is_closed_by_peer(const error_code& ec) {
  return ec == http::error::end_of_stream || ec == http::error::partial_message ||
         ec == asio::error::eof || ec == asio::error::connection_reset ||
         ec == asio::error::broken_pipe || ec == asio::error::connection_aborted ||
         ec == ssl::error::stream_truncated;
}

// --- JSON-RPC answers -----------------------------------------------------------------------

Result<json> parse_document(std::string_view body) {
  json doc = json::parse(body, nullptr, false);
  if (doc.is_discarded()) return fail(Errc::bad_response, "answer is not JSON");
  return doc;
}

Result<json> rpc_error_of(const json& error) {
  const auto code = error.find("code");
  const auto message = error.find("message");
  if (!error.is_object() || code == error.end() || !code->is_number_integer() ||
      message == error.end() || !message->is_string())
    return fail(Errc::bad_response, "malformed error object: " + quote(error));
  json normal = {{"code", code->get<std::int64_t>()}, {"message", *message}};
  if (const auto data = error.find("data"); data != error.end()) normal["data"] = *data;
  return fail(Errc::rpc_error, normal.dump(-1, ' ', false, json::error_handler_t::replace));
}

// An answer object whose id has been checked: its result, or its error.
Result<json> take_answer(json& answer) {
  const auto version = answer.find("jsonrpc");
  if (version == answer.end() || *version != "2.0")
    return fail(Errc::bad_response, "answer is not JSON-RPC 2.0");
  const auto result = answer.find("result");
  const auto error = answer.find("error");
  if ((result == answer.end()) == (error == answer.end()))
    return fail(Errc::bad_response, "answer must hold exactly one of result and error");
  if (error != answer.end()) return rpc_error_of(*error);
  return std::move(*result);
}

bool has_id(const json& answer, std::uint64_t id) {
  const auto it = answer.find("id");
  return it != answer.end() && it->is_number_unsigned() && it->get<std::uint64_t>() == id;
}

Result<json> parse_answer(std::string_view body, std::uint64_t id) {
  ROLLUP_TRY(json doc, parse_document(body));
  if (!doc.is_object()) return fail(Errc::bad_response, "answer is not a JSON-RPC object");
  if (!has_id(doc, id)) {
    // A node that could not read the request answers with id null; its error is still the answer.
    const auto it = doc.find("id");
    if (it != doc.end() && it->is_null() && doc.contains("error")) return take_answer(doc);
    return fail(Errc::bad_response, "answer has id " + (it == doc.end() ? "(none)" : quote(*it)) +
                                        ", expected " + std::to_string(id));
  }
  return take_answer(doc);
}

// Answers for the ids first_id .. first_id + calls.size() - 1, in the calls' order.
std::vector<Result<json>> parse_batch(std::string_view body, std::uint64_t first_id,
                                      std::span<const Call> calls) {
  const std::size_t n = calls.size();
  auto for_all = [n](const Result<json>& r) { return std::vector<Result<json>>(n, r); };
  auto doc = parse_document(body);
  if (!doc) return for_all(fail(doc.error()));
  if (doc->is_object() && doc->contains("error")) {
    // The node refused the batch as a whole (geth: "batch too large").
    return for_all(take_answer(*doc));
  }
  if (!doc->is_array()) return for_all(fail(Errc::bad_response, "batch answer is not an array"));

  std::vector<std::optional<Result<json>>> found(n);
  for (json& answer : *doc) {
    const auto id = answer.is_object() ? answer.find("id") : answer.end();
    // An answer we cannot attribute to a request of ours is ignored; the request it was meant for
    // shows up as unanswered.
    if (!answer.is_object() || id == answer.end() || !id->is_number_unsigned()) continue;
    const std::uint64_t offset = id->get<std::uint64_t>() - first_id;
    if (id->get<std::uint64_t>() < first_id || offset >= n) continue;
    if (found[offset]) {
      found[offset] = fail(Errc::bad_response, "two answers for id " + quote(*id));
      continue;
    }
    found[offset] = take_answer(answer);
  }
  std::vector<Result<json>> out;
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    if (found[i]) {
      out.push_back(std::move(*found[i]));
    } else {
      out.push_back(fail(Errc::bad_response, "no answer for id " + std::to_string(first_id + i) +
                                                 " (" + calls[i].method + ")"));
    }
  }
  return out;
}

// Serialises a request; nlohmann refuses strings that are not UTF-8.
Result<std::string> dump_request(const json& request) {
  try {
    return request.dump();
  } catch (const json::exception&) {
    return fail(Errc::invalid_request, "a string in the request is not valid UTF-8");
  }
}

Result<json> make_request(std::uint64_t id, std::string method, json params) {
  if (!params.is_array() && !params.is_object() && !params.is_null())
    return fail(Errc::invalid_request, "params must be an array, an object or null");
  json request = {{"jsonrpc", "2.0"}, {"id", id}, {"method", std::move(method)}};
  if (!params.is_null()) request["params"] = std::move(params);
  return request;
}

}  // namespace

// --- errors -----------------------------------------------------------------------------------

std::optional<RpcError> rpc_error(const Error& error) {
  if (!(error == Errc::rpc_error)) return std::nullopt;
  const json doc = json::parse(error.detail(), nullptr, false);
  if (!doc.is_object()) return std::nullopt;
  const auto code = doc.find("code");
  const auto message = doc.find("message");
  if (code == doc.end() || !code->is_number_integer() || message == doc.end() ||
      !message->is_string())
    return std::nullopt;
  RpcError out{.code = code->get<std::int64_t>(), .message = message->get<std::string>(), .data{}};
  if (const auto data = doc.find("data"); data != doc.end()) out.data = *data;
  return out;
}

// --- the client ---------------------------------------------------------------------------------

struct Client::Impl {
  Impl(ClientOptions opts, detail::Url u, std::optional<ssl::context> tls_context)
      : options(std::move(opts)),
        url(std::move(u)),
        work(asio::make_work_guard(ioc)),
        tls(std::move(tls_context)),
        rng(std::random_device{}()) {}

  ClientOptions options;
  detail::Url url;
  asio::io_context ioc;
  asio::executor_work_guard<asio::io_context::executor_type> work;
  std::optional<ssl::context> tls;
  net::Thread thread;
  std::atomic<std::uint64_t> next_id{1};

  // Taken by submit() and stop() so that nothing is posted after the I/O thread may have ended.
  std::mutex mutex;
  std::atomic<bool> stopped{false};

  // The I/O thread's own state.
  std::vector<std::unique_ptr<Connection>> idle;
  unsigned open = 0;  // connections idle, connecting or in use
  std::deque<std::shared_ptr<Exchange>> waiting;
  std::unordered_set<std::shared_ptr<Exchange>> live;
  std::mt19937_64 rng;

  // Any thread.
  void submit(std::string body, BodyHandler done) {
    {
      std::lock_guard lock(mutex);
      if (!stopped) {
        asio::post(ioc, [this, body = std::move(body), done]() mutable {
          start(std::move(body), std::move(done));
        });
        return;
      }
    }
    done(fail(Errc::cancelled, "the client is stopped"));
  }

  void start(std::string body, BodyHandler done) {
    auto ex = std::make_shared<Exchange>(ioc);
    ex->request = http_request(std::move(body));
    ex->done = std::move(done);
    live.insert(ex);
    attempt(ex);
  }

  http::request<http::string_body> http_request(std::string body) const {
    http::request<http::string_body> req{http::verb::post, url.target, 11};
    req.set(http::field::host, url.host_header);
    req.set(http::field::user_agent, "rollupd");
    req.set(http::field::content_type, "application/json");
    req.set(http::field::accept, "application/json");
    if (!url.authorization.empty()) req.set(http::field::authorization, url.authorization);
    for (const auto& [name, value] : options.headers) req.set(name, value);
    req.keep_alive(true);
    req.body() = std::move(body);
    req.prepare_payload();
    return req;
  }

  void attempt(const std::shared_ptr<Exchange>& ex) {
    if (stopped) return finish(ex, fail(Errc::cancelled, "the client is stopped"));
    if (!idle.empty()) {
      ex->conn = std::move(idle.back());
      idle.pop_back();
      ex->conn->reused = true;
      return send(ex);
    }
    if (open < options.max_connections) {
      ++open;
      ex->conn = std::make_unique<Connection>(ioc, tls ? &*tls : nullptr);
      return connect(ex);
    }
    waiting.push_back(ex);
  }

  void arm(const std::shared_ptr<Exchange>& ex, std::chrono::milliseconds limit) {
    const std::uint64_t phase = ++ex->phase;
    ex->timed_out = false;
    ex->timer.expires_after(limit);
    ex->timer.async_wait([this, ex, phase](const error_code& ec) {
      if (ec || phase != ex->phase || !ex->conn) return;
      ex->timed_out = true;
      ex->conn->close();
    });
  }

  void disarm(const std::shared_ptr<Exchange>& ex) {
    ++ex->phase;
    ex->timer.cancel();
  }

  void connect(const std::shared_ptr<Exchange>& ex) {
    arm(ex, options.connect_timeout);
    ex->conn->resolver().async_resolve(
        url.host, url.port,
        [this, ex](const error_code& ec, const tcp::resolver::results_type& endpoints) {
          if (ec) return failed(ex, ec, Stage::connect);
          asio::async_connect(ex->conn->socket(), endpoints,
                              [this, ex](const error_code& ec2, const tcp::endpoint&) {
                                if (ec2) return failed(ex, ec2, Stage::connect);
                                handshake(ex);
                              });
        });
  }

  void handshake(const std::shared_ptr<Exchange>& ex) {
    auto* stream = ex->conn->tls();
    if (stream == nullptr) {
      disarm(ex);
      return send(ex);
    }
    // SNI carries host names only (RFC 6066); an IP literal is checked against the certificate's
    // IP addresses by the verification callback alone.
    error_code not_ip;
    asio::ip::make_address(url.host, not_ip);
    // SSL_set_tlsext_host_name is a macro with a C cast in it; this is what it expands to.
    if (not_ip && SSL_ctrl(stream->native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME,
                           TLSEXT_NAMETYPE_host_name, url.host.data()) != 1) {
      return failed(ex, error_code(asio::error::invalid_argument), Stage::handshake);
    }
    stream->set_verify_callback(ssl::host_name_verification(url.host));
    stream->async_handshake(ssl::stream_base::client, [this, ex](const error_code& ec) {
      if (ec) return failed(ex, ec, Stage::handshake);
      disarm(ex);
      send(ex);
    });
  }

  void send(const std::shared_ptr<Exchange>& ex) {
    arm(ex, options.timeout);
    ex->parser.emplace();
    ex->parser->header_limit(k_header_limit);
    ex->parser->body_limit(options.max_response_bytes);
    ex->conn->with_stream([&](auto& stream) {
      http::async_write(stream, ex->request, [this, ex](const error_code& ec, std::size_t) {
        if (ec) return failed(ex, ec, Stage::exchange);
        ex->conn->with_stream([&](auto& s) {
          http::async_read(s, ex->conn->buffer(), *ex->parser,
                           [this, ex](const error_code& ec2, std::size_t) {
                             if (ec2) return failed(ex, ec2, Stage::exchange);
                             answered(ex);
                           });
        });
      });
    });
  }

  void answered(const std::shared_ptr<Exchange>& ex) {
    disarm(ex);
    auto response = ex->parser->release();
    ex->parser.reset();
    if (response.keep_alive()) {
      release(std::move(ex->conn));
    } else {
      drop(std::move(ex->conn));
    }
    const unsigned status = response.result_int();
    if (status == 200) return finish(ex, std::move(response.body()));
    retry_or_finish(ex,
                    Error(make_error_code(Errc::http_status),
                          "HTTP " + std::to_string(status) + " from " + url.where()),
                    retryable_status(status));
  }

  void failed(const std::shared_ptr<Exchange>& ex, const error_code& ec, Stage stage) {
    const bool timed_out = ex->timed_out;
    const bool reused = ex->conn && ex->conn->reused;
    const bool got_some = ex->parser && ex->parser->got_some();
    disarm(ex);
    ex->parser.reset();
    drop(std::move(ex->conn));
    if (stopped) return finish(ex, fail(Errc::cancelled, "the client is stopped"));

    if (timed_out) {
      const auto limit = stage == Stage::exchange ? options.timeout : options.connect_timeout;
      const char* what = stage == Stage::exchange ? "no answer from " : "cannot connect to ";
      return retry_or_finish(
          ex,
          Error(make_error_code(Errc::timeout),
                what + url.where() + " within " + std::to_string(limit.count()) + " ms"),
          true);
    }
    if (ec == http::error::body_limit) {
      return finish(ex,
                    fail(Errc::response_too_large,
                         "answer above " + std::to_string(options.max_response_bytes) + " bytes"));
    }
    if (ec == http::error::header_limit) {
      return finish(ex, fail(Errc::response_too_large, "answer's header above 64 KiB"));
    }
    if (stage == Stage::connect) {
      return retry_or_finish(ex,
                             Error(make_error_code(Errc::unreachable),
                                   "cannot connect to " + url.where() + ": " + ec.message()),
                             true);
    }
    if (stage == Stage::handshake) {
      // Certificate and protocol failures will not change on a retry; a reset might.
      return retry_or_finish(
          ex,
          Error(make_error_code(Errc::unreachable),
                "TLS handshake with " + url.where() + " failed: " + ec.message()),
          ec.category() != asio::error::get_ssl_category());
    }
    if (is_closed_by_peer(ec)) {
      // A kept-alive connection the server had already closed: nothing of this request reached
      // it, so it goes again on a new connection without counting.
      if (reused && !got_some) return attempt(ex);
      return retry_or_finish(ex,
                             Error(make_error_code(Errc::unreachable),
                                   "connection to " + url.where() + " lost: " + ec.message()),
                             true);
    }
    if (ec.category() == error_code(http::error::end_of_stream).category()) {
      return finish(ex, fail(Errc::bad_response, "answer is not HTTP/1.1: " + ec.message()));
    }
    retry_or_finish(ex,
                    Error(make_error_code(Errc::unreachable),
                          "I/O with " + url.where() + " failed: " + ec.message()),
                    true);
  }

  void retry_or_finish(const std::shared_ptr<Exchange>& ex, Error error, bool retryable) {
    ++ex->failures;
    if (!retryable || ex->failures >= options.max_attempts) {
      if (ex->failures > 1) {
        error = Error(error.code(),
                      error.detail() + " (after " + std::to_string(ex->failures) + " attempts)");
      }
      return finish(ex, fail(std::move(error)));
    }
    const std::uint64_t phase = ++ex->phase;
    ex->timer.expires_after(backoff(ex->failures));
    ex->timer.async_wait([this, ex, phase](const error_code&) {
      if (phase != ex->phase) return;
      attempt(ex);
    });
  }

  std::chrono::milliseconds backoff(unsigned failures) {
    auto limit = options.backoff_initial;
    for (unsigned i = 1; i < failures && limit < options.backoff_max; ++i) limit *= 2;
    limit = std::min(limit, options.backoff_max);
    std::uniform_int_distribution<std::int64_t> pick(limit.count() / 2, limit.count());
    return std::chrono::milliseconds(pick(rng));
  }

  // A connection that answered and stays open: to the first waiting request, or to the idle ones.
  void release(std::unique_ptr<Connection> conn) {
    if (stopped) return drop(std::move(conn));
    if (!waiting.empty()) {
      auto next = std::move(waiting.front());
      waiting.pop_front();
      next->conn = std::move(conn);
      next->conn->reused = true;
      return send(next);
    }
    idle.push_back(std::move(conn));
  }

  // A connection that is done: its place goes to the first waiting request.
  void drop(std::unique_ptr<Connection> conn) {
    if (!conn) return;
    conn->close();
    --open;
    if (!waiting.empty() && !stopped) {
      auto next = std::move(waiting.front());
      waiting.pop_front();
      attempt(next);
    }
  }

  void finish(const std::shared_ptr<Exchange>& ex, Body body) {
    if (ex->finished) return;
    ex->finished = true;
    disarm(ex);
    live.erase(ex);
    auto done = std::move(ex->done);
    done(std::move(body));
  }

  // On the I/O thread, after `stopped` is set: every exchange ends with an error (cancelled, as
  // failed() and the backoff wait see `stopped`), which lets io_context::run() return.
  void cancel_all() {
    for (auto& conn : idle) conn->close();
    open -= static_cast<unsigned>(idle.size());
    idle.clear();
    std::vector<std::shared_ptr<Exchange>> all(live.begin(), live.end());
    for (const auto& ex : all) {
      if (ex->conn) {
        ex->conn->close();
      } else {
        // Waiting for a connection or in backoff: nothing will complete for it by itself.
        finish(ex, fail(Errc::cancelled, "the client is stopped"));
      }
    }
    waiting.clear();
  }
};

Result<std::unique_ptr<Client>> Client::create(ClientOptions options) {
  ROLLUP_TRY(detail::Url url, detail::parse_url(options.url));
  if (options.max_attempts == 0) return fail(Errc::invalid_options, "max_attempts must be >= 1");
  if (options.max_connections == 0)
    return fail(Errc::invalid_options, "max_connections must be >= 1");
  if (options.timeout.count() <= 0 || options.connect_timeout.count() <= 0)
    return fail(Errc::invalid_options, "timeouts must be positive");
  if (options.backoff_initial.count() <= 0 || options.backoff_max < options.backoff_initial)
    return fail(Errc::invalid_options, "backoff needs 0 < backoff_initial <= backoff_max");
  if (options.max_response_bytes == 0)
    return fail(Errc::invalid_options, "max_response_bytes must be positive");
  for (const auto& [name, value] : options.headers) {
    // Only the header's name goes into the detail: its value may be a key.
    if (!detail::is_header_name(name) || !detail::is_header_value(value))
      return fail(Errc::invalid_options, "malformed header " + detail::printable(name));
  }

  std::optional<ssl::context> tls;
  if (url.tls) {
    tls.emplace(ssl::context::tls_client);
    error_code ec;
    tls->set_verify_mode(ssl::verify_peer, ec);
    if (!ec) {
      if (options.ca_file.empty()) {
        tls->set_default_verify_paths(ec);
      } else {
        tls->load_verify_file(options.ca_file, ec);
      }
    }
    if (ec) return fail(Errc::invalid_options, "cannot load the trusted CAs: " + ec.message());
  }

  auto impl = std::make_unique<Impl>(std::move(options), std::move(url), std::move(tls));
  Impl* raw = impl.get();
  impl->thread = net::Thread(0, [raw] { raw->ioc.run(); });
  return std::unique_ptr<Client>(new Client(std::move(impl)));
}

Client::Client(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}

Client::~Client() {
  stop();
}

void Client::stop() {
  ROLLUP_ASSERT(!m_impl->thread.is_current());
  {
    std::lock_guard lock(m_impl->mutex);
    if (!m_impl->stopped) {
      m_impl->stopped = true;
      asio::post(m_impl->ioc, [impl = m_impl.get()] { impl->cancel_all(); });
      m_impl->work.reset();
    }
  }
  if (m_impl->thread.joinable()) m_impl->thread.join();
}

void Client::call_async(std::string method, json params, Handler handler) {
  const std::uint64_t id = m_impl->next_id.fetch_add(1);
  auto request = make_request(id, std::move(method), std::move(params));
  if (!request) return handler(fail(std::move(request).error()));
  auto body = dump_request(*request);
  if (!body) return handler(fail(std::move(body).error()));
  m_impl->submit(std::move(*body), [id, handler = std::move(handler)](Body answer) {
    handler(answer ? parse_answer(*answer, id) : fail(std::move(answer).error()));
  });
}

void Client::batch_async(std::vector<Call> calls, BatchHandler handler) {
  if (calls.empty()) return handler({});
  const std::uint64_t first_id = m_impl->next_id.fetch_add(calls.size());
  json requests = json::array();
  for (std::size_t i = 0; i < calls.size(); ++i) {
    auto request = make_request(first_id + i, calls[i].method, calls[i].params);
    if (!request) {
      return handler(std::vector<Result<json>>(
          calls.size(), fail(Errc::invalid_request,
                             "call " + std::to_string(i) + ": " + request.error().detail())));
    }
    requests.push_back(std::move(*request));
  }
  auto body = dump_request(requests);
  if (!body) return handler(std::vector<Result<json>>(calls.size(), fail(body.error())));
  m_impl->submit(std::move(*body),
                 [first_id, calls = std::move(calls), handler = std::move(handler)](Body answer) {
                   if (!answer)
                     return handler(std::vector<Result<json>>(calls.size(), fail(answer.error())));
                   handler(parse_batch(*answer, first_id, calls));
                 });
}

Result<json> Client::call(std::string method, json params) {
  // The answer comes on the I/O thread: waiting for it there would wait forever.
  ROLLUP_ASSERT(!m_impl->thread.is_current());
  std::promise<Result<json>> promise;
  auto future = promise.get_future();
  call_async(std::move(method), std::move(params),
             [&promise](Result<json> r) { promise.set_value(std::move(r)); });
  return future.get();
}

std::vector<Result<json>> Client::batch(std::vector<Call> calls) {
  ROLLUP_ASSERT(!m_impl->thread.is_current());
  std::promise<std::vector<Result<json>>> promise;
  auto future = promise.get_future();
  batch_async(std::move(calls),
              [&promise](std::vector<Result<json>> r) { promise.set_value(std::move(r)); });
  return future.get();
}

}  // namespace rollup::l1
