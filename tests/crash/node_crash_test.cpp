// rollup-node-crash-test: kill -9 the whole node (sequencer, pool, journal) while it takes a
// steady stream of transfers, many times, and check after every kill that nothing it promised is
// lost.
//
//   rollup-node-crash-test [--kills N] [--dir D] [--seed S]   the parent
//   rollup-node-crash-test child <datadir> <genesis> <seed>   the child: runs a node and feeds it
//
// The child runs the node in-process (50 ms blocks, synced commits) and submits transfers from a
// set of funded keys. It writes one line to its stdout pipe per promise, with a single write(2):
//   "ack <hash>"           the pool accepted the transaction (and journaled it) before answering;
//   "head <number> <hash>" the database shows this block as its head (committed, synced).
// Every line the parent reads, including those still in the pipe when the child died, is a promise.
// After each kill the parent checks, on the datadir alone and then through a restarted node:
//   (a) every reported head block is still canonical with the same hash (no sealed block lost);
//   (b) the head header's state root equals the root recomputed from the flat state;
//   (c) every acknowledged transaction is either in a block or back in the restarted pool.

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "rollup/base/hex.hpp"
#include "rollup/node/daemon.hpp"
#include "rollup/node/datadir.hpp"
#include "rollup/node/logging.hpp"
#include "support/chain.hpp"

namespace {

using namespace rollup;
using namespace rollup::testing;
namespace fs = std::filesystem;

constexpr int k_senders = 8;

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "node-crash-test: %s\n", what.c_str());
  std::exit(1);
}

Key sender_key(int i) {
  return make_key(static_cast<std::uint8_t>(10 + i));
}

node::Config node_config(const fs::path& datadir, const fs::path& genesis) {
  node::Config c;
  c.datadir = datadir;
  c.genesis = genesis;
  c.http.port = 0;
  c.sequencer.block_time_ms = 50;
  c.sequencer.fee_recipient = plain_address(0xc0);
  c.rollup.base_fee_vault = plain_address(0xfe);
  c.log.level = "error";
  return c;
}

