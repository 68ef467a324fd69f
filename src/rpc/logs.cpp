// eth_getLogs and the polled filters (eth_newFilter, eth_newBlockFilter,
// eth_newPendingTransactionFilter, eth_getFilterChanges, eth_getFilterLogs, eth_uninstallFilter).
//
// A log query walks the block range through the headers' logs blooms and reads the body and
// receipts only of blocks whose bloom may hold a match, so a query for a rare event costs two small
// reads per block rather than every receipt. Ranges and results are bounded (Backend's
// logs_block_range and logs_limit) so one request cannot hold a thread for long.
//
// Filters live in memory, are polled by id, and are dropped after five minutes without a poll, as
// geth does. Each remembers the next block it has not reported.

#include "rollup/rpc/logs.hpp"

#include <chrono>
#include <random>
#include <unordered_map>

#include "methods.hpp"

namespace rollup::rpc {

Result<LogFilter> decode_log_filter(const Json& v) {
  if (!v.is_object()) return fail(Errc::invalid_argument, "a filter must be an object");
  LogFilter f;
  const auto field = [&](const char* name) -> const Json* {
    const auto it = v.find(name);
    return it == v.end() || it->is_null() ? nullptr : &*it;
  };
  if (const Json* j = field("fromBlock")) {
    ROLLUP_TRY(f.from, decode_block_id(*j));
  }
  if (const Json* j = field("toBlock")) {
    ROLLUP_TRY(f.to, decode_block_id(*j));
  }
  if (const Json* j = field("blockHash")) {
    if (f.from || f.to) {
      return fail(Errc::invalid_argument,
                  "cannot specify both BlockHash and FromBlock/ToBlock, choose one or the other");
    }
    ROLLUP_TRY(f.block_hash, decode_hash(*j));
  }
  if (const Json* j = field("address")) {
    if (j->is_array()) {
      if (j->size() > k_max_filter_addresses) {
        return fail(Errc::invalid_argument, "exceed max addresses");
      }
      for (const Json& a : *j) {
        ROLLUP_TRY(Address address, decode_address(a));
        f.addresses.push_back(address);
      }
    } else {
      ROLLUP_TRY(Address address, decode_address(*j));
      f.addresses.push_back(address);
    }
  }
  if (const Json* j = field("topics")) {
    if (!j->is_array()) return fail(Errc::invalid_argument, "topics must be an array");
    if (j->size() > k_max_filter_topics) return fail(Errc::invalid_argument, "exceed max topics");
    for (const Json& position : *j) {
      std::vector<Hash> alternatives;
      if (position.is_array()) {
        if (position.size() > k_max_topic_alternatives) {
          return fail(Errc::invalid_argument, "exceed max topics");
        }
        bool wildcard = false;
        for (const Json& t : position) {
          if (t.is_null()) {
            wildcard = true;  // a null alternative matches anything
            continue;
          }
          ROLLUP_TRY(Hash topic, decode_hash(t));
          alternatives.push_back(topic);
        }
        if (wildcard) alternatives.clear();
      } else if (!position.is_null()) {
        ROLLUP_TRY(Hash topic, decode_hash(position));
        alternatives.push_back(topic);
      }
      f.topics.push_back(std::move(alternatives));
    }
  }
  return f;
}

// A position given as a wildcard still asks for a topic there: [null] matches only logs with at
// least one topic (geth's rule).
bool matches(const LogFilter& filter, const types::Log& log) {
  if (!filter.addresses.empty() &&
      std::ranges::find(filter.addresses, log.address) == filter.addresses.end()) {
    return false;
  }
  if (filter.topics.size() > log.topics.size()) return false;
  for (std::size_t i = 0; i < filter.topics.size(); ++i) {
    const auto& alternatives = filter.topics[i];
    if (!alternatives.empty() &&
        std::ranges::find(alternatives, log.topics[i]) == alternatives.end()) {
      return false;
    }
  }
  return true;
}

bool may_match(const LogFilter& filter, const types::Bloom& bloom) {
  const auto any_of = [&](const auto& values) {
    return values.empty() || std::ranges::any_of(values, [&](const auto& v) {
             return types::bloom_may_contain(bloom, v.view());
           });
  };
  if (!any_of(filter.addresses)) return false;
  return std::ranges::all_of(filter.topics, [&](const std::vector<Hash>& t) { return any_of(t); });
}

namespace detail {
namespace {

using Clock = std::chrono::steady_clock;

// geth's filter timeout: a filter nobody polls for this long is dropped.
constexpr auto k_filter_lifetime = std::chrono::minutes(5);
constexpr std::size_t k_max_filters = 10'000;
// A pending-transaction filter keeps at most this many hashes between polls.
constexpr std::size_t k_max_pending_hashes = 10'000;

std::string new_filter_id() {
  static thread_local std::mt19937_64 rng(std::random_device{}());
  char buf[35];
  std::snprintf(buf, sizeof buf, "0x%016llx%016llx", static_cast<unsigned long long>(rng()),
                static_cast<unsigned long long>(rng()));
  return buf;
}

}  // namespace

class Filters {
 public:
  enum class Kind { logs, blocks, pending };
  struct Filter {
    Kind kind = Kind::logs;
    LogFilter criteria;
    std::uint64_t next_block = 0;  // the first block not reported yet
    std::vector<Hash> pending;     // hashes not reported yet (pending filters)
    Clock::time_point last_poll;
  };

