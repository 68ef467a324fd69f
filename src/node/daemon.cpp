#include "rollup/node/daemon.hpp"

#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "rollup/base/assert.hpp"
#include "rollup/base/hex.hpp"
#include "rollup/batcher/batcher.hpp"
#include "rollup/crypto/keystore.hpp"
#include "rollup/evm/evm.hpp"
#include "rollup/l1/client.hpp"
#include "rollup/l1/eth.hpp"
#include "rollup/net/http_server.hpp"
#include "rollup/net/metrics.hpp"
#include "rollup/node/datadir.hpp"
#include "rollup/node/dev_chain.hpp"
#include "rollup/node/logging.hpp"
#include "rollup/node/version.hpp"
#include "rollup/rpc/dev.hpp"
#include "rollup/rpc/eth.hpp"
#include "rollup/rpc/http.hpp"
#include "rollup/rpc/subscriptions.hpp"
#include "rollup/sequencer/sequencer.hpp"

namespace rollup::node {

namespace {

using Clock = std::chrono::steady_clock;

// Build and commit times of a block: from well under a millisecond (an empty block) to seconds.
const std::vector<double> k_block_seconds = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                             0.1,    0.25,  0.5,    1,     2.5,  5,     10};

template <typename T>
T& must(Result<std::reference_wrapper<T>> r) {
  // Metric names are fixed in this file; a duplicate is a bug here, not an operator's error.
  ROLLUP_ASSERT(r.has_value());
  return r->get();
}

}  // namespace

// The sequencer's view of L1 is the batcher's: the origin it last read, and back-pressure while
// its backlog is above the configured size.
class BatcherView final : public sequencer::L1View {
 public:
  BatcherView(const batcher::Batcher& b, std::uint64_t max_backlog, std::uint64_t block_bytes)
      : m_batcher(b), m_max_backlog(max_backlog), m_block_bytes(block_bytes) {}
  std::optional<storage::BlockRef> origin() const override { return m_batcher.origin(); }
  std::uint64_t block_bytes_limit() const override {
    if (m_max_backlog == 0 || m_batcher.backlog_bytes() <= m_max_backlog) return 0;
    return m_block_bytes;
  }

 private:
  const batcher::Batcher& m_batcher;
  std::uint64_t m_max_backlog;
  std::uint64_t m_block_bytes;
};

Result<crypto::SecretKey> read_batcher_key(const Config::Batcher& c) {
  if (c.password_file.empty()) return crypto::read_raw_key_file(c.key_file);
  return crypto::read_keystore_file(c.key_file, c.password_file);
}

struct Daemon::Impl {
  Config config;
  execution::ChainConfig chain;
  // Declared first, destroyed last: the sequencer's callbacks and the HTTP handlers update and
  // render it until they are stopped.
  net::Registry metrics;
  std::unique_ptr<storage::Database> db;
  std::unique_ptr<txpool::Journal> journal;
  std::unique_ptr<txpool::Pool> pool;
  // L1 and the batcher, when configured; declared before the sequencer, which reads the batcher
  // through `l1_view` until it stops.
  std::unique_ptr<l1::Client> l1_client;
  std::unique_ptr<l1::Eth> l1_eth;
  std::unique_ptr<batcher::Batcher> batcher;
  std::unique_ptr<sequencer::L1View> l1_view;
  std::unique_ptr<sequencer::Sequencer> sequencer;
  std::unique_ptr<sequencer::Loop> loop;
  std::unique_ptr<DevChain> dev_chain;  // the cheat methods' backend (devnet.cheats)
  std::unique_ptr<txpool::GroupSubmitter> intake;
  std::unique_ptr<rpc::Dispatcher> rpc;
  std::unique_ptr<rpc::Subscriptions> subscriptions;
  rpc::Backend rpc_backend;
  std::unique_ptr<net::HttpServer> http;
  // Steady clock of the last tick that went well (a block sealed, or nothing to include).
  std::atomic<std::int64_t> last_ok_ns{0};
  bool stopped = false;

