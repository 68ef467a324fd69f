#include "rollup/txpool/journal.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "rollup/crypto/keccak.hpp"
#include "rollup/txpool/pool.hpp"

namespace rollup::txpool {
namespace {

constexpr std::size_t k_header = 8;  // length + check
// Far above the pool's own size limit: a larger length can only be a corrupt header.
constexpr std::uint32_t k_max_record = 16 * 1024 * 1024;

Error io_error(const std::string& what, const std::filesystem::path& path) {
  return Error(make_error_code(Errc::journal_io),
               what + " " + path.string() + ": " + std::strerror(errno));
}

void put_header(Bytes& out, ByteView envelope) {
  const auto n = static_cast<std::uint32_t>(envelope.size());
  out.push_back(static_cast<std::uint8_t>(n >> 24));
  out.push_back(static_cast<std::uint8_t>(n >> 16));
  out.push_back(static_cast<std::uint8_t>(n >> 8));
  out.push_back(static_cast<std::uint8_t>(n));
  const Hash check = crypto::keccak256(envelope);
  out.insert(out.end(), check.bytes.begin(), check.bytes.begin() + 4);
}

Result<void> write_all(int fd, ByteView data, const std::filesystem::path& path) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return std::unexpected(io_error("cannot write", path));
    }
    data = data.subspan(static_cast<std::size_t>(n));
  }
  return {};
}

Result<Bytes> read_file(int fd, const std::filesystem::path& path) {
  Bytes data;
  std::uint8_t buffer[64 * 1024];
  while (true) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      return std::unexpected(io_error("cannot read", path));
    }
    if (n == 0) return data;
    data.insert(data.end(), buffer, buffer + n);
  }
}

}  // namespace

Result<std::unique_ptr<Journal>> Journal::open(const std::filesystem::path& path, bool sync,
                                               Loaded& loaded) {
  loaded = {};
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return std::unexpected(io_error("cannot open", path));
  auto close_on_error = [&](Error e) -> Result<std::unique_ptr<Journal>> {
    ::close(fd);
    return std::unexpected(std::move(e));
  };
  auto data = read_file(fd, path);
  if (!data) return close_on_error(data.error());
  std::size_t pos = 0;
  std::size_t records = 0;
  while (pos + k_header <= data->size()) {
    const std::uint8_t* h = data->data() + pos;
    const std::uint32_t n = std::uint32_t{h[0]} << 24 | std::uint32_t{h[1]} << 16 |
                            std::uint32_t{h[2]} << 8 | std::uint32_t{h[3]};
    if (n > k_max_record || pos + k_header + n > data->size()) break;
    const ByteView envelope(h + k_header, n);
    const Hash check = crypto::keccak256(envelope);
    if (std::memcmp(check.bytes.data(), h + 4, 4) == 0) {
      loaded.envelopes.emplace_back(envelope.begin(), envelope.end());
    } else {
      ++loaded.corrupt;
    }
    ++records;
    pos += k_header + n;
  }
  if (pos != data->size()) {
    // A torn last record (or garbage we cannot frame): cut it so appends start on a boundary.
    loaded.torn_tail = true;
    if (::ftruncate(fd, static_cast<off_t>(pos)) != 0) {
      return close_on_error(io_error("cannot truncate", path));
    }
  }
  if (::lseek(fd, static_cast<off_t>(pos), SEEK_SET) < 0) {
    return close_on_error(io_error("cannot seek", path));
  }
  return std::unique_ptr<Journal>(new Journal(path, sync, fd, records));
}

Journal::Journal(std::filesystem::path path, bool sync, int fd, std::size_t records)
    : m_path(std::move(path)), m_sync(sync), m_fd(fd), m_records(records) {}

Journal::~Journal() {
  if (m_fd >= 0) ::close(m_fd);
}

Result<void> Journal::append(ByteView envelope) {
  return append_many(std::span<const ByteView>(&envelope, 1));
}

Result<void> Journal::append_many(std::span<const ByteView> envelopes) {
  Bytes records;
  for (const ByteView e : envelopes) {
    put_header(records, e);
    records.insert(records.end(), e.begin(), e.end());
  }
  std::lock_guard lock(m_mutex);
  if (m_broken) {
    return fail(Errc::journal_io,
                m_path.string() + ": an earlier failed write could not be undone");
  }
  // A kill during the write leaves whole records and at most one torn one, which open() cuts. A
  // failed write is cut back here instead: records appended after a torn one would be lost at
  // the next open, and the caller reports these transactions as refused, so they must not stay.
  const off_t start = ::lseek(m_fd, 0, SEEK_CUR);
  if (start < 0) return std::unexpected(io_error("cannot seek", m_path));
  auto written = write_all(m_fd, records, m_path);
  if (written && m_sync && ::fdatasync(m_fd) != 0) {
    written = std::unexpected(io_error("cannot sync", m_path));
  }
  if (!written) {
    if (::ftruncate(m_fd, start) != 0 || ::lseek(m_fd, start, SEEK_SET) != start) m_broken = true;
    return written;
  }
  m_records += envelopes.size();
  return {};
}

Result<void> Journal::rewrite(std::span<const Bytes> envelopes) {
  Bytes data;
  for (const Bytes& e : envelopes) {
    put_header(data, e);
    data.insert(data.end(), e.begin(), e.end());
  }
  std::lock_guard lock(m_mutex);
  const std::filesystem::path temp = m_path.string() + ".new";
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return std::unexpected(io_error("cannot create", temp));
  auto written = write_all(fd, data, temp);
  if (written && ::fsync(fd) != 0) written = std::unexpected(io_error("cannot sync", temp));
  if (!written) {
    ::close(fd);
    ::unlink(temp.c_str());
    return written;
  }
  // The rename replaces the journal atomically: a kill leaves either the old file or the new.
  if (::rename(temp.c_str(), m_path.c_str()) != 0) {
    const Error e = io_error("cannot replace", m_path);
    ::close(fd);
    ::unlink(temp.c_str());
    return std::unexpected(e);
  }
  ::close(m_fd);
  m_fd = fd;
  m_records = envelopes.size();
  m_broken = false;
  // Appends go to the new file; it was opened write-only at its end.
  const int dir = ::open(m_path.parent_path().empty() ? "." : m_path.parent_path().c_str(),
                         O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return {};
}

std::size_t Journal::records() const {
  std::lock_guard lock(m_mutex);
  return m_records;
}

}  // namespace rollup::txpool
