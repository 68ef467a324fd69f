// rollup-crash-test: kill -9 a process that commits blocks as fast as it can, many times over, and
// check after every kill that the database reopens as exactly the blocks whose commit returned
// (plus possibly the one in flight, never part of it), with a state root that matches its flat
// state.
//
//   rollup-crash-test [--kills N] [--dir D] [--seed S]   the parent: runs, kills and checks a child
//   rollup-crash-test child <dir> <seed>                  the child: commits blocks until killed
//
// The child prints "number hash state_root" after each commit returns. A line in the pipe is a
// commit the database promised to keep (sync is on), so the parent treats every line it reads,
// including those still buffered when the child died, as a block that must survive.
//
// Phase 1 kills the child inside Database::create (as soon as RocksDB has made the directory) and
// checks that the directory then holds genesis or reads as not initialized, and that a restarted
// child can start on it. Phase 2 kills the child N times at random points of its commit loop and
// checks after each kill:
//   (a) the head is the last block known durable or the one after it, never older, and every block
//       known durable is still canonical with the same hash;
//   (b) the head header's state root equals recompute_state_root() (the flat state, rehashed);
//   (c) nothing after the head is visible: no canonical hash, no state;
//   (d) the stored state root of every reported block is the one the child printed;
// plus that the head's body, receipts and indexes landed with its header.
//
// Block contents depend only on (seed, number) and the state of the parent block, so a child that
// restarts after a kill rebuilds exactly the block it was committing when it died; a block number
// that is reported twice must therefore have the same hash both times.

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "rollup/base/bytes.hpp"
#include "rollup/base/hex.hpp"
#include "rollup/crypto/keccak.hpp"
#include "rollup/crypto/secp256k1.hpp"
#include "rollup/state/state.hpp"
#include "rollup/storage/database.hpp"
#include "rollup/trie/trie.hpp"
#include "rollup/types/header.hpp"
#include "rollup/types/receipt.hpp"
#include "rollup/types/transaction.hpp"

using namespace rollup;

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t k_pool_size = 5000;
constexpr std::size_t k_genesis_accounts = 500;
constexpr std::uint64_t k_chain_id = 901;
constexpr std::uint64_t k_gas_limit = 30'000'000;
constexpr std::uint64_t k_gwei = 1'000'000'000;
constexpr std::uint64_t k_transfer_gas = 21'000;
constexpr int k_default_kills = 25;
constexpr std::uint64_t k_min_kill_ms = 20;
constexpr std::uint64_t k_max_kill_ms = 400;

