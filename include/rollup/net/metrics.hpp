#pragma once
// Prometheus metrics: counters, gauges and histograms held by a Registry that renders the text
// exposition format 0.0.4. Pure data and formatting; the HTTP server serves it (metrics_handler).
//
// Invariants:
// - Updating a metric never locks: each value is an atomic (relaxed, since a scrape needs no
//   ordering with anything else). Only registration and rendering take the registry's lock.
// - A metric registered with a Registry lives as long as the Registry; the returned reference
//   stays valid across later registrations.
// - A series is a name plus its constant labels. One name is one family with one type and one help
//   text; it may hold several series that differ in their labels, and registering a series that
//   exists already is an error, not a second handle to the first.
// - Output is deterministic: families sorted by name, series by labels, labels by name, and
//   numbers formatted like Go's client (strconv 'g', shortest), so bucket labels (`le="0.005"`,
//   `le="1e+06"`) are spelled the same as by the Go exporters next to us.
// - A histogram's _count is the sum of its buckets read in the same pass, so the +Inf bucket always
//   equals _count; _sum is read separately and may run one observation ahead or behind under load.

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "rollup/base/error.hpp"
#include "rollup/net/errors.hpp"

namespace rollup::net {

// Constant labels of a series: name, value. Order does not matter; output sorts them by name.
using Labels = std::vector<std::pair<std::string, std::string>>;

class Counter {
 public:
  void inc(std::uint64_t n = 1) noexcept { m_value.fetch_add(n, std::memory_order_relaxed); }
  [[nodiscard]] std::uint64_t value() const noexcept {
    return m_value.load(std::memory_order_relaxed);
  }

 private:
  std::atomic<std::uint64_t> m_value{0};
};

class Gauge {
 public:
  void set(double v) noexcept { m_value.store(v, std::memory_order_relaxed); }
  void add(double v) noexcept { m_value.fetch_add(v, std::memory_order_relaxed); }
  void sub(double v) noexcept { m_value.fetch_sub(v, std::memory_order_relaxed); }
  void inc() noexcept { add(1); }
  void dec() noexcept { sub(1); }
  [[nodiscard]] double value() const noexcept { return m_value.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> m_value{0};
};

// Go client's DefBuckets: request latencies in seconds, 5 ms to 10 s.
inline constexpr std::array<double, 11> k_default_buckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                             0.5,   1,    2.5,   5,    10};

class Histogram {
 public:
  // Upper bounds, finite and strictly increasing; +Inf is implicit.
  [[nodiscard]] std::span<const double> bounds() const noexcept { return m_bounds; }

  // Counts v in the first bucket whose bound is >= v (Prometheus' `le`); NaN lands in +Inf only.
  void observe(double v) noexcept;

  struct Snapshot {
    std::vector<std::uint64_t> cumulative;  // one per bound, then +Inf
    std::uint64_t count = 0;
    double sum = 0;
  };
  [[nodiscard]] Snapshot snapshot() const;

 private:
  friend class Registry;
  explicit Histogram(std::vector<double> bounds);

  std::vector<double> m_bounds;
  std::unique_ptr<std::atomic<std::uint64_t>[]> m_counts;  // per bucket, not cumulative; +Inf last
  std::atomic<double> m_sum{0};
};

class Registry {
 public:
  static constexpr std::string_view k_content_type = "text/plain; version=0.0.4; charset=utf-8";

  Registry();
  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  Result<std::reference_wrapper<Counter>> counter(std::string_view name, std::string_view help,
                                                  Labels labels = {});
  Result<std::reference_wrapper<Gauge>> gauge(std::string_view name, std::string_view help,
                                              Labels labels = {});
  // A trailing +Inf in bounds is accepted and dropped, since every histogram has it.
  Result<std::reference_wrapper<Histogram>> histogram(std::string_view name, std::string_view help,
                                                      std::vector<double> bounds,
                                                      Labels labels = {});

  // The text exposition format 0.0.4; serve it with k_content_type.
  [[nodiscard]] std::string render() const;

 private:
  struct Family;
  enum class Type { counter, gauge, histogram };

  Result<Family*> family_for(std::string_view name, std::string_view help, Type type,
                             Labels& labels);

  mutable std::mutex m_mutex;
  std::map<std::string, std::unique_ptr<Family>, std::less<>> m_families;
};

// Go's strconv.FormatFloat(v, 'g', -1, 64), with Prometheus' spellings of the infinities and NaN.
[[nodiscard]] std::string format_metric_value(double v);

}  // namespace rollup::net