  RpcResult<std::string> install(Filter f) {
    std::lock_guard lock(m_mutex);
    sweep();
    if (m_filters.size() >= k_max_filters) return rpc_fail(code::server, "too many filters");
    f.last_poll = Clock::now();
    std::string id = new_filter_id();
    if (f.kind == Kind::pending) ++m_pending_filters;
    m_filters.emplace(id, std::move(f));
    return id;
  }

  bool uninstall(const std::string& id) {
    std::lock_guard lock(m_mutex);
    const auto it = m_filters.find(id);
    if (it == m_filters.end()) return false;
    if (it->second.kind == Kind::pending) --m_pending_filters;
    m_filters.erase(it);
    return true;
  }

  // A copy of the filter, marked as polled; nullopt when there is none (or it expired).
  std::optional<Filter> poll(const std::string& id) {
    std::lock_guard lock(m_mutex);
    sweep();
    const auto it = m_filters.find(id);
    if (it == m_filters.end()) return std::nullopt;
    it->second.last_poll = Clock::now();
    Filter copy = it->second;
    it->second.pending.clear();
    return copy;
  }

  void advance(const std::string& id, std::uint64_t next_block) {
    std::lock_guard lock(m_mutex);
    const auto it = m_filters.find(id);
    if (it != m_filters.end()) it->second.next_block = std::max(it->second.next_block, next_block);
  }

  void add_pending(const Hash& hash) {
    if (m_pending_filters.load() == 0) return;  // the intake's hot path: no lock when unused
    std::lock_guard lock(m_mutex);
    for (auto& [id, f] : m_filters) {
      if (f.kind != Kind::pending) continue;
      if (f.pending.size() >= k_max_pending_hashes) f.pending.erase(f.pending.begin());
      f.pending.push_back(hash);
    }
  }

 private:
  void sweep() {
    const auto now = Clock::now();
    for (auto it = m_filters.begin(); it != m_filters.end();) {
      if (now - it->second.last_poll > k_filter_lifetime) {
        if (it->second.kind == Kind::pending) --m_pending_filters;
        it = m_filters.erase(it);
      } else {
        ++it;
      }
    }
  }

