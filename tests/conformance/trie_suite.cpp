// TrieTests. Three shapes of case:
//   {"in": [[key, value|null], ...], "root"}   operations applied in order; null erases (trietest*)
//   {"in": {key: value, ...}, "root"}          the root must not depend on insertion order
//   (anyorder*,
//                                              hex_encoded_securetrie_test)
//   {"in": [key, ...], "tests": [[key, prev, next], ...]}   neighbour queries (trietestnextprev)
// A key or value starting with "0x" is hex, anything else is its UTF-8 bytes. In the "secureTrie"
// and "securetrie" files the trie key is keccak256(key).
//
// Beyond the root, every case also commits the trie to a node store, reopens it from the root
// alone, and checks that each remaining key reads back and has a proof that verify_proof accepts,
// and that an erased key has a valid proof of absence: the fixtures then test the persistent trie
// and the proofs, not only the root builder.

#include <algorithm>
#include <map>
#include <random>

#include "rollup/base/hex.hpp"
#include "rollup/crypto/keccak.hpp"
#include "rollup/trie/trie.hpp"
#include "suite.hpp"

namespace rollup::conformance {
namespace {

Bytes text_bytes(const nlohmann::json& j) {
  const auto s = j.get<std::string>();
  if (s.starts_with("0x")) return fixture_bytes(s);
  return Bytes(s.begin(), s.end());
}

struct Op {
  Bytes key;
  Bytes value;  // empty: erase
};

std::string hex_of(ByteView b) {
  return hex::encode(b);
}

// Applies ops to `t` in order and returns its root.
Result<Hash> build(const std::vector<Op>& ops, trie::Trie& t) {
  for (const Op& op : ops) {
    ROLLUP_TRY_VOID(t.put(op.key, op.value));
  }
  return t.root_hash();
}

// Commits, reopens from the root and checks reads and proofs against the expected contents.
CaseResult check_persistent(trie::Trie& t, const std::map<Bytes, Bytes>& model,
                            const std::vector<Bytes>& absent) {
  trie::MemoryNodeStore store;
  std::vector<trie::NodeWrite> writes;
  const Hash root = t.commit(writes);
  store.put(writes);
  trie::Trie reopened(&store, root);
  for (const auto& [key, value] : model) {
    auto got = reopened.get(key);
    if (!got) return "reopened trie: " + got.error().message();
    if (!*got || **got != value) return "reopened trie lost key " + hex_of(key);
    auto proof = reopened.prove(key);
    if (!proof) return "prove: " + proof.error().message();
    auto verified = trie::verify_proof(root, key, *proof);
    if (!verified) return "proof of " + hex_of(key) + " rejected: " + verified.error().message();
    if (!*verified || **verified != value)
      return "proof of " + hex_of(key) + " gives another value";
  }
  for (const Bytes& key : absent) {
    if (model.contains(key)) continue;
    auto proof = reopened.prove(key);
    if (!proof) return "prove: " + proof.error().message();
    auto verified = trie::verify_proof(root, key, *proof);
    if (!verified) return "absence proof rejected: " + verified.error().message();
    if (*verified) return "absence proof of " + hex_of(key) + " shows a value";
  }
  if (reopened.root_hash() != root) return "reopened trie has another root";
  return std::nullopt;
}

CaseResult run_ops(std::vector<Op> ops, const Hash& expected, bool any_order) {
  std::map<Bytes, Bytes> model;
  std::vector<Bytes> erased;
  for (const Op& op : ops) {
    if (op.value.empty()) {
      model.erase(op.key);
      erased.push_back(op.key);
    } else {
      model[op.key] = op.value;
    }
  }
  // Orders to try: as given, and for any-order cases reversed and a few seeded shuffles.
  std::vector<std::vector<Op>> orders{ops};
  if (any_order) {
    orders.emplace_back(ops.rbegin(), ops.rend());
    std::mt19937_64 rng(0x7213);
    for (int i = 0; i < 4; ++i) {
      std::shuffle(ops.begin(), ops.end(), rng);
      orders.push_back(ops);
    }
  }
  for (std::size_t i = 0; i < orders.size(); ++i) {
    trie::Trie t;
    auto root = build(orders[i], t);
    if (!root) return "building: " + root.error().message();
    if (*root != expected) {
      return "root " + hex_of(root->view()) + " != expected " + hex_of(expected.view()) +
             " (order " + std::to_string(i) + ")";
    }
    if (i == 0) {
      if (auto bad = check_persistent(t, model, erased)) return bad;
    }
  }
  return std::nullopt;
}

CaseResult run_next_prev(const nlohmann::json& test) {
  trie::Trie t;
  for (const auto& k : test.at("in")) {
    const Bytes key = text_bytes(k);
    if (auto r = t.put(key, key); !r) return "put: " + r.error().message();
  }
  for (const auto& row : test.at("tests")) {
    const Bytes key = text_bytes(row.at(0));
    const Bytes want_prev = text_bytes(row.at(1));
    const Bytes want_next = text_bytes(row.at(2));
    auto prev = t.prev(key);
    auto next = t.next(key);
    if (!prev || !next) return "query failed";
    const Bytes got_prev = *prev ? (*prev)->first : Bytes{};
    const Bytes got_next = *next ? (*next)->first : Bytes{};
    if (got_prev != want_prev || got_next != want_next) {
      return "neighbours of '" + row.at(0).get<std::string>() + "' wrong";
    }
  }
  return std::nullopt;
}

}  // namespace

CaseResult run_trie_case(const nlohmann::json& test, std::string_view file) {
  if (test.contains("tests")) return run_next_prev(test);
  std::string lower(file);
  std::ranges::transform(lower, lower.begin(), [](unsigned char c) { return std::tolower(c); });
  const bool secure = lower.find("securetrie") != std::string::npos;
  const bool hex_encoded = lower.find("hex_encoded") != std::string::npos;

  const auto key_of = [&](const std::string& text) {
    const Bytes raw = hex_encoded ? fixture_bytes(text) : text_bytes(text);
    if (!secure) return raw;
    const Hash hashed = crypto::keccak256(raw);
    return Bytes(hashed.bytes.begin(), hashed.bytes.end());
  };
  const auto value_of = [&](const nlohmann::json& v) -> Bytes {
    if (v.is_null()) return {};
    return hex_encoded ? fixture_bytes(v.get<std::string>()) : text_bytes(v);
  };

  std::vector<Op> ops;
  const nlohmann::json& in = test.at("in");
  if (in.is_array()) {
    for (const auto& pair : in)
      ops.push_back({key_of(pair.at(0).get<std::string>()), value_of(pair.at(1))});
  } else {
    for (const auto& [k, v] : in.items()) ops.push_back({key_of(k), value_of(v)});
  }
  const Bytes root_bytes = fixture_bytes(test.at("root").get<std::string>());
  const auto expected = Hash::from_view(root_bytes);
  if (!expected) return "cannot run: root is not 32 bytes";
  return run_ops(std::move(ops), *expected, !in.is_array());
}

}  // namespace rollup::conformance
