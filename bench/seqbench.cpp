// rollup-seqbench: block production throughput for signed transfers submitted in-process (no RPC):
// the intake (decoding, sender recovery in parallel, pool validation and journal), block building,
// execution, the state root and the synced RocksDB commit, all running together as in the node.
//
//   rollup-seqbench [--senders N] [--transfers N] [--block-times MS,MS] [--dir D]
//
// Defaults: 1,000 funded senders, 100,000 transfers between them (one round of nonces after
// another), 100 ms and 1 s blocks, each on a fresh database with synced commits. The clock runs
// from the first submission until the block holding the last transfer is committed.
//
// Peer: the sender-recovery ceiling, measured in the same run on the same transactions with all
// cores. Every transaction's signature must be recovered once, so that rate bounds the intake;
// the ratio says how much of it is left after everything else a block needs.

#include <stdlib.h>  // mkdtemp
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "machine.hpp"
#include "rollup/base/assert.hpp"
#include "rollup/crypto/secp256k1.hpp"
#include "rollup/execution/genesis.hpp"
#include "rollup/sequencer/sequencer.hpp"
#include "rollup/storage/database.hpp"
#include "rollup/txpool/journal.hpp"
#include "rollup/txpool/pool.hpp"

using namespace rollup;
namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::uint64_t k_chain_id = 901;
constexpr double k_goal_per_second = 25'000;  // the goal on this 2-core machine
const uint256 k_gwei(1'000'000'000);

struct Options {
  std::size_t senders = 1000;
  std::size_t transfers = 100'000;
  std::vector<std::uint64_t> block_times = {100, 1000};
  std::optional<fs::path> dir;
};

struct Sender {
  crypto::SecretKey key;
  Address address;
};

Sender sender(std::size_t i) {
  Bytes raw(32, 0);
  raw[0] = 0x5e;
  for (int b = 0; b < 8; ++b) raw[31 - b] = static_cast<std::uint8_t>((i + 1) >> (8 * b));
  auto key = crypto::SecretKey::from_bytes(raw);
  ROLLUP_ASSERT(key.has_value());
  auto pub = crypto::public_key(*key);
  ROLLUP_ASSERT(pub.has_value());
  return {*key, crypto::address_of(*pub)};
}

unsigned cores() {
  return std::max(1u, std::thread::hardware_concurrency());
}

// Runs f(i) for i in [0, n) on every core.
template <typename F>
void parallel_for(std::size_t n, F f) {
  std::atomic<std::size_t> next{0};
  std::vector<std::jthread> threads;
  for (unsigned t = 0; t < cores(); ++t) {
    threads.emplace_back([&] {
      for (std::size_t i = next++; i < n; i = next++) f(i);
    });
  }
}

// Round r holds nonce r of every sender, so a batch never waits on a gap.
std::vector<Bytes> sign_transfers(const std::vector<Sender>& senders, std::size_t count) {
  std::vector<Bytes> raw(count);
  parallel_for(count, [&](std::size_t i) {
    const std::size_t from = i % senders.size();
    types::Transaction t;
    t.type = types::TxType::dynamic_fee;
    t.chain_id = k_chain_id;
    t.nonce = i / senders.size();
    t.max_fee_per_gas = 100 * k_gwei;
    t.max_priority_fee_per_gas = k_gwei;
    t.gas_limit = 21'000;
    t.to = senders[(from * 7 + 1 + t.nonce) % senders.size()].address;
    t.value = uint256(1'000 + i);
    ROLLUP_ASSERT(types::sign_transaction(t, senders[from].key).has_value());
    raw[i] = types::encode_transaction(t);
  });
  return raw;
}

types::Header genesis_header(const Hash& root) {
  execution::Genesis genesis;
  // A block's gas limit is a chain's choice; 1e9 (47,619 transfers) keeps block space from capping
  // what is measured here, the node's own throughput.
  genesis.gas_limit = 1'000'000'000;
  genesis.base_fee_per_gas = k_gwei;
  return execution::make_genesis_header(genesis, root);
}

// CPU seconds this process has used so far, on all its threads.
double cpu_seconds() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  const auto s = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return s(u.ru_utime) + s(u.ru_stime);
}

struct Run {
  double seconds = 0;
  double cpu_seconds = 0;  // over `seconds`: how many cores the run kept busy
  double intake_seconds = 0;
  std::size_t blocks = 0;
  std::vector<double> build_ms;
  std::vector<double> commit_ms;
};

Run run(const fs::path& dir, const std::vector<Sender>& senders, const std::vector<Bytes>& raw,
        std::uint64_t block_time_ms, std::uint64_t gas_limit) {
  fs::remove_all(dir);
  fs::create_directories(dir);
  state::StateDiff alloc;
  for (const Sender& s : senders) {
    state::AccountDiff a;
    a.address = s.address;
    a.account = types::Account{.nonce = 0, .balance = uint256(1'000'000) * k_gwei * k_gwei};
    alloc.accounts.push_back(a);
  }
  std::ranges::sort(alloc.accounts,
                    [](const auto& a, const auto& b) { return a.address < b.address; });
  auto db = storage::Database::create(dir / "chaindata", {}, alloc, genesis_header);
  ROLLUP_ASSERT(db.has_value());
  execution::ChainConfig chain;
  chain.chain_id = k_chain_id;
  Address vault;
  vault.bytes[19] = 0xfe;
  chain.base_fee_vault = vault;
  // Room for the whole load: the bench measures throughput, not the pool's limits.
  txpool::Config pool_config;
  pool_config.global_slots = raw.size() + 1;
  pool_config.account_queue = raw.size();
  auto head = sequencer::Sequencer::pool_head(**db, chain, gas_limit);
  ROLLUP_ASSERT(head.has_value());
  txpool::Pool pool(pool_config, chain, *head);
  txpool::Journal::Loaded loaded;
  auto journal = txpool::Journal::open(dir / "transactions.rlp", false, loaded);
  ROLLUP_ASSERT(journal.has_value());
  ROLLUP_ASSERT(pool.set_journal(journal->get()).has_value());

  sequencer::Config config;
  config.block_time = std::chrono::milliseconds(block_time_ms);
  config.empty_blocks = false;
  config.fee_recipient.bytes[19] = 0xc0;
  config.gas_limit = gas_limit;
  sequencer::Sequencer seq(**db, pool, chain, config);
  Run r;
  std::atomic<std::size_t> included{0};
  std::atomic<std::int64_t> done_ns{0};
  std::mutex times;
  const double cpu_start = cpu_seconds();
  const auto start = Clock::now();
  sequencer::Loop loop(
      seq,
      [&](const sequencer::Sealed& s) {
        {
          std::lock_guard lock(times);
          r.build_ms.push_back(std::chrono::duration<double, std::milli>(s.build_time).count());
          r.commit_ms.push_back(std::chrono::duration<double, std::milli>(s.commit_time).count());
        }
        if (included.fetch_add(s.transactions) + s.transactions == raw.size()) {
          done_ns = (Clock::now() - start).count();
        }
      },
      [](const Error& e) {
        std::fprintf(stderr, "seqbench: block failed: %s\n", e.message().c_str());
      });
  loop.start();
  constexpr std::size_t k_batch = 1000;
  for (std::size_t first = 0; first < raw.size(); first += k_batch) {
    const std::size_t n = std::min(k_batch, raw.size() - first);
    for (const auto& answer : txpool::submit(pool, std::span(raw).subspan(first, n), cores())) {
      if (!answer) {
        std::fprintf(stderr, "seqbench: refused: %s\n", answer.error().message().c_str());
        std::exit(1);
      }
    }
  }
  r.intake_seconds = std::chrono::duration<double>(Clock::now() - start).count();
  while (done_ns.load() == 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  r.cpu_seconds = cpu_seconds() - cpu_start;
  loop.stop();
  r.seconds = static_cast<double>(done_ns.load()) / 1e9;
  r.blocks = r.build_ms.size();
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--senders" && i + 1 < argc) {
      o.senders = std::stoul(argv[++i]);
    } else if (arg == "--transfers" && i + 1 < argc) {
      o.transfers = std::stoul(argv[++i]);
    } else if (arg == "--block-times" && i + 1 < argc) {
      o.block_times.clear();
      std::string list = argv[++i];
      for (std::size_t p = 0; p < list.size();) {
        const std::size_t c = list.find(',', p);
        o.block_times.push_back(std::stoull(list.substr(p, c - p)));
        p = c == std::string::npos ? list.size() : c + 1;
      }
    } else if (arg == "--dir" && i + 1 < argc) {
      o.dir = argv[++i];
    } else {
      std::fprintf(stderr,
                   "usage: rollup-seqbench [--senders N] [--transfers N] [--block-times MS,MS] "
                   "[--dir D]\n");
      return 2;
    }
  }
  bench::print_machine();
  std::printf("rollup-seqbench: %zu senders, %zu transfers, synced commits\n", o.senders,
              o.transfers);

  std::vector<Sender> senders;
  for (std::size_t i = 0; i < o.senders; ++i) senders.push_back(sender(i));
  auto t = Clock::now();
  const std::vector<Bytes> raw = sign_transfers(senders, o.transfers);
  std::printf("signed in %.1f s\n", std::chrono::duration<double>(Clock::now() - t).count());

  // The peer: recovering every sender once, on all cores, and nothing else.
  std::vector<types::Transaction> decoded;
  for (const Bytes& r : raw) decoded.push_back(*types::decode_transaction(r));
  t = Clock::now();
  const auto senders_back = txpool::recover_senders(decoded, cores());
  const double recovery_s = std::chrono::duration<double>(Clock::now() - t).count();
  ROLLUP_ASSERT(senders_back.size() == raw.size());
  const double ceiling = static_cast<double>(raw.size()) / recovery_s;
  std::printf("sender recovery alone (%u threads): %.0f transfers/s\n\n", cores(), ceiling);

  std::string templ = (fs::temp_directory_path() / "rollup-seqbench-XXXXXX").string();
  const fs::path root = o.dir ? *o.dir : fs::path(::mkdtemp(templ.data()));
  std::printf("%-10s %12s %10s %7s %10s %10s %10s %10s %9s %6s  %s\n", "block time", "transfers/s",
              "intake s", "blocks", "build p50", "build p99", "commit p50", "commit p99",
              "/ceiling", "cores", "goal >= 25,000/s");
  bool met = true;
  for (const std::uint64_t ms : o.block_times) {
    const Run r = run(root / ("run-" + std::to_string(ms)), senders, raw, ms, 0);
    const double rate = static_cast<double>(raw.size()) / r.seconds;
    met &= rate >= k_goal_per_second;
    std::printf("%7llu ms %12.0f %10.2f %7zu %8.1fms %8.1fms %8.1fms %8.1fms %8.2fx %6.2f  %s\n",
                static_cast<unsigned long long>(ms), rate, r.intake_seconds, r.blocks,
                bench::percentile(r.build_ms, 0.5), bench::percentile(r.build_ms, 0.99),
                bench::percentile(r.commit_ms, 0.5), bench::percentile(r.commit_ms, 0.99),
                rate / ceiling, r.cpu_seconds / r.seconds,
                rate >= k_goal_per_second ? "met" : "NOT met");
  }
  if (!o.dir) fs::remove_all(root);
  return met ? 0 : 3;
}
