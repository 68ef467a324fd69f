// The persistent trie against an independent reference: a from-scratch recursive builder written
// straight from the yellow paper's definition (appendix D), over the same key/value set.

#include "rollup/trie/trie.hpp"

#include <gtest/gtest.h>

#include <map>
#include <random>

#include "rollup/crypto/keccak.hpp"
#include "rollup/rlp/rlp.hpp"

namespace rollup::trie {
namespace {

using Nibbles = std::vector<std::uint8_t>;
struct Item {
  Nibbles path;
  Bytes value;
};

Bytes hex_prefix(const Nibbles& path, std::size_t from, std::size_t to, bool leaf) {
  const std::size_t n = to - from;
  Bytes out;
  const bool odd = n % 2 == 1;
  out.push_back(
      static_cast<std::uint8_t>(((leaf ? 2 : 0) + (odd ? 1 : 0)) << 4 | (odd ? path[from] : 0)));
  for (std::size_t i = from + (odd ? 1 : 0); i < to; i += 2) {
    out.push_back(static_cast<std::uint8_t>(path[i] << 4 | path[i + 1]));
  }
  return out;
}

Bytes build(const std::vector<const Item*>& items, std::size_t depth);

// How a parent refers to a child node: embedded below 32 bytes, else by hash.
void add_child(rlp::Encoder& enc, const std::vector<const Item*>& items, std::size_t depth) {
  if (items.empty()) {
    enc.add_string({});
    return;
  }
  const Bytes node = build(items, depth);
  if (node.size() < 32) {
    enc.add_raw(node);
  } else {
    enc.add_fixed(crypto::keccak256(node));
  }
}

Bytes build(const std::vector<const Item*>& items, std::size_t depth) {
  rlp::Encoder enc;
  const std::size_t mark = enc.begin_list();
  if (items.size() == 1) {
    enc.add_string(hex_prefix(items[0]->path, depth, items[0]->path.size(), true));
    enc.add_string(items[0]->value);
    enc.end_list(mark);
    return enc.take();
  }
  std::size_t cp = 0;
  while (true) {
    bool same = true;
    for (const Item* it : items) {
      if (it->path.size() <= depth + cp || it->path[depth + cp] != items[0]->path[depth + cp]) {
        same = false;
        break;
      }
    }
    if (!same) break;
    ++cp;
  }
  if (cp > 0) {
    enc.add_string(hex_prefix(items[0]->path, depth, depth + cp, false));
    add_child(enc, items, depth + cp);
    enc.end_list(mark);
    return enc.take();
  }
  Bytes value;
  for (int nibble = 0; nibble < 16; ++nibble) {
    std::vector<const Item*> group;
    for (const Item* it : items) {
      if (it->path.size() > depth && it->path[depth] == nibble) group.push_back(it);
    }
    add_child(enc, group, depth + 1);
  }
  for (const Item* it : items) {
    if (it->path.size() == depth) value = it->value;
  }
  enc.add_string(value);
  enc.end_list(mark);
  return enc.take();
}

Hash reference_root(const std::map<Bytes, Bytes>& model) {
  if (model.empty()) return k_empty_root;
  std::vector<Item> items;
  for (const auto& [k, v] : model) {
    Nibbles path;
    for (auto b : k) {
      path.push_back(b >> 4);
      path.push_back(b & 0x0f);
    }
    items.push_back({path, v});
  }
  std::vector<const Item*> ptrs;
  for (const auto& it : items) ptrs.push_back(&it);
  return crypto::keccak256(build(ptrs, 0));
}

Bytes random_bytes(std::mt19937_64& rng, std::size_t min, std::size_t max) {
  Bytes out(min + rng() % (max - min + 1));
  for (auto& b : out) b = static_cast<std::uint8_t>(rng());
  return out;
}

// Keys of mixed lengths sharing prefixes, so branches with values, extensions and embedded nodes
// all occur.
Bytes random_key(std::mt19937_64& rng) {
  Bytes key = random_bytes(rng, 0, 4);
  for (auto& b : key) b &= 0x13;
  return key;
}

TEST(Trie, EmptyTrieHasTheEmptyRoot) {
  Trie t;
  EXPECT_EQ(t.root_hash(), k_empty_root);
  EXPECT_EQ(crypto::keccak256(Bytes{0x80}), k_empty_root);
  std::vector<NodeWrite> writes;
  EXPECT_EQ(t.commit(writes), k_empty_root);
  EXPECT_TRUE(writes.empty());
}

TEST(Trie, RandomEditsMatchTheReferenceAcrossCommitsAndReopens) {
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    std::mt19937_64 rng(seed);
    MemoryNodeStore store;
    std::map<Bytes, Bytes> model;
    Hash root = k_empty_root;
    Trie t(&store, root);
    for (int round = 0; round < 12; ++round) {
      for (int op = 0; op < 25; ++op) {
        const Bytes key = random_key(rng);
        if (rng() % 3 == 0) {
          ASSERT_TRUE(t.erase(key).has_value());
          model.erase(key);
        } else {
          const Bytes value = random_bytes(rng, 1, rng() % 2 ? 3 : 40);
          ASSERT_TRUE(t.put(key, value).has_value());
          model[key] = value;
        }
      }
      ASSERT_EQ(t.root_hash(), reference_root(model)) << "seed " << seed << " round " << round;
      std::vector<NodeWrite> writes;
      root = t.commit(writes);
      for (const auto& w : writes) EXPECT_EQ(crypto::keccak256(w.encoding), w.hash);
      store.put(writes);
      for (const auto& [k, v] : model) {
        auto got = t.get(k);
        ASSERT_TRUE(got.has_value());
        ASSERT_TRUE(got->has_value());
        EXPECT_EQ(**got, v);
      }
      // The next round continues either from a trie reopened at the committed root or from this
      // one with only its top kept in memory.
      if (round % 2 == 0) {
        t = Trie(&store, root);
      } else {
        t.unload(1 + round % 3);
      }
    }
  }
}

TEST(Trie, GetManyMatchesGetForPresentAndAbsentKeys) {
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    std::mt19937_64 rng(seed);
    MemoryNodeStore store;
    Trie t(&store, k_empty_root);
    std::vector<Bytes> keys;
    std::map<Bytes, Bytes> model;
    for (int i = 0; i < 400; ++i) {
      // Mostly state-sized keys; some long enough that their path does not fit on the stack, and
      // some that are prefixes of others (values in branches).
      Bytes key = random_bytes(rng, 65, 80);
      if (i % 10 != 0) {
        const Hash h = crypto::keccak256(random_bytes(rng, 8, 8));
        key.assign(h.bytes.begin(), h.bytes.end());
      }
      if (i % 17 == 0 && !keys.empty()) key = Bytes(keys.back().begin(), keys.back().begin() + 3);
      keys.push_back(key);
      const Bytes value = random_bytes(rng, 1, rng() % 2 ? 5 : 90);
      ASSERT_TRUE(t.put(key, value).has_value());
      model[key] = value;
    }
    std::vector<NodeWrite> writes;
    const Hash root = t.commit(writes);
    store.put(writes);
    for (int i = 0; i < 100; ++i) keys.push_back(random_key(rng));  // almost surely absent
    std::ranges::shuffle(keys, rng);
    // Fully in memory, trimmed (the walks load from the store), and freshly opened.
    for (int pass = 0; pass < 3; ++pass) {
      if (pass == 1) t.unload(2);
      if (pass == 2) t = Trie(&store, root);
      std::vector<ByteView> views(keys.begin(), keys.end());
      std::vector<std::optional<ByteView>> values;
      ASSERT_TRUE(t.get_many(views, values).has_value());
      ASSERT_EQ(values.size(), keys.size());
      for (std::size_t i = 0; i < keys.size(); ++i) {
        const auto expected = model.find(keys[i]);
        ASSERT_EQ(values[i].has_value(), expected != model.end())
            << "seed " << seed << " key " << i;
        if (values[i]) {
          EXPECT_TRUE(equal(*values[i], expected->second));
        }
      }
    }
    std::vector<std::optional<ByteView>> none;
    ASSERT_TRUE(t.get_many({}, none).has_value());
    EXPECT_TRUE(none.empty());
  }
}

