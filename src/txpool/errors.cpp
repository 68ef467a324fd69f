#include "rollup/txpool/pool.hpp"

namespace rollup::txpool {

std::string_view category_name(Errc) noexcept {
  return "txpool";
}

std::string_view describe(Errc e) noexcept {
  switch (e) {
    case Errc::ok: return "ok";
    case Errc::already_known: return "already known";
    case Errc::replacement_underpriced: return "replacement transaction underpriced";
    case Errc::underpriced: return "transaction underpriced";
    case Errc::oversized_data: return "oversized data";
    case Errc::pool_full: return "txpool is full";
    case Errc::account_limit: return "account limit exceeded";
    case Errc::journal_io: return "transaction journal I/O failed";
    case Errc::unprotected: return "only replay-protected (EIP-155) transactions allowed over RPC";
  }
  return "unknown txpool error";
}

}  // namespace rollup::txpool
