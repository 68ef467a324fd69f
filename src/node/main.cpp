// rollupd: the rollup node daemon.
//   rollupd run [--config FILE] [--datadir DIR] [--genesis FILE] [--http.port N] ...
//                                               run the node (every configuration key is a flag)
//   rollupd init --genesis FILE --datadir DIR   create the database with the genesis block
//   rollupd decode-batches --l1-rpc URL --inbox ADDR --batcher ADDR [--from-block N] [--to-block N]
//                                               print the L2 blocks posted to L1, as JSON lines
//   rollupd version
// Everything the user gave wrong is reported on stderr with exit status 1; nothing is written to
// the datadir before the genesis file has been fully checked.

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "rollup/base/hex.hpp"
#include "rollup/derivation/inbox.hpp"
#include "rollup/l1/client.hpp"
#include "rollup/l1/eth.hpp"
#include "rollup/node/config.hpp"
#include "rollup/node/daemon.hpp"
#include "rollup/node/datadir.hpp"
#include "rollup/node/logging.hpp"
#include "rollup/node/version.hpp"

namespace {

using namespace rollup;
namespace fs = std::filesystem;

int fail_with(const std::string& message) {
  std::fprintf(stderr, "rollupd: %s\n", message.c_str());
  return 1;
}

int run_init(const fs::path& genesis_path, const fs::path& datadir) {
  auto info = node::prepare_datadir(datadir, genesis_path, {});
  if (!info) return fail_with(info.error().message());
  std::printf("%s %s\n", info->created ? "initialised" : "already initialised with this genesis:",
              datadir.c_str());
  std::printf("  chain id:     %llu\n", static_cast<unsigned long long>(info->genesis.chain_id));
  std::printf("  genesis hash: %s\n", hex::encode(info->genesis_hash.view()).c_str());
  std::printf("  state root:   %s\n", hex::encode(info->state_root.view()).c_str());
  std::printf("  accounts:     %zu\n", info->accounts);
  return 0;
}

int run_node(const node::Sources& sources) {
  auto config = node::load_config(sources);
  if (!config) return fail_with(config.error().message());
  if (auto r = node::setup_logging(config->log); !r) return fail_with(r.error().message());
  // SIGINT and SIGTERM are taken by this thread alone, with sigwait: blocked here before any other
  // thread exists, so every thread the node starts inherits the mask.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  auto daemon = node::Daemon::start(*config);
  if (!daemon) {
    node::logger("node")->error("cannot start: {}", daemon.error().message());
    return 1;
  }
  int signal = 0;
  sigwait(&stop_signals, &signal);
  node::logger("node")->info("received {}", signal == SIGINT ? "SIGINT" : "SIGTERM");
  (*daemon)->stop();
  return 0;
}

std::string hex0x(ByteView b) {
  return hex::encode(b);
}

// Reads L1 from `from` to `to` (default: its head) and prints each L2 block found in the batch
// inbox once, in the order found, as one JSON object per line; a summary goes to stderr.
int run_decode_batches(const std::string& url, const std::string& inbox_text,
                       const std::string& batcher_text, std::uint64_t from,
                       std::optional<std::uint64_t> to) {
  const auto inbox = hex::decode_fixed<20>(inbox_text);
  const auto batcher = hex::decode_fixed<20>(batcher_text);
  if (!inbox) return fail_with("--inbox: not a 20-byte hex address: " + inbox_text);
  if (!batcher) return fail_with("--batcher: not a 20-byte hex address: " + batcher_text);
  l1::ClientOptions options;
  options.url = url;
  auto client = l1::Client::create(options);
  if (!client) return fail_with(client.error().message());
  l1::Eth eth(**client);
  if (!to) {
    auto head = eth.block_number();
    if (!head) return fail_with("reading L1's head: " + head.error().message());
    to = *head;
  }
  derivation::InboxReader reader(
      eth, {.inbox = *inbox, .batcher = *batcher, .channels = {}, .limits = {}});
  std::set<std::uint64_t> printed;
  std::uint64_t batches = 0, blocks = 0, transactions = 0, repeated = 0;
  auto read = reader.read(from, *to, [&](derivation::FoundBatch found) {
    ++batches;
    const auto& b = found.batch;
    for (std::size_t i = 0; i < b.blocks.size(); ++i) {
      const auto& block = b.blocks[i];
      // A batch posted again (after an L1 reorg or a restart) repeats its blocks: print each once.
      if (!printed.insert(block.number).second) {
        ++repeated;
        continue;
      }
      nlohmann::json txs = nlohmann::json::array();
      for (const auto& t : block.transactions)
        txs.push_back(hex0x(types::transaction_hash(t).view()));
      nlohmann::json line = {
          {"number", block.number},
          {"timestamp", block.timestamp},
          {"gasLimit", block.gas_limit},
          {"feeRecipient", hex0x(block.beneficiary.view())},
          {"l1Origin",
           {{"number", block.origin.number}, {"hash", hex0x(block.origin.hash.view())}}},
          {"transactions", std::move(txs)},
          {"l1Block", found.l1_block},
          {"channel", hex0x(found.channel.view())}};
      // The batch commits to its last block's hash; a reader can compare it with the chain's.
      if (i + 1 == b.blocks.size()) line["hash"] = hex0x(b.last_hash.view());
      std::printf("%s\n", line.dump().c_str());
      ++blocks;
      transactions += block.transactions.size();
    }
  });
  std::fflush(stdout);
  const derivation::Skipped& s = reader.skipped();
  std::fprintf(
      stderr,
      "L1 blocks %llu..%llu: %llu batches, %llu L2 blocks (%llu repeated), %llu "
      "transactions; skipped: %llu from other senders, %llu reverted, %llu not frames, "
      "%llu frames unused, %llu bad batches, %llu channels timed out\n",
      static_cast<unsigned long long>(from), static_cast<unsigned long long>(*to),
      static_cast<unsigned long long>(batches), static_cast<unsigned long long>(blocks),
      static_cast<unsigned long long>(repeated), static_cast<unsigned long long>(transactions),
      static_cast<unsigned long long>(s.other_senders), static_cast<unsigned long long>(s.failed),
      static_cast<unsigned long long>(s.bad_frames),
      static_cast<unsigned long long>(s.ignored_frames),
      static_cast<unsigned long long>(s.bad_batches),
      static_cast<unsigned long long>(s.expired_channels));
  if (!read) return fail_with("reading L1: " + read.error().message());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"rollupd: Ethereum layer 2 rollup node and sequencer"};
  app.require_subcommand(1);