TEST(Trie, GetManyReportsAMissingNode) {
  MemoryNodeStore empty;
  Hash root;
  root.bytes.fill(0x11);
  Trie t(&empty, root);
  const Bytes key(32, 0x01);
  const std::vector<ByteView> keys{key};
  std::vector<std::optional<ByteView>> values;
  auto r = t.get_many(keys, values);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), make_error_code(Errc::missing_node));
}

TEST(Trie, PuttingAnEmptyValueErases) {
  Trie t;
  ASSERT_TRUE(t.put(Bytes{1, 2}, Bytes{3}).has_value());
  ASSERT_TRUE(t.put(Bytes{1, 2}, Bytes{}).has_value());
  EXPECT_EQ(t.root_hash(), k_empty_root);
}

TEST(Trie, CommitEmitsOnlyNewNodes) {
  std::mt19937_64 rng(7);
  MemoryNodeStore store;
  Trie t(&store, k_empty_root);
  for (int i = 0; i < 5000; ++i) {
    const Hash key = crypto::keccak256(random_bytes(rng, 8, 8));
    ASSERT_TRUE(t.put(key.view(), random_bytes(rng, 70, 70)).has_value());
  }
  std::vector<NodeWrite> writes;
  const Hash root = t.commit(writes);
  store.put(writes);
  writes.clear();
  EXPECT_EQ(t.commit(writes), root);
  EXPECT_TRUE(writes.empty()) << "a commit with no changes must write nothing";

  // One changed key rewrites its path only: a handful of nodes, not the trie.
  Trie reopened(&store, root);
  const Hash key = crypto::keccak256(Bytes{9});
  ASSERT_TRUE(reopened.put(key.view(), random_bytes(rng, 70, 70)).has_value());
  reopened.commit(writes);
  EXPECT_GE(writes.size(), 2u);
  EXPECT_LE(writes.size(), 6u);
}

