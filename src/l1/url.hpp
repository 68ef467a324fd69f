#pragma once
// The node's URL, taken apart once. Only host and port ever go into error details (where()): an
// API key may sit in the path (Infura's /v3/<key>), the query or the userinfo.

#include <string>
#include <string_view>

#include "rollup/base/error.hpp"

namespace rollup::l1::detail {

struct Url {
  bool tls = false;
  std::string host;           // without the brackets of an IPv6 literal
  std::string port;           // always set: the scheme's default when the URL has none
  std::string host_header;    // as HTTP's Host wants it: host, [v6], with :port when not default
  std::string target;         // path and query, "/" at least
  std::string authorization;  // "Basic ..." from the userinfo; empty without one

  [[nodiscard]] std::string where() const;  // "host:port", "[::1]:8545"
};

// http:// or https:// URLs; a fragment is dropped. Errors never quote the URL.
[[nodiscard]] Result<Url> parse_url(std::string_view text);

// RFC 9110 field names (tokens) and values without CR, LF or NUL.
[[nodiscard]] bool is_header_name(std::string_view name);
[[nodiscard]] bool is_header_value(std::string_view value);
// The text with anything outside printable ASCII as '?', for quoting a header name.
[[nodiscard]] std::string printable(std::string_view text);

}  // namespace rollup::l1::detail