  fs::path genesis_path;
  fs::path datadir;
  auto* init = app.add_subcommand("init", "create a node database from a genesis file");
  init->add_option("--genesis", genesis_path, "geth-format genesis.json")->required();
  init->add_option("--datadir", datadir, "data directory (the database goes to DIR/chaindata)")
      ->required();

  auto* run = app.add_subcommand("run", "run the node: sequence blocks and serve HTTP");
  std::string config_file;
  run->add_option("--config", config_file, "TOML configuration file (docs/configuration.md)")
      ->type_name("path");
  std::map<std::string, std::string> values;
  std::map<std::string, CLI::Option*> options;
  for (const node::Key& key : node::keys()) {
    options[key.name] =
        run->add_option(key.flag, values[key.name], key.help + " [env " + key.env + "]")
            ->type_name(key.type);
  }
  auto* decode = app.add_subcommand("decode-batches",
                                    "read the batches posted to L1 and print their L2 blocks as "
                                    "JSON lines");
  std::string l1_rpc, inbox, batcher_address;
  std::uint64_t from_block = 0;
  std::optional<std::uint64_t> to_block;
  decode->add_option("--l1-rpc", l1_rpc, "L1 JSON-RPC URL (or ROLLUPD_L1_RPC)");
  decode->add_option("--inbox", inbox, "the batch inbox address")->required();
  decode->add_option("--batcher", batcher_address, "the batcher's address")->required();
  decode->add_option("--from-block", from_block, "first L1 block to read (default 0)");
  decode->add_option("--to-block", to_block, "last L1 block to read (default: L1's head)");
  auto* version = app.add_subcommand("version", "print the version");

  CLI11_PARSE(app, argc, argv);
  if (*version) {
    std::printf("rollupd %s\n", std::string(node::k_version).c_str());
    return 0;
  }
  if (*init) return run_init(genesis_path, datadir);
  if (*decode) {
    if (l1_rpc.empty()) {
      if (const char* env = std::getenv("ROLLUPD_L1_RPC")) l1_rpc = env;
    }
    if (l1_rpc.empty()) return fail_with("decode-batches: give --l1-rpc or ROLLUPD_L1_RPC");
    return run_decode_batches(l1_rpc, inbox, batcher_address, from_block, to_block);
  }
  if (*run) {
    node::Sources sources;
    if (!config_file.empty()) sources.file = config_file;
    sources.getenv = [](const std::string& name) -> std::optional<std::string> {
      const char* v = std::getenv(name.c_str());
      if (v == nullptr) return std::nullopt;
      return std::string(v);
    };
    for (const auto& [name, option] : options) {
      if (option->count() > 0) sources.flags[name] = values[name];
    }
    return run_node(sources);
  }
  return 1;
}