void say(const std::string& line) {
  const std::string text = line + "\n";
  // One write per line (well below PIPE_BUF), so a kill never leaves half a promise in the pipe.
  if (::write(STDOUT_FILENO, text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
    std::_Exit(3);
  }
}

int run_child(const fs::path& datadir, const fs::path& genesis, std::uint64_t seed) {
  node::Config config = node_config(datadir, genesis);
  if (!node::setup_logging(config.log)) return 2;
  auto started = node::Daemon::start(config);
  if (!started) die("child: " + started.error().message());
  node::Daemon& d = **started;
  std::mt19937_64 rng(seed);
  std::vector<Key> keys;
  for (int i = 0; i < k_senders; ++i) keys.push_back(sender_key(i));
  Hash last_head;
  while (true) {
    const Key& from = keys[rng() % keys.size()];
    auto nonce = d.pool().pending_nonce(from.address);
    if (!nonce) die("child: " + nonce.error().message());
    const auto txn =
        transfer(from, k_chain_id, *nonce, plain_address(0x0d), uint256(1 + rng() % 1000));
    const Bytes raw = types::encode_transaction(txn);
    auto answer = txpool::submit(d.pool(), std::span<const Bytes>(&raw, 1), 1);
    if (answer[0]) say("ack " + hex::encode(answer[0]->view()));
    const storage::BlockRef head = d.database().heads().unsafe;
    if (head.hash != last_head) {
      say("head " + std::to_string(head.number) + " " + hex::encode(head.hash.view()));
      last_head = head.hash;
    }
    std::this_thread::sleep_for(std::chrono::microseconds(500 + rng() % 1500));
  }
}

struct Promises {
  std::set<std::string> acked;
  std::map<std::uint64_t, std::string> heads;
};

void take_lines(std::string& buffer, Promises& p) {
  std::size_t end;
  while ((end = buffer.find('\n')) != std::string::npos) {
    const std::string line = buffer.substr(0, end);
    buffer.erase(0, end + 1);
    if (line.starts_with("ack ")) {
      p.acked.insert(line.substr(4));
    } else if (line.starts_with("head ")) {
      const std::size_t space = line.find(' ', 5);
      p.heads[std::stoull(line.substr(5, space - 5))] = line.substr(space + 1);
    }
  }
}

// Runs a child for `run_for`, killing it with SIGKILL, and collects every line it wrote.
void run_and_kill(const std::string& self, const fs::path& datadir, const fs::path& genesis,
                  std::uint64_t seed, std::chrono::milliseconds run_for, Promises& p) {
  int out[2];
  if (::pipe(out) != 0) die("pipe");
  const pid_t pid = ::fork();
  if (pid < 0) die("fork");
  if (pid == 0) {
    ::dup2(out[1], STDOUT_FILENO);
    ::close(out[0]);
    ::close(out[1]);
    const std::string seed_text = std::to_string(seed);
    ::execl(self.c_str(), self.c_str(), "child", datadir.c_str(), genesis.c_str(),
            seed_text.c_str(), static_cast<char*>(nullptr));
    std::_Exit(127);
  }
  ::close(out[1]);
  std::string buffer;
  const auto kill_at = std::chrono::steady_clock::now() + run_for;
  bool killed = false;
  while (true) {
    if (!killed && std::chrono::steady_clock::now() >= kill_at) {
      ::kill(pid, SIGKILL);
      killed = true;
    }
    pollfd fd{out[0], POLLIN, 0};
    ::poll(&fd, 1, 10);
    if (fd.revents & (POLLIN | POLLHUP)) {
      char chunk[4096];
      const ssize_t n = ::read(out[0], chunk, sizeof chunk);
      if (n > 0) {
        buffer.append(chunk, static_cast<std::size_t>(n));
        take_lines(buffer, p);
        continue;
      }
      if (n == 0 && killed) break;  // the child is gone and the pipe is drained
    }
  }
  ::close(out[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL) {
    die("the child ended on its own (status " + std::to_string(status) + "), not by SIGKILL");
  }
}

struct Counts {
  std::size_t blocks = 0;
  std::size_t included = 0;
  std::size_t in_pool = 0;
};

Counts check(const fs::path& datadir, const fs::path& genesis, const Promises& p, int kill) {
  const std::string at = "after kill " + std::to_string(kill) + ": ";
  Counts counts;
  {
    auto db = storage::Database::open(node::chaindata_dir(datadir), {});
    if (!db) die(at + "database does not reopen: " + db.error().message());
    for (const auto& [number, hash] : p.heads) {
      auto canonical = (*db)->canonical_hash(number);
      if (!canonical || !*canonical || hex::encode((*canonical)->view()) != hash) {
        die(at + "sealed block " + std::to_string(number) + " " + hash + " is lost");
      }
      ++counts.blocks;
    }
    auto head = (*db)->header((*db)->heads().unsafe.hash);
    auto root = (*db)->recompute_state_root();
    if (!head || !*head || !root || *root != (**head).state_root) {
      die(at + "the head's state root does not match the flat state");
    }
  }
  node::Config config = node_config(datadir, genesis);
  // No block during the check: a transaction must not move from the pool into a block between
  // the two lookups below.
  config.sequencer.block_time_ms = 3'600'000;
  auto d = node::Daemon::start(config);
  if (!d) die(at + "the node does not restart: " + d.error().message());
  for (const std::string& text : p.acked) {
    auto hash = hex::decode_fixed<32>(text);
    auto where = (*d)->database().tx_location(*hash);
    if (where && *where) {
      ++counts.included;
    } else if ((*d)->pool().get(*hash)) {
      ++counts.in_pool;
    } else {
      die(at + "acknowledged transaction " + text + " is neither in a block nor in the pool");
    }
  }
  (*d)->stop();
  return counts;
}

void write_genesis(const fs::path& file) {
  std::vector<Address> funded;
  for (int i = 0; i < k_senders; ++i) funded.push_back(sender_key(i).address);
  std::ofstream(file) << genesis_json(funded);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 5 && std::string(argv[1]) == "child") {
    return run_child(argv[2], argv[3], std::stoull(argv[4]));
  }
  int kills = 20;
  std::uint64_t seed = 1;
  std::optional<fs::path> dir;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--kills" && i + 1 < argc) {
      kills = std::stoi(argv[++i]);
    } else if (arg == "--seed" && i + 1 < argc) {
      seed = std::stoull(argv[++i]);
    } else if (arg == "--dir" && i + 1 < argc) {
      dir = argv[++i];
    } else {
      std::fprintf(stderr, "usage: rollup-node-crash-test [--kills N] [--dir D] [--seed S]\n");
      return 2;
    }
  }
  node::Config::Log quiet;
  quiet.level = "error";
  if (!node::setup_logging(quiet)) return 2;
  std::string templ = (fs::temp_directory_path() / "rollup-node-crash-XXXXXX").string();
  const fs::path root = dir ? *dir : fs::path(::mkdtemp(templ.data()));
  fs::create_directories(root);
  const fs::path genesis = root / "genesis.json";
  const fs::path datadir = root / "data";
  write_genesis(genesis);
  const std::string self = fs::read_symlink("/proc/self/exe").string();
  std::mt19937_64 rng(seed);
  Promises promises;
  Counts last;
  for (int kill = 1; kill <= kills; ++kill) {
    const auto run_for = std::chrono::milliseconds(300 + rng() % 900);
    run_and_kill(self, datadir, genesis, rng(), run_for, promises);
    last = check(datadir, genesis, promises, kill);
  }
  std::printf(
      "node-crash-test: %d kills; %zu sealed blocks reported, all canonical; %zu acknowledged "
      "transactions: %zu included, %zu back in the pool; state root consistent after every kill\n",
      kills, last.blocks, promises.acked.size(), last.included, last.in_pool);
  if (!dir) fs::remove_all(root);
  return 0;
}
