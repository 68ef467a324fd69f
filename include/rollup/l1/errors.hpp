#pragma once
// Errors of the l1 module. A caller decides what to do from the code alone: unreachable, timeout
// and http_status are the transport's (the client has already retried the retryable ones),
// rpc_error is the node's answer (read it with l1::rpc_error()), bad_response and
// response_too_large mean the node sent something we refuse to interpret, cancelled comes after
// Client::stop(). Details never hold the URL's path, query or userinfo, nor any header: an API key
// may be in any of them.

#include "rollup/base/error.hpp"

namespace rollup::l1 {

enum class Errc {
  ok = 0,
  invalid_options,     // a client option that cannot work (URL, zero attempts, zero limits)
  invalid_request,     // params neither an array, an object nor null
  unreachable,         // DNS, connect or TLS handshake failed
  timeout,             // connect or request timeout
  http_status,         // an HTTP status other than 200; the detail names it
  bad_response,        // not HTTP, not JSON, not JSON-RPC 2.0, wrong id, or a malformed result
  response_too_large,  // a response above ClientOptions::max_response_bytes
  rpc_error,           // a JSON-RPC error answer; l1::rpc_error() gives code, message and data
  cancelled,           // the client was stopped before an answer came
};

}  // namespace rollup::l1
ROLLUP_DECLARE_ERRC(rollup::l1, Errc);
