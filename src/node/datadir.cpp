#include "rollup/node/datadir.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "rollup/base/hex.hpp"
#include "rollup/execution/genesis_state.hpp"
#include "rollup/node/config.hpp"

namespace rollup::node {

namespace fs = std::filesystem;

fs::path chaindata_dir(const fs::path& datadir) {
  return datadir / "chaindata";
}

fs::path journal_file(const fs::path& datadir) {
  return datadir / "transactions.rlp";
}

namespace {

fs::path genesis_copy(const fs::path& datadir) {
  return datadir / "genesis.json";
}

Result<std::string> read_text(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return fail(Errc::datadir, "cannot read " + file.string());
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

bool fsync_path(const fs::path& path, int flags) {
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) return false;
  const bool ok = ::fsync(fd) == 0;
  ::close(fd);
  return ok;
}

// Written beside, synced and renamed in, so the copy is whole or absent even after a power loss.
Result<void> write_copy(const fs::path& datadir, const std::string& text) {
  const fs::path temp = genesis_copy(datadir).string() + ".tmp";
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out.flush()) return fail(Errc::datadir, "cannot write " + temp.string());
  }
  if (!fsync_path(temp, O_RDONLY)) return fail(Errc::datadir, "cannot sync " + temp.string());
  std::error_code ec;
  fs::rename(temp, genesis_copy(datadir), ec);
  if (ec) return fail(Errc::datadir, "cannot write " + genesis_copy(datadir).string());
  if (!fsync_path(datadir, O_RDONLY | O_DIRECTORY)) {
    return fail(Errc::datadir, "cannot sync " + datadir.string());
  }
  return {};
}

}  // namespace

Result<ChainInfo> prepare_datadir(const fs::path& datadir,
                                  const std::optional<fs::path>& genesis_file,
                                  const storage::Options& options) {
  std::string text;
  if (genesis_file) {
    ROLLUP_TRY(text, read_text(*genesis_file));
  } else if (fs::exists(genesis_copy(datadir))) {
    ROLLUP_TRY(text, read_text(genesis_copy(datadir)));
  } else {
    return fail(Errc::datadir, "datadir " + datadir.string() +
                                   " holds no chain yet; give --genesis to create one");
  }
  const fs::path source = genesis_file ? *genesis_file : genesis_copy(datadir);
  auto parsed = execution::parse_genesis(text);
  if (!parsed) return fail(Errc::datadir, source.string() + ": " + parsed.error().message());
  ChainInfo info;
  info.genesis = std::move(*parsed);
  const state::StateDiff alloc = execution::genesis_state(info.genesis);
  info.state_root = execution::genesis_state_root(alloc);
  info.accounts = alloc.accounts.size();
  const types::Header header = execution::make_genesis_header(info.genesis, info.state_root);
  info.genesis_hash = types::header_hash(header);

  const fs::path db_dir = chaindata_dir(datadir);
  if (storage::Database::exists(db_dir)) {
    ROLLUP_TRY(info.db, storage::Database::open(db_dir, options));
    auto existing = info.db->canonical_hash(0);
    if (!existing || !*existing) {
      return fail(Errc::datadir, "cannot read the genesis of " + db_dir.string());
    }
    if (**existing != info.genesis_hash) {
      return fail(Errc::datadir, "datadir " + datadir.string() +
                                     " already holds a chain with genesis " +
                                     hex::encode((*existing)->view()) + ", but " + source.string() +
                                     " gives " + hex::encode(info.genesis_hash.view()) +
                                     "; use another --datadir, or remove this one to start over");
    }
  } else {
    ROLLUP_TRY(info.db, storage::Database::create(db_dir, options, alloc,
                                                  [&](const Hash&) { return header; }));
    info.created = true;
  }
  if (genesis_file) ROLLUP_TRY_VOID(write_copy(datadir, text));
  return info;
}

}  // namespace rollup::node
