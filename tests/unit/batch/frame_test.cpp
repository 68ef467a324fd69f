// Frames and the channel assembler: payloads are cut to fit, rebuilt from frames in any order, and
// every way L1 data can be wrong (garbage, duplicates, gaps, forged content) is survived.

#include "rollup/batch/frame.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

namespace rollup::batch {
namespace {

Bytes payload_of(std::size_t n, std::uint32_t seed = 1) {
  std::mt19937 rng(seed);
  Bytes b(n);
  for (auto& x : b) x = static_cast<std::uint8_t>(rng());
  return b;
}

std::vector<Frame> parsed(const std::vector<Bytes>& calldata) {
  std::vector<Frame> out;
  for (const auto& c : calldata) {
    auto f = parse_frame(c);
    EXPECT_TRUE(f.has_value()) << f.error().message();
    out.push_back(*f);
  }
  return out;
}

TEST(Frames, CutToTheLimitAndNumbered) {
  const Bytes payload = payload_of(1000);
  const auto frames = make_frames(payload, 300);
  ASSERT_TRUE(frames.has_value());
  ASSERT_EQ(frames->size(), 4u);  // 276 bytes of data per frame
  for (const auto& f : *frames) EXPECT_LE(f.size(), 300u);
  const auto fs = parsed(*frames);
  for (std::size_t i = 0; i < fs.size(); ++i) {
    EXPECT_EQ(fs[i].number, i);
    EXPECT_EQ(fs[i].last, i + 1 == fs.size());
    EXPECT_EQ(fs[i].channel, channel_id(payload));
  }
  Bytes joined;
  for (const auto& f : fs) append(joined, f.data);
  EXPECT_EQ(joined, payload);
}

TEST(Frames, ExactFitAndEmptyPayload) {
  EXPECT_EQ(make_frames(payload_of(276), 300)->size(), 1u);
  EXPECT_EQ(make_frames(payload_of(277), 300)->size(), 2u);
  const auto empty = make_frames({}, 300);
  ASSERT_EQ(empty->size(), 1u);
  EXPECT_EQ((*empty)[0].size(), k_frame_overhead);
  EXPECT_EQ(make_frames(payload_of(10), k_frame_overhead).error(), Errc::invalid_batch);
}

TEST(Frames, ParseRefusesMalformedCalldata) {
  const Bytes good = (*make_frames(payload_of(50), 300))[0];
  EXPECT_EQ(parse_frame({}).error(), Errc::invalid_frame);
  Bytes v = good;
  v[0] = 0;
  EXPECT_EQ(parse_frame(v).error(), Errc::unknown_version);
  EXPECT_EQ(parse_frame(ByteView(good).first(k_frame_overhead - 1)).error(), Errc::invalid_frame);
  Bytes flag = good;
  flag[19] = 2;
  EXPECT_EQ(parse_frame(flag).error(), Errc::invalid_frame);
  Bytes longer = good;
  longer.push_back(0);
  EXPECT_EQ(parse_frame(longer).error(), Errc::invalid_frame);
  EXPECT_EQ(parse_frame(ByteView(good).first(good.size() - 1)).error(), Errc::invalid_frame);
}

TEST(Assembler, RebuildsFromFramesInAnyOrderAcrossBlocks) {
  const Bytes payload = payload_of(5000);
  auto fs = parsed(*make_frames(payload, 1000));
  std::mt19937 rng(3);
  std::shuffle(fs.begin(), fs.end(), rng);
  ChannelAssembler a;
  for (std::size_t i = 0; i + 1 < fs.size(); ++i) EXPECT_FALSE(a.add(fs[i], 10 + i).has_value());
  const auto done = a.add(fs.back(), 20);
  ASSERT_TRUE(done.has_value());
  EXPECT_EQ(done->payload, payload);
  EXPECT_EQ(done->first_l1_block, 10u);
  EXPECT_EQ(done->last_l1_block, 20u);
  EXPECT_EQ(a.pending_channels(), 0u);
  EXPECT_EQ(a.buffered_bytes(), 0u);
}

TEST(Assembler, InterleavedChannels) {
  const Bytes p1 = payload_of(3000, 1), p2 = payload_of(3000, 2);
  const auto f1 = parsed(*make_frames(p1, 1000)), f2 = parsed(*make_frames(p2, 1000));
  ChannelAssembler a;
  std::vector<Bytes> done;
  for (std::size_t i = 0; i < f1.size(); ++i) {
    if (auto d = a.add(f1[i], 1)) done.push_back(d->payload);
    if (auto d = a.add(f2[i], 1)) done.push_back(d->payload);
  }
  EXPECT_EQ(done, (std::vector<Bytes>{p1, p2}));
}

TEST(Assembler, IgnoresDuplicatesAndFramesPastTheLast) {
  const auto fs = parsed(*make_frames(payload_of(3000), 1000));  // 4 frames
  ChannelAssembler a;
  ChannelAssembler::Ignored why{};
  a.add(fs[0], 1, &why);
  EXPECT_EQ(why, ChannelAssembler::Ignored::no);
  a.add(fs[0], 1, &why);
  EXPECT_EQ(why, ChannelAssembler::Ignored::duplicate);
  a.add(fs[3], 1, &why);  // the last
  Frame beyond = fs[1];
  beyond.number = 7;
  a.add(beyond, 1, &why);
  EXPECT_EQ(why, ChannelAssembler::Ignored::after_last);
  Frame other_last = fs[1];
  other_last.last = true;
  a.add(other_last, 1, &why);
  EXPECT_EQ(why, ChannelAssembler::Ignored::second_last);
  a.add(fs[1], 2);
  EXPECT_TRUE(a.add(fs[2], 2).has_value());
}

TEST(Assembler, RefusesContentThatIsNotTheChannelsPayload) {
  auto fs = parsed(*make_frames(payload_of(2000), 1000));
  fs[1].data[0] ^= 1;  // same id, different bytes: a forged or mixed-up frame
  ChannelAssembler a;
  ChannelAssembler::Ignored why{};
  EXPECT_FALSE(a.add(fs[0], 1).has_value());
  EXPECT_FALSE(a.add(fs[1], 1).has_value());
  EXPECT_FALSE(a.add(fs[2], 1, &why).has_value());
  EXPECT_EQ(why, ChannelAssembler::Ignored::payload_mismatch);
  EXPECT_EQ(a.pending_channels(), 0u);
}

TEST(Assembler, IncompleteChannelsTimeOut) {
  const auto fs = parsed(*make_frames(payload_of(3000), 1000));
  ChannelAssembler a({.timeout_blocks = 10, .max_buffered_bytes = 1 << 20});
  a.add(fs[0], 100);
  EXPECT_EQ(a.expire(110), 0u);
  EXPECT_EQ(a.expire(111), 1u);
  EXPECT_EQ(a.pending_channels(), 0u);
  EXPECT_EQ(a.buffered_bytes(), 0u);
  // The rest arriving later starts a new channel that cannot complete without frame 0.
  for (std::size_t i = 1; i < fs.size(); ++i) EXPECT_FALSE(a.add(fs[i], 112).has_value());
}

TEST(Assembler, MemoryBoundDropsTheOldestChannel) {
  const auto f1 = parsed(*make_frames(payload_of(3000, 1), 1000));
  const auto f2 = parsed(*make_frames(payload_of(3000, 2), 1000));
  ChannelAssembler a({.timeout_blocks = 100, .max_buffered_bytes = 2500});
  a.add(f1[0], 1);
  a.add(f1[1], 1);
  a.add(f2[0], 2);
  a.add(f2[1], 2);  // 4 x 976 bytes > 2500: channel 1 goes
  EXPECT_EQ(a.pending_channels(), 1u);
  EXPECT_LE(a.buffered_bytes(), 2500u);
  a.add(f2[2], 3);
  EXPECT_TRUE(a.add(f2[3], 3).has_value());
}

}  // namespace
}  // namespace rollup::batch
