#include "rollup/rpc/auth.hpp"

#include <openssl/crypto.h>

#include <string>

#include "rollup/crypto/digests.hpp"
#include "rollup/rpc/codec.hpp"

namespace rollup::rpc {

namespace {

constexpr std::string_view k_alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string base64url(ByteView data) {
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (std::uint8_t b : data) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += k_alphabet[(acc >> bits) & 63];
    }
  }
  if (bits > 0) out += k_alphabet[(acc << (6 - bits)) & 63];
  return out;  // unpadded, as JWT wants
}

Result<Bytes> unbase64url(std::string_view text) {
  Bytes out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    const std::size_t v = k_alphabet.find(c);
    if (v == std::string_view::npos) return fail(Errc::invalid_argument, "token is not base64url");
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<std::uint8_t>(acc >> bits));
    }
  }
  return out;
}

Error unauthorized(std::string why) {
  return Error(make_error_code(Errc::invalid_argument), std::move(why));
}

}  // namespace

Result<void> verify_jwt(std::string_view authorization, ByteView secret, std::int64_t now) {
  constexpr std::string_view k_bearer = "Bearer ";
  if (authorization.empty()) return std::unexpected(unauthorized("missing token"));
  if (!authorization.starts_with(k_bearer)) {
    return std::unexpected(unauthorized("the Authorization header is not a bearer token"));
  }
  const std::string_view token = authorization.substr(k_bearer.size());
  const std::size_t dot1 = token.find('.');
  const std::size_t dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos) return std::unexpected(unauthorized("malformed token"));
  const std::string_view signed_part = token.substr(0, dot2);
  auto signature = unbase64url(token.substr(dot2 + 1));
  if (!signature) return std::unexpected(unauthorized("malformed token signature"));
  const Hash expected = crypto::hmac_sha256(
      secret,
      ByteView(reinterpret_cast<const std::uint8_t*>(signed_part.data()), signed_part.size()));
  // Constant time: how much of a signature matched must not be measurable.
  if (signature->size() != 32 || CRYPTO_memcmp(signature->data(), expected.data(), 32) != 0) {
    return std::unexpected(unauthorized("invalid token signature"));
  }
  auto header = unbase64url(token.substr(0, dot1));
  auto claims = unbase64url(token.substr(dot1 + 1, dot2 - dot1 - 1));
  if (!header || !claims) return std::unexpected(unauthorized("malformed token"));
  const Json h = Json::parse(header->begin(), header->end(), nullptr, false);
  const Json c = Json::parse(claims->begin(), claims->end(), nullptr, false);
  if (!h.is_object() || h.value("alg", "") != "HS256") {
    return std::unexpected(unauthorized("token algorithm must be HS256"));
  }
  if (!c.is_object() || !c.contains("iat") || !c["iat"].is_number_integer()) {
    return std::unexpected(unauthorized("token has no iat claim"));
  }
  const std::int64_t iat = c["iat"].get<std::int64_t>();
  if (iat < now - k_jwt_max_skew_s) return std::unexpected(unauthorized("token is expired"));
  if (iat > now + k_jwt_max_skew_s)
    return std::unexpected(unauthorized("token is issued in the future"));
  return {};
}

std::string make_jwt(ByteView secret, std::int64_t iat) {
  const std::string header = R"({"alg":"HS256","typ":"JWT"})";
  const std::string claims = R"({"iat":)" + std::to_string(iat) + "}";
  const auto bytes = [](const std::string& s) {
    return ByteView(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
  };
  const std::string signed_part = base64url(bytes(header)) + "." + base64url(bytes(claims));
  return signed_part + "." + base64url(crypto::hmac_sha256(secret, bytes(signed_part)).view());
}

}  // namespace rollup::rpc
