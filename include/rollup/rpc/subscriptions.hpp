#pragma once
// JSON-RPC over WebSocket, with geth's eth_subscribe: `newHeads` (every sealed block's header),
// `logs` (each log of a sealed block that matches the subscription's filter, one notification per
// log) and `newPendingTransactions` (hashes of transactions entering the pool, or whole
// transactions with the `true` argument). A WebSocket message is otherwise answered by the same
// Dispatcher as HTTP, so both transports answer alike.
//
// Invariants:
// - Subscriptions belong to their session: eth_unsubscribe only sees the caller's own, and they
//   end when the session closes.
// - publish_*() never block on a client: WsSession::send queues, and a client that stops reading
//   is closed by the server once its queue passes the limit (net::HttpServerOptions).
// - Notifications for one subscription go out in the order published.

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>

#include "rollup/net/http_server.hpp"
#include "rollup/rpc/http.hpp"
#include "rollup/rpc/jsonrpc.hpp"
#include "rollup/rpc/logs.hpp"
#include "rollup/txpool/pool.hpp"
#include "rollup/types/header.hpp"

namespace rollup::rpc {

class Subscriptions {
 public:
  explicit Subscriptions(const Dispatcher& dispatcher) : m_dispatcher(dispatcher) {}

  // Serves JSON-RPC and subscriptions on WebSocket upgrades of `path`, before server.start().
  // Origins are checked against options.cors like browsers' HTTP calls ("*" or empty Origin pass:
  // non-browser clients send none).
  [[nodiscard]] Result<void> serve(net::HttpServer& server, const std::string& path,
                                   HttpOptions options);

  void publish_head(const types::Header& header, const Hash& hash);
  void publish_pending(const txpool::PoolTx& tx);
  // Whether any `logs` subscription exists: the caller reads a block's body and receipts for
  // publish_logs only then.
  [[nodiscard]] bool wants_logs() const { return m_subscribed[k_logs].load() > 0; }
  void publish_logs(const types::Header& header, const Hash& hash,
                    const std::vector<types::Transaction>& transactions,
                    const std::vector<types::Receipt>& receipts);

 private:
  enum class Kind { new_heads, new_pending_hashes, new_pending_full, logs };
  static constexpr std::size_t k_logs = static_cast<std::size_t>(Kind::logs);
  struct Subscription {
    Kind kind;
    LogFilter filter;  // logs only
  };
  struct Session {
    std::shared_ptr<net::WsSession> socket;
    std::map<std::string, Subscription> subscriptions;  // by id
  };

  void on_message(const std::shared_ptr<net::WsSession>& socket, const std::string& message);
  // An eth_subscribe / eth_unsubscribe call of `socket`, answered as a response object.
  Json subscription_call(const std::shared_ptr<net::WsSession>& socket, const Json& request);
  // Sends make() to every subscription of `kind`; make() runs only if there is one, since the
  // pending-transaction feed is published from the intake's hot path.
  template <typename Make>
  void notify(Kind kind, Make make);
  void count(Kind kind, int delta) { m_subscribed[static_cast<std::size_t>(kind)] += delta; }

  const Dispatcher& m_dispatcher;
  std::mutex m_mutex;
  std::map<const net::WsSession*, Session> m_sessions;
  std::uint64_t m_next_id = 0;
  std::array<std::atomic<int>, 4> m_subscribed{};  // subscriptions per Kind, read without the lock
};

}  // namespace rollup::rpc
