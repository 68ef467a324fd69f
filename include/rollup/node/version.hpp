#pragma once
// The node's version, as `rollupd version` and web3_clientVersion report it.

#include <string_view>

namespace rollup::node {

inline constexpr std::string_view k_version = "0.1.0";

}  // namespace rollup::node