  std::mutex m_mutex;
  std::unordered_map<std::string, Filter> m_filters;
  std::atomic<int> m_pending_filters{0};
};

namespace {

// The logs of one block that match, appended to `out` as RPC objects.
RpcResult<void> block_logs(const Methods& m, const LogFilter& f, const Resolved& block,
                           const types::Header& h, Json& out) {
  if (!may_match(f, h.logs_bloom)) return {};
  RPC_TRY(const std::vector<types::Transaction> txs, m.body(block));
  RPC_TRY(const std::optional<std::vector<types::Receipt>> receipts,
          node(m.backend().db->receipts(block.hash)));
  if (!receipts || receipts->size() != txs.size()) {
    return rpc_fail(code::internal, "internal error: receipts of block " + hex_data(block.hash) +
                                        " do not match its body");
  }
  std::uint64_t log_index = 0;
  for (std::size_t i = 0; i < txs.size(); ++i) {
    const auto& logs = (*receipts)[i].logs;
    std::optional<Hash> tx_hash;
    for (const types::Log& log : logs) {
      if (matches(f, log)) {
        if (!tx_hash) tx_hash = types::transaction_hash(txs[i]);
        out.push_back(log_json(log, TxPlace{block.hash, block.number, i, h.base_fee_per_gas},
                               *tx_hash, log_index));
      }
      ++log_index;
    }
  }
  return {};
}

// Matching logs of blocks [from, to] (to clamped to the head), within the backend's bounds.
RpcResult<Json> range_logs(const Methods& m, const LogFilter& f, std::uint64_t from,
                           std::uint64_t to) {
  const Backend& b = m.backend();
  Json out = Json::array();
  to = std::min(to, b.db->heads().unsafe.number);
  if (from > to) return out;
  if (to - from >= b.logs_block_range) {
    return rpc_fail(code::server, "block range too large: " + std::to_string(to - from + 1) +
                                      " blocks, limit " + std::to_string(b.logs_block_range));
  }
  for (std::uint64_t n = from; n <= to; ++n) {
    RPC_TRY(const std::optional<Resolved> block, m.by_number(n));
    if (!block) break;
    RPC_TRY(const types::Header h, m.header(*block));
    RPC_TRY_VOID(block_logs(m, f, *block, h, out));
    if (out.size() > b.logs_limit) {
      return rpc_fail(code::server, "query returned more than " + std::to_string(b.logs_limit) +
                                        " results; narrow the block range or the filter");
    }
  }
  return out;
}

// A block parameter of a filter as a number: latest (and pending) is the head.
RpcResult<std::uint64_t> filter_bound(const Methods& m, const std::optional<BlockId>& id) {
  if (!id || id->kind == BlockId::Kind::latest || id->kind == BlockId::Kind::pending) {
    return m.backend().db->heads().unsafe.number;
  }
  if (id->kind == BlockId::Kind::number) return id->number;
  RPC_TRY(const std::optional<Resolved> block, m.resolve(*id));
  if (!block) return rpc_fail(code::server, "unknown block");
  return block->number;
}

RpcResult<Json> query(const Methods& m, const LogFilter& f) {
  if (f.block_hash) {
    RPC_TRY(const std::optional<Resolved> block,
            m.resolve(BlockId{.kind = BlockId::Kind::hash, .hash = *f.block_hash}));
    if (!block) return rpc_fail(code::server, "unknown block");
    RPC_TRY(const types::Header h, m.header(*block));
    Json out = Json::array();
    RPC_TRY_VOID(block_logs(m, f, *block, h, out));
    return out;
  }
  RPC_TRY(const std::uint64_t from, filter_bound(m, f.from));
  RPC_TRY(const std::uint64_t to, filter_bound(m, f.to));
  if (from > to && f.to) return rpc_fail(code::invalid_params, "invalid block range params");
  return range_logs(m, f, from, to);
}

}  // namespace

std::shared_ptr<Filters> add_log_methods(Dispatcher& d, std::shared_ptr<const Methods> m) {
  auto filters = std::make_shared<Filters>();
  d.add("eth_getLogs", [m](const Params& p) -> RpcResult<Json> {
    RPC_TRY_VOID(p.at_most(1));
    RPC_TRY(const LogFilter f, p.required(0, decode_log_filter));
    return query(*m, f);
  });
  d.add("eth_newFilter", [m, filters](const Params& p) -> RpcResult<Json> {
    RPC_TRY_VOID(p.at_most(1));
    RPC_TRY(const LogFilter f, p.required(0, decode_log_filter));
    if (f.block_hash) {
      return rpc_fail(code::invalid_params, "invalid argument 0: blockHash is not allowed here");
    }
    Filters::Filter filter;
    filter.kind = Filters::Kind::logs;
    filter.criteria = f;
    filter.next_block = m->backend().db->heads().unsafe.number + 1;
    RPC_TRY(const std::string id, filters->install(std::move(filter)));
    return Json(id);
  });
  d.add("eth_newBlockFilter", [m, filters](const Params& p) -> RpcResult<Json> {
    RPC_TRY_VOID(p.at_most(0));
    Filters::Filter filter;
    filter.kind = Filters::Kind::blocks;
    filter.next_block = m->backend().db->heads().unsafe.number + 1;
    RPC_TRY(const std::string id, filters->install(std::move(filter)));
    return Json(id);
  });
  d.add("eth_newPendingTransactionFilter", [filters](const Params& p) -> RpcResult<Json> {
    RPC_TRY_VOID(p.at_most(1));
    Filters::Filter filter;
    filter.kind = Filters::Kind::pending;
    RPC_TRY(const std::string id, filters->install(std::move(filter)));
    return Json(id);
  });
  d.add("eth_uninstallFilter", [filters](const Params& p) -> RpcResult<Json> {
    RPC_TRY_VOID(p.at_most(1));
    if (p.size() != 1 || !p.raw(0).is_string()) {
      return rpc_fail(code::invalid_params, "invalid argument 0: want a filter id");
    }
    return Json(filters->uninstall(p.raw(0).get<std::string>()));
  });
  d.add("eth_getFilterChanges", [m, filters](const Params& p) -> RpcResult<Json> {
    RPC_TRY_VOID(p.at_most(1));
    if (p.size() != 1 || !p.raw(0).is_string()) {
      return rpc_fail(code::invalid_params, "invalid argument 0: want a filter id");
    }
    const std::string id = p.raw(0).get<std::string>();
    const std::optional<Filters::Filter> f = filters->poll(id);
    if (!f) return rpc_fail(code::server, "filter not found");
    Json out = Json::array();
    if (f->kind == Filters::Kind::pending) {
      for (const Hash& h : f->pending) out.push_back(hex_data(h));
      return out;
    }
    const std::uint64_t head = m->backend().db->heads().unsafe.number;
    if (f->kind == Filters::Kind::blocks) {
      for (std::uint64_t n = f->next_block; n <= head; ++n) {
        RPC_TRY(const std::optional<Resolved> block, m->by_number(n));
        if (!block) break;
        out.push_back(hex_data(block->hash));
      }
      filters->advance(id, head + 1);
      return out;
    }
    // Changes are the blocks after the last poll; a numbered range narrows them further (a tag
    // such as latest names no fixed block and narrows nothing).
    std::uint64_t from = f->next_block;
    std::uint64_t to = head;
    if (f->criteria.from && f->criteria.from->kind == BlockId::Kind::number) {
      from = std::max(from, f->criteria.from->number);
    }
    if (f->criteria.to && f->criteria.to->kind == BlockId::Kind::number) {
      to = std::min(to, f->criteria.to->number);
    }
    RPC_TRY(out, range_logs(*m, f->criteria, from, to));
    filters->advance(id, head + 1);
    return out;
  });
  d.add("eth_getFilterLogs", [m, filters](const Params& p) -> RpcResult<Json> {
    RPC_TRY_VOID(p.at_most(1));
    if (p.size() != 1 || !p.raw(0).is_string()) {
      return rpc_fail(code::invalid_params, "invalid argument 0: want a filter id");
    }
    const std::optional<Filters::Filter> f = filters->poll(p.raw(0).get<std::string>());
    if (!f || f->kind != Filters::Kind::logs) return rpc_fail(code::server, "filter not found");
    return query(*m, f->criteria);
  });
  return filters;
}

void add_pending_to_filters(Filters& filters, const Hash& hash) {
  filters.add_pending(hash);
}

}  // namespace detail
}  // namespace rollup::rpc
