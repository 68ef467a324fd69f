#pragma once
// zstd and brotli behind one interface, with the decompressed size bounded: the input is L1 data
// that anyone can send, and a few kilobytes of it can claim gigabytes.

#include <cstddef>

#include "rollup/base/bytes.hpp"
#include "rollup/base/error.hpp"
#include "rollup/batch/batch.hpp"

namespace rollup::batch::detail {

[[nodiscard]] Bytes compress(Compression algorithm, int level, ByteView input);
// Fails with Errc::decompression_failed on corrupt input, on anything after the compressed
// stream's end, and as soon as the output would pass `max_output` bytes.
[[nodiscard]] Result<Bytes> decompress(Compression algorithm, ByteView input,
                                       std::size_t max_output);

}  // namespace rollup::batch::detail