  net::Counter* blocks = nullptr;
  net::Counter* transactions = nullptr;
  net::Counter* block_errors = nullptr;
  net::Gauge* pending = nullptr;
  net::Gauge* queued = nullptr;
  net::Gauge* head_unsafe = nullptr;
  net::Gauge* head_safe = nullptr;
  net::Gauge* head_finalized = nullptr;
  net::Histogram* build_seconds = nullptr;
  net::Histogram* commit_seconds = nullptr;

  void register_metrics() {
    blocks = &must(metrics.counter("rollupd_blocks_total", "Blocks sealed by this node."));
    transactions = &must(
        metrics.counter("rollupd_transactions_total", "Transactions included in sealed blocks."));
    block_errors = &must(metrics.counter("rollupd_block_errors_total",
                                         "Block productions that failed (nothing committed)."));
    pending =
        &must(metrics.gauge("rollupd_txpool_pending", "Executable transactions in the pool."));
    queued = &must(metrics.gauge("rollupd_txpool_queued",
                                 "Transactions in the pool waiting for a nonce gap to fill."));
    head_unsafe = &must(
        metrics.gauge("rollupd_head_number", "Block number of each head.", {{"head", "unsafe"}}));
    head_safe = &must(
        metrics.gauge("rollupd_head_number", "Block number of each head.", {{"head", "safe"}}));
    head_finalized = &must(metrics.gauge("rollupd_head_number", "Block number of each head.",
                                         {{"head", "finalized"}}));
    build_seconds = &must(metrics.histogram("rollupd_block_build_seconds",
                                            "Time to select and execute a block's transactions.",
                                            k_block_seconds));
    commit_seconds = &must(metrics.histogram(
        "rollupd_block_commit_seconds",
        "Time to compute a block's state root and commit it to the database (synced).",
        k_block_seconds));
  }

  void update_gauges() {
    const txpool::Status s = pool->status();
    pending->set(static_cast<double>(s.pending));
    queued->set(static_cast<double>(s.queued));
    const storage::Heads h = db->heads();
    head_unsafe->set(static_cast<double>(h.unsafe.number));
    head_safe->set(static_cast<double>(h.safe.number));
    head_finalized->set(static_cast<double>(h.finalized.number));
  }

  // The block is committed: its body and receipts are read back for the logs subscriptions.
  void publish_logs(const sequencer::Sealed& sealed) {
    auto body = db->body(sealed.hash);
    auto receipts = db->receipts(sealed.hash);
    if (!body || !receipts || !*body || !*receipts) {
      logger("rpc")->warn("logs of block {} not published: its body or receipts could not be read",
                          sealed.header.number);
      return;
    }
    subscriptions->publish_logs(sealed.header, sealed.hash, **body, **receipts);
  }

  void on_sealed(const sequencer::Sealed& sealed) {
    subscriptions->publish_head(sealed.header, sealed.hash);
    if (subscriptions->wants_logs() && sealed.header.gas_used > 0) publish_logs(sealed);
    blocks->inc();
    transactions->inc(sealed.transactions);
    build_seconds->observe(std::chrono::duration<double>(sealed.build_time).count());
    commit_seconds->observe(std::chrono::duration<double>(sealed.commit_time).count());
    last_ok_ns.store(Clock::now().time_since_epoch().count(), std::memory_order_relaxed);
    update_gauges();
    if (sealed.pool_error) {
      logger("txpool")->warn("could not move to block {}: {} (retried with the next block)",
                             sealed.header.number, sealed.pool_error->message());
    }
    auto log = logger("sequencer");
    if (sealed.transactions > 0 || log->should_log(spdlog::level::debug)) {
      log->log(sealed.transactions > 0 ? spdlog::level::info : spdlog::level::debug,
               "sealed block {} {} txs={} skipped={} gas={} build={:.1f}ms commit={:.1f}ms",
               sealed.header.number, hex::encode(sealed.hash.view()), sealed.transactions,
               sealed.skipped, sealed.header.gas_used,
               std::chrono::duration<double, std::milli>(sealed.build_time).count(),
               std::chrono::duration<double, std::milli>(sealed.commit_time).count());
    }
  }

