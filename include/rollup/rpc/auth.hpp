#pragma once
// JWT (HS256) authentication for the admin_ namespace, as the Engine API authenticates: the client
// sends "Authorization: Bearer <token>", a token signed with a shared 32-byte secret whose only
// claim that matters is `iat`, the time it was issued, which must be within 60 seconds of the
// node's clock. Short-lived tokens instead of a long-lived password: a token seen in a log or a
// proxy is worthless a minute later.

#include <cstdint>
#include <string_view>

#include "rollup/base/bytes.hpp"
#include "rollup/base/error.hpp"

namespace rollup::rpc {

inline constexpr std::int64_t k_jwt_max_skew_s = 60;

// Checks an Authorization header's bearer token against `secret` at `now` (seconds since the
// epoch). The error's detail says what is wrong ("missing token", "token is expired", ...).
[[nodiscard]] Result<void> verify_jwt(std::string_view authorization, ByteView secret,
                                      std::int64_t now);

// A token for `secret` issued at `iat` (for clients and tests).
[[nodiscard]] std::string make_jwt(ByteView secret, std::int64_t iat);

}  // namespace rollup::rpc
