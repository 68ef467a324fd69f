// rollupd: the rollup node daemon. Subcommands so far:
//   rollupd init --genesis FILE --datadir DIR   create the database with the genesis block
//   rollupd version
// The database lives in DIR/chaindata. Everything the user gave wrong is reported on stderr with
// exit status 1; nothing is written to the datadir before the genesis file has been fully checked.

#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "rollup/base/hex.hpp"
#include "rollup/execution/genesis.hpp"
#include "rollup/execution/genesis_state.hpp"
#include "rollup/storage/database.hpp"

namespace {

using namespace rollup;
namespace fs = std::filesystem;

constexpr const char* k_version = "0.1.0";

fs::path chaindata(const fs::path& datadir) {
  return datadir / "chaindata";
}

int fail_with(const std::string& message) {
  std::fprintf(stderr, "rollupd: %s\n", message.c_str());
  return 1;
}

void print_chain(const char* headline, const fs::path& datadir, std::uint64_t chain_id,
                 const Hash& hash, const Hash& root, std::size_t accounts) {
  std::printf("%s %s\n", headline, datadir.c_str());
  std::printf("  chain id:     %llu\n", static_cast<unsigned long long>(chain_id));
  std::printf("  genesis hash: %s\n", hex::encode(hash.view()).c_str());
  std::printf("  state root:   %s\n", hex::encode(root.view()).c_str());
  std::printf("  accounts:     %zu\n", accounts);
}

int run_init(const fs::path& genesis_path, const fs::path& datadir) {
  std::ifstream in(genesis_path, std::ios::binary);
  if (!in) return fail_with("cannot read genesis file " + genesis_path.string());
  std::stringstream text;
  text << in.rdbuf();
  auto genesis = execution::parse_genesis(text.str());
  if (!genesis) {
    return fail_with(genesis_path.string() + ": " + genesis.error().message());
  }
  const state::StateDiff alloc = execution::genesis_state(*genesis);
  const Hash root = execution::genesis_state_root(alloc);
  const types::Header header = execution::make_genesis_header(*genesis, root);
  const Hash hash = types::header_hash(header);

  const fs::path db_dir = chaindata(datadir);
  if (storage::Database::exists(db_dir)) {
    auto db = storage::Database::open(db_dir, {});
    if (!db) return fail_with(db.error().message());
    auto existing = (*db)->canonical_hash(0);
    if (!existing || !*existing) return fail_with("cannot read the genesis of " + db_dir.string());
    if (**existing != hash) {
      return fail_with("datadir " + datadir.string() + " already holds a chain with genesis " +
                       hex::encode((*existing)->view()) + ", but " + genesis_path.string() +
                       " gives " + hex::encode(hash.view()) +
                       "; use another --datadir, or remove this one to start over");
    }
    print_chain("already initialised with this genesis:", datadir, genesis->chain_id, hash, root,
                alloc.accounts.size());
    return 0;
  }
  auto db = storage::Database::create(db_dir, {}, alloc, [&](const Hash&) { return header; });
  if (!db) return fail_with(db.error().message());
  print_chain("initialised", datadir, genesis->chain_id, hash, root, alloc.accounts.size());
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
  auto* version = app.add_subcommand("version", "print the version");

  CLI11_PARSE(app, argc, argv);
  if (*version) {
    std::printf("rollupd %s\n", k_version);
    return 0;
  }
  if (*init) return run_init(genesis_path, datadir);
  return 1;
}
