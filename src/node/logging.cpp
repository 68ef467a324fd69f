#include "rollup/node/logging.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <string>

namespace rollup::node {
namespace {

// Length of the well-formed UTF-8 sequence at the start of `s`, or 0 when it is not one
// (overlong forms, surrogates and code points above U+10FFFF included).
std::size_t utf8_sequence(std::string_view s) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned char b0 = byte(0);
  std::size_t n = 0;
  std::uint32_t cp = 0;
  if (b0 >= 0xc2 && b0 <= 0xdf) {
    n = 2;
    cp = b0 & 0x1fu;
  } else if (b0 >= 0xe0 && b0 <= 0xef) {
    n = 3;
    cp = b0 & 0x0fu;
  } else if (b0 >= 0xf0 && b0 <= 0xf4) {
    n = 4;
    cp = b0 & 0x07u;
  } else {
    return 0;
  }
  if (s.size() < n) return 0;
  for (std::size_t i = 1; i < n; ++i) {
    if ((byte(i) & 0xc0) != 0x80) return 0;
    cp = cp << 6 | (byte(i) & 0x3fu);
  }
  const bool overlong = (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000);
  if (overlong || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) return 0;
  return n;
}

// The message as the contents of a JSON string: spdlog's patterns do not escape.
class JsonMessage final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    const std::string escaped = json_escape({msg.payload.data(), msg.payload.size()});
    dest.append(escaped.data(), escaped.data() + escaped.size());
  }
  [[nodiscard]] std::unique_ptr<spdlog::custom_flag_formatter> clone() const override {
    return std::make_unique<JsonMessage>();
  }
};

spdlog::level::level_enum level_of(std::string_view name) {
  return spdlog::level::from_str(std::string(name));
}

}  // namespace

std::string json_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::string_view rest = text;
  while (!rest.empty()) {
    const char c = rest.front();
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x80) {
      const std::size_t n = utf8_sequence(rest);
      if (n == 0) {
        out += "\\ufffd";
        rest.remove_prefix(1);
      } else {
        out += rest.substr(0, n);
        rest.remove_prefix(n);
      }
      continue;
    }
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (u < 0x20) {
          char esc[8];
          std::snprintf(esc, sizeof esc, "\\u%04x", static_cast<unsigned>(u));
          out += esc;
        } else {
          out += c;
        }
    }
    rest.remove_prefix(1);
  }
  return out;
}

Result<void> setup_logging(const Config::Log& config) {
  auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  if (config.format == "json") {
    auto formatter = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
    formatter->add_flag<JsonMessage>('*').set_pattern(
        R"({"time":"%Y-%m-%dT%H:%M:%S.%fZ","level":"%l","subsystem":"%n","msg":"%*"})");
    sink->set_formatter(std::move(formatter));
  } else {
    sink->set_formatter(std::make_unique<spdlog::pattern_formatter>(
        "%Y-%m-%dT%H:%M:%S.%eZ %-5l %-9n %v", spdlog::pattern_time_type::utc));
  }
  for (std::string_view name : k_log_subsystems) {
    spdlog::drop(std::string(name));
    auto log = std::make_shared<spdlog::logger>(std::string(name), sink);
    log->set_level(level_of(config.level));
    // Warnings and errors reach the stream at once; the rest may wait for the next flush.
    log->flush_on(spdlog::level::warn);
    spdlog::register_logger(log);
  }
  auto levels = parse_log_levels(config.levels);
  if (!levels) {
    return fail(Errc::invalid_value, "log.levels: " + levels.error().detail());
  }
  for (const auto& [subsystem, level] : *levels) spdlog::get(subsystem)->set_level(level_of(level));
  return {};
}

std::shared_ptr<spdlog::logger> logger(std::string_view subsystem) {
  auto log = spdlog::get(std::string(subsystem));
  // Before setup (tests, early failures), fall back to spdlog's default stderr logger.
  return log ? log : spdlog::default_logger();
}

}  // namespace rollup::node
