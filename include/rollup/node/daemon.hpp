#pragma once
// The running node: database, transaction pool (with its journal), sequencer loop and the HTTP
// server for /metrics and /healthz, wired together and stopped in the reverse order.

#include <memory>

#include "rollup/base/error.hpp"
#include "rollup/node/config.hpp"
#include "rollup/storage/database.hpp"
#include "rollup/txpool/pool.hpp"

namespace rollup::node {

class Daemon {
 public:
  // Prepares the datadir (see prepare_datadir), opens the database, restores the pool from its
  // journal and starts producing blocks and serving HTTP.
  [[nodiscard]] static Result<std::unique_ptr<Daemon>> start(const Config& config);
  ~Daemon();  // stops
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  // Finishes the block in progress, stops serving and closes the journal and the database.
  // Idempotent.
  void stop();

  [[nodiscard]] std::uint16_t http_port() const;
  // For in-process use (tests, tools): the pool takes transactions, the database answers reads.
  [[nodiscard]] txpool::Pool& pool();
  [[nodiscard]] const storage::Database& database() const;
  [[nodiscard]] std::uint64_t chain_id() const;

 private:
  struct Impl;
  explicit Daemon(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
};

}  // namespace rollup::node
