#pragma once
// In-memory trie nodes and their encoding. Private to the trie module.
//
// Every node caches its reference as a parent sees it: the 32-byte hash when its encoding is 32
// bytes or longer, otherwise the encoding itself (embedded in the parent). `hashed` says the cached
// reference is current; `saved` says the node's encoding has been handed out by a commit (or came
// from the store). A change clears both on the node and on every node above it.

#include <algorithm>
#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "rollup/base/bytes.hpp"
#include "rollup/base/error.hpp"
#include "rollup/trie/trie.hpp"

namespace rollup::trie {

using Nibbles = std::vector<std::uint8_t>;
using NibbleView = std::span<const std::uint8_t>;

enum class Kind : std::uint8_t { leaf, extension, branch, stub };

struct Node {
  explicit Node(Kind k) noexcept : kind(k) {}
  Kind kind;
  bool hashed = false;
  bool saved = false;
  std::uint8_t ref_len = 0;  // 32: ref holds the hash; below 32: ref holds the whole encoding
  std::array<std::uint8_t, 32> ref{};

  [[nodiscard]] ByteView ref_view() const noexcept { return {ref.data(), ref_len}; }
  // The hash of a node referenced by hash (ref_len == 32).
  [[nodiscard]] Hash hash_ref() const noexcept {
    Hash h;
    std::copy(ref.begin(), ref.end(), h.bytes.begin());
    return h;
  }
  void touch() noexcept {
    hashed = false;
    saved = false;
  }
};

struct Leaf final : Node {
  Leaf() noexcept : Node(Kind::leaf) {}
  Nibbles path;
  Bytes value;
};

struct Extension final : Node {
  Extension() noexcept : Node(Kind::extension) {}
  Nibbles path;   // never empty
  NodePtr child;  // always a branch (or a stub for one)
};

struct Branch final : Node {
  Branch() noexcept : Node(Kind::branch) {}
  std::array<NodePtr, 16> children;
  Bytes value;  // empty: no value at this path
};

// A node known only by its hash, loaded from the store on first use.
struct Stub final : Node {
  explicit Stub(const Hash& hash) noexcept : Node(Kind::stub) {
    hashed = true;
    saved = true;
    ref_len = 32;
    std::copy(hash.bytes.begin(), hash.bytes.end(), ref.begin());
  }
};

template <typename T>
[[nodiscard]] T& as(Node& node) noexcept {
  return static_cast<T&>(node);
}
template <typename T>
[[nodiscard]] const T& as(const Node& node) noexcept {
  return static_cast<const T&>(node);
}

template <typename T>
[[nodiscard]] NodePtr make_node() {
  return NodePtr(new T());
}
[[nodiscard]] NodePtr make_leaf(NibbleView path, ByteView value);
[[nodiscard]] NodePtr make_extension(NibbleView path, NodePtr child);
[[nodiscard]] NodePtr make_stub(const Hash& hash);

[[nodiscard]] Nibbles to_nibbles(ByteView key);

// Encodes `node` (whose children must all be hashed) into `out`, replacing its contents.
void encode_node(const Node& node, Bytes& out);
// Sets the node's cached reference from its encoding.
void set_ref(Node& node, ByteView encoding);
// Decodes a node encoding; hash references become stubs, embedded nodes are decoded in place.
// The result is marked hashed and saved. Its reference is `known_hash` when given (a node loaded by
// hash), otherwise derived from the encoding.
[[nodiscard]] Result<NodePtr> decode_node(ByteView encoding, const Hash* known_hash = nullptr);

}  // namespace rollup::trie
