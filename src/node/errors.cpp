#include "rollup/node/config.hpp"

namespace rollup::node {

std::string_view category_name(Errc) noexcept {
  return "node";
}

std::string_view describe(Errc e) noexcept {
  switch (e) {
    case Errc::ok: return "ok";
    case Errc::config_file: return "cannot read the configuration file";
    case Errc::unknown_key: return "unknown configuration key";
    case Errc::invalid_value: return "invalid configuration value";
    case Errc::missing_value: return "missing configuration value";
    case Errc::datadir: return "cannot use the datadir";
  }
  return "unknown configuration error";
}

}  // namespace rollup::node
