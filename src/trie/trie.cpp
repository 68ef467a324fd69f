// Trie operations. Each edit walks down the key's path, loading stubs as it meets them, changes the
// tree in place and touches (marks dirty) exactly the nodes on that path; hashing later revisits
// only touched nodes. Edits keep the tree canonical (see trie.hpp), so the root depends only on the
// set of key/value pairs, never on the order of operations.
//
// After an error (a node missing from the store or malformed) the trie may be half-edited; callers
// drop it and reopen at the last committed root.

#include "rollup/trie/trie.hpp"

#include <algorithm>

#include "node.hpp"
#include "rollup/base/assert.hpp"
#include "rollup/base/hex.hpp"
#include "rollup/crypto/keccak.hpp"
#include "rollup/rlp/rlp.hpp"

namespace rollup::trie {

const Hash k_empty_root = {{0x56, 0xe8, 0x1f, 0x17, 0x1b, 0xcc, 0x55, 0xa6, 0xff, 0x83, 0x45,
                            0xe6, 0x92, 0xc0, 0xf8, 0x6e, 0x5b, 0x48, 0xe0, 0x1b, 0x99, 0x6c,
                            0xad, 0xc0, 0x01, 0x62, 0x2f, 0xb5, 0xe3, 0x63, 0xb4, 0x21}};

namespace {

std::size_t common_prefix(NibbleView a, NibbleView b) noexcept {
  const std::size_t n = std::min(a.size(), b.size());
  std::size_t i = 0;
  while (i < n && a[i] == b[i]) ++i;
  return i;
}

bool starts_with(NibbleView path, NibbleView prefix) noexcept {
  return path.size() >= prefix.size() && std::equal(prefix.begin(), prefix.end(), path.begin());
}

Result<void> load(const NodeStore* store, NodePtr& node) {
  if (!node || node->kind != Kind::stub) return {};
  const Hash hash = node->hash_ref();
  if (store == nullptr)
    return fail(Errc::missing_node, "no node store for " + hex::encode(hash.view()));
  ROLLUP_TRY(std::optional<Bytes> encoding, store->get_node(hash));
  if (!encoding) return fail(Errc::missing_node, hex::encode(hash.view()));
  // The store is trusted to return the node it was given for this hash (RocksDB checksums its
  // blocks); re-hashing every loaded node would double the cost of a cold read.
  ROLLUP_TRY(NodePtr loaded, decode_node(*encoding, &hash));
  node = std::move(loaded);
  return {};
}

// The second half of splitting a leaf or extension at `cp` nibbles: the new value goes into the new
// branch (as its value, or a leaf below it), and a shared prefix becomes an extension above it.
void place_new_value(NodePtr& node, NodePtr branch_ptr, NibbleView path, std::size_t cp,
                     ByteView value) {
  auto& branch = as<Branch>(*branch_ptr);
  if (cp == path.size()) {
    branch.value.assign(value.begin(), value.end());
  } else {
    branch.children[path[cp]] = make_leaf(path.subspan(cp + 1), value);
  }
  node = cp > 0 ? make_extension(path.first(cp), std::move(branch_ptr)) : std::move(branch_ptr);
}

// Inserts a non-empty value; returns whether anything changed.
Result<bool> insert(const NodeStore* store, NodePtr& node, NibbleView path, ByteView value) {
  if (!node) {
    node = make_leaf(path, value);
    return true;
  }
  ROLLUP_TRY_VOID(load(store, node));
  switch (node->kind) {
    case Kind::leaf: {
      auto& leaf = as<Leaf>(*node);
      const std::size_t cp = common_prefix(leaf.path, path);
      if (cp == leaf.path.size() && cp == path.size()) {
        if (equal(leaf.value, value)) return false;
        leaf.value.assign(value.begin(), value.end());
        leaf.touch();
        return true;
      }
      auto branch_ptr = make_node<Branch>();
      auto& branch = as<Branch>(*branch_ptr);
      NodePtr old = std::move(node);
      auto& old_leaf = as<Leaf>(*old);
      if (cp == old_leaf.path.size()) {
        branch.value = std::move(old_leaf.value);
      } else {
        const std::uint8_t slot = old_leaf.path[cp];
        old_leaf.path.erase(old_leaf.path.begin(), old_leaf.path.begin() + cp + 1);
        old_leaf.touch();
        branch.children[slot] = std::move(old);
      }
      place_new_value(node, std::move(branch_ptr), path, cp, value);
      return true;
    }
    case Kind::extension: {
      auto& ext = as<Extension>(*node);
      const std::size_t cp = common_prefix(ext.path, path);
      if (cp == ext.path.size()) {
        ROLLUP_TRY(bool changed, insert(store, ext.child, path.subspan(cp), value));
        if (changed) ext.touch();
        return changed;
      }
      auto branch_ptr = make_node<Branch>();
      auto& branch = as<Branch>(*branch_ptr);
      NodePtr old = std::move(node);
      auto& old_ext = as<Extension>(*old);
      const std::uint8_t slot = old_ext.path[cp];
      if (cp + 1 == old_ext.path.size()) {
        branch.children[slot] = std::move(old_ext.child);
      } else {
        old_ext.path.erase(old_ext.path.begin(), old_ext.path.begin() + cp + 1);
        old_ext.touch();
        branch.children[slot] = std::move(old);
      }
      place_new_value(node, std::move(branch_ptr), path, cp, value);
      return true;
    }
    case Kind::branch: {
      auto& branch = as<Branch>(*node);
      if (path.empty()) {
        if (equal(branch.value, value)) return false;
        branch.value.assign(value.begin(), value.end());
        branch.touch();
        return true;
      }
      ROLLUP_TRY(bool changed, insert(store, branch.children[path[0]], path.subspan(1), value));
      if (changed) branch.touch();
      return changed;
    }
    case Kind::stub: break;
  }
  ROLLUP_ASSERT(!"unreachable");
  return false;
}

// Puts `prefix` in front of a leaf's or extension's path.
void prepend(Node& node, NibbleView prefix) {
  Nibbles& path = node.kind == Kind::leaf ? as<Leaf>(node).path : as<Extension>(node).path;
  path.insert(path.begin(), prefix.begin(), prefix.end());
  node.touch();
}

Result<bool> erase(const NodeStore* store, NodePtr& node, NibbleView path) {
  if (!node) return false;
  ROLLUP_TRY_VOID(load(store, node));
  switch (node->kind) {
    case Kind::leaf: {
      if (!std::ranges::equal(as<Leaf>(*node).path, path)) return false;
      node.reset();
      return true;
    }
    case Kind::extension: {
      auto& ext = as<Extension>(*node);
      if (!starts_with(path, ext.path)) return false;
      ROLLUP_TRY(bool changed, erase(store, ext.child, path.subspan(ext.path.size())));
      if (!changed) return false;
      // The child was a branch of two or more entries; it may have collapsed into a leaf or an
      // extension, which then absorbs this extension's path.
      ROLLUP_ASSERT(ext.child != nullptr);
      if (ext.child->kind == Kind::leaf || ext.child->kind == Kind::extension) {
        NodePtr child = std::move(ext.child);
        prepend(*child, ext.path);
        node = std::move(child);
      } else {
        ext.touch();
      }
      return true;
    }
    case Kind::branch: {
      auto& branch = as<Branch>(*node);
      if (path.empty()) {
        if (branch.value.empty()) return false;
        branch.value.clear();
      } else {
        ROLLUP_TRY(bool changed, erase(store, branch.children[path[0]], path.subspan(1)));
        if (!changed) return false;
      }
      branch.touch();
      std::size_t count = 0;
      std::size_t last = 0;
      for (std::size_t i = 0; i < 16; ++i) {
        if (branch.children[i]) {
          ++count;
          last = i;
        }
      }
      if (count + (branch.value.empty() ? 0 : 1) >= 2) return true;
      if (count == 0) {
        node = make_leaf({}, branch.value);
        return true;
      }
      // One child left and no value: the branch disappears into it.
      NodePtr child = std::move(branch.children[last]);
      ROLLUP_TRY_VOID(load(store, child));
      const std::uint8_t slot[1] = {static_cast<std::uint8_t>(last)};
      if (child->kind == Kind::branch) {
        node = make_extension(slot, std::move(child));
      } else {
        prepend(*child, slot);
        node = std::move(child);
      }
      return true;
    }
    case Kind::stub: break;
  }
  ROLLUP_ASSERT(!"unreachable");
  return false;
}

// Hashes every touched node below and including `node`; with `out`, also hands out unsaved nodes.
void hash_node(Node& node, Bytes& scratch, std::vector<NodeWrite>* out) {
  if (node.hashed && (out == nullptr || node.saved)) return;
  if (node.kind == Kind::extension) {
    hash_node(*as<Extension>(node).child, scratch, out);
  } else if (node.kind == Kind::branch) {
    auto& children = as<Branch>(node).children;
    // Encoding reads the cached reference of all sixteen children, most of them clean and far
    // apart in memory; fetching them together overlaps what would be sixteen serial cache misses.
    for (const auto& child : children) {
      if (child) __builtin_prefetch(child.get());
    }
    for (auto& child : children) {
      if (child) hash_node(*child, scratch, out);
    }
  }
  encode_node(node, scratch);
  if (!node.hashed) set_ref(node, scratch);
  if (out != nullptr) {
    // Embedded nodes live inside their parent's encoding.
    if (node.ref_len == 32) out->push_back({node.hash_ref(), scratch});
    node.saved = true;
  }
}

// Key of a path made of whole bytes.
Result<Bytes> to_key(NibbleView path) {
  if (path.size() % 2 != 0) return fail(Errc::malformed_node, "key of odd nibble length");
  Bytes key(path.size() / 2);
  for (std::size_t i = 0; i < key.size(); ++i) {
    key[i] = static_cast<std::uint8_t>(path[2 * i] << 4 | path[2 * i + 1]);
  }
  return key;
}

using Entry = std::optional<std::pair<Bytes, Bytes>>;

Result<Entry> make_entry(NibbleView path, const Bytes& value) {
  ROLLUP_TRY(Bytes key, to_key(path));
  return Entry{{std::move(key), value}};
}

// The first (`last` = false) or last entry in key order below `node`, whose path is `prefix`.
Result<Entry> edge_entry(const NodeStore* store, NodePtr& node, Nibbles& prefix, bool last) {
  if (!node) return Entry{};
  ROLLUP_TRY_VOID(load(store, node));
  switch (node->kind) {
    case Kind::leaf: {
      const auto& leaf = as<Leaf>(*node);
      prefix.insert(prefix.end(), leaf.path.begin(), leaf.path.end());
      return make_entry(prefix, leaf.value);
    }
    case Kind::extension: {
      auto& ext = as<Extension>(*node);
      prefix.insert(prefix.end(), ext.path.begin(), ext.path.end());
      return edge_entry(store, ext.child, prefix, last);
    }
    case Kind::branch: {
      auto& branch = as<Branch>(*node);
      // A branch's own value has the shortest key below it, so it comes first.
      if (!last && !branch.value.empty()) return make_entry(prefix, branch.value);
      for (int k = 0; k < 16; ++k) {
        const int i = last ? 15 - k : k;
        if (!branch.children[i]) continue;
        prefix.push_back(static_cast<std::uint8_t>(i));
        return edge_entry(store, branch.children[i], prefix, last);
      }
      if (last && !branch.value.empty()) return make_entry(prefix, branch.value);
      return Entry{};
    }
    case Kind::stub: break;
  }
  ROLLUP_ASSERT(!"unreachable");
  return Entry{};
}

// The entry with the smallest key above `target` (or, with `before`, the largest below it) among
// the keys below `node`. `prefix` is the path to `node` and is a prefix of `target`.
Result<Entry> neighbour(const NodeStore* store, NodePtr& node, Nibbles& prefix, NibbleView target,
                        bool before) {
  if (!node) return Entry{};
  ROLLUP_TRY_VOID(load(store, node));
  if (node->kind == Kind::leaf || node->kind == Kind::extension) {
    const Nibbles& seg =
        node->kind == Kind::leaf ? as<Leaf>(*node).path : as<Extension>(*node).path;
    const std::size_t depth = prefix.size();
    const std::size_t m = std::min(seg.size(), target.size() - depth);
    for (std::size_t i = 0; i < m; ++i) {
      if (seg[i] == target[depth + i]) continue;
      // The paths part here: the whole subtree is on one side of the target.
      if ((seg[i] > target[depth + i]) != before) return edge_entry(store, node, prefix, before);
      return Entry{};
    }
    if (depth + seg.size() > target.size()) {
      // Every key below extends the target, so all are greater.
      if (before) return Entry{};
      return edge_entry(store, node, prefix, false);
    }
    if (node->kind == Kind::leaf) {
      // The leaf's key is the target or a proper prefix of it (so smaller).
      if (!before || depth + seg.size() == target.size()) return Entry{};
      prefix.insert(prefix.end(), seg.begin(), seg.end());
      return make_entry(prefix, as<Leaf>(*node).value);
    }
    prefix.insert(prefix.end(), seg.begin(), seg.end());
    return neighbour(store, as<Extension>(*node).child, prefix, target, before);
  }
  auto& branch = as<Branch>(*node);
  const std::size_t depth = prefix.size();
  if (depth == target.size()) {
    // The branch's value is the target itself; every child is greater.
    if (before) return Entry{};
    for (int i = 0; i < 16; ++i) {
      if (!branch.children[i]) continue;
      prefix.push_back(static_cast<std::uint8_t>(i));
      return edge_entry(store, branch.children[i], prefix, false);
    }
    return Entry{};
  }
  const int slot = target[depth];
  if (branch.children[slot]) {
    prefix.push_back(static_cast<std::uint8_t>(slot));
    ROLLUP_TRY(Entry found, neighbour(store, branch.children[slot], prefix, target, before));
    if (found) return found;
    prefix.resize(depth);
  }
  const int step = before ? -1 : 1;
  for (int i = slot + step; i >= 0 && i < 16; i += step) {
    if (!branch.children[i]) continue;
    prefix.push_back(static_cast<std::uint8_t>(i));
    return edge_entry(store, branch.children[i], prefix, before);
  }
  // The branch's value has a proper prefix of the target as key, so it is smaller.
  if (before && !branch.value.empty()) return make_entry(prefix, branch.value);
  return Entry{};
}

void unload_below(NodePtr& node, std::size_t depth, std::size_t limit) {
  if (!node) return;
  if (depth >= limit && node->kind != Kind::stub && node->ref_len == 32) {
    ROLLUP_ASSERT(node->hashed && node->saved);
    node = make_stub(node->hash_ref());
    return;
  }
  if (node->kind == Kind::extension) {
    auto& ext = as<Extension>(*node);
    unload_below(ext.child, depth + ext.path.size(), limit);
  } else if (node->kind == Kind::branch) {
    for (auto& child : as<Branch>(*node).children) unload_below(child, depth + 1, limit);
  }
}

}  // namespace

namespace {
// A key's nibble path, on the stack for the keys of the state (32 bytes) and anything up to 64.
class KeyPath {
 public:
  explicit KeyPath(ByteView key) {
    if (key.size() <= m_inline.size() / 2) {
      for (std::size_t i = 0; i < key.size(); ++i) {
        m_inline[2 * i] = key[i] >> 4;
        m_inline[2 * i + 1] = key[i] & 0x0f;
      }
      m_view = NibbleView(m_inline.data(), key.size() * 2);
    } else {
      m_heap = to_nibbles(key);
      m_view = m_heap;
    }
  }
  [[nodiscard]] NibbleView view() const noexcept { return m_view; }

