// The Prometheus registry: exact text exposition output (format 0.0.4), number spelling against
// Go's strconv.FormatFloat(v, 'g', -1, 64), registration rules, and updates from several threads.

#include "rollup/net/metrics.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <thread>
#include <vector>

namespace rollup::net {
namespace {

TEST(Metrics, CounterText) {
  Registry registry;
  auto counter = registry.counter("rpc_requests_total", "Requests served.");
  ASSERT_TRUE(counter);
  Counter& c = *counter;
  c.inc();
  c.inc(41);
  EXPECT_EQ(c.value(), 42u);
  EXPECT_EQ(registry.render(),
            "# HELP rpc_requests_total Requests served.\n"
            "# TYPE rpc_requests_total counter\n"
            "rpc_requests_total 42\n");
}

TEST(Metrics, GaugeText) {
  Registry registry;
  auto gauge = registry.gauge("txpool_pending", "Pending transactions.", {{"pool", "main"}});
  ASSERT_TRUE(gauge);
  Gauge& g = *gauge;
  g.set(10);
  g.add(2.5);
  g.sub(0.5);
  g.inc();
  g.dec();
  g.dec();
  EXPECT_EQ(g.value(), 11.0);
  EXPECT_EQ(registry.render(),
            "# HELP txpool_pending Pending transactions.\n"
            "# TYPE txpool_pending gauge\n"
            "txpool_pending{pool=\"main\"} 11\n");
  g.set(-0.25);
  EXPECT_EQ(registry.render(),
            "# HELP txpool_pending Pending transactions.\n"
            "# TYPE txpool_pending gauge\n"
            "txpool_pending{pool=\"main\"} -0.25\n");
}

TEST(Metrics, HistogramWithLabelsText) {
  Registry registry;
  // Labels out of order on purpose: the output sorts them; `le` comes last, as in Go's client.
  auto hist = registry.histogram("rpc_duration_seconds", "Time to serve a call.", {0.005, 0.1, 1},
                                 {{"method", "eth_call"}, {"api", "http"}});
  ASSERT_TRUE(hist);
  Histogram& h = *hist;
  h.observe(0.005);  // on a bound: counted in that bucket (le is "less or equal")
  h.observe(0.05);
  h.observe(0.25);
  h.observe(3);
  EXPECT_EQ(registry.render(),
            "# HELP rpc_duration_seconds Time to serve a call.\n"
            "# TYPE rpc_duration_seconds histogram\n"
            "rpc_duration_seconds_bucket{api=\"http\",method=\"eth_call\",le=\"0.005\"} 1\n"
            "rpc_duration_seconds_bucket{api=\"http\",method=\"eth_call\",le=\"0.1\"} 2\n"
            "rpc_duration_seconds_bucket{api=\"http\",method=\"eth_call\",le=\"1\"} 3\n"
            "rpc_duration_seconds_bucket{api=\"http\",method=\"eth_call\",le=\"+Inf\"} 4\n"
            "rpc_duration_seconds_sum{api=\"http\",method=\"eth_call\"} 3.305\n"
            "rpc_duration_seconds_count{api=\"http\",method=\"eth_call\"} 4\n");
}

TEST(Metrics, HistogramWithoutLabelsAndNaN) {
  Registry registry;
  auto hist = registry.histogram("gas", "", {1e6, 1e7, std::numeric_limits<double>::infinity()});
  ASSERT_TRUE(hist);
  Histogram& h = *hist;
  EXPECT_EQ(h.bounds().size(), 2u);  // the trailing +Inf is implicit
  h.observe(std::nan(""));
  // No HELP line for an empty help text.
  EXPECT_EQ(registry.render(),
            "# TYPE gas histogram\n"
            "gas_bucket{le=\"1e+06\"} 0\n"
            "gas_bucket{le=\"1e+07\"} 0\n"
            "gas_bucket{le=\"+Inf\"} 1\n"
            "gas_sum NaN\n"
            "gas_count 1\n");
}

TEST(Metrics, EscapingInHelpAndLabelValues) {
  Registry registry;
  auto counter = registry.counter("odd_total", "Back\\slash and\nnewline \"quoted\".",
                                  {{"path", "C:\\dir\n\"x\""}});
  ASSERT_TRUE(counter);
  // HELP escapes backslash and newline only; label values also escape the double quote.
  EXPECT_EQ(registry.render(),
            "# HELP odd_total Back\\\\slash and\\nnewline \"quoted\".\n"
            "# TYPE odd_total counter\n"
            "odd_total{path=\"C:\\\\dir\\n\\\"x\\\"\"} 0\n");
}

TEST(Metrics, FamiliesSortedAndSeriesGrouped) {
  Registry registry;
  Counter& post = *registry.counter("http_requests_total", "Requests.", {{"method", "POST"}});
  ASSERT_TRUE(registry.gauge("b_gauge", "B."));
  Counter& get = *registry.counter("http_requests_total", "Requests.", {{"method", "GET"}});
  ASSERT_TRUE(registry.gauge("a_gauge", "A."));
  post.inc(2);
  get.inc(3);
  EXPECT_EQ(registry.render(),
            "# HELP a_gauge A.\n"
            "# TYPE a_gauge gauge\n"
            "a_gauge 0\n"
            "# HELP b_gauge B.\n"
            "# TYPE b_gauge gauge\n"
            "b_gauge 0\n"
            "# HELP http_requests_total Requests.\n"
            "# TYPE http_requests_total counter\n"
            "http_requests_total{method=\"GET\"} 3\n"
            "http_requests_total{method=\"POST\"} 2\n");
}

TEST(Metrics, ReferencesStayValidAcrossRegistrations) {
  Registry registry;
  Counter& first = *registry.counter("first_total", "First.");
  for (int i = 0; i < 1000; ++i) {
    ASSERT_TRUE(registry.counter("c" + std::to_string(i), "Filler."));
  }
  first.inc(7);
  EXPECT_NE(registry.render().find("first_total 7\n"), std::string::npos);
}

TEST(Metrics, RegistrationErrors) {
  Registry registry;
  ASSERT_TRUE(registry.counter("x_total", "X.", {{"a", "1"}}));

  auto dup = registry.counter("x_total", "X.", {{"a", "1"}});
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error(), Errc::duplicate_metric);
  EXPECT_EQ(dup.error().message(), "net: metric registered twice: x_total{a=\"1\"}");

