#pragma once
// In-memory trie nodes and their encoding. Private to the trie module.
//
// A parent holds, next to each child pointer, the child's reference as the parent's encoding
// names it (a Ref): the 32-byte hash when the child's encoding is 32 bytes or longer, otherwise the
// encoding itself (embedded). Keeping the references in the parent means that re-encoding a
// branch reads one contiguous array instead of sixteen children scattered over the heap, and that
// hashing visits only the children marked stale, never the clean ones: at a million accounts the
// cache misses on clean children used to cost more than the hashing itself.
//
// A slot (pointer + Ref) is in one of these states:
// - empty: no pointer, ref.len == 0;
// - unloaded: no pointer, ref.len == 32 (the child is in the store under that hash);
// - loaded: a pointer; the Ref is current unless `stale`.
// A change marks the Ref of the changed node stale and unsaved, and the change propagates the mark
// up to the root through every slot on the path.

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

enum class Kind : std::uint8_t { leaf, extension, branch };

using detail::Ref;

struct Node {
  explicit Node(Kind k) noexcept : kind(k) {}
  Kind kind;
};

// A leaf keeps its path and value in the same allocation, right after the node: a leaf is read
// whole when a lookup reaches it and when it is encoded, and three allocations meant three cache
// misses each time. A value of a new length takes a new leaf (make_leaf).
struct Leaf final : Node {
  Leaf(std::uint32_t path_size, std::uint32_t value_size) noexcept
      : Node(Kind::leaf), path_len(path_size), value_len(value_size) {}
  std::uint32_t path_len;
  std::uint32_t value_len;

  [[nodiscard]] NibbleView path() const noexcept { return {data(), path_len}; }
  [[nodiscard]] ByteView value() const noexcept { return {data() + path_len, value_len}; }
  // Overwrites the value with one of the same length.
  void replace_value(ByteView value) noexcept {
    std::copy(value.begin(), value.end(), data() + path_len);
  }
  [[nodiscard]] const std::uint8_t* data() const noexcept {
    return reinterpret_cast<const std::uint8_t*>(this + 1);
  }
  [[nodiscard]] std::uint8_t* data() noexcept { return reinterpret_cast<std::uint8_t*>(this + 1); }
};

struct Extension final : Node {
  Extension() noexcept : Node(Kind::extension) {}
  Nibbles path;   // never empty
  NodePtr child;  // always a branch once loaded
  Ref child_ref;
};

struct Branch final : Node {
  Branch() noexcept : Node(Kind::branch) {}
  std::array<NodePtr, 16> children;
  std::array<Ref, 16> refs;
  Bytes value;  // empty: no value at this path
};

// Whether a slot holds a child, loaded or not.
[[nodiscard]] inline bool present(const NodePtr& node, const Ref& ref) noexcept {
  return node != nullptr || ref.len != 0;
}

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
// An extension over `child`, whose slot reference moves along with it.
[[nodiscard]] NodePtr make_extension(NibbleView path, NodePtr child, const Ref& child_ref);

[[nodiscard]] Nibbles to_nibbles(ByteView key);

// Encodes `node` (whose child references must all be current) into `out`, replacing its contents.
void encode_node(const Node& node, Bytes& out);
// Decodes a node encoding. Hash references become unloaded slots; embedded nodes are decoded in
// place. Every reference of the result is current and saved.
[[nodiscard]] Result<NodePtr> decode_node(ByteView encoding);

}  // namespace rollup::trie
