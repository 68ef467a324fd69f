#pragma once
// The Merkle Patricia Trie of the Ethereum yellow paper (appendix D), persistent over a NodeStore.
//
// A Trie starts from a root hash and loads nodes from the store only when a path reaches them; the
// loaded and changed nodes stay in memory. Changes mark the nodes on their path dirty, and hashing
// revisits dirty nodes only, so the cost of a new root is proportional to the number of changed
// paths, not to the size of the trie. commit() hands the encodings of new nodes to the caller, who
// stores them (keyed by their hash) together with whatever else belongs to the same atomic write.
//
// Invariants:
// - The in-memory tree is always canonical: no branch with fewer than two entries, no extension
//   followed by an extension or a leaf, no empty value (putting an empty value erases the key).
// - Nodes whose encoding is shorter than 32 bytes are embedded in their parent and never stored on
//   their own, except the root, which is always stored under its hash so the trie can be reopened.
// - The store is never written by the trie. Nodes are keyed by hash, so nodes of older roots stay
//   valid and a Trie opened at any committed root reads that version.

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <unordered_map>
#include <utility>
#include <vector>

#include "rollup/base/bytes.hpp"
#include "rollup/base/error.hpp"

namespace rollup::trie {

enum class Errc {
  ok = 0,
  missing_node,    // the store has no node for a hash the trie references
  malformed_node,  // a stored node or proof node is not a valid trie node encoding
  invalid_proof,   // a proof does not lead from the root to the key
};

}  // namespace rollup::trie
ROLLUP_DECLARE_ERRC(rollup::trie, Errc);

namespace rollup::trie {

// keccak256(rlp("")): the root of the empty trie.
extern const Hash k_empty_root;

// Where nodes live: RocksDB in the node, a hash map in tests. Implementations must be safe to call
// from the thread that uses the trie; a Trie never writes to its store.
class NodeStore {
 public:
  virtual ~NodeStore() = default;
  // The encoding of the node with this hash, or nullopt when absent. I/O failures are errors.
  [[nodiscard]] virtual Result<std::optional<Bytes>> get_node(const Hash& hash) const = 0;
};

// A new node produced by commit(): keccak256(encoding) and the encoding.
struct NodeWrite {
  Hash hash;
  Bytes encoding;
};

struct Node;  // defined in src/trie/node.hpp
struct NodeDeleter {
  void operator()(Node* node) const noexcept;
};
using NodePtr = std::unique_ptr<Node, NodeDeleter>;

namespace detail {
// How a parent names a child (src/trie/node.hpp explains the slots); public only because a Trie
// holds one for its root.
struct Ref {
  std::uint8_t len = 0;  // 0: no child; 32: `bytes` is the hash; 1..31: the whole encoding
  bool stale = false;    // the child changed since `bytes` was computed (it is then in memory)
  bool unsaved = false;  // the child or a node below it has not been handed out by a commit
  std::array<std::uint8_t, 32> bytes;

  [[nodiscard]] ByteView view() const noexcept { return {bytes.data(), len}; }
  [[nodiscard]] Hash hash() const noexcept {
    Hash h;
    std::copy(bytes.begin(), bytes.end(), h.bytes.begin());
    return h;
  }
  void set_hash(const Hash& h) noexcept {
    std::copy(h.bytes.begin(), h.bytes.end(), bytes.begin());
    len = 32;
  }
  void mark_changed() noexcept {
    stale = true;
    unsaved = true;
  }
  // Whether the slot must be visited to bring its reference up to date (and, when committing, to
  // hand out new nodes).
  [[nodiscard]] bool needs_visit(bool committing) const noexcept {
    return stale || (committing && unsaved);
  }
};
}  // namespace detail

class Trie {
 public:
  // An empty trie that needs no store until it is given one through a committed root.
  Trie();
  // The trie with this root; nodes are read from `store` (which must outlive the Trie) on demand.
  // Opening does not touch the store: a missing root shows up as missing_node on first access.
  Trie(const NodeStore* store, const Hash& root);
  ~Trie();
  Trie(Trie&&) noexcept;
  Trie& operator=(Trie&&) noexcept;
  Trie(const Trie&) = delete;
  Trie& operator=(const Trie&) = delete;

  // Reads may load nodes, so they are not const.
  [[nodiscard]] Result<std::optional<Bytes>> get(ByteView key);
  // The values of many keys, in the order given, as views that stay valid until the trie next
  // changes. The walks of several keys advance side by side, so their cache misses (and at a
  // million keys nearly every node below the top is one) overlap instead of following each other.
  [[nodiscard]] Result<void> get_many(std::span<const ByteView> keys,
                                      std::vector<std::optional<ByteView>>& values);
  // An empty value erases the key, as in every Ethereum trie.
  [[nodiscard]] Result<void> put(ByteView key, ByteView value);
  [[nodiscard]] Result<void> erase(ByteView key);

  // The root hash, hashing only what changed since the last call.
  [[nodiscard]] Hash root_hash();
  // The root hash, and every node created since the last commit appended to `out` (children before
  // parents). After commit the trie holds no unsaved nodes.
  Hash commit(std::vector<NodeWrite>& out);

  // The next key strictly after `key`, or before it, in byte order, with its value (for iteration
  // and the ethereum/tests next/prev fixtures). Keys must have been put as whole bytes (all keys
  // are).
  [[nodiscard]] Result<std::optional<std::pair<Bytes, Bytes>>> next(ByteView key);
  [[nodiscard]] Result<std::optional<std::pair<Bytes, Bytes>>> prev(ByteView key);

  // The encodings of the nodes on the path to `key`, root first: an EIP-1186 proof of presence or
  // absence, checked by verify_proof against root_hash().
  [[nodiscard]] Result<std::vector<Bytes>> prove(ByteView key);

  // Drops the in-memory copies of clean nodes deeper than `depth` nibbles (they reload from the
  // store when needed), bounding memory. Requires that everything has been committed.
  void unload(std::size_t depth);

 private:
  const NodeStore* m_store = nullptr;
  NodePtr m_root;
  detail::Ref m_root_ref;
};

// Checks an EIP-1186 proof: the value under `key` in the trie with root `root` (nullopt: proven
// absent), or invalid_proof when the nodes given do not prove either.
[[nodiscard]] Result<std::optional<Bytes>> verify_proof(const Hash& root, ByteView key,
                                                        std::span<const Bytes> proof);

// The root of a trie built from scratch, for one-shot roots (transactions, receipts, tests).
[[nodiscard]] Hash trie_root(std::span<const std::pair<Bytes, Bytes>> entries);
// transactions_root / receipts_root / withdrawals_root: keys are rlp(index).
[[nodiscard]] Hash ordered_trie_root(std::span<const Bytes> values);

// A NodeStore over a hash map, for tests, tools and benchmarks.
class MemoryNodeStore final : public NodeStore {
 public:
  [[nodiscard]] Result<std::optional<Bytes>> get_node(const Hash& hash) const override;
  // Copies the nodes, as a database would, so the caller's buffers are freed and reused.
  void put(std::span<const NodeWrite> writes);
  [[nodiscard]] std::size_t size() const { return m_nodes.size(); }

 private:
  std::unordered_map<Hash, Bytes> m_nodes;
};

}  // namespace rollup::trie