 private:
  std::array<std::uint8_t, 128> m_inline;
  Nibbles m_heap;
  NibbleView m_view;
};
}  // namespace

Trie::Trie() = default;
Trie::Trie(const NodeStore* store, const Hash& root) : m_store(store) {
  if (root != k_empty_root) m_root = make_stub(root);
}
Trie::~Trie() = default;
Trie::Trie(Trie&&) noexcept = default;
Trie& Trie::operator=(Trie&&) noexcept = default;

Result<std::optional<Bytes>> Trie::get(ByteView key) {
  const KeyPath full(key);
  NibbleView path = full.view();
  NodePtr* node = &m_root;
  while (true) {
    if (!*node) return std::optional<Bytes>{};
    ROLLUP_TRY_VOID(load(m_store, *node));
    switch ((*node)->kind) {
      case Kind::leaf: {
        const auto& leaf = as<Leaf>(**node);
        if (!std::ranges::equal(leaf.path, path)) return std::optional<Bytes>{};
        return std::optional<Bytes>{leaf.value};
      }
      case Kind::extension: {
        auto& ext = as<Extension>(**node);
        if (!starts_with(path, ext.path)) return std::optional<Bytes>{};
        path = path.subspan(ext.path.size());
        node = &ext.child;
        break;
      }
      case Kind::branch: {
        auto& branch = as<Branch>(**node);
        if (path.empty()) {
          if (branch.value.empty()) return std::optional<Bytes>{};
          return std::optional<Bytes>{branch.value};
        }
        node = &branch.children[path[0]];
        path = path.subspan(1);
        break;
      }
      case Kind::stub: ROLLUP_ASSERT(!"loaded node is a stub");
    }
  }
}

Result<void> Trie::put(ByteView key, ByteView value) {
  if (value.empty()) return erase(key);
  const KeyPath path(key);
  ROLLUP_TRY_VOID(insert(m_store, m_root, path.view(), value));
  return {};
}

Result<void> Trie::erase(ByteView key) {
  const KeyPath path(key);
  ROLLUP_TRY_VOID(trie::erase(m_store, m_root, path.view()));
  return {};
}

namespace {
Hash root_of(const Node& root) {
  if (root.ref_len == 32) return root.hash_ref();
  return crypto::keccak256(root.ref_view());
}
}  // namespace

Hash Trie::root_hash() {
  if (!m_root) return k_empty_root;
  Bytes scratch;
  hash_node(*m_root, scratch, nullptr);
  return root_of(*m_root);
}

Hash Trie::commit(std::vector<NodeWrite>& out) {
  if (!m_root) return k_empty_root;
  Bytes scratch;
  const bool root_saved = m_root->saved;
  hash_node(*m_root, scratch, &out);
  const Hash root = root_of(*m_root);
  // A short root is embedded nowhere, so it is stored under its hash to be loadable.
  if (!root_saved && m_root->ref_len < 32)
    out.push_back({root, Bytes(m_root->ref_view().begin(), m_root->ref_view().end())});
  return root;
}

Result<std::optional<std::pair<Bytes, Bytes>>> Trie::next(ByteView key) {
  const KeyPath target(key);
  Nibbles prefix;
  return neighbour(m_store, m_root, prefix, target.view(), false);
}

Result<std::optional<std::pair<Bytes, Bytes>>> Trie::prev(ByteView key) {
  const KeyPath target(key);
  Nibbles prefix;
  return neighbour(m_store, m_root, prefix, target.view(), true);
}

Result<std::vector<Bytes>> Trie::prove(ByteView key) {
  std::vector<Bytes> proof;
  if (!m_root) return proof;
  static_cast<void>(root_hash());  // encodings below need current child references
  const KeyPath full(key);
  NibbleView path = full.view();
  NodePtr* node = &m_root;
  Bytes scratch;
  while (*node) {
    ROLLUP_TRY_VOID(load(m_store, *node));
    // Embedded nodes are part of their parent's encoding, which is already in the proof.
    if ((*node)->ref_len == 32 || node == &m_root) {
      encode_node(**node, scratch);
      proof.push_back(scratch);
    }
    Node& n = **node;
    if (n.kind == Kind::leaf) break;
    if (n.kind == Kind::extension) {
      auto& ext = as<Extension>(n);
      if (!starts_with(path, ext.path)) break;
      path = path.subspan(ext.path.size());
      node = &ext.child;
      continue;
    }
    if (path.empty()) break;
    node = &as<Branch>(n).children[path[0]];
    path = path.subspan(1);
  }
  return proof;
}

void Trie::unload(std::size_t depth) {
  if (m_root && depth > 0) unload_below(m_root, 0, depth);
}

namespace {
// Proof nodes by hash, answering the trie's loads while a proof is checked.
class ProofStore final : public NodeStore {
 public:
  explicit ProofStore(std::span<const Bytes> proof) {
    for (const Bytes& node : proof) m_nodes.emplace(crypto::keccak256(node), node);
  }
  Result<std::optional<Bytes>> get_node(const Hash& hash) const override {
    const auto it = m_nodes.find(hash);
    if (it == m_nodes.end()) return std::optional<Bytes>{};
    return std::optional<Bytes>{it->second};
  }

