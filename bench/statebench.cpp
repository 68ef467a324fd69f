// rollup-statebench: what a block's state changes cost, measured at a realistic state size.
//
//   (a) StateTrie::apply on an account trie of --accounts accounts held over a MemoryNodeStore: the
//       read of each changed account's previous value, the incremental rehash and the node
//       collection, per changed account, with the whole trie in memory and with the trie trimmed
//       to depth 5 before each block (the node's trie_cache_depth), so that the lower levels load
//       from the store. Peer: keccak-256 of the changed addresses and of exactly the nodes the
//       apply wrote, hashed with keccak256_many: the hashing no implementation can avoid.
//   (b) storage::Database: committed blocks per second including the synced RocksDB write
//       (BlockState over state_at(head) -> diff -> prepare_state -> commit_block), with sync on
//       and, as the peer, sync off.
//
// Single-threaded, plain std::chrono. Figures are the minimum and median over the repetitions; the
// repetitions of the different sizes run in a shuffled order so a burst of load on this shared
// machine hits every size alike (docs/performance.md).
//
//   rollup-statebench [--accounts N] [--quick] [--dir D] [--seed S]

#include <stdlib.h>  // mkdtemp

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <numeric>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "machine.hpp"
#include "rollup/base/bytes.hpp"
#include "rollup/crypto/keccak.hpp"
#include "rollup/state/state.hpp"
#include "rollup/state/state_trie.hpp"
#include "rollup/storage/database.hpp"
#include "rollup/trie/trie.hpp"
#include "rollup/types/account.hpp"
#include "rollup/types/header.hpp"

using namespace rollup;