// splitmix64: tiny, seedable from any 64-bit value, and the same sequence on every platform, which
// the replay argument above depends on (std distributions are implementation-defined).
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : m_state(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (m_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // The modulo bias is below 2^-50 for the small ranges used here.
  std::uint64_t below(std::uint64_t n) { return next() % n; }
  std::uint64_t between(std::uint64_t lo, std::uint64_t hi) { return lo + below(hi - lo + 1); }
  bool percent(std::uint64_t p) { return below(100) < p; }

 private:
  std::uint64_t m_state;
};

std::uint64_t block_seed(std::uint64_t seed, std::uint64_t number) {
  Rng r(seed ^ (number * 0xd1342543de82ef95ULL));
  r.next();
  return r.next();
}

Hash tagged_hash(std::string_view tag, std::uint64_t n) {
  Bytes data(tag.begin(), tag.end());
  for (int i = 7; i >= 0; --i) data.push_back(static_cast<std::uint8_t>(n >> (8 * i)));
  return crypto::keccak256(data);
}

// Addresses spread over the whole key space (as keccak-derived addresses are), so that trie paths
// look like a real chain's rather than sharing long prefixes.
std::vector<Address> make_pool() {
  std::vector<Address> pool(k_pool_size);
  for (std::size_t i = 0; i < k_pool_size; ++i) {
    const Hash h = tagged_hash("rollup-crash-test address", i);
    std::memcpy(pool[i].bytes.data(), h.bytes.data() + 12, 20);
  }
  return pool;
}

Hash slot_of(std::uint64_t i) {
  return uint256(i).to_hash();
}

Bytes random_code(Rng& rng) {
  Bytes code(rng.between(1, 200));
  for (auto& b : code) b = static_cast<std::uint8_t>(rng.next());
  return code;
}

uint256 random_balance(Rng& rng) {
  return uint256(rng.next()) * uint256(k_gwei);
}

[[noreturn]] void die(std::string_view what, const Error& e) {
  std::fprintf(stderr, "crash test: %.*s: %s\n", static_cast<int>(what.size()), what.data(),
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

storage::Options db_options() {
  storage::Options options;
  options.sync = true;  // the checks below rely on every returned commit being durable
  options.cache_bytes = 16 << 20;
  return options;
}

// ---------------------------------------------------------------------------------------------
// The child: commits blocks until killed.

class EmptyState final : public state::StateView {
 public:
  Result<std::optional<types::Account>> account(const Address&) const override {
    return std::optional<types::Account>{};
  }
  Result<uint256> storage(const Address&, const Hash&) const override { return uint256{}; }
  Result<Bytes> code(const Hash& code_hash) const override {
    if (code_hash == types::k_empty_code_hash) return Bytes{};
    return fail(state::Errc::missing_code);
  }
};

state::StateDiff genesis_alloc(const std::vector<Address>& pool) {
  EmptyState empty;
  state::BlockState s(empty);
  Rng rng(0x6e6573697347ULL);
  for (std::size_t i = 0; i < k_genesis_accounts; ++i) {
    must(s.set_balance(pool[i], uint256(1'000'000'000'000'000'000ULL) * uint256(i + 1)), "alloc");
    if (i % 50 == 0) {
      must(s.set_code(pool[i], random_code(rng)), "alloc code");
      for (std::uint64_t j = 0; j < 3; ++j) {
        must(s.set_storage(pool[i], slot_of(j), uint256(rng.next() | 1)), "alloc storage");
      }
    }
  }
  return must(s.diff(), "alloc diff");
}

types::Header base_header(std::uint64_t number, const Hash& parent, const Hash& state_root) {
  types::Header h;
  h.parent_hash = parent;
  h.number = number;
  h.state_root = state_root;
  h.timestamp = number;
  h.gas_limit = k_gas_limit;
  h.base_fee_per_gas = uint256(k_gwei);
  h.withdrawals_root = types::k_empty_root_hash;
  h.blob_gas_used = 0;
  h.excess_blob_gas = 0;
  h.parent_beacon_block_root = Hash{};
  return h;
}

// Random account changes of the kinds a block makes: transfers, nonce bumps, storage writes
// (including deletes), contract creation and self-destruct.
void random_changes(state::BlockState& s, Rng& rng, const std::vector<Address>& pool) {
  const std::uint64_t changes = rng.between(100, 400);
  for (std::uint64_t i = 0; i < changes; ++i) {
    const Address& a = pool[rng.below(pool.size())];
    const std::uint64_t op = rng.below(100);
    if (op < 2) {
      must(s.destroy_account(a), "destroy_account");
      continue;
    }
    if (op < 4) must(s.set_code(a, random_code(rng)), "set_code");
    const auto before = must(s.account(a), "account");
    must(s.set_balance(a, random_balance(rng)), "set_balance");
    if (op < 50) must(s.set_nonce(a, (before ? before->nonce : 0) + 1), "set_nonce");
    if (op >= 70) {
      const std::uint64_t writes = rng.between(1, 4);
      for (std::uint64_t w = 0; w < writes; ++w) {
        // A small slot range, so later writes hit existing slots and zeros really delete.
        const uint256 value = rng.percent(25) ? uint256{} : uint256(rng.between(1, 1'000'000'000));
        must(s.set_storage(a, slot_of(rng.below(16)), value), "set_storage");
      }
    }
  }
}

struct BlockBody {
  std::vector<types::Transaction> transactions;
  std::vector<types::Receipt> receipts;
};

BlockBody random_body(Rng& rng, std::uint64_t number, const std::vector<Address>& pool,
                      const crypto::SecretKey& key) {
  BlockBody body;
  const std::uint64_t count = rng.between(1, 5);
  std::uint64_t gas = 0;
  for (std::uint64_t i = 0; i < count; ++i) {
    types::Transaction txn;
    txn.type = static_cast<types::TxType>(rng.below(3));
    txn.chain_id = k_chain_id;
    // Unique per block and position, so every transaction hash is distinct and the tx index
    // points at exactly one place.
    txn.nonce = number * 8 + i;
    txn.gas_limit = k_transfer_gas;
    if (txn.type == types::TxType::dynamic_fee) {
      txn.max_priority_fee_per_gas = uint256(k_gwei);
      txn.max_fee_per_gas = uint256(2 * k_gwei);
    } else {
      txn.max_priority_fee_per_gas = txn.max_fee_per_gas = uint256(2 * k_gwei);
    }
    txn.to = pool[rng.below(pool.size())];
    txn.value = uint256(rng.next());
    if (txn.type == types::TxType::access_list) {
      txn.access_list.push_back({*txn.to, {slot_of(rng.below(16))}});
    }
    must(types::sign_transaction(txn, key), "sign_transaction");

    types::Receipt receipt;
    receipt.type = txn.type;
    receipt.success = rng.percent(90);
    gas += k_transfer_gas;
    receipt.cumulative_gas_used = gas;
    if (rng.percent(30)) {
      types::Log log;
      log.address = *txn.to;
      log.topics.push_back(tagged_hash("rollup-crash-test topic", number * 8 + i));
      log.data = Bytes(rng.below(64), 0xab);
      receipt.logs.push_back(std::move(log));
    }
    receipt.bloom = types::logs_bloom(receipt.logs);
    body.transactions.push_back(std::move(txn));
    body.receipts.push_back(std::move(receipt));
  }
  return body;
}

Hash transactions_root(const std::vector<types::Transaction>& txns) {
  std::vector<Bytes> encoded;
  for (const auto& t : txns) encoded.push_back(types::encode_transaction(t));
  return trie::ordered_trie_root(encoded);
}

Hash receipts_root(const std::vector<types::Receipt>& receipts) {
  std::vector<Bytes> encoded;
  for (const auto& r : receipts) encoded.push_back(types::encode_receipt(r));
  return trie::ordered_trie_root(encoded);
}

// One write() per line: a pipe write of at most PIPE_BUF bytes is atomic, so the parent never sees
// half a line from a killed child.
void report(std::uint64_t number, const Hash& hash, const Hash& state_root) {
  const std::string line =
      std::to_string(number) + " " + hex::encode(hash) + " " + hex::encode(state_root) + "\n";
  const char* p = line.data();
  std::size_t left = line.size();
  while (left > 0) {
    const ssize_t n = ::write(STDOUT_FILENO, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) std::exit(3);  // the parent went away
    p += n;
    left -= static_cast<std::size_t>(n);
  }
}

int run_child(const std::filesystem::path& dir, std::uint64_t seed) {
  const std::vector<Address> pool = make_pool();
  const auto key =
      must(crypto::SecretKey::from_bytes(tagged_hash("rollup-crash-test key", 0).view()), "key");
  std::unique_ptr<storage::Database> db;
  if (storage::Database::exists(dir)) {
    auto opened = storage::Database::open(dir, db_options());
    // A directory whose creation was cut short holds no genesis; the node initialises it again.
    if (opened || !(opened.error() == storage::Errc::not_initialized)) {
      db = must(std::move(opened), "open");
    }
  }
  if (!db) {
    db = must(
        storage::Database::create(dir, db_options(), genesis_alloc(pool),
                                  [](const Hash& root) { return base_header(0, Hash{}, root); }),
        "create");
    const storage::BlockRef genesis = db->heads().unsafe;
    const auto header = must(db->header(genesis.hash), "genesis header");
    if (!header) die("genesis header", Error(make_error_code(storage::Errc::unknown_block)));
    report(0, genesis.hash, header->state_root);
  }

  storage::BlockRef head = db->heads().unsafe;
  for (;;) {
    const std::uint64_t number = head.number + 1;
    Rng rng(block_seed(seed, number));
    storage::Block block;
    state::StateDiff diff;
    state::StateUpdate update;
    {
      const auto view = must(db->state_at(head.number), "state_at(head)");
      state::BlockState s(*view);
      random_changes(s, rng, pool);
      diff = must(s.diff(), "diff");
    }
    update = must(db->prepare_state(diff), "prepare_state");
    BlockBody body = random_body(rng, number, pool, key);
    block.header = base_header(number, head.hash, update.state_root);
    block.header.transactions_root = transactions_root(body.transactions);
    block.header.receipts_root = receipts_root(body.receipts);
    block.header.gas_used = body.receipts.back().cumulative_gas_used;
    for (const auto& r : body.receipts) types::bloom_merge(block.header.logs_bloom, r.bloom);
    block.transactions = std::move(body.transactions);
    const Hash state_root = update.state_root;
    must(db->commit_block(block, body.receipts, diff, std::move(update)), "commit_block");
    head = {number, types::header_hash(block.header)};
    report(number, head.hash, state_root);
  }
}

// ---------------------------------------------------------------------------------------------
// The parent: runs the child, kills it, checks the database.

struct Known {
  Hash hash;
  Hash state_root;
  bool reported = false;  // printed by the child; otherwise first seen as a head after a kill
};

struct Checker {
  std::map<std::uint64_t, Known> known;
  std::vector<std::uint64_t> heads;
  // Kills that found the block after the last reported one durable: they landed after its write
  // reached the OS (typically during the WAL fsync) but before the child printed it.
  int unreported_heads = 0;
  int failures = 0;

  void failed(const std::string& what) {
    std::fprintf(stderr, "crash test: FAILED: %s\n", what.c_str());
    ++failures;
  }
  bool check(bool ok, const std::string& what) {
    if (!ok) failed(what);
    return ok;
  }

  // A line from the child: "number hash state_root".
  void add_reported(std::string_view line) {
    const auto sp1 = line.find(' ');
    const auto sp2 = line.rfind(' ');
    if (sp1 == std::string_view::npos || sp1 == sp2)
      return failed("bad line: " + std::string(line));
    const std::uint64_t number =
        std::strtoull(std::string(line.substr(0, sp1)).c_str(), nullptr, 10);
    auto hash = hex::decode_fixed<32>(line.substr(sp1 + 1, sp2 - sp1 - 1));
    auto root = hex::decode_fixed<32>(line.substr(sp2 + 1));
    if (!hash || !root) return failed("bad line: " + std::string(line));
    const auto [it, inserted] = known.try_emplace(number, Known{*hash, *root, true});
    if (!inserted) {
      check(it->second.hash == *hash,
            "block " + std::to_string(number) + " reported with two different hashes");
      it->second.reported = true;
    }
  }

  [[nodiscard]] std::optional<std::uint64_t> last_known() const {
    if (known.empty()) return std::nullopt;
    return known.rbegin()->first;
  }

  // Opens the database after a kill and checks (a)-(d) of the crash contract, plus that the head
  // block's body, receipts and indexes landed with its header.
  // `any_head`: a database left by an earlier run, whose head nothing here has seen yet.
  void verify(const std::filesystem::path& dir, bool any_head = false) {
    auto opened = storage::Database::open(dir, db_options());
    if (!opened) {
      // Killed inside create(): acceptable only if nothing was ever committed.
      if (known.empty() && opened.error() == storage::Errc::not_initialized) {
        heads.push_back(~0ULL);
        return;
      }
      return failed("open after kill: " + opened.error().message());
    }
    const std::unique_ptr<storage::Database> db = std::move(*opened);
    const storage::BlockRef head = db->heads().unsafe;
    const std::string at = "head " + std::to_string(head.number) + ": ";
    heads.push_back(head.number);

    // (a) the head is the last block known durable, or the one after it; never older.
    const auto last = last_known();
    if (!any_head && last) {
      if (!check(head.number == *last || head.number == *last + 1,
                 at + "expected " + std::to_string(*last) + " or the block after it")) {
        return;
      }
    } else if (!any_head && !check(head.number == 0, at + "expected genesis, none was reported")) {
      return;
    }

    const auto header = db->header(head.hash);
    if (!check(header && header->has_value(), at + "no header for the head hash")) return;
    const types::Header& h = **header;
    check(types::header_hash(h) == head.hash, at + "header does not hash to the head hash");
    check(h.number == head.number, at + "header number differs from the head pointer");
    if (last && head.number == *last + 1) {
      check(h.parent_hash == known.at(*last).hash, at + "parent is not the last known block");
      ++unreported_heads;
    }

    // Every block known durable is still canonical, with the same hash and the state root the
    // child saw when its commit returned ((d) for the head, and for every earlier block too).
    for (const auto& [number, k] : known) {
      if (number > head.number) break;
      const std::string block = "block " + std::to_string(number) + ": ";
      const auto canon = db->canonical_hash(number);
      check(canon && *canon == std::optional<Hash>(k.hash), block + "no longer canonical");
      const auto stored = db->header(k.hash);
      check(stored && stored->has_value() && (*stored)->state_root == k.state_root,
            block + "stored state root differs from the one reported");
    }

    // (d) the state root the child saw when the commit returned.
    const auto it = known.find(head.number);
    if (it != known.end()) {
      check(it->second.hash == head.hash, at + "hash differs from the reported one");
      check(it->second.state_root == h.state_root, at + "state root differs from the reported one");
    } else {
      known.emplace(head.number, Known{head.hash, h.state_root, false});
    }

    // (b) the flat state hashes to the header's root.
    const auto recomputed = db->recompute_state_root();
    if (check(recomputed.has_value(), at + "recompute_state_root failed: " +
                                          (recomputed ? "" : recomputed.error().message()))) {
      check(*recomputed == h.state_root, at + "flat state root " + hex::encode(*recomputed) +
                                             " != header state root " + hex::encode(h.state_root));
    }

    // (c) nothing after the head.
    const auto next = db->canonical_hash(head.number + 1);
    check(next && !next->has_value(), at + "a canonical hash exists after the head");
    check(!db->state_at(head.number + 1).has_value(), at + "state after the head is readable");
    if (head.number > 0) {
      check(db->state_at(head.number - 1).has_value(), at + "parent state is not readable");
    }

    // The rest of the head block landed in the same write as its header.
    const auto num = db->block_number(head.hash);
    check(num && *num == std::optional<std::uint64_t>(head.number), at + "block index missing");
    const auto body = db->body(head.hash);
    const auto receipts = db->receipts(head.hash);
    if (!check(body && body->has_value(), at + "body missing") ||
        !check(receipts && receipts->has_value(), at + "receipts missing")) {
      return;
    }
    check(transactions_root(**body) == h.transactions_root, at + "body does not match header");
    check(receipts_root(**receipts) == h.receipts_root, at + "receipts do not match header");
    for (std::uint32_t i = 0; i < (*body)->size(); ++i) {
      const auto loc = db->tx_location(types::transaction_hash((**body)[i]));
      check(loc && loc->has_value() && (*loc)->block_num == head.number &&
                (*loc)->block_hash == head.hash && (*loc)->index == i,
            at + "tx index of transaction " + std::to_string(i) + " wrong");
    }
  }
};

struct ChildProcess {
  pid_t pid = -1;
  int out = -1;  // read end of the child's stdout
};

ChildProcess spawn_child(const std::filesystem::path& dir, std::uint64_t seed) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    std::perror("pipe2");
    std::exit(2);
  }
  const std::string dir_arg = dir.string();
  const std::string seed_arg = std::to_string(seed);
  const pid_t pid = ::fork();
  if (pid < 0) {
    std::perror("fork");
    std::exit(2);
  }
  if (pid == 0) {
    // dup2 clears close-on-exec on the new descriptor, so only the pipe's write end survives exec.
    ::dup2(fds[1], STDOUT_FILENO);
    ::execl("/proc/self/exe", "rollup-crash-test", "child", dir_arg.c_str(), seed_arg.c_str(),
            static_cast<char*>(nullptr));
    std::perror("exec /proc/self/exe");
    ::_exit(127);
  }
  ::close(fds[1]);
  return {pid, fds[0]};
}

// Reads the child's lines until `deadline` (or EOF when deadline is nullopt). Returns false on EOF.
bool read_lines(int fd, std::string& pending, Checker& checker,
                std::optional<Clock::time_point> deadline) {
  for (;;) {
    int timeout_ms = -1;
    if (deadline) {
      // Rounded up, so a deadline less than a millisecond away still waits instead of spinning.
      const auto left = std::chrono::ceil<std::chrono::milliseconds>(*deadline - Clock::now());
      timeout_ms = static_cast<int>(std::max<std::int64_t>(0, left.count()));
    }
    pollfd p{fd, POLLIN, 0};
    const int ready = ::poll(&p, 1, timeout_ms);
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0) return true;
    char buf[4096];
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    pending.append(buf, static_cast<std::size_t>(n));
    for (auto nl = pending.find('\n'); nl != std::string::npos; nl = pending.find('\n')) {
      checker.add_reported(std::string_view(pending).substr(0, nl));
      pending.erase(0, nl + 1);
    }
    // A child that writes without pause must not keep the caller past its deadline.
    if (deadline && Clock::now() >= *deadline) return true;
  }
}

std::string describe_status(int status) {
  if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return std::string("killed by ") + ::strsignal(WTERMSIG(status));
  return "stopped";
}

// Runs the child on `dir` until `deadline` or until `kill_now` says so (asked every millisecond),
// kills it with SIGKILL, collects every line it wrote and reaps it. False when the child died on
// its own (recorded as a failure: it only stops when killed).
bool run_and_kill(const std::filesystem::path& dir, std::uint64_t seed, Checker& checker,
                  Clock::time_point deadline, const std::function<bool()>& kill_now = {}) {
  ChildProcess child = spawn_child(dir, seed);
  std::string pending;
  bool alive = true;
  for (;;) {
    const auto step =
        kill_now ? std::min(deadline, Clock::now() + std::chrono::milliseconds(1)) : deadline;
    alive = read_lines(child.out, pending, checker, step);
    if (!alive || Clock::now() >= deadline || (kill_now && kill_now())) break;
  }
  if (alive) ::kill(child.pid, SIGKILL);
  // Lines still in the pipe were written after their commit returned: they count.
  read_lines(child.out, pending, checker, std::nullopt);
  ::close(child.out);
  int status = 0;
  while (::waitpid(child.pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!checker.check(alive && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
                     "the child " + describe_status(status) + " before it was killed")) {
    return false;
  }
  // A partial line cannot come from an atomic pipe write; it would mean the child's output is
  // broken, not that a commit is in doubt.
  return checker.check(pending.empty(), "partial line from the child: " + pending);
}

// A kill inside Database::create, after RocksDB has made the directory and before the genesis
// write: the directory must then read as holding genesis or as not initialized, and the node must
// be able to start on it again (a node killed during `init` must not need hand repair).
void check_create_kill(const std::filesystem::path& dir, std::uint64_t seed, Checker& checker) {
  const auto start = Clock::now();
  if (!run_and_kill(dir, seed, checker, start + std::chrono::seconds(10),
                    [&] { return std::filesystem::exists(dir / "CURRENT"); })) {
    return;
  }
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
  std::string outcome;
  {
    auto opened = storage::Database::open(dir, db_options());
    if (opened) {
      outcome = "holds genesis";
    } else if (opened.error() == storage::Errc::not_initialized) {
      outcome = "reads as not initialized";
    } else {
      return checker.failed("killed inside Database::create (" + std::to_string(ms.count()) +
                            " ms after start): reopening fails with \"" + opened.error().message() +
                            "\", so the directory can be neither opened nor created again");
    }
  }
  if (outcome == "holds genesis") checker.verify(dir);
  // The restarted node initialises the directory if needed and commits a few blocks.
  if (!run_and_kill(dir, seed, checker, Clock::now() + std::chrono::seconds(10), [&] {
        const auto last = checker.last_known();
        return last && *last >= 3;
      })) {
    return;
  }
  checker.verify(dir);
  std::printf("create kill after %lld ms: the directory %s; restarted, head %llu\n",
              static_cast<long long>(ms.count()), outcome.c_str(),
              static_cast<unsigned long long>(checker.heads.back()));
}

int run_parent(int kills, std::optional<std::filesystem::path> dir_arg,
               std::optional<std::uint64_t> seed_arg) {
  const std::uint64_t seed = seed_arg ? *seed_arg : std::random_device{}() * 0x100000001ULL;
  std::printf("crash test: seed %llu (rerun with --seed %llu)\n",
              static_cast<unsigned long long>(seed), static_cast<unsigned long long>(seed));
  std::filesystem::path base;
  bool temporary = false;
  if (dir_arg) {
    base = *dir_arg;
  } else {
    std::string tmpl = (std::filesystem::temp_directory_path() / "rollup-crash-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) {
      std::perror("mkdtemp");
      return 2;
    }
    base = tmpl;
    temporary = true;
  }
  const std::filesystem::path dir = base / "db";
  const std::filesystem::path create_dir = base / "create";
  std::printf("crash test: databases in %s\n", base.c_str());
  std::fflush(stdout);

  // Phase 1, in a directory of its own so that phase 2 runs whatever it finds.
  Checker create_checker;
  std::filesystem::remove_all(create_dir);
  check_create_kill(create_dir, seed, create_checker);

  // Phase 2: kills at random points of the commit loop.
  Checker checker;
  // A database left by an earlier run is checked first and then extended.
  if (storage::Database::exists(dir)) checker.verify(dir, /*any_head=*/true);
  Rng rng(seed);
  const auto start = Clock::now();
  for (int k = 0; k < kills && checker.failures == 0; ++k) {
    const auto delay = std::chrono::milliseconds(rng.between(k_min_kill_ms, k_max_kill_ms));
    if (!run_and_kill(dir, seed, checker, Clock::now() + delay)) break;
    checker.verify(dir);
    const std::uint64_t head = checker.heads.back();
    std::printf("kill %2d after %3lld ms: head %s\n", k + 1, static_cast<long long>(delay.count()),
                head == ~0ULL ? "(none: killed inside create)" : std::to_string(head).c_str());
    std::fflush(stdout);
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();

  const auto last = checker.last_known();
  checker.check(last && *last > 0, "the chain did not grow past genesis");
  std::string heads;
  for (const auto h : checker.heads) {
    heads += (h == ~0ULL ? std::string("-") : std::to_string(h)) + " ";
  }
  if (!heads.empty()) heads.pop_back();
  std::size_t reported = 0;
  for (const auto& [n, k] : checker.known) reported += k.reported ? 1 : 0;
  std::printf(
      "crash test: %zu kills, heads %s, %s (%zu blocks reported; %d heads one past the last "
      "report; %.1f s)\n",
      checker.heads.size(), heads.c_str(),
      checker.failures == 0 ? "all consistent" : "NOT consistent", reported,
      checker.unreported_heads, seconds);
  const int failures = checker.failures + create_checker.failures;
  if (failures > 0) {
    std::printf("crash test: %d failures (seed %llu); databases kept in %s\n", failures,
                static_cast<unsigned long long>(seed), base.c_str());
    return 1;
  }
  if (temporary) std::filesystem::remove_all(base);
  return 0;
}

[[noreturn]] void usage() {
  std::fprintf(stderr,
               "usage: rollup-crash-test [--kills N] [--dir D] [--seed S]\n"
               "       rollup-crash-test child <dir> <seed>\n");
  std::exit(2);
}

std::uint64_t parse_u64(const char* text) {
  char* end = nullptr;
  errno = 0;
  const unsigned long long v = std::strtoull(text, &end, 10);
  if (errno != 0 || end == text || *end != '\0') usage();
  return v;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 2 && std::string_view(argv[1]) == "child") {
    if (argc != 4) usage();
    return run_child(argv[2], parse_u64(argv[3]));
  }
  int kills = k_default_kills;
  std::optional<std::filesystem::path> dir;
  std::optional<std::uint64_t> seed;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (i + 1 >= argc) usage();
    if (arg == "--kills") {
      kills = static_cast<int>(parse_u64(argv[++i]));
    } else if (arg == "--dir") {
      dir = argv[++i];
    } else if (arg == "--seed") {
      seed = parse_u64(argv[++i]);
    } else {
      usage();
    }
  }
  return run_parent(kills, dir, seed);
}
