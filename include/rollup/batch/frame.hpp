#pragma once
// Frames: how an encoded batch (a channel's payload) travels in L1 transactions. The payload is cut
// into frames that each fit one transaction's calldata; a verifier collects the frames of each
// channel from the batch inbox, in any order and across L1 blocks, and rebuilds the payload once it
// has them all. The channel id is the first 16 bytes of the payload's keccak-256, so the same batch
// always travels under the same id (a re-post after a restart or an L1 reorg is the same channel)
// and a rebuilt payload proves it is the one the id names. Byte layout: docs/protocol.md.

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "rollup/base/bytes.hpp"
#include "rollup/base/error.hpp"
#include "rollup/batch/errors.hpp"

namespace rollup::batch {

using ChannelId = FixedBytes<16>;

inline constexpr std::uint8_t k_frame_version = 1;
// Version byte, channel id, frame number, last flag, data length.
inline constexpr std::size_t k_frame_overhead = 1 + 16 + 2 + 1 + 4;
inline constexpr std::size_t k_default_max_frame_bytes = 120'000;

struct Frame {
  ChannelId channel;
  std::uint16_t number = 0;
  bool last = false;
  Bytes data;
  friend bool operator==(const Frame&, const Frame&) = default;
};

[[nodiscard]] ChannelId channel_id(ByteView payload);

// The calldata of each L1 transaction that carries `payload`, in frame order, each at most
// `max_calldata_bytes` long. Fails when that leaves no room for data or needs more than 65,536
// frames.
[[nodiscard]] Result<std::vector<Bytes>> make_frames(ByteView payload,
                                                     std::size_t max_calldata_bytes);
// One frame from one transaction's calldata, checked field by field; anything else fails with
// Errc::invalid_frame (or unknown_version).
[[nodiscard]] Result<Frame> parse_frame(ByteView calldata);

// Collects frames into channels. Memory is bounded: a channel that is not complete within
// `timeout_blocks` L1 blocks of its first frame is dropped, and when the buffered data passes
// `max_buffered_bytes` the oldest channels are dropped first.
class ChannelAssembler {
 public:
  struct Options {
    std::uint64_t timeout_blocks = 300;
    std::size_t max_buffered_bytes = 64u << 20;
  };
  struct Completed {
    ChannelId channel;
    std::uint64_t first_l1_block = 0;  // where its first frame arrived
    std::uint64_t last_l1_block = 0;   // where the frame that completed it arrived
    Bytes payload;
  };
  // Why a frame was not used, for logs and the decode tool; never fatal.
  enum class Ignored { no, duplicate, after_last, second_last, payload_mismatch };

  ChannelAssembler() : ChannelAssembler(Options{}) {}
  explicit ChannelAssembler(Options options) : m_options(options) {}

  // Adds a frame seen in L1 block `l1_block` (blocks in non-decreasing order). Returns the channel
  // it completed, if any; `ignored` says why a frame had no effect.
  std::optional<Completed> add(Frame frame, std::uint64_t l1_block, Ignored* ignored = nullptr);
  // Drops the channels that timed out at `l1_block`; returns how many.
  std::size_t expire(std::uint64_t l1_block);

  [[nodiscard]] std::size_t pending_channels() const noexcept { return m_channels.size(); }
  [[nodiscard]] std::size_t buffered_bytes() const noexcept { return m_buffered; }

 private:
  struct Pending {
    std::uint64_t first_l1_block = 0;
    std::uint64_t sequence = 0;  // arrival order, for dropping the oldest
    std::optional<std::uint16_t> last;
    std::map<std::uint16_t, Bytes> frames;
    std::size_t bytes = 0;
  };
  void drop(std::map<ChannelId, Pending>::iterator it);

  Options m_options;
  std::map<ChannelId, Pending> m_channels;
  std::size_t m_buffered = 0;
  std::uint64_t m_sequence = 0;
};

}  // namespace rollup::batch