  Result<void> start_batcher() {
    auto log = logger("batcher");
    l1::ClientOptions client_options;
    client_options.url = config.l1.rpc;
    client_options.timeout = std::chrono::milliseconds(config.l1.timeout_ms);
    // The batcher tries again at its next poll anyway; long retries inside one call would only
    // hold up its L2-side work and its view of L1.
    client_options.max_attempts = 2;
    ROLLUP_TRY(l1_client, l1::Client::create(client_options));
    l1_eth = std::make_unique<l1::Eth>(*l1_client);
    // The chain id is read once: a wrong L1 would take every transaction the batcher signs.
    auto id = l1_eth->chain_id();
    if (!id)
      return fail(Error(id.error().code(), "reading L1's chain id: " + id.error().message()));
    if (config.l1.chain_id != 0 && *id != config.l1.chain_id) {
      return fail(Errc::invalid_value, "l1.chain_id is " + std::to_string(config.l1.chain_id) +
                                           " but the L1 node says " + std::to_string(*id));
    }
    ROLLUP_TRY(const crypto::SecretKey key, read_batcher_key(config.batcher));
    l1::TxOptions tx;
    tx.chain_id = *id;
    tx.to = config.batcher.inbox;
    tx.max_fee_per_gas = uint256(config.batcher.max_fee_gwei) * uint256(1'000'000'000);
    tx.resubmit_after = std::chrono::seconds(config.batcher.resubmit_s);
    tx.max_in_flight = static_cast<unsigned>(config.batcher.max_in_flight);
    batcher::Config bc;
    bc.l2_chain_id = chain.chain_id;
    bc.target_channel_bytes = config.batcher.target_channel_bytes;
    bc.max_channel_delay = std::chrono::seconds(config.batcher.max_channel_delay_s);
    bc.max_frame_bytes = config.batcher.max_frame_bytes;
    bc.encoding.compression = config.batcher.compression == "brotli" ? batch::Compression::brotli
                              : config.batcher.compression == "zstd" ? batch::Compression::zstd
                                                                     : batch::Compression::modelled;
    bc.confirmations = config.batcher.confirmations;
    bc.origin_depth = config.batcher.origin_depth;
    bc.poll_interval = std::chrono::milliseconds(config.batcher.poll_ms);
    bc.max_backlog_bytes = config.batcher.max_backlog_bytes;
    bc.throttle_block_bytes = config.batcher.throttle_block_bytes;
    ROLLUP_TRY(batcher, batcher::Batcher::create(*db, *l1_eth, key, tx, bc, metrics,
                                                 [](batcher::Level level, const std::string& what) {
                                                   auto l = logger("batcher");
                                                   switch (level) {
                                                     case batcher::Level::info:
                                                       l->info("{}", what);
                                                       break;
                                                     case batcher::Level::warn:
                                                       l->warn("{}", what);
                                                       break;
                                                     case batcher::Level::error:
                                                       l->error("{}", what);
                                                       break;
                                                   }
                                                 }));
    // One poll before the sequencer starts, so the first blocks already have an L1 origin.
    batcher->poll();
    batcher->start();
    l1_view = std::make_unique<BatcherView>(*batcher, config.batcher.max_backlog_bytes,
                                            config.batcher.throttle_block_bytes);
    log->info("posting to L1 chain {} from {} to inbox {} (confirmations {})", *id,
              hex::encode(batcher->address()), hex::encode(config.batcher.inbox),
              config.batcher.confirmations);
    return {};
  }

  // Healthy while the sequencer's ticks succeed: one whose blocks have failed for ten block times
  // (and at least ten seconds) is stuck, whatever else still answers. A tick with nothing to
  // include counts as a success when empty blocks are off.
  net::Response health() const {
    const auto last = Clock::time_point(Clock::duration(last_ok_ns.load()));
    const auto quiet = Clock::now() - last;
    const auto limit = std::max<Clock::duration>(
        10 * config.sequencer.block_time_ms * std::chrono::milliseconds(1),
        std::chrono::seconds(10));
    const auto head = db->heads().unsafe;
    net::Response r;
    r.content_type = "application/json";
    const bool ok = quiet <= limit;
    r.status = ok ? 200 : 503;
    r.body = std::string(R"({"status":")") + (ok ? "ok" : "stalled") + R"(","head":)" +
             std::to_string(head.number) + R"(,"seconds_since_progress":)" +
             std::to_string(std::chrono::duration_cast<std::chrono::seconds>(quiet).count()) + "}";
    return r;
  }
};

Daemon::Daemon(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}

Daemon::~Daemon() {
  stop();
}

Result<std::unique_ptr<Daemon>> Daemon::start(const Config& config) {
  auto impl = std::make_unique<Impl>();
  impl->config = config;
  auto log = logger("node");
  storage::Options db_options;
  db_options.sync = config.db.sync;
  db_options.cache_bytes = static_cast<std::size_t>(config.db.cache_mb) << 20;
  db_options.history_blocks = config.db.history_blocks;

  std::optional<std::filesystem::path> genesis_file;
  if (!config.genesis.empty()) genesis_file = config.genesis;
  ROLLUP_TRY(ChainInfo chain_info, prepare_datadir(config.datadir, genesis_file, db_options));
  if (chain_info.created) {
    log->info("initialised datadir {} with genesis {}", config.datadir.string(),
              hex::encode(chain_info.genesis_hash.view()));
  }
  impl->chain.chain_id = chain_info.genesis.chain_id;
  impl->chain.base_fee_vault = config.rollup.base_fee_vault;
  impl->chain.elasticity_multiplier = config.rollup.eip1559_elasticity;
  impl->chain.base_fee_change_denominator = config.rollup.eip1559_denominator;

  impl->db = std::move(chain_info.db);
  const storage::Heads heads = impl->db->heads();
  log->info("chain {} at block {} {} (safe {}, finalized {})", impl->chain.chain_id,
            heads.unsafe.number, hex::encode(heads.unsafe.hash.view()), heads.safe.number,
            heads.finalized.number);

  // The pool comes back from its journal before the journal takes new transactions.
  txpool::Journal::Loaded loaded;
  ROLLUP_TRY(impl->journal, txpool::Journal::open(journal_file(config.datadir),
                                                  config.txpool.journal_sync, loaded));
  txpool::Config pool_config;
  pool_config.global_slots = config.txpool.global_slots;
  pool_config.account_slots = config.txpool.account_slots;
  pool_config.global_queue = config.txpool.global_queue;
  pool_config.account_queue = config.txpool.account_queue;
  pool_config.price_bump_percent = static_cast<unsigned>(config.txpool.price_bump);
  pool_config.allow_unprotected = config.txpool.allow_unprotected;
  pool_config.queued_lifetime = std::chrono::seconds(config.txpool.lifetime_s);
  ROLLUP_TRY(txpool::Head head,
             sequencer::Sequencer::pool_head(*impl->db, impl->chain, config.sequencer.gas_limit));
  impl->pool = std::make_unique<txpool::Pool>(pool_config, impl->chain, std::move(head));
  const unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  const txpool::Restored restored = txpool::restore(*impl->pool, loaded.envelopes, threads);
  auto pool_log = logger("txpool");
  pool_log->info("journal: {} restored, {} no longer valid, {} unreadable{}", restored.accepted,
                 restored.refused, restored.undecodable + loaded.corrupt,
                 loaded.torn_tail ? ", torn last record cut" : "");
  ROLLUP_TRY_VOID(impl->pool->set_journal(impl->journal.get()));

  impl->register_metrics();
  impl->update_gauges();
  impl->last_ok_ns.store(Clock::now().time_since_epoch().count());

  net::HttpServerOptions http_options;
  http_options.address = config.http.addr;
  http_options.port = config.http.port;
  // Handlers block while a transaction's batch is submitted (txpool::GroupSubmitter), so there are
  // more threads than cores: requests that wait let others join their batch, which is what lets
  // eight signatures share one vector recovery.
  http_options.threads = std::max(8u, 2 * std::thread::hardware_concurrency());
  http_options.thread_stack_bytes = evm::k_execution_stack_bytes;  // eth_call runs on them
  http_options.on_error = [](const Error& e) { logger("http")->warn("{}", e.message()); };
  impl->http = std::make_unique<net::HttpServer>(http_options);
  Impl* self = impl.get();
  ROLLUP_TRY_VOID(impl->http->route("GET", "/metrics", [self](const net::Request&) {
    self->update_gauges();
    net::Response r;
    r.content_type = std::string(net::Registry::k_content_type);
    r.body = self->metrics.render();
    return r;
  }));
  ROLLUP_TRY_VOID(
      impl->http->route("GET", "/healthz", [self](const net::Request&) { return self->health(); }));
  rpc::DispatcherOptions rpc_options;
  rpc_options.namespaces = {config.http.api.begin(), config.http.api.end()};
  if (config.devnet.cheats) rpc_options.namespaces.insert({"evm", "anvil", "hardhat"});
  if (!config.rpc.jwt_secret.empty()) rpc_options.namespaces.insert("admin");
  rpc_options.batch_limit = config.rpc.batch_request_limit;
  rpc_options.response_limit = config.rpc.batch_response_max_size;
  impl->rpc = std::make_unique<rpc::Dispatcher>(rpc_options);
  impl->rpc_backend.db = impl->db.get();
  impl->rpc_backend.pool = impl->pool.get();
  impl->intake = std::make_unique<txpool::GroupSubmitter>(*impl->pool);
  impl->rpc_backend.intake = impl->intake.get();
  impl->rpc_backend.chain = impl->chain;
  impl->rpc_backend.client_version = std::string("rollupd/v") + std::string(k_version);
  impl->rpc_backend.tx_fee_cap = config.rpc.txfeecap;
  impl->rpc_backend.gas_cap = config.rpc.gascap;
  impl->rpc_backend.evm_timeout = std::chrono::milliseconds(config.rpc.evmtimeout_ms);
  impl->rpc_backend.logs_block_range = config.rpc.logs_block_range;
  impl->rpc_backend.logs_limit = config.rpc.logs_limit;
  impl->rpc_backend.min_tip = pool_config.min_tip;
  impl->subscriptions = std::make_unique<rpc::Subscriptions>(*impl->rpc);
  impl->rpc_backend.on_pending = [self](const txpool::PoolTx& tx) {
    self->subscriptions->publish_pending(tx);
  };
  impl->rpc_backend.l1_status = [self]() {
    rpc::L1Status out;
    if (!self->batcher) return out;
    const batcher::Status s = self->batcher->status();
    const auto ref = [](const l1::L1Head& h) {
      return rpc::L1Ref{h.number, h.hash, h.parent_hash, h.timestamp};
    };
    if (s.l1_head) out.head = ref(*s.l1_head);
    if (s.l1_safe) out.safe = ref(*s.l1_safe);
    if (s.l1_finalized) out.finalized = ref(*s.l1_finalized);
    if (s.origin) out.origin = ref(*s.origin);
    return out;
  };
  rpc::add_node_methods(*impl->rpc, impl->rpc_backend);
  rpc::HttpOptions rpc_http;
  rpc_http.cors = config.http.corsdomain;
  rpc_http.vhosts = config.http.vhosts;
  if (!config.rpc.jwt_secret.empty()) {
    // The secret lives in a file only its owner can read, never on the command line.
    ROLLUP_TRY(const crypto::SecretKey secret, crypto::read_raw_key_file(config.rpc.jwt_secret));
    rpc_http.jwt_secret.assign(secret.data(), secret.data() + 32);
    log->info("admin_ namespace enabled, for callers with a JWT signed by {}",
              config.rpc.jwt_secret.string());
  }
  ROLLUP_TRY_VOID(rpc::serve_http(*impl->http, "/", *impl->rpc, rpc_http));
  // WebSocket on the same port and path, by upgrade (as geth serves --ws on the HTTP port).
  ROLLUP_TRY_VOID(impl->subscriptions->serve(*impl->http, "/", rpc_http));
  // The batcher exists before HTTP serves: rollup_syncStatus reads it from the HTTP threads.
  if (config.batcher.enabled) ROLLUP_TRY_VOID(impl->start_batcher());
  // The sequencer and its loop exist before HTTP serves too (the cheat methods use the loop); the
  // loop starts once clients can reach the node.
  sequencer::Config seq_config;
  seq_config.block_time = std::chrono::milliseconds(config.sequencer.block_time_ms);
  seq_config.empty_blocks = config.sequencer.empty_blocks;
  seq_config.fee_recipient = config.sequencer.fee_recipient;
  seq_config.gas_limit = config.sequencer.gas_limit;
  impl->sequencer = std::make_unique<sequencer::Sequencer>(*impl->db, *impl->pool, impl->chain,
                                                           seq_config, impl->l1_view.get());
  impl->loop = std::make_unique<sequencer::Loop>(
      *impl->sequencer, [self](const sequencer::Sealed& s) { self->on_sealed(s); },
      [self](const Error& e) {
        self->block_errors->inc();
        logger("sequencer")->error("block production failed: {}", e.message());
      },
      [self] {
        self->last_ok_ns.store(Clock::now().time_since_epoch().count(), std::memory_order_relaxed);
      });
  if (config.devnet.cheats) {
    impl->dev_chain = std::make_unique<DevChain>(*impl->loop, *impl->db);
    rpc::add_dev_methods(*impl->rpc, *impl->dev_chain);
    log->warn("devnet cheat methods enabled: state may change outside transactions");
  }
  ROLLUP_TRY_VOID(impl->http->start());
  log->info("HTTP on {}:{} (JSON-RPC at / over HTTP and WebSocket, /metrics, /healthz)",
            config.http.addr, impl->http->port());

  impl->loop->start();
  log->info("sequencing every {} ms", config.sequencer.block_time_ms);
  return std::unique_ptr<Daemon>(new Daemon(std::move(impl)));
}

void Daemon::stop() {
  Impl& d = *m_impl;
  if (d.stopped) return;
  d.stopped = true;
  auto log = logger("node");
  log->info("stopping");
  // Blocks first (the one in progress completes), then the batcher (its records are written as it
  // goes), then intake, then storage.
  if (d.loop) d.loop->stop();
  if (d.batcher) d.batcher->stop();
  if (d.l1_client) d.l1_client->stop();
  if (d.http) d.http->stop();
  if (d.pool) static_cast<void>(d.pool->set_journal(nullptr));  // detaching cannot fail
  d.journal.reset();
  const std::uint64_t head = d.db ? d.db->heads().unsafe.number : 0;
  d.sequencer.reset();
  d.batcher.reset();
  d.db.reset();
  log->info("stopped at block {}", head);
  log->flush();
}

std::uint16_t Daemon::http_port() const {
  return m_impl->http ? m_impl->http->port() : 0;
}

txpool::Pool& Daemon::pool() {
  return *m_impl->pool;
}

const storage::Database& Daemon::database() const {
  return *m_impl->db;
}

std::uint64_t Daemon::chain_id() const {
  return m_impl->chain.chain_id;
}

}  // namespace rollup::node
