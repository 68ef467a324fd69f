// rollupd: the rollup node daemon.
//   rollupd run [--config FILE] [--datadir DIR] [--genesis FILE] [--http.port N] ...
//                                               run the node (every configuration key is a flag)
//   rollupd init --genesis FILE --datadir DIR   create the database with the genesis block
//   rollupd version
// Everything the user gave wrong is reported on stderr with exit status 1; nothing is written to
// the datadir before the genesis file has been fully checked.

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <map>

#include "rollup/base/hex.hpp"
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
  auto* version = app.add_subcommand("version", "print the version");

  CLI11_PARSE(app, argc, argv);
  if (*version) {
    std::printf("rollupd %s\n", std::string(node::k_version).c_str());
    return 0;
  }
  if (*init) return run_init(genesis_path, datadir);
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