 private:
  std::unordered_map<Hash, Bytes> m_nodes;
};
}  // namespace

Result<std::optional<Bytes>> verify_proof(const Hash& root, ByteView key,
                                          std::span<const Bytes> proof) {
  const ProofStore store(proof);
  Trie trie(&store, root);
  auto value = trie.get(key);
  if (!value) return fail(Errc::invalid_proof, value.error().message());
  return value;
}

Hash trie_root(std::span<const std::pair<Bytes, Bytes>> entries) {
  Trie trie;
  for (const auto& [key, value] : entries) {
    // An in-memory trie without a store never needs to load a node.
    ROLLUP_ASSERT(trie.put(key, value).has_value());
  }
  return trie.root_hash();
}

Hash ordered_trie_root(std::span<const Bytes> values) {
  Trie trie;
  for (std::size_t i = 0; i < values.size(); ++i) {
    rlp::Encoder key;
    key.add_u64(i);
    ROLLUP_ASSERT(trie.put(key.bytes(), values[i]).has_value());
  }
  return trie.root_hash();
}

Result<std::optional<Bytes>> MemoryNodeStore::get_node(const Hash& hash) const {
  const auto it = m_nodes.find(hash);
  if (it == m_nodes.end()) return std::optional<Bytes>{};
  return std::optional<Bytes>{it->second};
}

void MemoryNodeStore::put(std::vector<NodeWrite> writes) {
  for (auto& w : writes) m_nodes.insert_or_assign(w.hash, std::move(w.encoding));
}

}  // namespace rollup::trie