namespace {

using Clock = std::chrono::steady_clock;

constexpr double k_target_us_per_account = 5.0;  // the goal stated in the issue
constexpr std::size_t k_trim_depth = 5;          // storage::Options::trie_cache_depth default
constexpr std::size_t k_build_chunk = 50'000;    // accounts per diff while building the state
constexpr std::uint64_t k_gwei = 1'000'000'000;
constexpr int k_block_rounds = 2;   // (b): alternations of sync on / off
constexpr int k_warmup_blocks = 2;  // (b): discarded blocks after each reopen

struct Config {
  std::size_t accounts = 1'000'000;
  int trie_reps = 10;
  int block_reps = 10;
  std::optional<std::filesystem::path> dir;
  std::uint64_t seed = 1;
};

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

struct Stats {
  double min = 0;
  double median = 0;
};

Stats stats_of(std::vector<double> v) {
  std::ranges::sort(v);
  const std::size_t n = v.size();
  return {v.front(), n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2};
}

[[noreturn]] void die(std::string_view what, const Error& e) {
  std::fprintf(stderr, "statebench: %.*s: %s\n", static_cast<int>(what.size()), what.data(),
               e.message().c_str());
  std::exit(2);
}

template <typename T>
T must(Result<T> r, std::string_view what) {
  if (!r) die(what, r.error());
  return std::move(*r);
}

void must(Result<void> r, std::string_view what) {
  if (!r) die(what, r.error());
}

Address random_address(std::mt19937_64& rng) {
  Address a;
  for (std::size_t i = 0; i < 20; i += 8) {
    const std::uint64_t w = rng();
    std::memcpy(a.bytes.data() + i, &w, std::min<std::size_t>(8, 20 - i));
  }
  return a;
}

types::Account random_account(std::mt19937_64& rng) {
  types::Account a;
  a.nonce = rng() % 1000;
  a.balance = uint256(rng()) * uint256(k_gwei);
  return a;
}

// `count` distinct indexes into [0, n), sorted by nothing in particular.
std::vector<std::size_t> distinct_picks(std::mt19937_64& rng, std::size_t n, std::size_t count) {
  std::vector<std::size_t> picks;
  std::unordered_set<std::size_t> seen;
  while (picks.size() < count) {
    const std::size_t i = rng() % n;
    if (seen.insert(i).second) picks.push_back(i);
  }
  return picks;
}

// ---------------------------------------------------------------------------------------------
// (a) StateTrie over a MemoryNodeStore.

// The accounts as they are now, from which each block's random changes are made.
using FlatAccounts = std::unordered_map<Address, types::Account>;

void record(FlatAccounts& flat, const state::StateDiff& diff, const state::StateUpdate& update) {
  for (std::size_t i = 0; i < diff.accounts.size(); ++i) {
    flat[diff.accounts[i].address] = *update.accounts[i];
  }
}

struct TrieSample {
  double apply_us = 0;   // per changed account
  double keccak_us = 0;  // per changed account: keccak-256 of the nodes the apply produced
  double nodes = 0;      // nodes written per changed account
};

// Folded into a volatile the optimiser must write, so the hashing below cannot be dropped.
volatile std::uint8_t g_sink = 0;

// The hashing no implementation of apply can avoid: keccak-256 of each changed address (its trie
// key) and of every node the apply wrote, with the fastest hashing we have (keccak256_many, several
// messages per SIMD register where the CPU allows; apply hashes its nodes the same way).
double keccak_floor_us(const state::StateDiff& diff, const std::vector<trie::NodeWrite>& written) {
  std::vector<ByteView> inputs;
  for (const auto& d : diff.accounts) inputs.push_back(d.address.view());
  for (const auto& node : written) inputs.push_back(node.encoding);
  std::vector<Hash> out(inputs.size());
  const auto start = Clock::now();
  crypto::keccak256_many(inputs, out);
  const double us = seconds_since(start) * 1e6;
  std::uint8_t fold = 0;
  for (const Hash& h : out) fold ^= h.bytes[0];
  g_sink = fold;
  return us;
}

void bench_state_trie(const Config& config, std::mt19937_64& rng) {
  std::printf(
      "\n(a) state root update per changed account: StateTrie::apply over a MemoryNodeStore, "
      "%zu accounts\n",
      config.accounts);
  trie::MemoryNodeStore nodes;
  state::StateTrie st(nodes, trie::k_empty_root);
  FlatAccounts flat;
  flat.reserve(config.accounts);
  std::vector<Address> addresses;
  addresses.reserve(config.accounts);

  const auto build_start = Clock::now();
  while (addresses.size() < config.accounts) {
    state::StateDiff diff;
    const std::size_t n = std::min(k_build_chunk, config.accounts - addresses.size());
    for (std::size_t i = 0; i < n; ++i) {
      state::AccountDiff d;
      d.address = random_address(rng);
      d.account = random_account(rng);
      diff.accounts.push_back(std::move(d));
    }
    std::ranges::sort(diff.accounts,
                      [](const auto& a, const auto& b) { return a.address < b.address; });
    auto update = must(st.apply(diff), "build: apply");
    record(flat, diff, update);
    for (const auto& d : diff.accounts) addresses.push_back(d.address);
    nodes.put(update.nodes);
  }
  std::printf("built in %.1f s (chunks of %zu accounts); %zu nodes in the store\n",
              seconds_since(build_start), k_build_chunk, nodes.size());

  std::vector<std::size_t> sizes;
  for (const std::size_t n : {100, 1000, 10000}) {
    if (n <= config.accounts) sizes.push_back(n);
  }
  std::printf("\n%-30s %7s %12s %12s %12s %9s %8s  %s\n", "trie in memory", "changed", "apply min",
              "apply median", "keccak floor", "ratio", "nodes", "target");
  std::printf("%-30s %7s %12s %12s %12s %9s %8s  %s\n", "", "accounts", "us/account", "us/account",
              "us/account", "min/floor", "/account", "<= 5 us");
  // The whole trie is in memory after the build; the trimmed variant runs second because trimming
  // is what makes the trie cold.
  for (const bool trimmed : {false, true}) {
    std::vector<std::size_t> order;
    for (const std::size_t n : sizes) order.insert(order.end(), config.trie_reps, n);
    std::ranges::shuffle(order, rng);
    std::unordered_map<std::size_t, std::vector<TrieSample>> samples;
    for (const std::size_t n : order) {
      state::StateDiff diff;
      for (const std::size_t i : distinct_picks(rng, addresses.size(), n)) {
        state::AccountDiff d;
        d.address = addresses[i];
        d.account = flat.at(d.address);
        d.account->balance += uint256(1 + rng() % k_gwei);
        diff.accounts.push_back(std::move(d));
      }
      std::ranges::sort(diff.accounts,
                        [](const auto& a, const auto& b) { return a.address < b.address; });
      if (trimmed) st.trim(k_trim_depth);
      const auto start = Clock::now();
      auto update = must(st.apply(diff), "apply");
      const double apply_us = seconds_since(start) * 1e6;
      const double floor_us = keccak_floor_us(diff, update.nodes);
      const double per = static_cast<double>(n);
      samples[n].push_back(
          {apply_us / per, floor_us / per, static_cast<double>(update.nodes.size()) / per});
      record(flat, diff, update);
      nodes.put(update.nodes);
    }
    for (const std::size_t n : sizes) {
      std::vector<double> apply, floor, written;
      for (const auto& s : samples[n]) {
        apply.push_back(s.apply_us);
        floor.push_back(s.keccak_us);
        written.push_back(s.nodes);
      }
      const Stats a = stats_of(apply);
      const Stats f = stats_of(floor);
      const std::string label =
          trimmed ? "trimmed to depth " + std::to_string(k_trim_depth) + " before each" : "whole";
      std::printf("%-30s %7zu %12.2f %12.2f %12.2f %8.2fx %8.2f  %s\n", label.c_str(), n, a.min,
                  a.median, f.min, a.min / f.min, stats_of(written).median,
                  a.median <= k_target_us_per_account ? "met" : "NOT met");
    }
  }
  std::printf("(%d repetitions per row, shuffled; target judged on the median)\n",
              config.trie_reps);
}

// ---------------------------------------------------------------------------------------------
// (b) storage::Database: whole blocks, committed.

types::Header block_header(std::uint64_t number, const Hash& parent, const Hash& state_root) {
  types::Header h;
  h.parent_hash = parent;
  h.number = number;
  h.state_root = state_root;
  h.timestamp = number;
  h.gas_limit = 30'000'000;
  h.base_fee_per_gas = uint256(k_gwei);
  h.withdrawals_root = types::k_empty_root_hash;
  h.blob_gas_used = 0;
  h.excess_blob_gas = 0;
  h.parent_beacon_block_root = Hash{};
  return h;
}

state::StateDiff new_accounts(std::mt19937_64& rng, std::size_t n, std::vector<Address>& out) {
  state::StateDiff diff;
  for (std::size_t i = 0; i < n; ++i) {
    state::AccountDiff d;
    d.address = random_address(rng);
    d.account = random_account(rng);
    out.push_back(d.address);
    diff.accounts.push_back(std::move(d));
  }
  std::ranges::sort(diff.accounts,
                    [](const auto& a, const auto& b) { return a.address < b.address; });
  return diff;
}

struct BlockSample {
  double total_ms = 0;    // state_at .. commit_block returned
  double execute_ms = 0;  // BlockState writes and diff()
  double prepare_ms = 0;  // prepare_state: the trie update
  double commit_ms = 0;   // commit_block: the RocksDB write (synced or not)
  std::size_t changed = 0;
};

// One block changing `k` random existing accounts (a balance credit each, read through the
// BlockState as execution would).
BlockSample commit_one(storage::Database& db, std::mt19937_64& rng,
                       const std::vector<Address>& addresses, std::size_t k) {
  BlockSample sample;
  const storage::BlockRef head = db.heads().unsafe;
  const auto start = Clock::now();
  state::StateDiff diff;
  {
    const auto view = must(db.state_at(head.number), "state_at");
    state::BlockState s(*view);
    for (const std::size_t i : distinct_picks(rng, addresses.size(), k)) {
      must(s.add_balance(addresses[i], uint256(1 + rng() % k_gwei)), "add_balance");
    }
    diff = must(s.diff(), "diff");
  }
  const auto executed = Clock::now();
  auto update = must(db.prepare_state(diff), "prepare_state");
  const auto prepared = Clock::now();
  storage::Block block;
  block.header = block_header(head.number + 1, head.hash, update.state_root);
  must(db.commit_block(block, {}, diff, std::move(update)), "commit_block");
  const auto committed = Clock::now();
  const auto ms = [](auto a, auto b) {
    return std::chrono::duration<double, std::milli>(b - a).count();
  };
  sample.total_ms = ms(start, committed);
  sample.execute_ms = ms(start, executed);
  sample.prepare_ms = ms(executed, prepared);
  sample.commit_ms = ms(prepared, committed);
  sample.changed = diff.accounts.size();
  return sample;
}

void bench_database(const Config& config, std::mt19937_64& rng) {
  std::printf("\n(b) committed-block throughput, storage::Database (RocksDB), %zu accounts\n",
              config.accounts);
  std::filesystem::path dir;
  bool temporary = false;
  if (config.dir) {
    dir = *config.dir;
  } else {
    std::string tmpl =
        (std::filesystem::temp_directory_path() / "rollup-statebench-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) {
      std::perror("mkdtemp");
      std::exit(2);
    }
    dir = tmpl;
    temporary = true;
  }
  dir /= "db";

  storage::Options options;
  std::vector<Address> addresses;
  addresses.reserve(config.accounts);
  const auto build_start = Clock::now();
  // Genesis takes one chunk and blocks add the rest: one write batch of a million accounts would
  // measure RocksDB's worst case, not the node's path.
  const state::StateDiff alloc =
      new_accounts(rng, std::min(k_build_chunk, config.accounts), addresses);
  auto db =
      must(storage::Database::create(
               dir, options, alloc, [](const Hash& root) { return block_header(0, Hash{}, root); }),
           "create");
  while (addresses.size() < config.accounts) {
    const state::StateDiff diff =
        new_accounts(rng, std::min(k_build_chunk, config.accounts - addresses.size()), addresses);
    const storage::BlockRef head = db->heads().unsafe;
    auto update = must(db->prepare_state(diff), "build: prepare_state");
    storage::Block block;
    block.header = block_header(head.number + 1, head.hash, update.state_root);
    must(db->commit_block(block, {}, diff, std::move(update)), "build: commit_block");
  }
  std::printf("built in %.1f s (genesis and blocks of %zu new accounts), head %llu, in %s\n",
              seconds_since(build_start), k_build_chunk,
              static_cast<unsigned long long>(db->heads().unsafe.number), dir.c_str());

  std::vector<std::size_t> sizes;
  for (const std::size_t k : {1000, 10000}) {
    if (k <= config.accounts) sizes.push_back(k);
  }
  // Three modes: 0 sync on with the trie the build left in memory (the first blocks after the
  // build), then 1 sync on and 2 sync off in alternating rounds, each on a freshly opened database
  // after the same warm-up blocks, so neither inherits the other's in-memory trie.
  const char* const mode_names[3] = {"on, trie in memory", "on, reopened", "off, reopened"};
  std::unordered_map<std::size_t, std::vector<BlockSample>> samples[3];
  const auto run_blocks = [&](int mode) {
    std::vector<std::size_t> order;
    for (const std::size_t k : sizes) {
      order.insert(order.end(), static_cast<std::size_t>(config.block_reps / k_block_rounds), k);
    }
    std::ranges::shuffle(order, rng);
    for (const std::size_t k : order)
      samples[mode][k].push_back(commit_one(*db, rng, addresses, k));
  };
  for (int round = 0; round < k_block_rounds; ++round) run_blocks(0);
  for (int round = 0; round < k_block_rounds; ++round) {
    for (const bool sync : {true, false}) {
      db.reset();
      options.sync = sync;
      db = must(storage::Database::open(dir, options), "reopen");
      // The first blocks after opening pay for loading the top of the trie and filling the block
      // cache; the rows below are for a node past that.
      for (int i = 0; i < k_warmup_blocks; ++i) (void)commit_one(*db, rng, addresses, sizes.back());
      run_blocks(sync ? 1 : 2);
    }
  }

  std::printf("\n%-19s %8s %9s %9s %11s %11s %8s %8s %8s\n", "sync", "changed", "block ms",
              "block ms", "accounts/s", "accounts/s", "execute", "prepare", "commit");
  std::printf("%-19s %8s %9s %9s %11s %11s %8s %8s %8s\n", "", "accounts", "min", "median", "best",
              "median", "ms med", "ms med", "ms med");
  std::unordered_map<std::size_t, double> min_ms[3];
  for (int mode = 0; mode < 3; ++mode) {
    for (const std::size_t k : sizes) {
      const auto& rows = samples[mode][k];
      std::vector<double> total, execute, prepare, commit;
      double changed = 0;
      for (const auto& r : rows) {
        total.push_back(r.total_ms);
        execute.push_back(r.execute_ms);
        prepare.push_back(r.prepare_ms);
        commit.push_back(r.commit_ms);
        changed += static_cast<double>(r.changed);
      }
      changed /= static_cast<double>(rows.size());
      const Stats t = stats_of(total);
      min_ms[mode][k] = t.min;
      std::printf("%-19s %8zu %9.1f %9.1f %11.0f %11.0f %8.1f %8.1f %8.1f\n", mode_names[mode], k,
                  t.min, t.median, changed / t.min * 1e3, changed / t.median * 1e3,
                  stats_of(execute).median, stats_of(prepare).median, stats_of(commit).median);
    }
  }
  for (const std::size_t k : sizes) {
    std::printf("ratio block time sync on / sync off @ %zu accounts: %.2fx (from the minimums)\n",
                k, min_ms[1][k] / min_ms[2][k]);
  }
  std::printf(
      "(%d blocks per row; reopened rows: %d rounds of sync on then off, each after %d warm-up "
      "blocks; sizes shuffled within a round)\n",
      config.block_reps / k_block_rounds * k_block_rounds, k_block_rounds, k_warmup_blocks);

  // A full recomputation from the flat state, so the figures are known to come from a database
  // that still holds the right state.
  const auto check_start = Clock::now();
  const Hash recomputed = must(db->recompute_state_root(), "recompute_state_root");
  const auto head_header = must(db->header(db->heads().unsafe.hash), "header");
  const bool consistent = head_header && head_header->state_root == recomputed;
  std::printf("check: recomputed state root %s the head's (%.1f s)\n",
              consistent ? "matches" : "DOES NOT MATCH", seconds_since(check_start));
  db.reset();
  if (temporary) std::filesystem::remove_all(dir.parent_path());
  if (!consistent) std::exit(1);
}

[[noreturn]] void usage() {
  std::fprintf(
      stderr,
      "usage: rollup-statebench [--accounts N] [--quick] [--only trie|db] [--dir D] [--seed S]\n"
      "  --accounts N  state size (default 1000000)\n"
      "  --quick       100000 accounts and fewer repetitions, for a smoke run\n"
      "  --only P      run only part (a) 'trie' or part (b) 'db'\n"
      "  --dir D       where to put the database of part (b) (default: a temp dir)\n");
  std::exit(2);
}

std::uint64_t parse_u64(const char* text) {
  const std::optional<std::uint64_t> v = bench::parse_count(text);
  if (!v) usage();
  return *v;
}

}  // namespace

int main(int argc, char** argv) {
  Config config;
  bool accounts_given = false;
  std::string_view only;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--quick") {
      if (!accounts_given) config.accounts = 100'000;
      config.trie_reps = 5;
      config.block_reps = 6;
    } else if (arg == "--accounts" && i + 1 < argc) {
      config.accounts = parse_u64(argv[++i]);
      accounts_given = true;
    } else if (arg == "--only" && i + 1 < argc) {
      only = argv[++i];
      if (only != "trie" && only != "db") usage();
    } else if (arg == "--dir" && i + 1 < argc) {
      config.dir = argv[++i];
    } else if (arg == "--seed" && i + 1 < argc) {
      config.seed = parse_u64(argv[++i]);
    } else {
      usage();
    }
  }
  if (config.accounts < 1000) usage();
  bench::print_machine();
  std::printf("rollup-statebench: %zu accounts, seed %llu\n", config.accounts,
              static_cast<unsigned long long>(config.seed));
  std::mt19937_64 rng(config.seed);
  if (only != "db") bench_state_trie(config, rng);
  if (only != "trie") bench_database(config, rng);
  return 0;
}
