#include "rollup/batcher/batcher.hpp"

#include <algorithm>
#include <map>
#include <vector>

#include "rollup/base/assert.hpp"
#include "rollup/batch/frame.hpp"
#include "rollup/rlp/rlp.hpp"
#include "rollup/types/transaction.hpp"

namespace rollup::batcher {
namespace {

using Clock = std::chrono::steady_clock;

// Record keys: 'c' + channel sequence (8 bytes, big-endian) for a channel, 't' + frame id for the
// transaction record of one frame. A frame's id is its channel's sequence * 2^16 + its number, so
// both sort in posting order.
std::string key(char kind, std::uint64_t n) {
  std::string k(1, kind);
  for (int i = 7; i >= 0; --i) k.push_back(static_cast<char>(n >> (8 * i)));
  return k;
}
constexpr std::uint64_t frame_id(std::uint64_t seq, std::uint64_t index) {
  return seq << 16 | index;
}

// A closed batch on its way to L1.
struct Channel {
  std::uint64_t seq = 0;
  std::uint64_t first_block = 0;
  std::uint64_t last_block = 0;
  std::uint64_t tx_bytes = 0;  // transactions' envelopes: what back-pressure counts
  std::uint64_t transactions = 0;
  std::uint64_t frames = 0;
  std::uint64_t payload_bytes = 0;  // the encoded batch
};

Bytes encode_channel(const Channel& c) {
  rlp::Encoder e;
  const auto m = e.begin_list();
  for (const auto v : {c.seq, c.first_block, c.last_block, c.tx_bytes, c.transactions, c.frames,
                       c.payload_bytes}) {
    e.add_u64(v);
  }
  e.end_list(m);
  return e.take();
}

Result<Channel> decode_channel(ByteView in) {
  ROLLUP_TRY(auto list, rlp::ListReader::open(in));
  Channel c;
  for (std::uint64_t* field : {&c.seq, &c.first_block, &c.last_block, &c.tx_bytes, &c.transactions,
                               &c.frames, &c.payload_bytes}) {
    ROLLUP_TRY(*field, list.next_u64());
  }
  if (!list.empty()) return fail(rlp::Errc::extra_element, "batcher channel record");
  return c;
}

// The blocks read but not yet in a channel.
struct Open {
  std::vector<batch::BlockData> blocks;
  std::uint64_t tx_bytes = 0;
  std::uint64_t transactions = 0;
};

}  // namespace

struct Batcher::Impl {
  storage::Database& db;
  l1::Eth& eth;
  Config config;
  Log log;
  l1::TxManager txm;
  std::vector<Channel> channels;  // not final yet, in order
  Open open;
  std::uint64_t next_block = 1;  // the first block not read into `open` or a channel
  std::uint64_t next_seq = 0;

  mutable std::mutex status_mutex;
  Status status_;
  std::atomic<std::uint64_t> backlog{0};

  std::mutex wake_mutex;
  std::condition_variable wake;
  bool stopping = false;
  std::thread thread;

  net::Counter* posted_bytes = nullptr;
  net::Counter* posted_frames = nullptr;
  net::Counter* posted_transactions = nullptr;
  net::Counter* fees_gwei = nullptr;
  net::Counter* reorged = nullptr;
  net::Counter* replaced = nullptr;
  net::Gauge* backlog_gauge = nullptr;
  net::Gauge* backlog_blocks = nullptr;
  net::Gauge* bytes_per_tx = nullptr;
  net::Gauge* out_of_funds = nullptr;
  net::Gauge* l1_head = nullptr;

  Impl(storage::Database& d, l1::Eth& e, const crypto::SecretKey& key, l1::TxOptions tx_options,
       Config c, Log l)
      : db(d),
        eth(e),
        config(std::move(c)),
        log(std::move(l)),
        txm(e, key, tx_options, [this](const l1::TxRecord& r) { return persist_tx(r); }) {}

  void say(Level level, const std::string& what) {
    if (log) log(level, what);
  }

  Result<void> persist_tx(const l1::TxRecord& r) {
    return db.update_batcher(
        {.records = {{key('t', r.id), l1::encode_record(r)}}, .safe = {}, .finalized = {}});
  }