  EXPECT_EQ(registry.gauge("x_total", "X.", {{"a", "2"}}).error(), Errc::metric_conflict);
  EXPECT_EQ(registry.counter("x_total", "Other help.", {{"a", "2"}}).error(),
            Errc::metric_conflict);
  EXPECT_EQ(registry.counter("9lives", "").error(), Errc::invalid_metric_name);
  EXPECT_EQ(registry.counter("has-dash", "").error(), Errc::invalid_metric_name);
  EXPECT_EQ(registry.counter("", "").error(), Errc::invalid_metric_name);
  EXPECT_TRUE(registry.counter("ns:sub_total", ""));  // colons are allowed in metric names
  EXPECT_EQ(registry.counter("y", "", {{"bad-name", "v"}}).error(), Errc::invalid_label);
  EXPECT_EQ(registry.counter("y", "", {{"__reserved", "v"}}).error(), Errc::invalid_label);
  EXPECT_EQ(registry.counter("y", "", {{"a", "1"}, {"a", "2"}}).error(), Errc::invalid_label);
  EXPECT_EQ(registry.histogram("h", "", {1}, {{"le", "1"}}).error(), Errc::invalid_label);
  EXPECT_EQ(registry.histogram("h", "", {2, 1}).error(), Errc::invalid_buckets);
  EXPECT_EQ(registry.histogram("h", "", {1, 1}).error(), Errc::invalid_buckets);
  EXPECT_EQ(registry.histogram("h", "", {std::nan(""), 1}).error(), Errc::invalid_buckets);
  // Failed registrations leave nothing behind.
  EXPECT_EQ(registry.render().find("# TYPE y"), std::string::npos);
  EXPECT_EQ(registry.render().find("# TYPE h"), std::string::npos);
  // The same series with its labels in another order is still the same series.
  EXPECT_EQ(registry.counter("z", "", {{"a", "1"}, {"b", "2"}}).has_value(), true);
  EXPECT_EQ(registry.counter("z", "", {{"b", "2"}, {"a", "1"}}).error(), Errc::duplicate_metric);
}

TEST(Metrics, ValueFormattingMatchesGo) {
  // Expected strings are what Go's strconv.FormatFloat(v, 'g', -1, 64) prints (Go's client uses
  // it).
  EXPECT_EQ(format_metric_value(0), "0");
  EXPECT_EQ(format_metric_value(-0.0), "0");
  EXPECT_EQ(format_metric_value(1), "1");
  EXPECT_EQ(format_metric_value(-1), "-1");
  EXPECT_EQ(format_metric_value(0.005), "0.005");
  EXPECT_EQ(format_metric_value(2.5), "2.5");
  EXPECT_EQ(format_metric_value(0.0001), "0.0001");
  EXPECT_EQ(format_metric_value(0.00001), "1e-05");
  EXPECT_EQ(format_metric_value(100000), "100000");
  EXPECT_EQ(format_metric_value(123456.7), "123456.7");
  EXPECT_EQ(format_metric_value(1e6), "1e+06");
  EXPECT_EQ(format_metric_value(1234567), "1.234567e+06");
  EXPECT_EQ(format_metric_value(-1.5e-7), "-1.5e-07");
  EXPECT_EQ(format_metric_value(1e100), "1e+100");
  EXPECT_EQ(format_metric_value(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(format_metric_value(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(format_metric_value(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(format_metric_value(std::nan("")), "NaN");
}

TEST(Metrics, ConcurrentUpdatesSumCorrectly) {
  Registry registry;
  Counter& counter = *registry.counter("events_total", "Events.");
  Gauge& gauge = *registry.gauge("level", "Level.");
  Histogram& hist = *registry.histogram("sizes", "Sizes.", {10, 100});
  constexpr int k_threads = 4;
  constexpr int k_per_thread = 100'000;
  std::vector<std::thread> threads;
  for (int t = 0; t < k_threads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < k_per_thread; ++i) {
        counter.inc();
        gauge.add(1);
        hist.observe(t % 2 == 0 ? 5 : 50);  // integers: the double sum stays exact
        // Rendering while others write must be safe (the text is checked after the join).
        if (i % 20'000 == 0) (void)registry.render();
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(counter.value(), std::uint64_t{k_threads} * k_per_thread);
  EXPECT_EQ(gauge.value(), double{k_threads} * k_per_thread);
  const Histogram::Snapshot s = hist.snapshot();
  EXPECT_EQ(s.count, std::uint64_t{k_threads} * k_per_thread);
  EXPECT_EQ(s.cumulative, (std::vector<std::uint64_t>{200'000, 400'000, 400'000}));
  EXPECT_EQ(s.sum, 2.0 * k_per_thread * 5 + 2.0 * k_per_thread * 50);
  EXPECT_NE(registry.render().find("events_total 400000\n"), std::string::npos);
  EXPECT_NE(registry.render().find("sizes_sum 1.1e+07\n"), std::string::npos);
}

}  // namespace
}  // namespace rollup::net
