#pragma once
// The pool's journal: every accepted transaction is appended to a file before the node
// acknowledges it, so that a restart (clean or kill -9) finds it again.
//
// Format: a sequence of records, each `u32 length (big-endian) | 4-byte check | envelope`, where
// the check is the first four bytes of keccak256(envelope). A kill during an append leaves at
// most one torn record at the end; load() reports the whole records before it and cuts the file
// there, so appends continue on a clean boundary. A record that fails its check in the middle of
// the file (disk corruption) is skipped and counted, never fatal: the journal is a convenience for
// users, the chain itself never depends on it.
//
// Durability: an append is a write(2) to the file, which survives the process being killed (the
// data is in the kernel); with `sync` each append is also fsync'ed, which survives power loss at a
// cost of a disk flush per transaction.
//
// The file only grows between rewrites; the pool rewrites it with its current contents when the
// dead records (included or dropped transactions) outnumber the live ones.

#include <cstdio>
#include <filesystem>
#include <memory>
#include <mutex>
#include <span>
#include <vector>

#include "rollup/base/bytes.hpp"
#include "rollup/base/error.hpp"

namespace rollup::txpool {

class Journal {
 public:
  struct Loaded {
    std::vector<Bytes> envelopes;
    std::size_t corrupt = 0;  // records skipped because their check failed
    bool torn_tail = false;   // an incomplete last record was cut off
  };

  // Opens (creating if needed) the journal at `path` and reads what it holds.
  [[nodiscard]] static Result<std::unique_ptr<Journal>> open(const std::filesystem::path& path,
                                                             bool sync, Loaded& loaded);
  ~Journal();
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;

  [[nodiscard]] Result<void> append(ByteView envelope);
  // Several records with one write(2) (and one sync): the batch intake's path.
  [[nodiscard]] Result<void> append_many(std::span<const ByteView> envelopes);
  // Replaces the file with exactly these transactions (written beside it, synced, renamed in).
  [[nodiscard]] Result<void> rewrite(std::span<const Bytes> envelopes);
  // Records in the file, live or dead.
  [[nodiscard]] std::size_t records() const;

 private:
  Journal(std::filesystem::path path, bool sync, int fd, std::size_t records);

  const std::filesystem::path m_path;
  const bool m_sync;
  mutable std::mutex m_mutex;
  int m_fd;
  std::size_t m_records;
  bool m_broken = false;  // a failed append could not be cut back: appends are refused
};

}  // namespace rollup::txpool