TEST(Trie, MissingNodeIsAnError) {
  MemoryNodeStore empty;
  Trie t(&empty, crypto::keccak256(Bytes{1}));
  auto got = t.get(Bytes{1});
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error(), Errc::missing_node);
}

class BadStore final : public NodeStore {
 public:
  Result<std::optional<Bytes>> get_node(const Hash&) const override {
    return std::optional<Bytes>{Bytes{0xc3, 0x01, 0x02, 0x03}};  // a list of three items
  }
};

TEST(Trie, MalformedStoredNodeIsAnError) {
  BadStore store;
  Trie t(&store, crypto::keccak256(Bytes{1}));
  auto got = t.put(Bytes{1}, Bytes{1});
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error(), Errc::malformed_node);
}

TEST(Trie, ProofsOfPresenceAndAbsenceVerify) {
  std::mt19937_64 rng(11);
  Trie t;
  std::map<Bytes, Bytes> model;
  for (int i = 0; i < 300; ++i) {
    const Hash key = crypto::keccak256(random_bytes(rng, 4, 4));
    const Bytes value = random_bytes(rng, 1, 80);
    ASSERT_TRUE(t.put(key.view(), value).has_value());
    model[Bytes(key.bytes.begin(), key.bytes.end())] = value;
  }
  const Hash root = t.root_hash();
  for (const auto& [k, v] : model) {
    auto proof = t.prove(k);
    ASSERT_TRUE(proof.has_value());
    auto value = verify_proof(root, k, *proof);
    ASSERT_TRUE(value.has_value()) << value.error().message();
    ASSERT_TRUE(value->has_value());
    EXPECT_EQ(**value, v);
  }
  for (int i = 0; i < 50; ++i) {
    const Hash key = crypto::keccak256(random_bytes(rng, 5, 5));
    auto proof = t.prove(key.view());
    ASSERT_TRUE(proof.has_value());
    auto value = verify_proof(root, key.view(), *proof);
    ASSERT_TRUE(value.has_value());
    EXPECT_FALSE(value->has_value());
  }
}

TEST(Trie, TamperedOrIncompleteProofsAreRejected) {
  Trie t;
  std::mt19937_64 rng(12);
  for (int i = 0; i < 200; ++i) {
    ASSERT_TRUE(t.put(crypto::keccak256(random_bytes(rng, 4, 4)).view(), Bytes(40, 7)).has_value());
  }
  const Hash key = crypto::keccak256(Bytes{42});
  ASSERT_TRUE(t.put(key.view(), Bytes(40, 9)).has_value());
  const Hash root = t.root_hash();
  auto proof = t.prove(key.view());
  ASSERT_TRUE(proof.has_value());
  ASSERT_GE(proof->size(), 2u);

  auto tampered = *proof;
  tampered.back()[tampered.back().size() - 1] ^= 1;  // change the value inside the leaf
  auto r1 = verify_proof(root, key.view(), tampered);
  ASSERT_FALSE(r1.has_value());
  EXPECT_EQ(r1.error(), Errc::invalid_proof);

  auto incomplete = *proof;
  incomplete.pop_back();
  auto r2 = verify_proof(root, key.view(), incomplete);
  ASSERT_FALSE(r2.has_value());
  EXPECT_EQ(r2.error(), Errc::invalid_proof);

  auto wrong_root = verify_proof(crypto::keccak256(Bytes{1}), key.view(), *proof);
  EXPECT_FALSE(wrong_root.has_value());
}

TEST(Trie, NextAndPrevWalkKeysInOrder) {
  std::mt19937_64 rng(13);
  Trie t;
  std::map<Bytes, Bytes> model;
  for (int i = 0; i < 200; ++i) {
    Bytes key = random_key(rng);
    ASSERT_TRUE(t.put(key, Bytes{1}).has_value());
    model[key] = Bytes{1};
  }
  for (int i = 0; i < 300; ++i) {
    const Bytes probe = random_key(rng);
    auto next = t.next(probe);
    auto prev = t.prev(probe);
    ASSERT_TRUE(next.has_value() && prev.has_value());
    const auto up = model.upper_bound(probe);
    if (up == model.end()) {
      EXPECT_FALSE(next->has_value());
    } else {
      ASSERT_TRUE(next->has_value());
      EXPECT_EQ((*next)->first, up->first);
    }
    const auto low = model.lower_bound(probe);
    if (low == model.begin()) {
      EXPECT_FALSE(prev->has_value());
    } else {
      ASSERT_TRUE(prev->has_value());
      EXPECT_EQ((*prev)->first, std::prev(low)->first);
    }
  }
}

TEST(Trie, OrderedRootUsesRlpIndexKeys) {
  std::vector<Bytes> values = {Bytes{0x01}, Bytes(50, 0xab), Bytes{0x02, 0x03}};
  std::map<Bytes, Bytes> model;
  for (std::size_t i = 0; i < values.size(); ++i) {
    rlp::Encoder key;
    key.add_u64(i);
    model[key.take()] = values[i];
  }
  EXPECT_EQ(ordered_trie_root(values), reference_root(model));
  EXPECT_EQ(ordered_trie_root({}), k_empty_root);
}

}  // namespace
}  // namespace rollup::trie
