#pragma once
// What the benchmark programs share: the machine line every one prints first, so a figure is never
// read without knowing where it was measured (docs/performance.md), and percentiles.

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rollup::bench {

inline void print_machine() {
  std::string model = "unknown";
  std::ifstream cpuinfo("/proc/cpuinfo");
  for (std::string line; std::getline(cpuinfo, line);) {
    if (line.starts_with("model name")) {
      model = line.substr(line.find(':') + 2);
      break;
    }
  }
  std::printf("machine: %ld cpus online, %s\n", ::sysconf(_SC_NPROCESSORS_ONLN), model.c_str());
}

// A whole decimal number that fits 64 bits, or nullopt: each program then refuses the option in
// its own words rather than through an exception.
inline std::optional<std::uint64_t> parse_count(std::string_view text) {
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return v;
}

// The nearest-rank percentile p (0..1) of v; 0 for none.
inline double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::ranges::sort(v);
  const auto i = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

}  // namespace rollup::bench
