#include "rollup/node/logging.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <string>

namespace rollup::node {
namespace {

// The message as the contents of a JSON string: spdlog's patterns do not escape, and a message
// quoting user input (a malformed request, say) must not break the line's JSON.
class JsonMessage final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    for (const char c : std::string_view(msg.payload.data(), msg.payload.size())) {
      switch (c) {
        case '"': dest.append(std::string_view("\\\"")); break;
        case '\\': dest.append(std::string_view("\\\\")); break;
        case '\n': dest.append(std::string_view("\\n")); break;
        case '\r': dest.append(std::string_view("\\r")); break;
        case '\t': dest.append(std::string_view("\\t")); break;
        default:
          if (static_cast<unsigned char>(c) < 0x20) {
            char esc[8];
            std::snprintf(esc, sizeof esc, "\\u%04x", static_cast<unsigned>(c));
            dest.append(std::string_view(esc));
          } else {
            dest.push_back(c);
          }
      }
    }
  }
  [[nodiscard]] std::unique_ptr<spdlog::custom_flag_formatter> clone() const override {
    return std::make_unique<JsonMessage>();
  }
};

spdlog::level::level_enum level_of(std::string_view name) {
  return spdlog::level::from_str(std::string(name));
}

}  // namespace

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
  for (std::string_view name : k_subsystems) {
    spdlog::drop(std::string(name));
    auto log = std::make_shared<spdlog::logger>(std::string(name), sink);
    log->set_level(level_of(config.level));
    // Warnings and errors reach the stream at once; the rest may wait for the next flush.
    log->flush_on(spdlog::level::warn);
    spdlog::register_logger(log);
  }
  // Per-subsystem levels (validated by the config parser).
  std::string_view rest = config.levels;
  while (!rest.empty()) {
    const std::size_t comma = rest.find(',');
    const std::string_view item = rest.substr(0, comma);
    const std::size_t eq = item.find('=');
    const std::string name(item.substr(0, eq));
    auto log = spdlog::get(name);
    if (!log) {
      return fail(Errc::invalid_value, "log.levels: unknown subsystem '" + name +
                                           "' (node, sequencer, txpool, db, http)");
    }
    log->set_level(level_of(item.substr(eq + 1)));
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
  }
  return {};
}

std::shared_ptr<spdlog::logger> logger(std::string_view subsystem) {
  auto log = spdlog::get(std::string(subsystem));
  // Before setup (tests, early failures), fall back to spdlog's default stderr logger.
  return log ? log : spdlog::default_logger();
}

}  // namespace rollup::node
