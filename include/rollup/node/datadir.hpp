#pragma once
// The datadir: DIR/chaindata (the database), DIR/genesis.json (a copy of the genesis the chain
// was created from, so later runs need no --genesis) and DIR/transactions.rlp (the pool journal).

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>

#include "rollup/base/error.hpp"
#include "rollup/execution/genesis.hpp"
#include "rollup/storage/database.hpp"

namespace rollup::node {

[[nodiscard]] std::filesystem::path chaindata_dir(const std::filesystem::path& datadir);
[[nodiscard]] std::filesystem::path journal_file(const std::filesystem::path& datadir);

struct ChainInfo {
  execution::Genesis genesis;
  Hash genesis_hash;
  Hash state_root;
  std::size_t accounts = 0;
  bool created = false;                   // false: the datadir already held this chain
  std::unique_ptr<storage::Database> db;  // the chain's database, open with the options given
};

// Makes sure `datadir` holds the chain of `genesis_file`: creates the database when there is
// none, and otherwise checks that it was made from the same genesis (refusing a different one).
// Without a genesis file, the datadir's own copy is used. Nothing is written before the genesis
// has been read and checked in full. The database is returned open, checked once.
[[nodiscard]] Result<ChainInfo> prepare_datadir(
    const std::filesystem::path& datadir, const std::optional<std::filesystem::path>& genesis_file,
    const storage::Options& options);

}  // namespace rollup::node
