#pragma once
// JSON-RPC 2.0 as geth speaks it: single and batch requests, notifications, its error codes and
// messages (../shared/guide/compat.md), and a method table whose namespaces are enabled by
// configuration. Transport-free: the HTTP and WebSocket servers hand it a message and send back
// what it returns, so both answer exactly alike.
//
// Invariants:
// - handle() never throws and always returns either nothing (the message held only notifications)
//   or one complete JSON text; a handler that throws gives its caller an internal error (-32603)
//   and the other calls of a batch still run.
// - Methods are added before the dispatcher is shared between threads; handle() is then const and
//   may run on many threads at once.
// - to_rpc_error() is the one place where the node's errors become JSON-RPC errors.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "rollup/base/error.hpp"

namespace rollup::rpc {

using Json = nlohmann::json;

// geth's codes (rpc/errors.go).
namespace code {
inline constexpr int parse_error = -32700;
inline constexpr int invalid_request = -32600;
inline constexpr int method_not_found = -32601;
inline constexpr int invalid_params = -32602;
inline constexpr int internal = -32603;
inline constexpr int server = -32000;  // transaction pool and execution errors
inline constexpr int response_too_large = -32003;
inline constexpr int execution_reverted = 3;
}  // namespace code

struct RpcError {
  int code = code::internal;
  std::string message;
  std::optional<Json> data;
};

template <typename T>
using RpcResult = std::expected<T, RpcError>;

[[nodiscard]] inline std::unexpected<RpcError> rpc_fail(int code, std::string message) {
  return std::unexpected<RpcError>(RpcError{code, std::move(message), std::nullopt});
}

// The node's error as wallets expect it: pool, execution and transaction errors are -32000 with
// geth's message ("nonce too low: next nonce 3, tx nonce 1"); anything else is an internal error.
[[nodiscard]] RpcError to_rpc_error(const Error& error);

// Positional parameters with geth's invalid-params messages, which name the argument by index:
// "invalid argument 0: hex string without 0x prefix", "missing value for required argument 1".
class Params {
 public:
  explicit Params(const Json& params) : m_params(params) {}
  [[nodiscard]] std::size_t size() const noexcept { return m_params.size(); }
  // Refuses more than n arguments: "too many arguments, want at most 2".
  [[nodiscard]] RpcResult<void> at_most(std::size_t n) const;
  // Argument i as given (i < size()).
  [[nodiscard]] const Json& raw(std::size_t i) const { return m_params[i]; }

  // Argument i decoded by `decode` (returning Result<T>); absent or null is an error.
  template <typename Decode>
  auto required(std::size_t i, Decode decode) const
      -> RpcResult<typename decltype(decode(std::declval<const Json&>()))::value_type> {
    if (i >= m_params.size() || m_params[i].is_null()) {
      return rpc_fail(code::invalid_params,
                      "missing value for required argument " + std::to_string(i));
    }
    auto v = decode(m_params[i]);
    if (!v) return invalid(i, v.error());
    return std::move(*v);
  }
  // Argument i when present and not null.
  template <typename Decode>
  auto optional(std::size_t i, Decode decode) const -> RpcResult<
      std::optional<typename decltype(decode(std::declval<const Json&>()))::value_type>> {
    if (i >= m_params.size() || m_params[i].is_null()) return std::nullopt;
    auto v = decode(m_params[i]);
    if (!v) return invalid(i, v.error());
    return std::optional(std::move(*v));
  }

 private:
  static std::unexpected<RpcError> invalid(std::size_t i, const Error& e);
  const Json& m_params;  // an array (the dispatcher turns absent params into an empty one)
};

using Method = std::function<RpcResult<Json>(const Params& params)>;

struct DispatcherOptions {
  std::size_t batch_limit = 1000;           // items per batch
  std::size_t response_limit = 25'000'000;  // bytes per batch response
  std::set<std::string> namespaces = {"eth", "net", "web3", "txpool", "rollup"};
  // Namespaces whose methods answer only authenticated callers (rpc/auth.hpp).
  std::set<std::string> authenticated = {"admin"};
};

// What the transport knows of the caller of one message.
struct Caller {
  // Why the caller is not authenticated for the protected namespaces; nullopt when it is.
  std::optional<std::string> unauthenticated = "missing token";
};

inline constexpr int k_unauthorized = -32001;  // a protected method called without a valid JWT

class Dispatcher {
 public:
  explicit Dispatcher(DispatcherOptions options = {});

  // Adds `name` if its namespace (the part before the first '_') is enabled; a method of a
  // disabled namespace stays unknown to clients, exactly like one that does not exist.
  void add(const std::string& name, Method method);
  [[nodiscard]] bool has(const std::string& name) const { return m_methods.contains(name); }
  [[nodiscard]] bool namespace_enabled(std::string_view ns) const;
  [[nodiscard]] std::size_t batch_limit() const noexcept { return m_options.batch_limit; }

  // The answer to one HTTP body or WebSocket message; nothing when it held only notifications.
  [[nodiscard]] std::optional<std::string> handle(std::string_view message,
                                                  const Caller& caller = {}) const;

  // One call, already parsed (for callers such as WebSocket subscriptions that route some methods
  // themselves): its response object, or nothing for a notification.
  [[nodiscard]] std::optional<Json> call(const Json& request, const Caller& caller = {}) const;

 private:
  const DispatcherOptions m_options;
  std::map<std::string, Method, std::less<>> m_methods;
};

// A response object for an error, with the id of the call it answers (null when unknown).
[[nodiscard]] Json error_response(const Json& id, const RpcError& error);

}  // namespace rollup::rpc
