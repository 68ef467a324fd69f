#include "rollup/rpc/http.hpp"

#include <algorithm>
#include <chrono>
#include <memory>

#include <boost/asio/ip/address.hpp>

#include "rollup/rpc/auth.hpp"

namespace rollup::rpc {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::ranges::transform(out, out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

bool listed(const std::vector<std::string>& list, std::string_view value) {
  const std::string v = lower(value);
  return std::ranges::any_of(list, [&](const std::string& e) { return e == "*" || lower(e) == v; });
}

// The host part of a Host header: "[::1]:8545" -> "::1", "localhost:8545" -> "localhost".
std::string_view host_name(std::string_view host) {
  if (host.starts_with('[')) {
    const std::size_t end = host.find(']');
    return end == std::string_view::npos ? host : host.substr(1, end - 1);
  }
  const std::size_t colon = host.rfind(':');
  return colon == std::string_view::npos ? host : host.substr(0, colon);
}

bool json_content_type(std::string_view value) {
  // The media type before any parameters ("; charset=utf-8"); geth also takes these two aliases.
  const std::string type = lower(value.substr(0, value.find(';')));
  const auto trimmed = [](std::string_view s) {
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
    return s;
  };
  const std::string_view t = trimmed(type);
  return t == "application/json" || t == "application/json-rpc" || t == "application/jsonrequest";
}

struct Shared {
  const Dispatcher* dispatcher;
  HttpOptions options;

  // Refusals before any JSON is read; nullopt lets the request through.
  std::optional<net::Response> screen(const net::Request& req) const {
    const std::string_view host = host_name(req.header("Host"));
    boost::system::error_code ec;
    boost::asio::ip::make_address(std::string(host), ec);
    // A request addressed to an IP is not a DNS-rebinding attack: geth lets those through.
    if (!host.empty() && ec && !listed(options.vhosts, host)) {
      return net::Response{403, "text/plain; charset=utf-8", "invalid host specified\n", {}};
    }
    return std::nullopt;
  }

  void add_cors(const net::Request& req, net::Response& res) const {
    const std::string_view origin = req.header("Origin");
    if (origin.empty() || !listed(options.cors, origin)) return;
    res.headers.emplace_back("Access-Control-Allow-Origin",
                             listed(options.cors, "*") ? "*" : std::string(origin));
    res.headers.emplace_back("Vary", "Origin");
  }
};

}  // namespace

Result<void> serve_http(net::HttpServer& server, const std::string& path,
                        const Dispatcher& dispatcher, HttpOptions options) {
  auto shared = std::make_shared<const Shared>(Shared{&dispatcher, std::move(options)});
  ROLLUP_TRY_VOID(server.route("POST", path, [shared](const net::Request& req) {
    if (auto refused = shared->screen(req)) return *refused;
    net::Response res;
    if (!json_content_type(req.header("Content-Type"))) {
      res.status = 415;
      res.body = "invalid content type, only application/json is supported\n";
    } else {
      res.content_type = "application/json";
      Caller caller;
      if (!shared->options.jwt_secret.empty()) {
        const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
        auto auth = verify_jwt(req.header("Authorization"), shared->options.jwt_secret, now);
        caller.unauthenticated = auth ? std::nullopt : std::optional(auth.error().detail());
      }
      // A body of notifications only gets an empty 200, as in geth.
      res.body = shared->dispatcher->handle(req.body, caller).value_or("");
    }
    shared->add_cors(req, res);
    return res;
  }));
  // CORS preflight: browsers ask before POSTing JSON from another origin.
  return server.route("OPTIONS", path, [shared](const net::Request& req) {
    if (auto refused = shared->screen(req)) return *refused;
    net::Response res;
    res.status = 204;
    shared->add_cors(req, res);
    if (!res.headers.empty()) {
      res.headers.emplace_back("Access-Control-Allow-Methods", "POST, OPTIONS");
      res.headers.emplace_back("Access-Control-Allow-Headers", "Content-Type, Authorization");
      res.headers.emplace_back("Access-Control-Max-Age", "600");
    }
    return res;
  });
}

}  // namespace rollup::rpc
