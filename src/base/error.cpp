#include "rollup/base/error.hpp"

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>

#include "rollup/base/assert.hpp"
#include "rollup/base/bytes.hpp"

namespace rollup {

std::string Error::message() const {
  std::string out = m_code.category().name();
  out += ": ";
  out += m_code.message();
  if (!m_detail.empty()) {
    out += ": ";
    out += m_detail;
  }
  return out;
}

std::string_view category_name(Errc) noexcept { return "base"; }

std::string_view describe(Errc e) noexcept {
  switch (e) {
    case Errc::ok: return "ok";
    case Errc::hex_missing_prefix: return "hex string lacks the 0x prefix";
    case Errc::hex_unexpected_prefix: return "hex string has an unexpected 0x prefix";
    case Errc::hex_odd_length: return "hex string has an odd number of digits";
    case Errc::hex_invalid_digit: return "invalid hex digit";
    case Errc::hex_wrong_length: return "hex string has the wrong length";
    case Errc::hex_empty_quantity: return "hex quantity has no digits";
    case Errc::hex_leading_zero: return "hex quantity has leading zero digits";
    case Errc::overflow: return "number too large";
  }
  return "unknown base error";
}

namespace detail {
std::uint64_t hash_seed() noexcept {
  // Address-space layout randomisation and the clock give a seed that differs per process; it needs
  // to be unpredictable to a remote peer, not cryptographically strong.
  static const std::uint64_t seed = [] {
    static int anchor;
    const auto addr = reinterpret_cast<std::uintptr_t>(&anchor);
    const auto now = static_cast<std::uint64_t>(
        std::chrono::steady_clock::now().time_since_epoch().count());
    return mix64(addr ^ (now * 0x9e3779b97f4a7c15ULL) ^ std::random_device{}());
  }();
  return seed;
}

void assert_failed(const char* expr, const char* file, int line) noexcept {
  std::fprintf(stderr, "rollupd: assertion failed: %s (%s:%d)\n", expr, file, line);
  std::fflush(stderr);
  std::abort();
}
}  // namespace detail

}  // namespace rollup
