#include "rollup/batch/errors.hpp"

namespace rollup::batch {

std::string_view category_name(Errc) noexcept {
  return "batch";
}

std::string_view describe(Errc e) noexcept {
  switch (e) {
    case Errc::ok: return "ok";
    case Errc::invalid_batch: return "blocks cannot form a batch";
    case Errc::unknown_version: return "unknown format version";
    case Errc::unknown_compression: return "unknown compression";
    case Errc::truncated: return "input ends inside a field";
    case Errc::trailing_bytes: return "trailing bytes";
    case Errc::non_canonical: return "non-canonical encoding";
    case Errc::limit_exceeded: return "limit exceeded";
    case Errc::decompression_failed: return "decompression failed";
    case Errc::bad_reference: return "reference to a missing table entry";
    case Errc::inconsistent: return "inconsistent fields";
    case Errc::invalid_frame: return "invalid frame";
  }
  return "unknown batch error";
}

}  // namespace rollup::batch
