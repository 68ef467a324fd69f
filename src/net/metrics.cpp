#include "rollup/net/metrics.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <system_error>
#include <variant>

#include "rollup/base/assert.hpp"

namespace rollup::net {

namespace {

bool is_alpha_or_underscore(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

bool valid_metric_name(std::string_view name) {
  if (name.empty() || !(is_alpha_or_underscore(name[0]) || name[0] == ':')) return false;
  return std::ranges::all_of(
      name, [](char c) { return is_alpha_or_underscore(c) || is_digit(c) || c == ':'; });
}

bool valid_label_name(std::string_view name) {
  if (name.empty() || !is_alpha_or_underscore(name[0])) return false;
  return std::ranges::all_of(name, [](char c) { return is_alpha_or_underscore(c) || is_digit(c); });
}

// Sorts by name, so that a series is identified by its label set whatever order it came in.
Result<void> normalize_labels(Labels& labels) {
  std::ranges::sort(labels);
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const std::string& name = labels[i].first;
    if (!valid_label_name(name)) return fail(Errc::invalid_label, "'" + name + "'");
    // Prometheus reserves names starting with "__" for its own use.
    if (name.starts_with("__")) return fail(Errc::invalid_label, "'" + name + "' is reserved");
    if (i > 0 && labels[i - 1].first == name)
      return fail(Errc::invalid_label, "'" + name + "' given twice");
  }
  return {};
}

void append_escaped(std::string& out, std::string_view text, bool quote_too) {
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && quote_too) {
      out += "\\\"";
    } else {
      out += c;
    }
  }
}

// `{a="x",b="y"}`, with `le` appended last for histogram buckets like Go's client; nothing at all
// for no labels.
void append_labels(std::string& out, const Labels& labels, std::string_view le = {}) {
  if (labels.empty() && le.empty()) return;
  out += '{';
  bool first = true;
  for (const auto& [name, value] : labels) {
    if (!first) out += ',';
    first = false;
    out += name;
    out += "=\"";
    append_escaped(out, value, true);
    out += '"';
  }
  if (!le.empty()) {
    if (!first) out += ',';
    out += "le=\"";
    out += le;
    out += '"';
  }
  out += '}';
}

void append_sample(std::string& out, std::string_view name, std::string_view suffix,
                   const Labels& labels, std::string_view value, std::string_view le = {}) {
  out += name;
  out += suffix;
  append_labels(out, labels, le);
  out += ' ';
  out += value;
  out += '\n';
}

}  // namespace

std::string format_metric_value(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  // Go's client writes 0 for both zeros.
  if (v == 0) return "0";

  // Shortest round-trip digits in scientific form ("-1.2345e+06"); Go's 'g' then picks %e or %f
  // from the exponent alone.
  char buf[64];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  ROLLUP_ASSERT(ec == std::errc{});
  const std::string_view sci(buf, end);
  const std::size_t e_pos = sci.find('e');
  ROLLUP_ASSERT(e_pos != std::string_view::npos);

  int exp = 0;
  std::string_view exp_text = sci.substr(e_pos + 1);
  const bool exp_negative = exp_text.front() == '-';
  exp_text.remove_prefix(1);  // to_chars always writes the exponent's sign
  std::from_chars(exp_text.data(), exp_text.data() + exp_text.size(), exp);
  if (exp_negative) exp = -exp;

  // For the shortest form Go uses %e when the exponent is below -4 or at least 6, and its %e
  // spelling (two exponent digits at least) is to_chars' own.
  if (exp < -4 || exp >= 6) return std::string(sci);

  const bool negative = v < 0;
  std::string digits;
  for (char c : sci.substr(negative ? 1 : 0, e_pos - (negative ? 1 : 0))) {
    if (c != '.') digits += c;
  }
  std::string out = negative ? "-" : "";
  if (exp < 0) {
    out += "0.";
    out.append(static_cast<std::size_t>(-exp - 1), '0');
    out += digits;
    return out;
  }
  const auto int_digits = static_cast<std::size_t>(exp) + 1;
  if (digits.size() <= int_digits) {
    out += digits;
    out.append(int_digits - digits.size(), '0');
  } else {
    out.append(digits, 0, int_digits);
    out += '.';
    out.append(digits, int_digits);
  }
  return out;
}

Histogram::Histogram(std::vector<double> bounds)
    : m_bounds(std::move(bounds)),
      m_counts(std::make_unique<std::atomic<std::uint64_t>[]>(m_bounds.size() + 1)) {}

