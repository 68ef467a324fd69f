#pragma once
// Errors of the net module. Listener codes come back from HttpServer::start(); route and metric
// codes from registration, which happens at start-up, so each one is a configuration mistake to
// report and stop on. accept_failed, handler_failed, internal_error and ws_send_queue_full never
// come back from a call: they reach the server's error callback, because they happen on I/O threads
// while the server keeps running.

#include "rollup/base/error.hpp"

namespace rollup::net {

enum class Errc {
  ok = 0,
  invalid_options,  // a server option that cannot work (no threads, zero limits)
  invalid_address,  // the listen address neither parses nor resolves
  address_in_use,   // another socket listens on address:port
  listen_failed,    // open, bind or listen failed for another reason (permissions, no such address)
  already_started,  // start() twice, start() after stop(), or a route added while running
  invalid_route,    // a method that is not an HTTP token, or a path that does not start with '/'
  duplicate_route,  // the same method and path registered twice
  accept_failed,    // accepting a connection failed (file descriptors exhausted); retried
  handler_failed,   // a request handler threw; the client got a 500
  internal_error,   // an exception escaped to an I/O thread; the thread goes on running
  ws_send_queue_full,  // a WebSocket client read too slowly; its session was closed with 1008

  invalid_metric_name,  // not [a-zA-Z_:][a-zA-Z0-9_:]*
  invalid_label,        // bad label name, reserved name (__x, le on a histogram) or a name twice
  duplicate_metric,     // the same name with the same labels registered twice
  metric_conflict,      // the same name registered with another type or help text
  invalid_buckets,      // histogram bounds not finite and strictly increasing
};

}  // namespace rollup::net
ROLLUP_DECLARE_ERRC(rollup::net, Errc);
