#include "url.hpp"

#include <algorithm>
#include <array>
#include <charconv>

#include "rollup/l1/errors.hpp"

namespace rollup::l1::detail {

namespace {

char ascii_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool starts_with_nocase(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() &&
         std::ranges::equal(text.substr(0, prefix.size()), prefix,
                            [](char a, char b) { return ascii_lower(a) == b; });
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Userinfo is percent-encoded in the URL and sent decoded in the Basic credentials.
Result<std::string> percent_decode(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    if (i + 2 >= text.size() || hex_digit(text[i + 1]) < 0 || hex_digit(text[i + 2]) < 0)
      return fail(Errc::invalid_options, "url: bad percent-encoding in the userinfo");
    out.push_back(static_cast<char>(hex_digit(text[i + 1]) * 16 + hex_digit(text[i + 2])));
    i += 2;
  }
  return out;
}

std::string base64(std::string_view data) {
  static constexpr std::string_view k_alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  for (std::size_t i = 0; i < data.size(); i += 3) {
    const std::size_t n = std::min<std::size_t>(3, data.size() - i);
    std::uint32_t group = 0;
    for (std::size_t k = 0; k < 3; ++k) {
      group <<= 8;
      if (k < n) group |= static_cast<unsigned char>(data[i + k]);
    }
    for (std::size_t k = 0; k < 4; ++k) {
      out.push_back(k <= n ? k_alphabet[(group >> (18 - 6 * k)) & 63] : '=');
    }
  }
  return out;
}

bool valid_port(std::string_view text) {
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && end == text.data() + text.size() && value >= 1 && value <= 65535 &&
         text.front() != '+';
}

}  // namespace

std::string Url::where() const {
  return (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + port;
}

Result<Url> parse_url(std::string_view text) {
  Url url;
  if (starts_with_nocase(text, "https://")) {
    url.tls = true;
    text.remove_prefix(8);
  } else if (starts_with_nocase(text, "http://")) {
    text.remove_prefix(7);
  } else {
    return fail(Errc::invalid_options, "url: the scheme must be http:// or https://");
  }
  text = text.substr(0, text.find('#'));
  const std::size_t authority_end = text.find_first_of("/?");
  std::string_view authority = text.substr(0, authority_end);
  std::string_view target =
      authority_end == std::string_view::npos ? std::string_view() : text.substr(authority_end);
  url.target =
      target.empty() || target.front() == '?' ? "/" + std::string(target) : std::string(target);

  if (const std::size_t at = authority.rfind('@'); at != std::string_view::npos) {
    ROLLUP_TRY(std::string userinfo, percent_decode(authority.substr(0, at)));
    url.authorization = "Basic " + base64(userinfo);
    authority.remove_prefix(at + 1);
  }

  std::string_view host;
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos)
      return fail(Errc::invalid_options, "url: unclosed IPv6 literal");
    host = authority.substr(1, close - 1);
    const std::string_view rest = authority.substr(close + 1);
    if (!rest.empty() && rest.front() != ':')
      return fail(Errc::invalid_options, "url: junk after the IPv6 literal");
    if (!rest.empty()) port = rest.substr(1);
  } else {
    const std::size_t colon = authority.find(':');
    host = authority.substr(0, colon);
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
  }
  if (host.empty()) return fail(Errc::invalid_options, "url: missing host");
  if (std::ranges::any_of(host, [](char c) {
        return static_cast<unsigned char>(c) <= ' ' || c == '/' || c == '\\' || c == '@';
      }))
    return fail(Errc::invalid_options, "url: invalid host");
  const bool explicit_port = !port.empty();
  if (explicit_port && !valid_port(port)) return fail(Errc::invalid_options, "url: invalid port");
  if (!explicit_port && authority.ends_with(':'))
    return fail(Errc::invalid_options, "url: empty port");

  url.host = std::string(host);
  url.port = explicit_port ? std::string(port) : (url.tls ? "443" : "80");
  const std::string bracketed =
      url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host;
  url.host_header = explicit_port ? bracketed + ":" + url.port : bracketed;
  return url;
}

bool is_header_name(std::string_view name) {
  constexpr std::string_view extra = "!#$%&'*+-.^_`|~";
  return !name.empty() && std::ranges::all_of(name, [&](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           extra.find(c) != std::string_view::npos;
  });
}

bool is_header_value(std::string_view value) {
  return std::ranges::none_of(value, [](char c) { return c == '\r' || c == '\n' || c == '\0'; });
}

std::string printable(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (c < ' ' || c > '~') c = '?';
  return out;
}

}  // namespace rollup::l1::detail
