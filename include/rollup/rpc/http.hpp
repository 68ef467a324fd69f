#pragma once
// JSON-RPC over HTTP as geth serves it: POST with a JSON content type (anything else is 415), the
// Host header checked against the virtual hosts (403 otherwise; IP addresses always pass, as in
// geth), and CORS answers for browser dapps whose Origin is allowed. The body size limit and the
// timeouts are the HTTP server's own (net::HttpServerOptions).

#include <string>
#include <vector>

#include "rollup/base/bytes.hpp"
#include "rollup/net/http_server.hpp"
#include "rollup/rpc/jsonrpc.hpp"

namespace rollup::rpc {

struct HttpOptions {
  // The secret of admin_ calls' JWT (rpc/auth.hpp); empty: nobody is authenticated.
  Bytes jwt_secret;
  std::vector<std::string> cors;                    // allowed Origins; "*" allows any; empty: none
  std::vector<std::string> vhosts = {"localhost"};  // allowed Host names; "*" allows any
};

// Serves `dispatcher` at `path` ("/" for a node) on `server`, which must not be running yet.
// The dispatcher must outlive the server.
[[nodiscard]] Result<void> serve_http(net::HttpServer& server, const std::string& path,
                                      const Dispatcher& dispatcher, HttpOptions options);

}  // namespace rollup::rpc
