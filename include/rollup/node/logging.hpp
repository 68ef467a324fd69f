#pragma once
// Logging: one spdlog logger per subsystem on one stderr sink, as text for people or as JSON
// lines for log collectors, with a level per subsystem.

#include <memory>
#include <string>
#include <string_view>

#include <spdlog/logger.h>

#include "rollup/base/error.hpp"
#include "rollup/node/config.hpp"

namespace rollup::node {

// Creates (or re-creates) the loggers. Call once at startup, before any thread logs.
[[nodiscard]] Result<void> setup_logging(const Config::Log& config);

// Text as the contents of a JSON string (what the JSON log format writes for a message): quotes,
// backslashes and control characters escaped, and bytes that are not UTF-8 replaced by U+FFFD,
// since user input quoted in a message must not break the line's JSON.
[[nodiscard]] std::string json_escape(std::string_view text);

// The logger of a subsystem listed above.
[[nodiscard]] std::shared_ptr<spdlog::logger> logger(std::string_view subsystem);

}  // namespace rollup::node
