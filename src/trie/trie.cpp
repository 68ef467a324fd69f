// Trie operations. Each edit walks down the key's path, loading unloaded slots as it meets them,
// changes the tree in place and marks changed exactly the slots on that path; hashing later visits
// only marked slots. Edits keep the tree canonical (see trie.hpp), so the root depends only on the
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

// Brings an unloaded child into memory; a no-op for loaded and empty slots.
Result<void> load(const NodeStore* store, NodePtr& node, const Ref& ref) {
  if (node || ref.len == 0) return {};
  // Embedded children are decoded with their parent, so an unloaded child is always a hash.
  ROLLUP_ASSERT(ref.len == 32);
  const Hash hash = ref.hash();
  if (store == nullptr)
    return fail(Errc::missing_node, "no node store for " + hex::encode(hash.view()));
  ROLLUP_TRY(std::optional<Bytes> encoding, store->get_node(hash));
  if (!encoding) return fail(Errc::missing_node, hex::encode(hash.view()));
  // The store is trusted to return the node it was given for this hash (RocksDB checksums its
  // blocks); re-hashing every loaded node would double the cost of a cold read.
  ROLLUP_TRY(node, decode_node(*encoding));
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
    branch.refs[path[cp]].mark_changed();
  }
  if (cp > 0) {
    Ref changed;
    changed.mark_changed();
    node = make_extension(path.first(cp), std::move(branch_ptr), changed);
  } else {
    node = std::move(branch_ptr);
  }
}

// Inserts a non-empty value into the slot (node, ref); returns whether anything changed, in which
// case the slot's reference is marked changed.
Result<bool> insert(const NodeStore* store, NodePtr& node, Ref& ref, NibbleView path,
                    ByteView value) {
  if (!present(node, ref)) {
    node = make_leaf(path, value);
    ref.mark_changed();
    return true;
  }
  ROLLUP_TRY_VOID(load(store, node, ref));
  switch (node->kind) {
    case Kind::leaf: {
      auto& leaf = as<Leaf>(*node);
      const NibbleView leaf_path = leaf.path();
      const std::size_t cp = common_prefix(leaf_path, path);
      if (cp == leaf_path.size() && cp == path.size()) {
        if (equal(leaf.value(), value)) return false;
        if (leaf.value_len == value.size()) {
          leaf.replace_value(value);
        } else {
          node = make_leaf(path, value);
        }
        ref.mark_changed();
        return true;
      }
      auto branch_ptr = make_node<Branch>();
      auto& branch = as<Branch>(*branch_ptr);
      if (cp == leaf_path.size()) {
        const ByteView old_value = leaf.value();
        branch.value.assign(old_value.begin(), old_value.end());
      } else {
        const std::uint8_t slot = leaf_path[cp];
        branch.children[slot] = make_leaf(leaf_path.subspan(cp + 1), leaf.value());
        branch.refs[slot].mark_changed();
      }
      place_new_value(node, std::move(branch_ptr), path, cp, value);
      ref.mark_changed();
      return true;
    }
    case Kind::extension: {
      auto& ext = as<Extension>(*node);
      const std::size_t cp = common_prefix(ext.path, path);
      if (cp == ext.path.size()) {
        ROLLUP_TRY(bool changed, insert(store, ext.child, ext.child_ref, path.subspan(cp), value));
        if (changed) ref.mark_changed();
        return changed;
      }
      auto branch_ptr = make_node<Branch>();
      auto& branch = as<Branch>(*branch_ptr);
      NodePtr old = std::move(node);
      auto& old_ext = as<Extension>(*old);
      const std::uint8_t slot = old_ext.path[cp];
      if (cp + 1 == old_ext.path.size()) {
        // The extension disappears; its child keeps its (unchanged) reference.
        branch.children[slot] = std::move(old_ext.child);
        branch.refs[slot] = old_ext.child_ref;
      } else {
        old_ext.path.erase(old_ext.path.begin(), old_ext.path.begin() + cp + 1);
        branch.children[slot] = std::move(old);
        branch.refs[slot].mark_changed();
      }
      place_new_value(node, std::move(branch_ptr), path, cp, value);
      ref.mark_changed();
      return true;
    }
    case Kind::branch: {
      auto& branch = as<Branch>(*node);
      if (path.empty()) {
        if (equal(branch.value, value)) return false;
        branch.value.assign(value.begin(), value.end());
        ref.mark_changed();
        return true;
      }
      const std::uint8_t slot = path[0];
      ROLLUP_TRY(bool changed,
                 insert(store, branch.children[slot], branch.refs[slot], path.subspan(1), value));
      if (changed) ref.mark_changed();
      return changed;
    }
  }
  ROLLUP_ASSERT(!"unreachable");
  return false;
}