  Result<void> load() {
    ROLLUP_TRY(auto records, db.batcher_records());
    std::vector<l1::TxRecord> txs;
    for (const auto& [k, v] : records) {
      if (k.size() == 9 && k[0] == 'c') {
        ROLLUP_TRY(auto c, with_context(decode_channel(v), "batcher channel record"));
        channels.push_back(c);
      } else if (k.size() == 9 && k[0] == 't') {
        ROLLUP_TRY(auto t, with_context(l1::decode_record(v), "batcher transaction record"));
        txs.push_back(std::move(t));
      }
    }
    const storage::Heads heads = db.heads();
    next_block = channels.empty() ? heads.finalized.number + 1 : channels.back().last_block + 1;
    next_seq = channels.empty() ? 0 : channels.back().seq + 1;
    if (channels.empty()) {
      // Without channels, what the batcher last finished is final, and the safe head may be above
      // it only if it was set by other means; start after the finalized head.
      next_seq = 0;
    }
    txm.restore(std::move(txs));
    return {};
  }

  // Reads the sealed blocks after the last one read, and closes channels as they fill or age.
  Result<void> build_channels() {
    const std::uint64_t head = db.heads().unsafe.number;
    while (next_block <= head) {
      ROLLUP_TRY(auto hash, db.canonical_hash(next_block));
      if (!hash) break;  // the head moved back under us (a rewind); read again next round
      ROLLUP_TRY(auto header, db.header(*hash));
      ROLLUP_TRY(auto body, db.body(*hash));
      ROLLUP_TRY(auto origin, db.l1_origin(next_block));
      if (!header || !body)
        return fail(storage::Errc::corrupt_record, "block " + std::to_string(next_block));
      batch::BlockData b;
      b.number = next_block;
      b.timestamp = header->timestamp;
      b.gas_limit = header->gas_limit;
      b.beneficiary = header->beneficiary;
      if (origin) b.origin = {origin->number, origin->hash};
      for (const auto& t : *body) open.tx_bytes += types::encode_transaction(t).size();
      open.transactions += body->size();
      b.transactions = std::move(*body);
      open.blocks.push_back(std::move(b));
      ++next_block;
      if (open.tx_bytes >= config.target_channel_bytes ||
          open.blocks.size() >= config.max_channel_blocks) {
        ROLLUP_TRY_VOID(close_channel());
      }
    }
    if (!open.blocks.empty()) {
      const auto now =
          static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                         std::chrono::system_clock::now().time_since_epoch())
                                         .count());
      const std::uint64_t age = now - std::min(now, open.blocks.front().timestamp);
      if (age >= static_cast<std::uint64_t>(config.max_channel_delay.count())) {
        ROLLUP_TRY_VOID(close_channel());
      }
    }
    return {};
  }

  Result<void> close_channel() {
    batch::Batch b;
    b.chain_id = config.l2_chain_id;
    const std::uint64_t first = open.blocks.front().number;
    const std::uint64_t last = open.blocks.back().number;
    ROLLUP_TRY(auto parent, db.canonical_hash(first - 1));
    ROLLUP_TRY(auto last_hash, db.canonical_hash(last));
    if (!parent || !last_hash) {
      return fail(storage::Errc::corrupt_record,
                  "blocks " + std::to_string(first - 1) + ".." + std::to_string(last));
    }
    b.parent_hash = *parent;
    b.last_hash = *last_hash;
    b.blocks = std::move(open.blocks);
    ROLLUP_TRY(auto payload, batch::encode_batch(b, config.encoding));
    ROLLUP_TRY(auto frames, batch::make_frames(payload, config.max_frame_bytes));
    Channel c{.seq = next_seq,
              .first_block = first,
              .last_block = last,
              .tx_bytes = open.tx_bytes,
              .transactions = open.transactions,
              .frames = frames.size(),
              .payload_bytes = payload.size()};
    storage::BatcherUpdate update;
    update.records.emplace_back(key('c', c.seq), encode_channel(c));
    std::vector<l1::TxRecord> records;
    for (std::size_t i = 0; i < frames.size(); ++i) {
      l1::TxRecord r;
      r.id = frame_id(c.seq, i);
      r.data = std::move(frames[i]);
      update.records.emplace_back(key('t', r.id), l1::encode_record(r));
      records.push_back(std::move(r));
    }
    // The channel and its frames appear in the database together, before any is sent.
    ROLLUP_TRY_VOID(db.update_batcher(update));
    for (auto& r : records) txm.add(r.id, std::move(r.data));
    channels.push_back(c);
    ++next_seq;
    posted_transactions->inc(c.transactions);
    open = Open{};
    bytes_per_tx->set(c.transactions == 0 ? 0.0
                                          : static_cast<double>(c.payload_bytes) /
                                                static_cast<double>(c.transactions));
    say(Level::info, "channel " + std::to_string(c.seq) + ": blocks " + std::to_string(first) +
                         ".." + std::to_string(last) + ", " + std::to_string(c.transactions) +
                         " transactions, " + std::to_string(c.tx_bytes) + " bytes in " +
                         std::to_string(c.payload_bytes) + " bytes, " + std::to_string(c.frames) +
                         " frame(s)");
    return {};
  }

  // Whether every frame of `c` is included, and the lowest L1 block one of them is in.
  struct Inclusion {
    bool all = true;
    std::uint64_t highest = 0;
  };
  Inclusion inclusion(const Channel& c) const {
    Inclusion out;
    for (std::uint64_t i = 0; i < c.frames; ++i) {
      const l1::TxRecord* r = txm.record(frame_id(c.seq, i));
      if (r == nullptr || !r->included) {
        out.all = false;
        return out;
      }
      out.highest = std::max(out.highest, r->included->block);
    }
    return out;
  }

  Result<storage::BlockRef> ref(std::uint64_t number) {
    ROLLUP_TRY(auto hash, db.canonical_hash(number));
    if (!hash) return fail(storage::Errc::corrupt_record, "block " + std::to_string(number));
    return storage::BlockRef{number, *hash};
  }

  // Back-pressure counts the transactions not included on L1 yet: in channels with a frame not
  // included, and in blocks not in a channel yet. It is kept up to date whether or not L1 answers:
  // an unreachable L1 is when it matters most.
  void update_backlog() {
    std::uint64_t bytes = open.tx_bytes;
    for (const Channel& c : channels) {
      if (!inclusion(c).all) bytes += c.tx_bytes;
    }
    backlog.store(bytes);
    backlog_gauge->set(static_cast<double>(bytes));
    const storage::Heads heads = db.heads();
    backlog_blocks->set(static_cast<double>(heads.unsafe.number -
                                            std::min(heads.unsafe.number, heads.safe.number)));
  }

  // The safe head: the last block of the longest run of channels, from the oldest, whose frames
  // are all included at depth. The finalized head likewise with L1's finalized block; final
  // channels are then forgotten.
  Result<void> advance_heads(const l1::L1Head& head, std::optional<std::uint64_t> l1_final) {
    const storage::Heads heads = db.heads();
    std::uint64_t safe = heads.finalized.number;
    std::uint64_t final_block = heads.finalized.number;
    std::size_t final_channels = 0;
    bool safe_run = true;
    for (std::size_t i = 0; i < channels.size(); ++i) {
      const Channel& c = channels[i];
      const Inclusion inc = inclusion(c);
      if (!inc.all) break;
      if (safe_run && head.number + 1 >= inc.highest + config.confirmations) {
        safe = c.last_block;
      } else {
        safe_run = false;
      }
      if (l1_final && inc.highest <= *l1_final && final_channels == i) {
        final_block = c.last_block;
        ++final_channels;
      }
    }
    safe = std::max(safe, final_block);
    storage::BatcherUpdate update;
    if (safe != heads.safe.number) {
      ROLLUP_TRY(auto r, ref(safe));
      update.safe = r;
    }
    if (final_block != heads.finalized.number) {
      ROLLUP_TRY(auto r, ref(final_block));
      update.finalized = r;
    }
    for (std::size_t i = 0; i < final_channels; ++i) {
      const Channel& c = channels[i];
      update.records.emplace_back(key('c', c.seq), std::nullopt);
      for (std::uint64_t f = 0; f < c.frames; ++f) {
        update.records.emplace_back(key('t', frame_id(c.seq, f)), std::nullopt);
      }
    }
    if (!update.safe && !update.finalized && update.records.empty()) return {};
    ROLLUP_TRY_VOID(db.update_batcher(update));
    for (std::size_t i = 0; i < final_channels; ++i) {
      for (std::uint64_t f = 0; f < channels[i].frames; ++f)
        txm.forget(frame_id(channels[i].seq, f));
    }
    channels.erase(channels.begin(),
                   channels.begin() + static_cast<std::ptrdiff_t>(final_channels));
    if (update.safe && update.safe->number < heads.safe.number) {
      say(Level::warn, "safe head back from " + std::to_string(heads.safe.number) + " to " +
                           std::to_string(update.safe->number) +
                           ": an L1 reorg took a batch away; it is being posted again");
    }
    return {};
  }

  Result<std::optional<l1::L1Head>> l1_block(const l1::BlockId& id) {
    ROLLUP_TRY(auto b, eth.get_block(id, false));
    if (!b) return std::optional<l1::L1Head>{};
    return std::optional<l1::L1Head>{l1::L1Head{b->number, b->hash, b->parent_hash, b->timestamp}};
  }

  void poll() {
    std::string error;
    bool reachable = true;
    bool no_funds = false;
    auto note = [&](const Error& e, std::string_view what) {
      if (error.empty()) error = std::string(what) + ": " + e.message();
    };
    // The L2 side first: new blocks into channels and the backlog the sequencer's back-pressure
    // reads, which must not wait on an L1 that does not answer.
    if (auto built = build_channels(); !built) note(built.error(), "building a batch");
    update_backlog();
    std::optional<l1::L1Head> head, safe, finalized, origin;
    if (auto h = l1_block(l1::BlockTag::latest); !h || !*h) {
      reachable = false;
      if (!h) note(h.error(), "reading L1's head");
    } else {
      head = **h;
      // Not every L1 answers "finalized" or "safe" (then nothing becomes final, which is safe;
      // the safe block is only shown in rollup_syncStatus).
      if (auto f = l1_block(l1::BlockTag::finalized); f) finalized = *f;
      if (auto s = l1_block(l1::BlockTag::safe); s) safe = *s;
      if (head->number >= config.origin_depth) {
        if (auto o = l1_block(head->number - config.origin_depth); o && *o) origin = **o;
      }
    }
    if (head) {
      const l1::Round round = txm.poll(*head);
      no_funds = round.out_of_funds;
      if (round.error) {
        note(*round.error, no_funds ? "the batcher's L1 account cannot pay for its next transaction"
                                    : "posting to L1");
      }
      posted_bytes->inc(round.calldata_bytes);
      posted_frames->inc(round.newly_included);
      reorged->inc(round.reorged);
      replaced->inc(round.replaced);
      const uint256 gwei = round.fees_paid / uint256(1'000'000'000);
      fees_gwei->inc(gwei.fits_u64() ? gwei.w[0] : UINT64_MAX);
      if (round.reorged != 0) {
        say(Level::warn, std::to_string(round.reorged) +
                             " batcher transaction(s) left L1's chain in a reorg; sending again");
      }
      std::optional<std::uint64_t> final_number;
      if (finalized) final_number = finalized->number;
      if (auto moved = advance_heads(*head, final_number); !moved)
        note(moved.error(), "moving the heads");
      l1_head->set(static_cast<double>(head->number));
    }
    update_backlog();
    out_of_funds->set(no_funds ? 1 : 0);
    std::string previous;
    {
      std::lock_guard lock(status_mutex);
      previous = status_.last_error;
      status_.l1_head = head;
      status_.l1_safe = safe;
      status_.l1_finalized = finalized;
      if (origin) status_.origin = origin;
      status_.next_block = next_block;
      status_.channels = channels.size();
      status_.backlog_bytes = backlog.load();
      status_.l1_reachable = reachable;
      status_.out_of_funds = no_funds;
      status_.last_error = error;
    }
    // One line when a problem starts and one when it ends, not one per poll.
    if (!error.empty() && error != previous) say(no_funds ? Level::error : Level::warn, error);
    if (error.empty() && !previous.empty()) say(Level::info, "batcher: L1 posting works again");
  }

  void run() {
    std::unique_lock lock(wake_mutex);
    while (!stopping) {
      lock.unlock();
      poll();
      lock.lock();
      wake.wait_for(lock, config.poll_interval, [&] { return stopping; });
    }
  }
};