void Histogram::observe(double v) noexcept {
  // lower_bound on NaN would stop at the first bucket; Go's client counts NaN in +Inf only.
  const std::size_t i =
      std::isnan(v)
          ? m_bounds.size()
          : static_cast<std::size_t>(std::ranges::lower_bound(m_bounds, v) - m_bounds.begin());
  m_counts[i].fetch_add(1, std::memory_order_relaxed);
  m_sum.fetch_add(v, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::snapshot() const {
  Snapshot s;
  s.cumulative.reserve(m_bounds.size() + 1);
  for (std::size_t i = 0; i <= m_bounds.size(); ++i) {
    s.count += m_counts[i].load(std::memory_order_relaxed);
    s.cumulative.push_back(s.count);
  }
  s.sum = m_sum.load(std::memory_order_relaxed);
  return s;
}

struct Registry::Family {
  Type type;
  std::string help;
  std::map<Labels, std::variant<std::unique_ptr<Counter>, std::unique_ptr<Gauge>,
                                std::unique_ptr<Histogram>>>
      series;
};

Registry::Registry() = default;
Registry::~Registry() = default;

Result<Registry::Family*> Registry::family_for(std::string_view name, std::string_view help,
                                               Type type, Labels& labels) {
  if (!valid_metric_name(name))
    return fail(Errc::invalid_metric_name, "'" + std::string(name) + "'");
  if (auto r = normalize_labels(labels); !r) {
    return fail(Error(r.error().code(), std::string(name) + ": " + r.error().detail()));
  }
  auto it = m_families.find(name);
  if (it == m_families.end()) {
    auto family = std::make_unique<Family>();
    family->type = type;
    family->help = std::string(help);
    it = m_families.emplace(std::string(name), std::move(family)).first;
    return it->second.get();
  }
  Family& family = *it->second;
  if (family.type != type || family.help != help)
    return fail(Errc::metric_conflict, std::string(name));
  if (family.series.contains(labels)) {
    std::string detail(name);
    append_labels(detail, labels);
    return fail(Errc::duplicate_metric, std::move(detail));
  }
  return &family;
}

Result<std::reference_wrapper<Counter>> Registry::counter(std::string_view name,
                                                          std::string_view help, Labels labels) {
  std::scoped_lock lock(m_mutex);
  ROLLUP_TRY(Family * family, family_for(name, help, Type::counter, labels));
  auto metric = std::make_unique<Counter>();
  Counter& ref = *metric;
  family->series.emplace(std::move(labels), std::move(metric));
  return std::ref(ref);
}

Result<std::reference_wrapper<Gauge>> Registry::gauge(std::string_view name, std::string_view help,
                                                      Labels labels) {
  std::scoped_lock lock(m_mutex);
  ROLLUP_TRY(Family * family, family_for(name, help, Type::gauge, labels));
  auto metric = std::make_unique<Gauge>();
  Gauge& ref = *metric;
  family->series.emplace(std::move(labels), std::move(metric));
  return std::ref(ref);
}

Result<std::reference_wrapper<Histogram>> Registry::histogram(std::string_view name,
                                                              std::string_view help,
                                                              std::vector<double> bounds,
                                                              Labels labels) {
  if (!bounds.empty() && std::isinf(bounds.back()) && bounds.back() > 0) bounds.pop_back();
  for (std::size_t i = 0; i < bounds.size(); ++i) {
    if (!std::isfinite(bounds[i]) || (i > 0 && !(bounds[i - 1] < bounds[i]))) {
      return fail(Errc::invalid_buckets, std::string(name));
    }
  }
  // The bucket lines carry `le` themselves.
  for (const auto& label : labels) {
    if (label.first == "le") {
      return fail(Errc::invalid_label, std::string(name) + ": 'le' is reserved in histograms");
    }
  }
  std::scoped_lock lock(m_mutex);
  ROLLUP_TRY(Family * family, family_for(name, help, Type::histogram, labels));
  auto metric = std::unique_ptr<Histogram>(new Histogram(std::move(bounds)));
  Histogram& ref = *metric;
  family->series.emplace(std::move(labels), std::move(metric));
  return std::ref(ref);
}

std::string Registry::render() const {
  std::string out;
  std::scoped_lock lock(m_mutex);
  for (const auto& [name, family] : m_families) {
    if (!family->help.empty()) {
      out += "# HELP ";
      out += name;
      out += ' ';
      append_escaped(out, family->help, false);
      out += '\n';
    }
    out += "# TYPE ";
    out += name;
    switch (family->type) {
      case Type::counter: out += " counter\n"; break;
      case Type::gauge: out += " gauge\n"; break;
      case Type::histogram: out += " histogram\n"; break;
    }
    for (const auto& [labels, metric] : family->series) {
      if (const auto* c = std::get_if<std::unique_ptr<Counter>>(&metric)) {
        append_sample(out, name, "", labels, std::to_string((*c)->value()));
      } else if (const auto* g = std::get_if<std::unique_ptr<Gauge>>(&metric)) {
        append_sample(out, name, "", labels, format_metric_value((*g)->value()));
      } else {
        const Histogram& h = *std::get<std::unique_ptr<Histogram>>(metric);
        const Histogram::Snapshot s = h.snapshot();
        const auto bounds = h.bounds();
        for (std::size_t i = 0; i < bounds.size(); ++i) {
          append_sample(out, name, "_bucket", labels, std::to_string(s.cumulative[i]),
                        format_metric_value(bounds[i]));
        }
        append_sample(out, name, "_bucket", labels, std::to_string(s.count), "+Inf");
        append_sample(out, name, "_sum", labels, format_metric_value(s.sum));
        append_sample(out, name, "_count", labels, std::to_string(s.count));
      }
    }
  }
  return out;
}

}  // namespace rollup::net
