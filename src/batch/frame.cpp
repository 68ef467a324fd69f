#include "rollup/batch/frame.hpp"

#include <algorithm>
#include <string>

#include "rollup/crypto/keccak.hpp"
#include "varint.hpp"

namespace rollup::batch {

ChannelId channel_id(ByteView payload) {
  const Hash h = crypto::keccak256(payload);
  ChannelId id;
  std::copy_n(h.bytes.begin(), id.bytes.size(), id.bytes.begin());
  return id;
}

Result<std::vector<Bytes>> make_frames(ByteView payload, std::size_t max_calldata_bytes) {
  if (max_calldata_bytes <= k_frame_overhead) {
    return fail(Errc::invalid_batch,
                "a frame of " + std::to_string(max_calldata_bytes) + " bytes has no room for data");
  }
  const std::size_t room = std::min<std::size_t>(max_calldata_bytes - k_frame_overhead, UINT32_MAX);
  const std::size_t count = std::max<std::size_t>(1, (payload.size() + room - 1) / room);
  if (count > 65536) return fail(Errc::invalid_batch, "a channel of more than 65,536 frames");
  const ChannelId id = channel_id(payload);
  std::vector<Bytes> out;
  out.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    const std::size_t begin = i * room;
    const std::size_t n = std::min(room, payload.size() - begin);
    Bytes f;
    f.reserve(k_frame_overhead + n);
    f.push_back(k_frame_version);
    f.insert(f.end(), id.bytes.begin(), id.bytes.end());
    f.push_back(static_cast<std::uint8_t>(i >> 8));
    f.push_back(static_cast<std::uint8_t>(i));
    f.push_back(i + 1 == count ? 1 : 0);
    for (int shift = 24; shift >= 0; shift -= 8) f.push_back(static_cast<std::uint8_t>(n >> shift));
    f.insert(f.end(), payload.begin() + static_cast<std::ptrdiff_t>(begin),
             payload.begin() + static_cast<std::ptrdiff_t>(begin + n));
    out.push_back(std::move(f));
  }
  return out;
}

Result<Frame> parse_frame(ByteView calldata) {
  if (calldata.empty()) return fail(Errc::invalid_frame, "empty calldata");
  if (calldata[0] != k_frame_version) {
    return fail(Errc::unknown_version, "frame version " + std::to_string(calldata[0]));
  }
  if (calldata.size() < k_frame_overhead) return fail(Errc::invalid_frame, "shorter than a header");
  Frame f;
  const std::uint8_t* p = calldata.data() + 1;
  std::copy_n(p, 16, f.channel.bytes.begin());
  f.number = static_cast<std::uint16_t>((p[16] << 8) | p[17]);
  if (p[18] > 1) return fail(Errc::invalid_frame, "last flag " + std::to_string(p[18]));
  f.last = p[18] == 1;
  const std::uint32_t n = (std::uint32_t{p[19]} << 24) | (std::uint32_t{p[20]} << 16) |
                          (std::uint32_t{p[21]} << 8) | std::uint32_t{p[22]};
  if (n != calldata.size() - k_frame_overhead) {
    return fail(Errc::invalid_frame, "data length " + std::to_string(n) + " with " +
                                         std::to_string(calldata.size() - k_frame_overhead) +
                                         " bytes after the header");
  }
  f.data.assign(calldata.begin() + k_frame_overhead, calldata.end());
  return f;
}

std::optional<ChannelAssembler::Completed> ChannelAssembler::add(Frame frame,
                                                                 std::uint64_t l1_block,
                                                                 Ignored* ignored) {
  Ignored why = Ignored::no;
  const auto report = [&](Ignored w) {
    if (ignored != nullptr) *ignored = w;
  };
  auto [it, inserted] = m_channels.try_emplace(frame.channel);
  Pending& ch = it->second;
  if (inserted) {
    ch.first_l1_block = l1_block;
    ch.sequence = m_sequence++;
  }
  if (ch.frames.contains(frame.number))
    why = Ignored::duplicate;
  else if (ch.last && frame.number > *ch.last)
    why = Ignored::after_last;
  else if (ch.last && frame.last)
    why = Ignored::second_last;
  else if (frame.last && !ch.frames.empty() && ch.frames.rbegin()->first > frame.number) {
    why = Ignored::after_last;  // frames already held beyond the one that claims to be last
  }
  if (why != Ignored::no) {
    report(why);
    return std::nullopt;
  }
  if (frame.last) ch.last = frame.number;
  ch.bytes += frame.data.size();
  m_buffered += frame.data.size();
  ch.frames.emplace(frame.number, std::move(frame.data));

  // Over the memory bound: drop the oldest channels other than this one.
  while (m_buffered > m_options.max_buffered_bytes && m_channels.size() > 1) {
    auto oldest = m_channels.end();
    for (auto c = m_channels.begin(); c != m_channels.end(); ++c) {
      if (c != it && (oldest == m_channels.end() || c->second.sequence < oldest->second.sequence)) {
        oldest = c;
      }
    }
    drop(oldest);
  }
  report(Ignored::no);
  if (!ch.last || ch.frames.size() != static_cast<std::size_t>(*ch.last) + 1) return std::nullopt;

  Completed done;
  done.channel = it->first;
  done.first_l1_block = ch.first_l1_block;
  done.last_l1_block = l1_block;
  done.payload.reserve(ch.bytes);
  for (const auto& [number, data] : ch.frames) append(done.payload, data);
  drop(it);
  if (channel_id(done.payload) != done.channel) {
    report(Ignored::payload_mismatch);
    return std::nullopt;
  }
  return done;
}

std::size_t ChannelAssembler::expire(std::uint64_t l1_block) {
  std::size_t dropped = 0;
  for (auto it = m_channels.begin(); it != m_channels.end();) {
    auto next = std::next(it);
    if (l1_block > it->second.first_l1_block + m_options.timeout_blocks) {
      drop(it);
      ++dropped;
    }
    it = next;
  }
  return dropped;
}

void ChannelAssembler::drop(std::map<ChannelId, Pending>::iterator it) {
  m_buffered -= it->second.bytes;
  m_channels.erase(it);
}

}  // namespace rollup::batch