Result<std::unique_ptr<Batcher>> Batcher::create(storage::Database& db, l1::Eth& eth,
                                                 const crypto::SecretKey& key,
                                                 l1::TxOptions tx_options, Config config,
                                                 net::Registry& metrics, Log log) {
  auto impl = std::make_unique<Impl>(db, eth, key, tx_options, std::move(config), std::move(log));
  ROLLUP_TRY_VOID(impl->load());
  const auto counter = [&](std::string_view name, std::string_view help) {
    auto c = metrics.counter(name, help);
    ROLLUP_ASSERT(c.has_value());
    return &c->get();
  };
  const auto gauge = [&](std::string_view name, std::string_view help) {
    auto g = metrics.gauge(name, help);
    ROLLUP_ASSERT(g.has_value());
    return &g->get();
  };
  impl->posted_bytes = counter("rollupd_batcher_posted_bytes_total",
                               "Calldata bytes of batcher transactions included on L1.");
  impl->posted_frames = counter("rollupd_batcher_frames_total", "Frames included on L1.");
  impl->posted_transactions = counter("rollupd_batcher_transactions_total",
                                      "L2 transactions in channels closed by the batcher.");
  impl->fees_gwei = counter("rollupd_batcher_l1_fees_gwei_total",
                            "L1 fees paid by the batcher's transactions, in gwei.");
  impl->reorged = counter("rollupd_batcher_reorged_total",
                          "Batcher transactions whose inclusion an L1 reorg took away.");
  impl->replaced =
      counter("rollupd_batcher_replacements_total",
              "Batcher transactions replaced with higher fees after waiting too long.");
  impl->backlog_gauge =
      gauge("rollupd_batcher_backlog_bytes", "Bytes of L2 transactions not yet included on L1.");
  impl->backlog_blocks = gauge("rollupd_batcher_backlog_blocks", "L2 blocks above the safe head.");
  impl->bytes_per_tx = gauge("rollupd_batcher_bytes_per_transaction",
                             "Batch bytes per L2 transaction in the last channel.");
  impl->out_of_funds =
      gauge("rollupd_batcher_out_of_funds",
            "1 while the batcher's L1 account cannot pay for its next transaction.");
  impl->l1_head = gauge("rollupd_batcher_l1_head", "L1's head block number as last read.");
  return std::unique_ptr<Batcher>(new Batcher(std::move(impl)));
}

Batcher::Batcher(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}

Batcher::~Batcher() {
  stop();
}

void Batcher::start() {
  ROLLUP_ASSERT(!m_impl->thread.joinable());
  m_impl->stopping = false;
  m_impl->thread = std::thread([this] { m_impl->run(); });
}

void Batcher::stop() {
  if (!m_impl->thread.joinable()) return;
  {
    std::lock_guard lock(m_impl->wake_mutex);
    m_impl->stopping = true;
  }
  m_impl->wake.notify_all();
  m_impl->thread.join();
}

void Batcher::poll() {
  m_impl->poll();
}

Status Batcher::status() const {
  std::lock_guard lock(m_impl->status_mutex);
  return m_impl->status_;
}

std::optional<storage::BlockRef> Batcher::origin() const {
  std::lock_guard lock(m_impl->status_mutex);
  const auto& o = m_impl->status_.origin;
  if (!o) return std::nullopt;
  return storage::BlockRef{o->number, o->hash};
}

std::uint64_t Batcher::backlog_bytes() const noexcept {
  return m_impl->backlog.load();
}

const Address& Batcher::address() const noexcept {
  return m_impl->txm.sender();
}

}  // namespace rollup::batcher
