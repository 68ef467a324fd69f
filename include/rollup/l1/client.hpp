#pragma once
// A JSON-RPC 2.0 client over HTTP/1.1 (Beast over Asio, TLS through OpenSSL), the batcher's link to
// the Layer 1 node.
//
// Invariants and data flow:
// - The client owns its io_context and one I/O thread. Owning it keeps the client usable from
//   programs that run no Asio themselves (the batcher has a plain thread), and makes stop() able to
//   promise that no handler runs after it returns. One thread is plenty: the work is waiting on
//   sockets and parsing answers.
// - Handlers run on the I/O thread, one at a time. They must not block and must not throw; the
//   blocking wrappers (call, batch) and stop() must not be called from them (ROLLUP_ASSERT).
// - Every handler is called exactly once: with the answer, with an error, or with
//   Errc::cancelled after stop() (also for a call made after stop(), then on the caller's thread).
// - Requests go over a small pool of keep-alive connections (ClientOptions::max_connections).
// HTTP/1.1
//   answers one request at a time per connection, and pipelining is refused or mishandled by many
//   proxies in front of L1 nodes, so a single connection would make a cheap eth_chainId wait behind
//   a large eth_getBlockByNumber. A few connections let unrelated calls overlap; requests beyond
//   them wait in a FIFO queue, so the node sees a bounded number of connections from us.
// - A connection is reused while the server keeps it alive. When a reused connection turns out to
//   be closed by the server before any byte of the answer arrived (an idle timeout on its side),
//   the request goes again at once on a new connection, without counting as an attempt.
// - Only transport failures are retried (unreachable, timeout, a connection reset or closed
//   mid-answer, HTTP 429/502/503/504), with exponential backoff and jitter, up to max_attempts in
//   all. A JSON-RPC error is an answer and never retried. A retried request may reach the node
//   twice (the first answer may be what was lost): eth_sendRawTransaction then answers "already
//   known" or "nonce too low", which the caller has to handle in any case.
// - ClientOptions::timeout bounds one attempt from writing the request to the last byte of the
//   answer; connect_timeout bounds resolving, connecting and the TLS handshake.
// - Error details name the host and port only; never the URL's path, query or userinfo, nor any
//   header, since API keys live there.
// - This header keeps Beast and OpenSSL out of its users.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "rollup/base/error.hpp"
#include "rollup/l1/errors.hpp"

namespace rollup::l1 {

struct ClientOptions {
  // http://host[:port][/path][?query] or https://...; userinfo (user:password@) becomes a Basic
  // Authorization header. https verifies the peer's chain against the system's CA store and its
  // name against the host, and sends the host as SNI.
  std::string url;
  // One attempt: writing the request and reading the whole answer. A request queued behind
  // max_connections busy ones waits without this clock running; each of those is bounded by it.
  std::chrono::milliseconds timeout = std::chrono::seconds(10);
  // Resolving, connecting and the TLS handshake of a new connection.
  std::chrono::milliseconds connect_timeout = std::chrono::seconds(5);
  // Attempts in all (1: no retry). Between attempt n and n+1 the client waits a random time in
  // [d/2, d], d = min(backoff_max, backoff_initial * 2^(n-1)); the jitter keeps clients that
  // failed together from retrying together.
  unsigned max_attempts = 5;
  std::chrono::milliseconds backoff_initial = std::chrono::milliseconds(250);
  std::chrono::milliseconds backoff_max = std::chrono::seconds(8);
  // A larger answer fails with Errc::response_too_large (a full block of a busy chain is a few
  // MiB).
  std::size_t max_response_bytes = 64 * 1024 * 1024;
  // Open connections at most (see the invariants).
  unsigned max_connections = 4;
  // Sent with every request, e.g. {"Authorization", "Bearer ..."}. Never logged or put in errors.
  std::vector<std::pair<std::string, std::string>> headers;
  // PEM file of trusted CAs instead of the system store; empty: the system store. For private L1
  // deployments with their own CA, and for tests.
  std::string ca_file;
};

// A JSON-RPC error answer, as the node sent it.
struct RpcError {
  std::int64_t code = 0;
  std::string message;
  nlohmann::json data;  // null when absent
};

// The JSON-RPC error an Error carries: set for Errc::rpc_error as the client returned it, nullopt
// otherwise. (The Error's detail holds the error object as compact JSON, which this parses.)
[[nodiscard]] std::optional<RpcError> rpc_error(const Error& error);

struct Call {
  std::string method;
  nlohmann::json params = nlohmann::json::array();  // an array, an object, or null (left out)
};

using Handler = std::function<void(Result<nlohmann::json>)>;
using BatchHandler = std::function<void(std::vector<Result<nlohmann::json>>)>;

class Client {
 public:
  // Checks the options and starts the I/O thread. Connections open on the first request.
  [[nodiscard]] static Result<std::unique_ptr<Client>> create(ClientOptions options);
  ~Client();  // stops
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Sends one request; the handler gets the answer's `result` member (which may be null).
  void call_async(std::string method, nlohmann::json params, Handler handler);
  // Sends the calls as one JSON-RPC batch (one HTTP request) and matches the answers by id, in any
  // order. The handler gets one Result per call, in the calls' order: an entry the node did not
  // answer is Errc::bad_response; a failure of the whole exchange is every entry's error. An empty
  // batch is answered at once with an empty vector, without a request (JSON-RPC forbids it).
  void batch_async(std::vector<Call> calls, BatchHandler handler);

  // Blocking forms, for a caller on its own thread.
  [[nodiscard]] Result<nlohmann::json> call(std::string method,
                                            nlohmann::json params = nlohmann::json::array());
  [[nodiscard]] std::vector<Result<nlohmann::json>> batch(std::vector<Call> calls);

  // Fails everything in flight or waiting with Errc::cancelled, closes the connections and joins
  // the I/O thread. Idempotent; must not be called from a handler.
  void stop();

 private:
  struct Impl;
  explicit Client(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
};

}  // namespace rollup::l1
