#include "rollup/txpool/group_submit.hpp"

#include <vector>

namespace rollup::txpool {

Result<Hash> GroupSubmitter::submit(Bytes envelope) {
  auto slot = std::make_shared<Slot>();
  slot->envelope = std::move(envelope);
  std::unique_lock lock(m_mutex);
  m_queue.push_back(slot);
  while (!slot->done) {
    if (m_leading) {
      m_done.wait(lock);
      continue;
    }
    // Lead: take what is queued (this caller's slot is among it, or was served by the batch
    // before) and submit it without the lock, so that new callers can queue meanwhile.
    m_leading = true;
    std::vector<std::shared_ptr<Slot>> batch;
    while (!m_queue.empty() && batch.size() < m_max_batch) {
      batch.push_back(std::move(m_queue.front()));
      m_queue.pop_front();
    }
    lock.unlock();
    std::vector<Bytes> envelopes;
    envelopes.reserve(batch.size());
    for (auto& s : batch) envelopes.push_back(std::move(s->envelope));
    // One thread: the callers' own threads are the parallelism here.
    auto results = txpool::submit(m_pool, envelopes, 1);
    lock.lock();
    for (std::size_t i = 0; i < batch.size(); ++i) {
      batch[i]->result = std::move(results[i]);
      batch[i]->done = true;
    }
    m_leading = false;
    m_done.notify_all();
  }
  return std::move(slot->result);
}

}  // namespace rollup::txpool
