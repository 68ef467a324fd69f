#pragma once
// Reading the chain's data back from L1: the batch inbox's transactions from the batcher, their
// frames, the channels they complete and the batches in those channels (docs/protocol.md, "Frames"
// says which transactions count). This is the first half of derivation; `rollupd decode-batches`
// prints what it finds, and a verifier will execute it.

#include <cstdint>
#include <functional>
#include <vector>

#include "rollup/base/bytes.hpp"
#include "rollup/base/error.hpp"
#include "rollup/batch/batch.hpp"
#include "rollup/batch/frame.hpp"
#include "rollup/l1/eth.hpp"

namespace rollup::derivation {

struct InboxOptions {
  Address inbox;
  Address batcher;  // only its transactions carry frames
  batch::ChannelAssembler::Options channels;
  batch::Limits limits;
};

// A batch found on L1.
struct FoundBatch {
  batch::Batch batch;
  batch::ChannelId channel;
  std::uint64_t l1_block = 0;  // where the frame that completed its channel is
};

// What was skipped, and why: none of it stops the reading.
struct Skipped {
  std::uint64_t other_senders = 0;   // transactions to the inbox from anyone but the batcher
  std::uint64_t failed = 0;          // the batcher's transactions that reverted
  std::uint64_t bad_frames = 0;      // calldata that is not a frame
  std::uint64_t ignored_frames = 0;  // duplicates, frames past the last, mismatched payloads
  std::uint64_t bad_batches = 0;     // complete channels whose payload is not a batch
  std::uint64_t expired_channels = 0;
};

class InboxReader {
 public:
  InboxReader(l1::Eth& eth, InboxOptions options)
      : m_eth(eth), m_options(options), m_channels(options.channels) {}

  // Reads L1 blocks [from, to] in order and calls `on_batch` for each batch a channel completes.
  [[nodiscard]] Result<void> read(std::uint64_t from, std::uint64_t to,
                                  const std::function<void(FoundBatch)>& on_batch);
  [[nodiscard]] const Skipped& skipped() const noexcept { return m_skipped; }

 private:
  l1::Eth& m_eth;
  InboxOptions m_options;
  batch::ChannelAssembler m_channels;
  Skipped m_skipped;
};

}  // namespace rollup::derivation
