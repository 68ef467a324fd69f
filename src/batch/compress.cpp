#include "compress.hpp"

#include <memory>
#include <string>

#include <brotli/decode.h>
#include <brotli/encode.h>
#include <zstd.h>

#include "rollup/base/assert.hpp"

namespace rollup::batch::detail {
namespace {

Bytes zstd_compress(int level, ByteView input) {
  Bytes out(ZSTD_compressBound(input.size()));
  std::unique_ptr<ZSTD_CCtx, decltype(&ZSTD_freeCCtx)> ctx(ZSTD_createCCtx(), ZSTD_freeCCtx);
  ROLLUP_ASSERT(ctx != nullptr);
  ZSTD_CCtx_setParameter(ctx.get(), ZSTD_c_compressionLevel, level);
  // The frame header then states the size, which the decoder checks against its limit first; the
  // checksum is left out because L1 already guarantees the bytes arrive as they were sent.
  ZSTD_CCtx_setParameter(ctx.get(), ZSTD_c_contentSizeFlag, 1);
  ZSTD_CCtx_setParameter(ctx.get(), ZSTD_c_checksumFlag, 0);
  const std::size_t n =
      ZSTD_compress2(ctx.get(), out.data(), out.size(), input.data(), input.size());
  ROLLUP_ASSERT(!ZSTD_isError(n));
  out.resize(n);
  return out;
}

Result<Bytes> zstd_decompress(ByteView input, std::size_t max_output) {
  // One frame exactly: its end must be the input's end, so nothing can hide behind it.
  const std::size_t frame = ZSTD_findFrameCompressedSize(input.data(), input.size());
  if (ZSTD_isError(frame) || frame != input.size()) {
    return fail(Errc::decompression_failed, "zstd: not exactly one frame");
  }
  const unsigned long long declared = ZSTD_getFrameContentSize(input.data(), input.size());
  if (declared == ZSTD_CONTENTSIZE_ERROR || declared == ZSTD_CONTENTSIZE_UNKNOWN) {
    return fail(Errc::decompression_failed, "zstd: the frame does not state its size");
  }
  if (declared > max_output) {
    return fail(Errc::decompression_failed,
                "zstd: " + std::to_string(declared) + " bytes declared, over the limit");
  }
  Bytes out(static_cast<std::size_t>(declared));
  const std::size_t n = ZSTD_decompress(out.data(), out.size(), input.data(), input.size());
  if (ZSTD_isError(n) || n != out.size()) {
    return fail(Errc::decompression_failed,
                std::string("zstd: ") + (ZSTD_isError(n) ? ZSTD_getErrorName(n) : "short frame"));
  }
  return out;
}

Bytes brotli_compress(int level, ByteView input) {
  std::size_t size = BrotliEncoderMaxCompressedSize(input.size());
  if (size == 0) size = input.size() + 1024;  // only for inputs near SIZE_MAX or empty
  Bytes out(size);
  const bool ok = BrotliEncoderCompress(level, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_GENERIC,
                                        input.size(), input.data(), &size, out.data()) != 0;
  ROLLUP_ASSERT(ok);
  out.resize(size);
  return out;
}

Result<Bytes> brotli_decompress(ByteView input, std::size_t max_output) {
  std::unique_ptr<BrotliDecoderState, decltype(&BrotliDecoderDestroyInstance)> state(
      BrotliDecoderCreateInstance(nullptr, nullptr, nullptr), BrotliDecoderDestroyInstance);
  ROLLUP_ASSERT(state != nullptr);
  Bytes out;
  const std::uint8_t* next_in = input.data();
  std::size_t avail_in = input.size();
  // Grow the output in steps instead of trusting any size in the stream; stop at the limit.
  std::uint8_t chunk[64 * 1024];
  for (;;) {
    std::uint8_t* next_out = chunk;
    std::size_t avail_out = sizeof chunk;
    const BrotliDecoderResult r = BrotliDecoderDecompressStream(state.get(), &avail_in, &next_in,
                                                                &avail_out, &next_out, nullptr);
    const std::size_t produced = sizeof chunk - avail_out;
    if (out.size() + produced > max_output) {
      return fail(Errc::decompression_failed, "brotli: output over the limit");
    }
    out.insert(out.end(), chunk, chunk + produced);
    if (r == BROTLI_DECODER_RESULT_SUCCESS) {
      if (avail_in != 0) return fail(Errc::decompression_failed, "brotli: bytes after the stream");
      return out;
    }
    if (r == BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT) continue;
    if (r == BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT) {
      return fail(Errc::decompression_failed, "brotli: truncated stream");
    }
    return fail(
        Errc::decompression_failed,
        std::string("brotli: ") + BrotliDecoderErrorString(BrotliDecoderGetErrorCode(state.get())));
  }
}

}  // namespace

Bytes compress(Compression algorithm, int level, ByteView input) {
  switch (algorithm) {
    case Compression::none: return Bytes(input.begin(), input.end());
    case Compression::zstd: return zstd_compress(level, input);
    case Compression::brotli: return brotli_compress(level, input);
    case Compression::modelled: break;  // not a byte compressor: batch.cpp codes it field by field
  }
  ROLLUP_ASSERT(false && "unknown compression");
  return {};
}

Result<Bytes> decompress(Compression algorithm, ByteView input, std::size_t max_output) {
  switch (algorithm) {
    case Compression::none:
      if (input.size() > max_output) return fail(Errc::limit_exceeded, "section over the limit");
      return Bytes(input.begin(), input.end());
    case Compression::zstd: return zstd_decompress(input, max_output);
    case Compression::brotli: return brotli_decompress(input, max_output);
    case Compression::modelled: break;
  }
  return fail(Errc::unknown_compression);
}

}  // namespace rollup::batch::detail
