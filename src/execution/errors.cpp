#include "rollup/execution/errors.hpp"

namespace rollup::execution {

std::string_view category_name(Errc) noexcept {
  return "execution";
}

std::string_view describe(Errc e) noexcept {
  switch (e) {
    case Errc::ok: return "ok";
    case Errc::genesis_malformed_json: return "genesis is not valid JSON";
    case Errc::genesis_duplicate_key: return "duplicate key in genesis";
    case Errc::genesis_unknown_key: return "unknown key in genesis";
    case Errc::genesis_missing_field: return "missing required field in genesis";
    case Errc::genesis_invalid_value: return "invalid value in genesis";
    case Errc::genesis_duplicate_account: return "account listed twice in genesis alloc";
    case Errc::genesis_unsupported_fork: return "genesis fork not supported";
    case Errc::genesis_unsupported_consensus:
      return "genesis consensus engine not supported (rollupd is post-merge only)";
  }
  return "unknown execution error";
}

}  // namespace rollup::execution
