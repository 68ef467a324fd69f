#pragma once
// Group submission for transactions that arrive one per request from many connections at once
// (eth_sendRawTransaction). Each caller queues its envelope; the first caller that finds no batch
// in progress takes everything queued and submits it as one batch (txpool::submit) on its own
// thread, while the others wait for their answers. A batch thus recovers its senders together,
// eight per vector where the CPU allows (crypto::recover_addresses), and costs one pool lock and
// one journal write, however many callers it serves. No thread of its own and no timer: a lone
// caller is served at once, and batches grow by themselves with the number of callers waiting.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>

#include "rollup/txpool/pool.hpp"

namespace rollup::txpool {

class GroupSubmitter {
 public:
  // `max_batch` bounds one batch, so that a long queue does not make its leader's own caller wait
  // for all of it.
  explicit GroupSubmitter(Pool& pool, std::size_t max_batch = 256)
      : m_pool(pool), m_max_batch(max_batch) {}

  // The same answer submit() gives for this envelope alone. Blocks until it is decided.
  [[nodiscard]] Result<Hash> submit(Bytes envelope);

 private:
  struct Slot {
    Bytes envelope;
    Result<Hash> result = Hash{};
    bool done = false;
  };

  Pool& m_pool;
  const std::size_t m_max_batch;
  std::mutex m_mutex;
  std::condition_variable m_done;
  std::deque<std::shared_ptr<Slot>> m_queue;
  bool m_leading = false;  // a batch is being submitted
};

}  // namespace rollup::txpool
