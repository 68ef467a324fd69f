#include "rollup/trie/trie.hpp"

namespace rollup::trie {

std::string_view category_name(Errc) noexcept {
  return "trie";
}

std::string_view describe(Errc e) noexcept {
  switch (e) {
    case Errc::ok: return "ok";
    case Errc::missing_node: return "trie node missing from the store";
    case Errc::malformed_node: return "malformed trie node";
    case Errc::invalid_proof: return "invalid Merkle proof";
  }
  return "unknown trie error";
}

}  // namespace rollup::trie
