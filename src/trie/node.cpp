// Node encoding (yellow paper appendix D): leaves and extensions are [hex-prefix(path),
// value|child], branches are [child0..child15, value]; a child is referenced by its hash when its
// encoding is at least 32 bytes long and embedded otherwise. Encoders write RLP directly into a
// reused buffer, since hashing dirty nodes is the hot path of every block commit.

#include "node.hpp"

#include "rollup/base/assert.hpp"
#include "rollup/crypto/keccak.hpp"
#include "rollup/rlp/rlp.hpp"

namespace rollup::trie {

void NodeDeleter::operator()(Node* node) const noexcept {
  switch (node->kind) {
    case Kind::leaf: {
      auto* leaf = static_cast<Leaf*>(node);
      leaf->~Leaf();
      ::operator delete(leaf);
      return;
    }
    case Kind::extension: delete static_cast<Extension*>(node); return;
    case Kind::branch: delete static_cast<Branch*>(node); return;
  }
}

NodePtr make_leaf(NibbleView path, ByteView value) {
  // Paths are at most a key's nibbles and values are RLP items, both far below 4 GiB.
  void* memory = ::operator new(sizeof(Leaf) + path.size() + value.size());
  auto* leaf = new (memory)
      Leaf(static_cast<std::uint32_t>(path.size()), static_cast<std::uint32_t>(value.size()));
  std::copy(path.begin(), path.end(), leaf->data());
  std::copy(value.begin(), value.end(), leaf->data() + path.size());
  return NodePtr(leaf);
}

NodePtr make_extension(NibbleView path, NodePtr child, const Ref& child_ref) {
  ROLLUP_ASSERT(!path.empty());
  auto node = make_node<Extension>();
  auto& ext = as<Extension>(*node);
  ext.path.assign(path.begin(), path.end());
  ext.child = std::move(child);
  ext.child_ref = child_ref;
  return node;
}

Nibbles to_nibbles(ByteView key) {
  Nibbles out(key.size() * 2);
  for (std::size_t i = 0; i < key.size(); ++i) {
    out[2 * i] = key[i] >> 4;
    out[2 * i + 1] = key[i] & 0x0f;
  }
  return out;
}

namespace {

void put_header(Bytes& out, std::uint8_t short_base, std::size_t n) {
  if (n < 56) {
    out.push_back(static_cast<std::uint8_t>(short_base + n));
    return;
  }
  std::uint8_t be[8];
  int len = 0;
  for (std::size_t v = n; v != 0; v >>= 8) be[len++] = static_cast<std::uint8_t>(v);
  out.push_back(static_cast<std::uint8_t>(short_base + 55 + len));
  while (len > 0) out.push_back(be[--len]);
}

// Size of rlp(string) for a string of these bytes.
std::size_t string_size(ByteView s) noexcept {
  if (s.size() == 1 && s[0] < 0x80) return 1;
  return rlp::header_size(s.size()) + s.size();
}

void put_string(Bytes& out, ByteView s) {
  if (s.size() == 1 && s[0] < 0x80) {
    out.push_back(s[0]);
    return;
  }
  put_header(out, 0x80, s.size());
  out.insert(out.end(), s.begin(), s.end());
}

// Hex-prefix encoding of a nibble path: the high nibble of the first byte holds the flags
// (2 = leaf, 1 = odd length); an odd path puts its first nibble in the low half.
std::size_t compact_size(std::size_t nibbles) noexcept {
  return nibbles / 2 + 1;
}

void put_compact_string(Bytes& out, NibbleView path, bool leaf) {
  const std::size_t n = compact_size(path.size());
  const bool odd = path.size() % 2 == 1;
  const std::uint8_t flags = static_cast<std::uint8_t>((leaf ? 2 : 0) + (odd ? 1 : 0));
  const std::uint8_t first = static_cast<std::uint8_t>(flags << 4 | (odd ? path[0] : 0));
  // A one-byte compact path below 0x80 is its own RLP encoding.
  if (n == 1 && first < 0x80) {
    out.push_back(first);
    return;
  }
  put_header(out, 0x80, n);
  out.push_back(first);
  for (std::size_t i = odd ? 1 : 0; i < path.size(); i += 2) {
    out.push_back(static_cast<std::uint8_t>(path[i] << 4 | path[i + 1]));
  }
}

std::size_t compact_string_size(NibbleView path, bool leaf) noexcept {
  const std::size_t n = compact_size(path.size());
  if (n == 1) {
    const bool odd = path.size() % 2 == 1;
    const unsigned first = ((leaf ? 2u : 0u) + (odd ? 1u : 0u)) << 4 | (odd ? path[0] : 0u);
    if (first < 0x80) return 1;
  }
  return rlp::header_size(n) + n;
}

// Size of a child reference inside its parent's encoding: the empty string, a 32-byte string, or
// the embedded encoding itself.
std::size_t child_size(const Ref& ref) noexcept {
  if (ref.len == 0) return 1;
  return ref.len == 32 ? 33 : ref.len;
}

void put_child(Bytes& out, const Ref& ref) {
  if (ref.len == 0) {
    out.push_back(0x80);
    return;
  }
  if (ref.len == 32) out.push_back(0xa0);
  out.insert(out.end(), ref.bytes.begin(), ref.bytes.begin() + ref.len);
}

}  // namespace

void encode_node(const Node& node, Bytes& out) {
  out.clear();
  switch (node.kind) {
    case Kind::leaf: {
      const auto& leaf = as<Leaf>(node);
      const std::size_t payload =
          compact_string_size(leaf.path(), true) + string_size(leaf.value());
      put_header(out, 0xc0, payload);
      put_compact_string(out, leaf.path(), true);
      put_string(out, leaf.value());
      return;
    }
    case Kind::extension: {
      const auto& ext = as<Extension>(node);
      ROLLUP_ASSERT(!ext.child_ref.stale);
      const std::size_t payload = compact_string_size(ext.path, false) + child_size(ext.child_ref);
      put_header(out, 0xc0, payload);
      put_compact_string(out, ext.path, false);
      put_child(out, ext.child_ref);
      return;
    }
    case Kind::branch: {
      const auto& branch = as<Branch>(node);
      std::size_t payload = branch.value.empty() ? 1 : string_size(branch.value);
      for (const Ref& ref : branch.refs) {
        ROLLUP_ASSERT(!ref.stale);
        payload += child_size(ref);
      }
      out.reserve(payload + 3);
      put_header(out, 0xc0, payload);
      for (const Ref& ref : branch.refs) put_child(out, ref);
      if (branch.value.empty()) {
        out.push_back(0x80);
      } else {
        put_string(out, branch.value);
      }
      return;
    }
  }
}

namespace {

Result<Nibbles> decode_compact(ByteView compact, bool& leaf) {
  if (compact.empty()) return fail(Errc::malformed_node, "empty path");
  const std::uint8_t flags = compact[0] >> 4;
  if (flags > 3) return fail(Errc::malformed_node, "bad path flags");
  leaf = (flags & 2) != 0;
  const bool odd = (flags & 1) != 0;
  if (!odd && (compact[0] & 0x0f) != 0) return fail(Errc::malformed_node, "bad path padding");
  Nibbles path;
  path.reserve(compact.size() * 2);
  if (odd) path.push_back(compact[0] & 0x0f);
  for (std::size_t i = 1; i < compact.size(); ++i) {
    path.push_back(compact[i] >> 4);
    path.push_back(compact[i] & 0x0f);
  }
  return path;
}

// A child reference: empty string (none), 32-byte string (hash, left unloaded) or an embedded
// list (decoded now, since it has no existence of its own in the store).
Result<void> decode_child(ByteView& rest, NodePtr& child, Ref& ref) {
  const ByteView start = rest;
  ROLLUP_TRY(rlp::Item item, rlp::read_item(rest));
  if (item.is_list) {
    const ByteView encoding = start.first(start.size() - rest.size());
    if (encoding.size() >= 32) return fail(Errc::malformed_node, "embedded node of 32+ bytes");
    ROLLUP_TRY(child, decode_node(encoding));
    std::copy(encoding.begin(), encoding.end(), ref.bytes.begin());
    ref.len = static_cast<std::uint8_t>(encoding.size());
    return {};
  }
  if (item.payload.empty()) return {};
  if (item.payload.size() != 32) return fail(Errc::malformed_node, "child reference not a hash");
  std::copy(item.payload.begin(), item.payload.end(), ref.bytes.begin());
  ref.len = 32;
  return {};
}

Result<NodePtr> decode_node_impl(ByteView encoding) {
  ROLLUP_TRY(rlp::Item top, rlp::decode_exact(encoding));
  if (!top.is_list) return fail(Errc::malformed_node, "node is not a list");
  // Count the items first: two means leaf or extension, seventeen a branch.
  std::size_t count = 0;
  for (ByteView scan = top.payload; !scan.empty(); ++count) {
    ROLLUP_TRY_VOID(rlp::read_item(scan));
  }
  ByteView rest = top.payload;
  if (count == 17) {
    auto node = make_node<Branch>();
    auto& branch = as<Branch>(*node);
    std::size_t entries = 0;
    for (std::size_t i = 0; i < 16; ++i) {
      ROLLUP_TRY_VOID(decode_child(rest, branch.children[i], branch.refs[i]));
      if (present(branch.children[i], branch.refs[i])) ++entries;
    }
    ROLLUP_TRY(rlp::Item value, rlp::read_item(rest));
    if (value.is_list) return fail(Errc::malformed_node, "branch value is a list");
    branch.value.assign(value.payload.begin(), value.payload.end());
    if (entries + (branch.value.empty() ? 0 : 1) < 2) {
      return fail(Errc::malformed_node, "branch with fewer than two entries");
    }
    return node;
  }
  if (count != 2) return fail(Errc::malformed_node, "node list of neither 2 nor 17 items");
  ROLLUP_TRY(rlp::Item compact, rlp::read_item(rest));
  if (compact.is_list) return fail(Errc::malformed_node, "node path is a list");
  bool leaf = false;
  ROLLUP_TRY(Nibbles path, decode_compact(compact.payload, leaf));
  if (leaf) {
    ROLLUP_TRY(rlp::Item value, rlp::read_item(rest));
    if (value.is_list) return fail(Errc::malformed_node, "leaf value is a list");
    if (value.payload.empty()) return fail(Errc::malformed_node, "leaf with empty value");
    return make_leaf(path, value.payload);
  }
  if (path.empty()) return fail(Errc::malformed_node, "extension with empty path");
  NodePtr child;
  Ref child_ref;
  ROLLUP_TRY_VOID(decode_child(rest, child, child_ref));
  if (!present(child, child_ref)) return fail(Errc::malformed_node, "extension without child");
  if (child && child->kind != Kind::branch) {
    return fail(Errc::malformed_node, "extension followed by a leaf or extension");
  }
  return make_extension(path, std::move(child), child_ref);
}

}  // namespace

Result<NodePtr> decode_node(ByteView encoding) {
  auto node = decode_node_impl(encoding);
  // RLP errors keep their own code but say they came from a trie node.
  if (!node && node.error().code().category() != make_error_code(Errc::malformed_node).category()) {
    return fail(Errc::malformed_node, node.error().message());
  }
  return node;
}

}  // namespace rollup::trie
