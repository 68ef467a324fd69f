#include "rollup/l1/errors.hpp"

namespace rollup::l1 {

std::string_view category_name(Errc) noexcept {
  return "l1";
}

std::string_view describe(Errc e) noexcept {
  switch (e) {
    case Errc::ok: return "ok";
    case Errc::invalid_options: return "invalid client options";
    case Errc::invalid_request: return "invalid request";
    case Errc::unreachable: return "L1 node unreachable";
    case Errc::timeout: return "L1 request timed out";
    case Errc::http_status: return "unexpected HTTP status";
    case Errc::bad_response: return "malformed response";
    case Errc::response_too_large: return "response too large";
    case Errc::rpc_error: return "JSON-RPC error";
    case Errc::cancelled: return "cancelled";
  }
  return "unknown l1 error";
}

}  // namespace rollup::l1
