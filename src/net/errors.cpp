#include "rollup/net/errors.hpp"

namespace rollup::net {

std::string_view category_name(Errc) noexcept {
  return "net";
}

std::string_view describe(Errc e) noexcept {
  switch (e) {
    case Errc::ok: return "ok";
    case Errc::invalid_options: return "invalid server options";
    case Errc::invalid_address: return "invalid listen address";
    case Errc::address_in_use: return "address already in use";
    case Errc::listen_failed: return "cannot listen";
    case Errc::already_started: return "server already started";
    case Errc::invalid_route: return "invalid route";
    case Errc::duplicate_route: return "route registered twice";
    case Errc::accept_failed: return "accepting a connection failed";
    case Errc::handler_failed: return "request handler threw";
    case Errc::internal_error: return "unexpected exception on an I/O thread";
    case Errc::ws_send_queue_full: return "WebSocket send queue limit exceeded";
    case Errc::invalid_metric_name: return "invalid metric name";
    case Errc::invalid_label: return "invalid metric label";
    case Errc::duplicate_metric: return "metric registered twice";
    case Errc::metric_conflict: return "metric name already registered with another type or help";
    case Errc::invalid_buckets: return "histogram buckets must be finite and strictly increasing";
  }
  return "unknown net error";
}

}  // namespace rollup::net
