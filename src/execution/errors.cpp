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
    case Errc::nonce_too_low: return "nonce too low";
    case Errc::nonce_too_high: return "nonce too high";
    case Errc::insufficient_funds: return "insufficient funds for gas * price + value";
    case Errc::fee_cap_below_base_fee: return "max fee per gas less than block base fee";
    case Errc::block_gas_exhausted: return "gas limit reached";
    case Errc::exceeds_block_gas_limit: return "exceeds block gas limit";
    case Errc::sender_not_eoa: return "sender not an eoa";
    case Errc::blob_fee_cap_too_low: return "max fee per blob gas less than block blob gas fee";
  }
  return "unknown execution error";
}

}  // namespace rollup::execution
