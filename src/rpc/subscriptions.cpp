#include "rollup/rpc/subscriptions.hpp"

#include <random>

#include "rollup/rpc/codec.hpp"

namespace rollup::rpc {

namespace {

bool is_subscription_call(const Json& item) {
  if (!item.is_object()) return false;
  const auto method = item.find("method");
  return method != item.end() && method->is_string() &&
         (*method == "eth_subscribe" || *method == "eth_unsubscribe");
}

// geth's ids: 16 random bytes in hex. Random rather than counted so that ids say nothing about
// other clients; they are only ever looked up within their own session.
std::string new_id(std::uint64_t counter) {
  static thread_local std::mt19937_64 rng(std::random_device{}());
  char buf[35];
  std::snprintf(buf, sizeof buf, "0x%016llx%016llx", static_cast<unsigned long long>(rng()),
                static_cast<unsigned long long>(rng() ^ counter));
  return buf;
}

}  // namespace

Result<void> Subscriptions::serve(net::HttpServer& server, const std::string& path,
                                  HttpOptions options) {
  net::WsHandlers handlers;
  handlers.accept = [cors = options.cors](const net::Request& req) {
    const std::string_view origin = req.header("Origin");
    if (origin.empty()) return true;
    return std::ranges::any_of(cors, [&](const std::string& o) { return o == "*" || o == origin; });
  };
  handlers.on_open = [this](const std::shared_ptr<net::WsSession>& socket) {
    std::lock_guard lock(m_mutex);
    m_sessions[socket.get()] = Session{socket, {}};
  };
  handlers.on_message = [this](const std::shared_ptr<net::WsSession>& socket, std::string message) {
    on_message(socket, message);
  };
  handlers.on_close = [this](const std::shared_ptr<net::WsSession>& socket) {
    std::lock_guard lock(m_mutex);
    const auto it = m_sessions.find(socket.get());
    if (it == m_sessions.end()) return;
    for (const auto& [id, sub] : it->second.subscriptions) count(sub.kind, -1);
    m_sessions.erase(it);
  };
  return server.websocket(path, std::move(handlers));
}

void Subscriptions::on_message(const std::shared_ptr<net::WsSession>& socket,
                               const std::string& message) {
  const Json parsed = Json::parse(message, nullptr, /*allow_exceptions=*/false);
  const bool single_sub = !parsed.is_discarded() && is_subscription_call(parsed);
  const bool batch_sub = !parsed.is_discarded() && parsed.is_array() &&
                         std::ranges::any_of(parsed, is_subscription_call);
  if (!single_sub && !batch_sub) {
    // The common case, and every malformed one: exactly what HTTP would answer.
    if (auto answer = m_dispatcher.handle(message)) socket->send(std::move(*answer));
    return;
  }
  if (single_sub) {
    Json answer = subscription_call(socket, parsed);
    if (!answer.is_null()) socket->send(answer.dump());
    return;
  }
  // A batch with subscription calls: each call answered in place by whoever owns it, within the
  // same batch limit as any other batch.
  if (parsed.size() > m_dispatcher.batch_limit()) {
    socket->send(Json::array({error_response(
                                 nullptr, RpcError{code::invalid_request, "batch too large", {}})})
                     .dump());
    return;
  }
  Json answers = Json::array();
  for (const Json& item : parsed) {
    std::optional<Json> answer = is_subscription_call(item)
                                     ? std::optional(subscription_call(socket, item))
                                     : m_dispatcher.call(item);
    if (answer && !answer->is_null()) answers.push_back(std::move(*answer));
  }
  if (!answers.empty()) socket->send(answers.dump());
}

Json Subscriptions::subscription_call(const std::shared_ptr<net::WsSession>& socket,
                                      const Json& request) {
  const auto id_it = request.find("id");
  if (id_it == request.end()) return nullptr;  // a notification: nothing to answer, nothing done
  const Json id = *id_it;
  const std::string& method = request["method"].get_ref<const std::string&>();
  const Json params = request.contains("params") && request["params"].is_array() ? request["params"]
                                                                                 : Json::array();
  const auto fail_with = [&](int code, std::string message) {
    return error_response(id, RpcError{code, std::move(message), {}});
  };
  std::lock_guard lock(m_mutex);
  const auto session = m_sessions.find(socket.get());
  if (session == m_sessions.end()) return fail_with(code::internal, "internal error: no session");
  if (method == "eth_unsubscribe") {
    if (params.size() != 1 || !params[0].is_string()) {
      return fail_with(code::invalid_params, "invalid argument 0: want a subscription id");
    }
    auto& subs = session->second.subscriptions;
    const auto it = subs.find(params[0].get<std::string>());
    if (it == subs.end()) return Json{{"jsonrpc", "2.0"}, {"id", id}, {"result", false}};
    count(it->second.kind, -1);
    subs.erase(it);
    return Json{{"jsonrpc", "2.0"}, {"id", id}, {"result", true}};
  }
  if (params.empty() || !params[0].is_string()) {
    return fail_with(code::invalid_params, "invalid argument 0: want a subscription name");
  }
  const std::string name = params[0].get<std::string>();
  Subscription sub{Kind::new_heads, {}};
  if (name == "newHeads") {
    sub.kind = Kind::new_heads;
  } else if (name == "newPendingTransactions") {
    const bool full = params.size() > 1 && params[1].is_boolean() && params[1].get<bool>();
    sub.kind = full ? Kind::new_pending_full : Kind::new_pending_hashes;
  } else if (name == "logs") {
    sub.kind = Kind::logs;
    if (params.size() > 1 && !params[1].is_null()) {
      auto filter = decode_log_filter(params[1]);
      if (!filter) {
        return fail_with(code::invalid_params, "invalid argument 1: " + filter.error().message());
      }
      // A subscription follows new blocks only: a range or a block hash has nothing to select.
      if (filter->block_hash || filter->from || filter->to) {
        return fail_with(code::invalid_params,
                         "invalid argument 1: a logs subscription takes no block range or hash");
      }
      sub.filter = std::move(*filter);
    }
  } else {
    return fail_with(code::method_not_found, "no \"" + name + "\" subscription in eth namespace");
  }
  const std::string sub_id = new_id(++m_next_id);
  count(sub.kind, +1);
  session->second.subscriptions.emplace(sub_id, std::move(sub));
  return Json{{"jsonrpc", "2.0"}, {"id", id}, {"result", sub_id}};
}

template <typename Make>
void Subscriptions::notify(Kind kind, Make make) {
  if (m_subscribed[static_cast<std::size_t>(kind)].load() == 0) return;
  const Json result = make();
  std::lock_guard lock(m_mutex);
  for (auto& [key, session] : m_sessions) {
    for (const auto& [id, sub] : session.subscriptions) {
      if (sub.kind != kind) continue;
      const Json note = {{"jsonrpc", "2.0"},
                         {"method", "eth_subscription"},
                         {"params", {{"subscription", id}, {"result", result}}}};
      session.socket->send(note.dump());
    }
  }
}

void Subscriptions::publish_head(const types::Header& header, const Hash& hash) {
  notify(Kind::new_heads, [&] { return header_json(header, hash); });
}

void Subscriptions::publish_pending(const txpool::PoolTx& tx) {
  notify(Kind::new_pending_hashes, [&] { return Json(hex_data(tx.hash)); });
  notify(Kind::new_pending_full,
         [&] { return transaction_json(tx.txn, tx.hash, tx.sender, std::nullopt); });
}

void Subscriptions::publish_logs(const types::Header& header, const Hash& hash,
                                 const std::vector<types::Transaction>& transactions,
                                 const std::vector<types::Receipt>& receipts) {
  if (!wants_logs() || receipts.size() != transactions.size()) return;
  // Every log of the block as a notification body, built once; each subscription then picks the
  // ones its filter matches, in block order.
  struct Entry {
    const types::Log* log;
    Json json;
  };
  std::vector<Entry> entries;
  std::uint64_t log_index = 0;
  for (std::size_t i = 0; i < receipts.size(); ++i) {
    if (receipts[i].logs.empty()) continue;
    const Hash tx_hash = types::transaction_hash(transactions[i]);
    for (const types::Log& log : receipts[i].logs) {
      entries.push_back(
          {&log, log_json(log, TxPlace{hash, header.number, i, header.base_fee_per_gas}, tx_hash,
                          log_index++)});
    }
  }
  if (entries.empty()) return;
  std::lock_guard lock(m_mutex);
  for (auto& [key, session] : m_sessions) {
    for (const auto& [id, sub] : session.subscriptions) {
      if (sub.kind != Kind::logs) continue;
      for (const Entry& e : entries) {
        if (!matches(sub.filter, *e.log)) continue;
        const Json note = {{"jsonrpc", "2.0"},
                           {"method", "eth_subscription"},
                           {"params", {{"subscription", id}, {"result", e.json}}}};
        session.socket->send(note.dump());
      }
    }
  }
}

}  // namespace rollup::rpc
