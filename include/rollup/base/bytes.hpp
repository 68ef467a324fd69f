#pragma once
// Byte strings: owning Bytes, non-owning ByteView, and fixed-size values (Address, Hash) that are
// compared, ordered and hashed by content.

#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace rollup {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

inline ByteView as_bytes(std::string_view s) noexcept {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

inline void append(Bytes& out, ByteView more) { out.insert(out.end(), more.begin(), more.end()); }

inline bool equal(ByteView a, ByteView b) noexcept {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size()) == 0);
}

template <std::size_t N>
struct FixedBytes {
  static constexpr std::size_t size_bytes = N;
  std::array<std::uint8_t, N> bytes{};

  // Exactly N bytes, or nothing: a 19- or 21-byte "address" is an error, never silently padded.
  static std::optional<FixedBytes> from_view(ByteView v) noexcept {
    if (v.size() != N) return std::nullopt;
    FixedBytes out;
    std::memcpy(out.bytes.data(), v.data(), N);
    return out;
  }

  [[nodiscard]] ByteView view() const noexcept { return {bytes.data(), N}; }
  [[nodiscard]] const std::uint8_t* data() const noexcept { return bytes.data(); }
  [[nodiscard]] std::uint8_t* data() noexcept { return bytes.data(); }
  [[nodiscard]] static constexpr std::size_t size() noexcept { return N; }
  [[nodiscard]] bool is_zero() const noexcept {
    for (auto b : bytes)
      if (b != 0) return false;
    return true;
  }

  friend constexpr bool operator==(const FixedBytes&, const FixedBytes&) = default;
  friend constexpr auto operator<=>(const FixedBytes&, const FixedBytes&) = default;
};

using Address = FixedBytes<20>;
using Hash = FixedBytes<32>;

}  // namespace rollup

namespace rollup::detail {
// A per-process random seed for hash tables keyed by addresses or hashes. Keys are not random when an
// attacker picks them (storage slots 0, 1, 2..., addresses that share a prefix), so every byte is
// mixed and the seed makes collisions impossible to precompute.
std::uint64_t hash_seed() noexcept;

inline std::uint64_t mix64(std::uint64_t x) noexcept {
  x ^= x >> 32;
  x *= 0xd6e8feb86659fd93ULL;
  x ^= x >> 32;
  x *= 0xd6e8feb86659fd93ULL;
  x ^= x >> 32;
  return x;
}
}  // namespace rollup::detail

template <std::size_t N>
struct std::hash<rollup::FixedBytes<N>> {
  std::size_t operator()(const rollup::FixedBytes<N>& v) const noexcept {
    std::uint64_t h = rollup::detail::hash_seed() ^ N;
    std::size_t i = 0;
    for (; i + 8 <= N; i += 8) {
      std::uint64_t word;
      std::memcpy(&word, v.bytes.data() + i, 8);
      h = rollup::detail::mix64(h ^ word);
    }
    if (i < N) {
      std::uint64_t tail = 0;
      std::memcpy(&tail, v.bytes.data() + i, N - i);
      h = rollup::detail::mix64(h ^ tail);
    }
    return static_cast<std::size_t>(h);
  }
};