// Puts `prefix` in front of a leaf's or extension's path.
void prepend(NodePtr& node, NibbleView prefix) {
  if (node->kind == Kind::extension) {
    Nibbles& path = as<Extension>(*node).path;
    path.insert(path.begin(), prefix.begin(), prefix.end());
    return;
  }
  const auto& leaf = as<Leaf>(*node);
  Nibbles path(prefix.begin(), prefix.end());
  path.insert(path.end(), leaf.path().begin(), leaf.path().end());
  node = make_leaf(path, leaf.value());
}

// Erases the key at `path` below the slot (node, ref); returns whether anything changed. A changed
// slot is either emptied (reference cleared) or marked changed.
Result<bool> erase(const NodeStore* store, NodePtr& node, Ref& ref, NibbleView path) {
  if (!present(node, ref)) return false;
  ROLLUP_TRY_VOID(load(store, node, ref));
  switch (node->kind) {
    case Kind::leaf: {
      if (!std::ranges::equal(as<Leaf>(*node).path(), path)) return false;
      node.reset();
      ref = Ref{};
      return true;
    }
    case Kind::extension: {
      auto& ext = as<Extension>(*node);
      if (!starts_with(path, ext.path)) return false;
      ROLLUP_TRY(bool changed,
                 erase(store, ext.child, ext.child_ref, path.subspan(ext.path.size())));
      if (!changed) return false;
      // The child was a branch of two or more entries; it may have collapsed into a leaf or an
      // extension, which then absorbs this extension's path.
      ROLLUP_ASSERT(ext.child != nullptr);
      if (ext.child->kind != Kind::branch) {
        NodePtr child = std::move(ext.child);
        prepend(child, ext.path);
        node = std::move(child);
      }
      ref.mark_changed();
      return true;
    }
    case Kind::branch: {
      auto& branch = as<Branch>(*node);
      if (path.empty()) {
        if (branch.value.empty()) return false;
        branch.value.clear();
      } else {
        const std::uint8_t slot = path[0];
        ROLLUP_TRY(bool changed,
                   erase(store, branch.children[slot], branch.refs[slot], path.subspan(1)));
        if (!changed) return false;
      }
      ref.mark_changed();
      std::size_t count = 0;
      std::size_t last = 0;
      for (std::size_t i = 0; i < 16; ++i) {
        if (present(branch.children[i], branch.refs[i])) {
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
      ROLLUP_TRY_VOID(load(store, child, branch.refs[last]));
      const std::uint8_t slot[1] = {static_cast<std::uint8_t>(last)};
      if (child->kind == Kind::branch) {
        // The child itself is unchanged and keeps its reference under the new extension.
        node = make_extension(slot, std::move(child), branch.refs[last]);
      } else {
        prepend(child, slot);
        node = std::move(child);
      }
      return true;
    }
  }
  ROLLUP_ASSERT(!"unreachable");
  return false;
}

// Starts fetching the head of a node (a branch's kind and child pointers, a leaf's path and most of
// its value) into the cache, for a walk that will reach it after some other work.
void prefetch_node(const Node* node) noexcept {
  if (node == nullptr) return;
  const char* p = reinterpret_cast<const char*>(node);
  __builtin_prefetch(p);
  __builtin_prefetch(p + 64);
  __builtin_prefetch(p + 128);
}

// Brings the reference of a slot and of every stale slot below it up to date; when committing, also
// hands out every unsaved node. It runs in two passes so that the nodes of one tree level, which do
// not depend on each other, are hashed together (keccak256_many runs several Keccak states side by
// side in SIMD lanes): the first pass collects the slots to visit level by level, the second walks
// the levels from the deepest up, so every child's reference is current before its parent is
// encoded, and the nodes come out children before parents.
class Hasher {
 public:
  void run(Node& root, Ref& root_ref, std::vector<NodeWrite>* out) {
    m_committing = out != nullptr;
    m_depth = 0;
    gather(root, root_ref, 0);
    if (out != nullptr) {
      std::size_t visits = 0;
      for (std::size_t level = 0; level < m_depth; ++level) visits += m_levels[level].size();
      out->reserve(out->size() + visits);
    }
    for (std::size_t level = m_depth; level-- > 0;) {
      hash_level(m_levels[level], out);
      m_levels[level].clear();
    }
  }

 private:
  struct Visit {
    Node* node;
    Ref* ref;
  };

  void gather(Node& node, Ref& ref, std::size_t level) {
    if (level == m_levels.size()) m_levels.emplace_back();
    m_depth = std::max(m_depth, level + 1);
    m_levels[level].push_back({&node, &ref});
    if (node.kind == Kind::extension) {
      auto& ext = as<Extension>(node);
      if (ext.child_ref.needs_visit(m_committing)) gather(*ext.child, ext.child_ref, level + 1);
    } else if (node.kind == Kind::branch) {
      auto& branch = as<Branch>(node);
      std::uint32_t visit = 0;
      for (std::size_t i = 0; i < 16; ++i) {
        if (branch.refs[i].needs_visit(m_committing)) {
          visit |= 1u << i;
          prefetch_node(branch.children[i].get());
        }
      }
      for (std::size_t i = 0; i < 16; ++i) {
        if (visit & (1u << i)) gather(*branch.children[i], branch.refs[i], level + 1);
      }
    }
  }

  void hash_level(const std::vector<Visit>& visits, std::vector<NodeWrite>* out) {
    if (m_encodings.size() < visits.size()) m_encodings.resize(visits.size());
    m_inputs.clear();
    m_targets.clear();
    // Nodes of a level are scattered over the heap; fetching a few ahead overlaps their misses.
    constexpr std::size_t k_ahead = 4;
    for (std::size_t i = 0; i < std::min(k_ahead, visits.size()); ++i) {
      prefetch_node(visits[i].node);
    }
    for (std::size_t i = 0; i < visits.size(); ++i) {
      if (i + k_ahead < visits.size()) {
        prefetch_node(visits[i + k_ahead].node);
        __builtin_prefetch(visits[i + k_ahead].ref, 1);
      }
      Bytes& encoding = m_encodings[i];
      encode_node(*visits[i].node, encoding);
      Ref& ref = *visits[i].ref;
      if (!ref.stale) continue;
      if (encoding.size() < 32) {
        std::copy(encoding.begin(), encoding.end(), ref.bytes.begin());
        ref.len = static_cast<std::uint8_t>(encoding.size());
        ref.stale = false;
      } else {
        m_inputs.push_back(encoding);
        m_targets.push_back(i);
      }
    }
    m_hashes.resize(m_inputs.size());
    crypto::keccak256_many(m_inputs, m_hashes);
    for (std::size_t k = 0; k < m_targets.size(); ++k) {
      Ref& ref = *visits[m_targets[k]].ref;
      ref.set_hash(m_hashes[k]);
      ref.stale = false;
    }
    if (out == nullptr) return;
    for (std::size_t i = 0; i < visits.size(); ++i) {
      Ref& ref = *visits[i].ref;
      // Embedded nodes live inside their parent's encoding.
      if (ref.len == 32) out->push_back({ref.hash(), std::move(m_encodings[i])});
      ref.unsaved = false;
    }
  }

  bool m_committing = false;
  std::size_t m_depth = 0;  // levels in use by this run
  std::vector<std::vector<Visit>> m_levels;
  std::vector<Bytes> m_encodings;
  std::vector<ByteView> m_inputs;
  std::vector<std::size_t> m_targets;
  std::vector<Hash> m_hashes;
};

// Scratch space reused by every trie hashed on this thread: a block commits one trie per account
// with storage changes, most of them a single path, where fresh buffers would cost more than the
// hashing.
void hash_slot(Node& root, Ref& root_ref, std::vector<NodeWrite>* out) {
  if (!root_ref.needs_visit(out != nullptr)) return;
  thread_local Hasher hasher;
  hasher.run(root, root_ref, out);
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

Result<Entry> make_entry(NibbleView path, ByteView value) {
  ROLLUP_TRY(Bytes key, to_key(path));
  return Entry{{std::move(key), Bytes(value.begin(), value.end())}};
}

// The first (`last` = false) or last entry in key order below `node`, whose path is `prefix`.
Result<Entry> edge_entry(const NodeStore* store, NodePtr& node, const Ref& ref, Nibbles& prefix,
                         bool last) {
  if (!present(node, ref)) return Entry{};
  ROLLUP_TRY_VOID(load(store, node, ref));
  switch (node->kind) {
    case Kind::leaf: {
      const auto& leaf = as<Leaf>(*node);
      prefix.insert(prefix.end(), leaf.path().begin(), leaf.path().end());
      return make_entry(prefix, leaf.value());
    }
    case Kind::extension: {
      auto& ext = as<Extension>(*node);
      prefix.insert(prefix.end(), ext.path.begin(), ext.path.end());
      return edge_entry(store, ext.child, ext.child_ref, prefix, last);
    }
    case Kind::branch: {
      auto& branch = as<Branch>(*node);
      // A branch's own value has the shortest key below it, so it comes first.
      if (!last && !branch.value.empty()) return make_entry(prefix, branch.value);
      for (int k = 0; k < 16; ++k) {
        const int i = last ? 15 - k : k;
        if (!present(branch.children[i], branch.refs[i])) continue;
        prefix.push_back(static_cast<std::uint8_t>(i));
        return edge_entry(store, branch.children[i], branch.refs[i], prefix, last);
      }
      if (last && !branch.value.empty()) return make_entry(prefix, branch.value);
      return Entry{};
    }
  }
  ROLLUP_ASSERT(!"unreachable");
  return Entry{};
}

// The entry with the smallest key above `target` (or, with `before`, the largest below it) among
// the keys below `node`. `prefix` is the path to `node` and is a prefix of `target`.
Result<Entry> neighbour(const NodeStore* store, NodePtr& node, const Ref& ref, Nibbles& prefix,
                        NibbleView target, bool before) {
  if (!present(node, ref)) return Entry{};
  ROLLUP_TRY_VOID(load(store, node, ref));
  if (node->kind == Kind::leaf || node->kind == Kind::extension) {
    const NibbleView seg =
        node->kind == Kind::leaf ? as<Leaf>(*node).path() : NibbleView(as<Extension>(*node).path);
    const std::size_t depth = prefix.size();
    const std::size_t m = std::min(seg.size(), target.size() - depth);
    for (std::size_t i = 0; i < m; ++i) {
      if (seg[i] == target[depth + i]) continue;
      // The paths part here: the whole subtree is on one side of the target.
      if ((seg[i] > target[depth + i]) != before) {
        return edge_entry(store, node, ref, prefix, before);
      }
      return Entry{};
    }
    if (depth + seg.size() > target.size()) {
      // Every key below extends the target, so all are greater.
      if (before) return Entry{};
      return edge_entry(store, node, ref, prefix, false);
    }
    if (node->kind == Kind::leaf) {
      // The leaf's key is the target or a proper prefix of it (so smaller).
      if (!before || depth + seg.size() == target.size()) return Entry{};
      prefix.insert(prefix.end(), seg.begin(), seg.end());
      return make_entry(prefix, as<Leaf>(*node).value());
    }
    prefix.insert(prefix.end(), seg.begin(), seg.end());
    auto& ext = as<Extension>(*node);
    return neighbour(store, ext.child, ext.child_ref, prefix, target, before);
  }
  auto& branch = as<Branch>(*node);
  const std::size_t depth = prefix.size();
  if (depth == target.size()) {
    // The branch's value is the target itself; every child is greater.
    if (before) return Entry{};
    for (int i = 0; i < 16; ++i) {
      if (!present(branch.children[i], branch.refs[i])) continue;
      prefix.push_back(static_cast<std::uint8_t>(i));
      return edge_entry(store, branch.children[i], branch.refs[i], prefix, false);
    }
    return Entry{};
  }
  const int slot = target[depth];
  if (present(branch.children[slot], branch.refs[slot])) {
    prefix.push_back(static_cast<std::uint8_t>(slot));
    ROLLUP_TRY(Entry found,
               neighbour(store, branch.children[slot], branch.refs[slot], prefix, target, before));
    if (found) return found;
    prefix.resize(depth);
  }
  const int step = before ? -1 : 1;
  for (int i = slot + step; i >= 0 && i < 16; i += step) {
    if (!present(branch.children[i], branch.refs[i])) continue;
    prefix.push_back(static_cast<std::uint8_t>(i));
    return edge_entry(store, branch.children[i], branch.refs[i], prefix, before);
  }
  // The branch's value has a proper prefix of the target as key, so it is smaller.
  if (before && !branch.value.empty()) return make_entry(prefix, branch.value);
  return Entry{};
}

void unload_below(NodePtr& node, const Ref& ref, std::size_t depth, std::size_t limit) {
  if (!node) return;
  if (depth >= limit && ref.len == 32) {
    ROLLUP_ASSERT(!ref.stale && !ref.unsaved);
    node.reset();
    return;
  }
  if (node->kind == Kind::extension) {
    auto& ext = as<Extension>(*node);
    unload_below(ext.child, ext.child_ref, depth + ext.path.size(), limit);
  } else if (node->kind == Kind::branch) {
    auto& branch = as<Branch>(*node);
    for (std::size_t i = 0; i < 16; ++i) {
      unload_below(branch.children[i], branch.refs[i], depth + 1, limit);
    }
  }
}

}  // namespace

namespace {
// A key's nibble path, on the stack for the keys of the state (32 bytes) and anything up to 64.
class KeyPath {
 public:
  KeyPath() = default;
  explicit KeyPath(ByteView key) { assign(key); }
  void assign(ByteView key) {
    m_size = key.size() * 2;
    if (key.size() <= m_inline.size() / 2) {
      m_heap.clear();
      for (std::size_t i = 0; i < key.size(); ++i) {
        m_inline[2 * i] = key[i] >> 4;
        m_inline[2 * i + 1] = key[i] & 0x0f;
      }
    } else {
      m_heap = to_nibbles(key);
    }
  }
  [[nodiscard]] NibbleView view() const noexcept {
    return m_heap.empty() ? NibbleView(m_inline.data(), m_size) : NibbleView(m_heap);
  }

 private:
  std::array<std::uint8_t, 128> m_inline;
  std::size_t m_size = 0;
  Nibbles m_heap;
};

// One key's walk from the root to its value, advanced a node at a time so that get_many can
// interleave several walks.
class Lookup {
 public:
  enum class Step { more, found, absent };

  void start(ByteView key, NodePtr& root, const Ref& root_ref) {
    m_key.assign(key);
    m_pos = 0;
    m_node = &root;
    m_ref = &root_ref;
  }

  // Moves one node down. `value` is set when found and stays valid until the trie changes.
  Result<Step> step(const NodeStore* store, ByteView& value) {
    if (!present(*m_node, *m_ref)) return Step::absent;
    ROLLUP_TRY_VOID(load(store, *m_node, *m_ref));
    const NibbleView path = m_key.view().subspan(m_pos);
    Node& node = **m_node;
    switch (node.kind) {
      case Kind::leaf: {
        const auto& leaf = as<Leaf>(node);
        if (!std::ranges::equal(leaf.path(), path)) return Step::absent;
        value = leaf.value();
        return Step::found;
      }
      case Kind::extension: {
        auto& ext = as<Extension>(node);
        if (!starts_with(path, ext.path)) return Step::absent;
        m_pos += ext.path.size();
        m_node = &ext.child;
        m_ref = &ext.child_ref;
        break;
      }
      case Kind::branch: {
        auto& branch = as<Branch>(node);
        if (path.empty()) {
          if (branch.value.empty()) return Step::absent;
          value = branch.value;
          return Step::found;
        }
        m_node = &branch.children[path[0]];
        m_ref = &branch.refs[path[0]];
        ++m_pos;
        break;
      }
    }
    // Fetched now, the next node arrives while the other walks of get_many take their steps.
    prefetch_node(m_node->get());
    return Step::more;
  }

 private:
  KeyPath m_key;
  std::size_t m_pos = 0;
  NodePtr* m_node = nullptr;
  const Ref* m_ref = nullptr;
};
}  // namespace

Trie::Trie() = default;
Trie::Trie(const NodeStore* store, const Hash& root) : m_store(store) {
  if (root != k_empty_root) m_root_ref.set_hash(root);
}
Trie::~Trie() = default;
Trie::Trie(Trie&&) noexcept = default;
Trie& Trie::operator=(Trie&&) noexcept = default;

Result<std::optional<Bytes>> Trie::get(ByteView key) {
  Lookup lookup;
  lookup.start(key, m_root, m_root_ref);
  ByteView value;
  while (true) {
    ROLLUP_TRY(Lookup::Step step, lookup.step(m_store, value));
    if (step == Lookup::Step::found) return std::optional<Bytes>{Bytes(value.begin(), value.end())};
    if (step == Lookup::Step::absent) return std::optional<Bytes>{};
  }
}

Result<void> Trie::get_many(std::span<const ByteView> keys,
                            std::vector<std::optional<ByteView>>& values) {
  values.assign(keys.size(), std::nullopt);
  // Eight walks in flight cover the latency of a cache miss with the steps of the others, and
  // keep their state in a few cache lines.
  constexpr std::size_t k_lanes = 8;
  std::array<Lookup, k_lanes> lanes;
  std::array<std::size_t, k_lanes> index{};
  std::array<bool, k_lanes> busy{};
  std::size_t next = 0;
  std::size_t live = 0;
  auto refill = [&](std::size_t lane) {
    busy[lane] = next < keys.size();
    if (!busy[lane]) return;
    lanes[lane].start(keys[next], m_root, m_root_ref);
    index[lane] = next++;
    ++live;
  };
  for (std::size_t lane = 0; lane < k_lanes; ++lane) refill(lane);
  while (live > 0) {
    for (std::size_t lane = 0; lane < k_lanes; ++lane) {
      if (!busy[lane]) continue;
      ByteView value;
      ROLLUP_TRY(Lookup::Step step, lanes[lane].step(m_store, value));
      if (step == Lookup::Step::more) continue;
      if (step == Lookup::Step::found) values[index[lane]] = value;
      --live;
      refill(lane);
    }
  }
  return {};
}

Result<void> Trie::put(ByteView key, ByteView value) {
  if (value.empty()) return erase(key);
  const KeyPath path(key);
  ROLLUP_TRY_VOID(insert(m_store, m_root, m_root_ref, path.view(), value));
  return {};
}

Result<void> Trie::erase(ByteView key) {
  const KeyPath path(key);
  ROLLUP_TRY_VOID(trie::erase(m_store, m_root, m_root_ref, path.view()));
  return {};
}

namespace {
// The root is named by its hash even when its encoding is short enough to be embedded.
Hash root_of(const Ref& root) {
  if (root.len == 0) return k_empty_root;
  if (root.len == 32) return root.hash();
  return crypto::keccak256(root.view());
}
}  // namespace

Hash Trie::root_hash() {
  if (m_root) hash_slot(*m_root, m_root_ref, nullptr);
  return root_of(m_root_ref);
}

Hash Trie::commit(std::vector<NodeWrite>& out) {
  if (!m_root) return root_of(m_root_ref);
  const bool root_saved = !m_root_ref.unsaved;
  hash_slot(*m_root, m_root_ref, &out);
  const Hash root = root_of(m_root_ref);
  // A short root is embedded nowhere, so it is stored under its hash to be loadable.
  if (!root_saved && m_root_ref.len < 32)
    out.push_back({root, Bytes(m_root_ref.view().begin(), m_root_ref.view().end())});
  return root;
}

Result<std::optional<std::pair<Bytes, Bytes>>> Trie::next(ByteView key) {
  const KeyPath target(key);
  Nibbles prefix;
  return neighbour(m_store, m_root, m_root_ref, prefix, target.view(), false);
}

Result<std::optional<std::pair<Bytes, Bytes>>> Trie::prev(ByteView key) {
  const KeyPath target(key);
  Nibbles prefix;
  return neighbour(m_store, m_root, m_root_ref, prefix, target.view(), true);
}

Result<std::vector<Bytes>> Trie::prove(ByteView key) {
  std::vector<Bytes> proof;
  if (!present(m_root, m_root_ref)) return proof;
  static_cast<void>(root_hash());  // encodings below need current child references
  const KeyPath full(key);
  NibbleView path = full.view();
  NodePtr* node = &m_root;
  const Ref* ref = &m_root_ref;
  Bytes scratch;
  while (present(*node, *ref)) {
    ROLLUP_TRY_VOID(load(m_store, *node, *ref));
    // Embedded nodes are part of their parent's encoding, which is already in the proof.
    if (ref->len == 32 || node == &m_root) {
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
      ref = &ext.child_ref;
      continue;
    }
    if (path.empty()) break;
    node = &as<Branch>(n).children[path[0]];
    ref = &as<Branch>(n).refs[path[0]];
    path = path.subspan(1);
  }
  return proof;
}

void Trie::unload(std::size_t depth) {
  if (depth > 0) unload_below(m_root, m_root_ref, 0, depth);
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

void MemoryNodeStore::put(std::span<const NodeWrite> writes) {
  for (const auto& w : writes) m_nodes.insert_or_assign(w.hash, w.encoding);
}

}  // namespace rollup::trie
