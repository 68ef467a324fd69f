#include "batch_fuzz.hpp"

#include <cstdio>
#include <cstdlib>

#include "rollup/batch/batch.hpp"
#include "rollup/batch/frame.hpp"

namespace rollup::fuzz {
namespace {

[[noreturn]] void violated(const char* what) {
  std::fprintf(stderr, "batch-fuzz: invariant violated: %s\n", what);
  std::abort();
}

void check(bool ok, const char* what) {
  if (!ok) violated(what);
}

// Small limits, so that inputs cannot make a run slow by being honest about a large size.
constexpr batch::Limits k_limits{
    .max_decompressed_bytes = 4u << 20, .max_blocks = 10'000, .max_transactions = 100'000};

void check_batch(ByteView input) {
  const auto decoded = batch::decode_batch(input, k_limits);
  if (!decoded) return;
  const batch::Batch& b = *decoded;
  check(!b.blocks.empty(), "a batch without blocks");
  for (std::size_t i = 1; i < b.blocks.size(); ++i) {
    check(b.blocks[i].number == b.blocks[i - 1].number + 1, "block numbers not consecutive");
    check(b.blocks[i].timestamp >= b.blocks[i - 1].timestamp, "a timestamp goes back");
    check(b.blocks[i].origin.number >= b.blocks[i - 1].origin.number, "an L1 origin goes back");
  }
  const auto plain = batch::encode_batch(b, {.compression = batch::Compression::none});
  check(plain.has_value(), "a decoded batch does not encode");
  const auto form = static_cast<batch::Compression>(input[1]);
  if (form == batch::Compression::none) {
    check(equal(*plain, input), "a batch with two encodings");
  } else if (form == batch::Compression::modelled) {
    // The modelled form is ours, so it must be canonical byte for byte, like the plain one.
    const auto again = batch::encode_batch(b, {.compression = form});
    check(again.has_value() && equal(*again, input), "a modelled batch with two encodings");
  } else {
    const auto again = batch::decode_batch(*plain, k_limits);
    check(again.has_value() && *again == b, "a re-encoded batch decodes differently");
  }
}

void check_frames(ByteView input) {
  batch::ChannelAssembler assembler({.timeout_blocks = 8, .max_buffered_bytes = 64 * 1024});
  std::uint64_t block = 0;
  while (input.size() >= 2) {
    const std::size_t n = std::min<std::size_t>((input[0] << 8) | input[1], input.size() - 2);
    const ByteView calldata = input.subspan(2, n);
    input = input.subspan(2 + n);
    ++block;
    assembler.expire(block);
    auto frame = batch::parse_frame(calldata);
    if (!frame) continue;
    const batch::ChannelId id = frame->channel;
    const auto done = assembler.add(std::move(*frame), block);
    check(assembler.pending_channels() <= 1 || assembler.buffered_bytes() <= 64 * 1024,
          "the assembler holds more than its bound");
    if (!done) continue;
    check(done->channel == id && batch::channel_id(done->payload) == id,
          "a completed channel that is not its id's payload");
    check_batch(done->payload);
  }
}

}  // namespace

void run_batch_input(ByteView input) {
  if (input.empty()) return;
  if (input[0] % 2 == 0) {
    check_batch(input.subspan(1));
  } else {
    check_frames(input.subspan(1));
  }
}

}  // namespace rollup::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  rollup::fuzz::run_batch_input({data, size});
  return 0;
}
