// RocksDB implementation of storage::Database. See database.hpp for the invariants and schema.hpp
// for the layout. Every RocksDB Status is checked; a failed write leaves the database as it was
// before the write (RocksDB applies a WriteBatch atomically) and the in-memory state is reset to
// it.

#include "rollup/storage/database.hpp"

#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/table.h>
#include <rocksdb/utilities/checkpoint.h>
#include <rocksdb/write_batch.h>

#include <fcntl.h>
#include <unistd.h>

#include <map>
#include <mutex>
#include <unordered_map>

#include "rollup/base/assert.hpp"
#include "rollup/base/hex.hpp"
#include "rollup/crypto/keccak.hpp"
#include "rollup/rlp/rlp.hpp"
#include "schema.hpp"

namespace rollup::storage {

std::string_view category_name(Errc) noexcept {
  return "storage";
}

std::string_view describe(Errc e) noexcept {
  switch (e) {
    case Errc::ok: return "ok";
    case Errc::io_error: return "database I/O error";
    case Errc::in_use: return "database is in use by another process";
    case Errc::not_initialized: return "database not initialised";
    case Errc::already_initialized: return "database already initialised";
    case Errc::inconsistent: return "database is inconsistent";
    case Errc::schema_mismatch: return "database schema version not supported";
    case Errc::corrupt_record: return "corrupt database record";
    case Errc::not_next_block: return "block does not extend the head";
    case Errc::state_mismatch: return "block state root differs from the computed state root";
    case Errc::history_pruned: return "historical state not available";
    case Errc::unknown_block: return "unknown block";
  }
  return "unknown storage error";
}

namespace {

namespace s = schema;
using rocksdb::Slice;

Result<void> check(const rocksdb::Status& status, std::string_view what) {
  if (status.ok()) return {};
  return fail(Errc::io_error, std::string(what) + ": " + status.ToString());
}

Slice slice(ByteView b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}
Slice slice(std::string_view v) {
  return {v.data(), v.size()};
}
ByteView view(const Slice& s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}
ByteView view(const std::string& s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

std::string ref_value(const BlockRef& ref) {
  std::string v = s::number_key(ref.number);
  s::put_bytes(v, ref.hash.view());
  return v;
}

Result<BlockRef> decode_ref(const std::string& v, std::string_view what) {
  if (v.size() != 40) return fail(Errc::corrupt_record, std::string(what) + " head record");
  BlockRef ref;
  ref.number = s::get_be64(v);
  std::copy(v.begin() + 8, v.end(), ref.hash.bytes.begin());
  return ref;
}

// Words in the storage column and history: big-endian without leading zeros; empty for zero.
std::string word_value(const uint256& v) {
  std::string out;
  if (v == uint256{}) return out;
  s::put_bytes(out, v.to_be_trimmed());
  return out;
}

Result<uint256> decode_word(ByteView b) {
  if (b.size() > 32 || (!b.empty() && b[0] == 0)) {
    return fail(Errc::corrupt_record, "storage word");
  }
  return uint256::from_be(b);
}

// The open RocksDB instance and its column families. Shared by the Database and every state view
// it handed out, so a view that outlives the Database (a reader finishing during shutdown) still
// reads a live database; it closes when the last holder lets go.
class Store {
 public:
  Store(std::unique_ptr<rocksdb::DB> db, std::vector<rocksdb::ColumnFamilyHandle*> families)
      : m_db(std::move(db)), m_families(std::move(families)) {}
  ~Store() {
    for (auto* family : m_families) m_db->DestroyColumnFamilyHandle(family);
    const auto status = m_db->Close();
    static_cast<void>(status);  // nothing left to do about a failed close; the WAL has the data
  }
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  rocksdb::ColumnFamilyHandle* cf(s::Family f) const { return m_families[f]; }
  rocksdb::DB& db() const { return *m_db; }

  // One point read; nullopt when absent.
  Result<std::optional<std::string>> get(s::Family f, Slice key,
                                         const rocksdb::Snapshot* snapshot = nullptr) const {
    rocksdb::ReadOptions ro;
    ro.snapshot = snapshot;
    std::string value;
    const auto status = m_db->Get(ro, cf(f), key, &value);
    if (status.IsNotFound()) return std::optional<std::string>{};
    ROLLUP_TRY_VOID(check(status, s::k_family_names[f]));
    return std::optional<std::string>{std::move(value)};
  }

 private:
  std::unique_ptr<rocksdb::DB> m_db;
  std::vector<rocksdb::ColumnFamilyHandle*> m_families;
};

// Reads of one state: the flat (head) state, or with `at` set, the state after block `at` through
// the history. With a snapshot, every read sees the same database version.
class RocksStateView final : public state::StateView {
 public:
  RocksStateView(std::shared_ptr<const Store> db, const rocksdb::Snapshot* snapshot,
                 std::optional<std::uint64_t> at);
  ~RocksStateView() override;
  RocksStateView(const RocksStateView&) = delete;
  RocksStateView& operator=(const RocksStateView&) = delete;

  Result<std::optional<state::Account>> account(const Address& address) const override;
  Result<uint256> storage(const Address& address, const Hash& slot) const override;
  Result<Bytes> code(const Hash& code_hash) const override;

 private:
  // The "before" value of the first change after `m_at` to the key with this prefix, if any.
  Result<std::optional<std::string>> history_value(const std::string& prefix) const;

  std::shared_ptr<const Store> m_db;
  const rocksdb::Snapshot* m_snapshot;
  std::optional<std::uint64_t> m_at;
};

class NodeReader final : public trie::NodeStore {
 public:
  explicit NodeReader(const Store& db) : m_db(db) {}
  Result<std::optional<Bytes>> get_node(const Hash& hash) const override;

 private:
  const Store& m_db;
};

class Rocks final : public Database {
 public:
  Rocks(std::unique_ptr<rocksdb::DB> db, std::vector<rocksdb::ColumnFamilyHandle*> families,
        const Options& options)
      : m_store(std::make_shared<Store>(std::move(db), std::move(families))),
        m_db(&m_store->db()),
        m_options(options),
        m_nodes(*m_store) {
    // Fewer than one block of history would leave the parent state unreadable (and records of the
    // block being committed would be "pruned" before they exist).
    if (m_options.history_blocks == 0) m_options.history_blocks = 1;
  }

  rocksdb::ColumnFamilyHandle* cf(s::Family f) const { return m_store->cf(f); }
  Result<std::optional<std::string>> get(s::Family f, Slice key,
                                         const rocksdb::Snapshot* snapshot = nullptr) const {
    return m_store->get(f, key, snapshot);
  }

  Result<void> load_heads();
  Result<void> check_consistency();
  Result<void> write_genesis(const state::StateDiff& alloc,
                             const std::function<types::Header(const Hash&)>& make_header);

  Heads heads() const override {
    std::lock_guard lock(m_heads_mutex);
    return m_heads;
  }
  std::uint64_t history_tail() const override {
    std::lock_guard lock(m_heads_mutex);
    return m_tail;
  }

  Result<std::optional<Hash>> canonical_hash(std::uint64_t number) const override {
    ROLLUP_TRY(auto v, get(s::canonical, slice(s::number_key(number))));
    if (!v) return std::optional<Hash>{};
    auto h = Hash::from_view(view(*v));
    if (!h) return fail(Errc::corrupt_record, "canonical hash");
    return std::optional<Hash>{*h};
  }

  Result<std::optional<std::uint64_t>> block_number(const Hash& hash) const override {
    ROLLUP_TRY(auto v, get(s::block_index, slice(hash.view())));
    if (!v) return std::optional<std::uint64_t>{};
    if (v->size() != 8) return fail(Errc::corrupt_record, "block index");
    return std::optional<std::uint64_t>{s::get_be64(*v)};
  }

  Result<std::optional<types::Header>> header(const Hash& hash) const override {
    ROLLUP_TRY(auto v, get(s::headers, slice(hash.view())));
    if (!v) return std::optional<types::Header>{};
    auto h = types::decode_header(view(*v));
    if (!h) return fail(Errc::corrupt_record, "header: " + h.error().message());
    return std::optional<types::Header>{std::move(*h)};
  }

  Result<std::optional<std::vector<types::Transaction>>> body(const Hash& hash) const override {
    ROLLUP_TRY(auto v, get(s::bodies, slice(hash.view())));
    if (!v) return std::optional<std::vector<types::Transaction>>{};
    std::vector<types::Transaction> txns;
    auto list = rlp::ListReader::open(view(*v));
    if (!list) return fail(Errc::corrupt_record, "body");
    while (!list->empty()) {
      auto encoded = list->next_string();
      if (!encoded) return fail(Errc::corrupt_record, "body entry");
      auto txn = types::decode_transaction(*encoded);
      if (!txn) return fail(Errc::corrupt_record, "body transaction: " + txn.error().message());
      txns.push_back(std::move(*txn));
    }
    return std::optional<std::vector<types::Transaction>>{std::move(txns)};
  }

  Result<std::optional<std::vector<types::Receipt>>> receipts(const Hash& hash) const override {
    ROLLUP_TRY(auto v, get(s::receipts, slice(hash.view())));
    if (!v) return std::optional<std::vector<types::Receipt>>{};
    std::vector<types::Receipt> out;
    auto list = rlp::ListReader::open(view(*v));
    if (!list) return fail(Errc::corrupt_record, "receipts");
    while (!list->empty()) {
      auto encoded = list->next_string();
      if (!encoded) return fail(Errc::corrupt_record, "receipt entry");
      auto receipt = types::decode_receipt(*encoded);
      if (!receipt) return fail(Errc::corrupt_record, "receipt: " + receipt.error().message());
      out.push_back(std::move(*receipt));
    }
    return std::optional<std::vector<types::Receipt>>{std::move(out)};
  }

  Result<std::optional<TxLocation>> tx_location(const Hash& txn_hash) const override {
    ROLLUP_TRY(auto v, get(s::tx_index, slice(txn_hash.view())));
    if (!v) return std::optional<TxLocation>{};
    if (v->size() != 12) return fail(Errc::corrupt_record, "transaction index");
    TxLocation loc;
    loc.block_num = s::get_be64(*v);
    for (int i = 8; i < 12; ++i) loc.index = loc.index << 8 | static_cast<std::uint8_t>((*v)[i]);
    ROLLUP_TRY(auto hash, canonical_hash(loc.block_num));
    if (!hash) return std::optional<TxLocation>{};
    loc.block_hash = *hash;
    return std::optional<TxLocation>{loc};
  }

  Result<AccountProof> prove(std::uint64_t number, const Address& address,
                             std::span<const Hash> slots) const override {
    const std::uint64_t tail = history_tail();
    if (number < tail || number > heads().unsafe.number) {
      return fail(Errc::history_pruned, "state of block " + std::to_string(number) +
                                            " is not kept; readable are " + std::to_string(tail) +
                                            " to " + std::to_string(heads().unsafe.number));
    }
    ROLLUP_TRY(const std::optional<Hash> hash, canonical_hash(number));
    if (!hash) return fail(Errc::unknown_block, "block " + std::to_string(number));
    ROLLUP_TRY(const std::optional<types::Header> header, this->header(*hash));
    if (!header) return fail(Errc::corrupt_record, "header of block " + std::to_string(number));
    // Trie nodes are stored by hash and never rewritten, so a trie opened at an old root reads
    // exactly that block's state, with no snapshot needed.
    AccountProof out;
    trie::Trie accounts(&m_nodes, header->state_root);
    const Hash account_key = crypto::keccak256(address.view());
    ROLLUP_TRY(out.account_proof, accounts.prove(account_key.view()));
    ROLLUP_TRY(const std::optional<Bytes> encoded, accounts.get(account_key.view()));
    if (encoded) {
      ROLLUP_TRY(out.account, types::decode_account(*encoded));
    }
    trie::Trie storage(&m_nodes,
                       out.account ? out.account->storage_root : types::k_empty_root_hash);
    for (const Hash& slot : slots) {
      AccountProof::Slot entry{slot, uint256{}, {}};
      const Hash slot_key = crypto::keccak256(slot.view());
      ROLLUP_TRY(entry.proof, storage.prove(slot_key.view()));
      ROLLUP_TRY(const std::optional<Bytes> value, storage.get(slot_key.view()));
      if (value) {
        // Storage values are RLP integers (the word without leading zeros).
        ROLLUP_TRY(const rlp::Item item, rlp::decode_exact(ByteView(*value)));
        ROLLUP_TRY(entry.value, rlp::to_u256(item));
      }
      out.storage.push_back(std::move(entry));
    }
    return out;
  }

  Result<std::unique_ptr<state::StateView>> state_at(std::uint64_t number) const override {
    const rocksdb::Snapshot* snapshot = m_db->GetSnapshot();
    // The head and tail as of the snapshot, so the view and its bounds agree.
    auto release = [&] { m_db->ReleaseSnapshot(snapshot); };
    auto head_value = get(s::meta, slice(s::k_head_key), snapshot);
    auto tail_value = get(s::meta, slice(s::k_history_tail_key), snapshot);
    if (!head_value || !tail_value || !*head_value || !*tail_value || (*tail_value)->size() != 8) {
      release();
      return fail(Errc::corrupt_record, "head or history tail");
    }
    auto head = decode_ref(**head_value, "unsafe");
    const std::uint64_t tail = s::get_be64(**tail_value);
    if (!head) {
      release();
      return fail(head.error());
    }
    if (number > head->number) {
      release();
      return fail(Errc::unknown_block, "block " + std::to_string(number) + " is after the head " +
                                           std::to_string(head->number));
    }
    if (number < tail) {
      release();
      return fail(Errc::history_pruned, "state of block " + std::to_string(number) +
                                            " is pruned; the oldest kept is " +
                                            std::to_string(tail));
    }
    std::optional<std::uint64_t> at;
    if (number < head->number) at = number;
    return std::unique_ptr<state::StateView>(new RocksStateView(m_store, snapshot, at));
  }

  Result<Hash> recompute_state_root() const override;
  Result<state::StateUpdate> prepare_state(const state::StateDiff& diff) override;
  Result<void> commit_block(const Block& block, const std::vector<types::Receipt>& receipts,
                            const state::StateDiff& diff, state::StateUpdate update) override;
  void discard_prepared() override {
    if (m_state_trie) m_state_trie->reset(m_head_state_root);
    m_prepared = false;
  }
  Result<void> set_safe_head(const BlockRef& ref) override {
    return update_batcher({.records = {}, .safe = ref, .finalized = std::nullopt});
  }
  Result<void> set_finalized_head(const BlockRef& ref) override {
    return update_batcher({.records = {}, .safe = std::nullopt, .finalized = ref});
  }
  Result<void> update_batcher(const BatcherUpdate& update) override;
  Result<std::optional<BlockRef>> l1_origin(std::uint64_t number) const override;
  Result<std::vector<std::pair<std::string, Bytes>>> batcher_records() const override;
  Result<void> rewind_to(std::uint64_t number) override;
  Result<state::StateDiff> changes_back_to(std::uint64_t number) const override;

 private:
  Result<void> write(rocksdb::WriteBatch& batch) {
    rocksdb::WriteOptions wo;
    wo.sync = m_options.sync;
    return check(m_db->Write(wo, &batch), "write");
  }
  void put_block(rocksdb::WriteBatch& batch, const Block& block, const Hash& hash,
                 const std::vector<types::Receipt>& receipts);
  // Flat state, code, trie nodes and (for blocks after genesis) the history of `number`.
  Result<void> put_state(rocksdb::WriteBatch& batch, std::uint64_t number,
                         const state::StateDiff& diff, const state::StateUpdate& update,
                         bool with_history);
  Result<void> prune_history(rocksdb::WriteBatch& batch, std::uint64_t number);

  std::shared_ptr<Store> m_store;
  rocksdb::DB* m_db;  // owned by m_store
  Options m_options;
  NodeReader m_nodes;

  mutable std::mutex m_heads_mutex;  // guards m_heads and m_tail for readers
  Heads m_heads;
  std::uint64_t m_tail = 0;

  // Writer-only state.
  Hash m_head_state_root;
  std::unique_ptr<state::StateTrie> m_state_trie;
  std::uint64_t m_commits_since_trim = 0;
  // A prepared state is in the in-memory trie but not in the database.
  bool m_prepared = false;
};

RocksStateView::RocksStateView(std::shared_ptr<const Store> db, const rocksdb::Snapshot* snapshot,
                               std::optional<std::uint64_t> at)
    : m_db(std::move(db)), m_snapshot(snapshot), m_at(at) {}

RocksStateView::~RocksStateView() {
  if (m_snapshot != nullptr) m_db->db().ReleaseSnapshot(m_snapshot);
}

Result<std::optional<std::string>> RocksStateView::history_value(const std::string& prefix) const {
  rocksdb::ReadOptions ro;
  ro.snapshot = m_snapshot;
  std::unique_ptr<rocksdb::Iterator> it(m_db->db().NewIterator(ro, m_db->cf(s::history)));
  std::string seek = prefix;
  s::put_be64(seek, *m_at + 1);
  it->Seek(slice(seek));
  if (it->Valid() && it->key().starts_with(slice(prefix))) {
    return std::optional<std::string>{it->value().ToString()};
  }
  ROLLUP_TRY_VOID(check(it->status(), "history"));
  return std::optional<std::string>{};
}

Result<std::optional<state::Account>> RocksStateView::account(const Address& address) const {
  std::optional<std::string> value;
  if (m_at) {
    std::string prefix = "A";
    s::put_bytes(prefix, address.view());
    ROLLUP_TRY(value, history_value(prefix));
    if (value && value->empty()) return std::optional<state::Account>{};
  }
  if (!value) {
    ROLLUP_TRY(value, m_db->get(s::accounts, slice(address.view()), m_snapshot));
    if (!value) return std::optional<state::Account>{};
  }
  auto account = types::decode_account(view(*value));
  if (!account) return fail(Errc::corrupt_record, "account: " + account.error().message());
  return std::optional<state::Account>{*account};
}

Result<uint256> RocksStateView::storage(const Address& address, const Hash& slot) const {
  std::optional<std::string> value;
  if (m_at) {
    std::string prefix = "S";
    s::put_bytes(prefix, address.view());
    s::put_bytes(prefix, slot.view());
    ROLLUP_TRY(value, history_value(prefix));
  }
  if (!value) {
    ROLLUP_TRY(value, m_db->get(s::storage, slice(s::storage_key(address, slot)), m_snapshot));
    if (!value) return uint256{};
  }
  return decode_word(view(*value));
}

Result<Bytes> RocksStateView::code(const Hash& code_hash) const {
  if (code_hash == types::k_empty_code_hash) return Bytes{};
  ROLLUP_TRY(auto value, m_db->get(s::code, slice(code_hash.view()), m_snapshot));
  if (!value) return fail(state::Errc::missing_code, hex::encode(code_hash.view()));
  const ByteView v = view(*value);
  return Bytes(v.begin(), v.end());
}

Result<std::optional<Bytes>> NodeReader::get_node(const Hash& hash) const {
  ROLLUP_TRY(auto value, m_db.get(s::trie_nodes, slice(hash.view())));
  if (!value) return std::optional<Bytes>{};
  const ByteView v = view(*value);
  return std::optional<Bytes>{Bytes(v.begin(), v.end())};
}

Result<void> Rocks::load_heads() {
  Heads heads;
  const std::pair<std::string_view, BlockRef*> keys[] = {{s::k_head_key, &heads.unsafe},
                                                         {s::k_safe_key, &heads.safe},
                                                         {s::k_finalized_key, &heads.finalized}};
  for (const auto& [key, ref] : keys) {
    ROLLUP_TRY(auto value, get(s::meta, slice(key)));
    if (!value) {
      return fail(Errc::not_initialized,
                  "no " + std::string(key) + " head: the database holds no genesis block");
    }
    ROLLUP_TRY(*ref, decode_ref(*value, key));
  }
  ROLLUP_TRY(auto tail, get(s::meta, slice(s::k_history_tail_key)));
  if (!tail || tail->size() != 8) return fail(Errc::corrupt_record, "history tail");
  std::lock_guard lock(m_heads_mutex);
  m_heads = heads;
  m_tail = s::get_be64(*tail);
  return {};
}

Result<void> Rocks::check_consistency() {
  const Heads h = heads();
  const auto refuse = [&](const std::string& what) {
    return fail(Errc::inconsistent,
                what +
                    ". The database was damaged outside rollupd's control (a disk fault or a "
                    "copy taken while it ran); restore the datadir from a backup or create "
                    "a new one with `rollupd init`");
  };
  for (const BlockRef* ref : {&h.unsafe, &h.safe, &h.finalized}) {
    ROLLUP_TRY(auto hash, canonical_hash(ref->number));
    if (!hash || *hash != ref->hash) {
      return refuse("head block " + std::to_string(ref->number) + " is not canonical");
    }
  }
  if (h.safe.number > h.unsafe.number || h.finalized.number > h.safe.number) {
    return refuse("heads out of order (finalized <= safe <= unsafe is required)");
  }
  ROLLUP_TRY(auto head_header, header(h.unsafe.hash));
  if (!head_header || head_header->number != h.unsafe.number) {
    return refuse("head header " + std::to_string(h.unsafe.number) + " is missing");
  }
  ROLLUP_TRY(auto body_of_head, body(h.unsafe.hash));
  ROLLUP_TRY(auto receipts_of_head, receipts(h.unsafe.hash));
  if (!body_of_head || !receipts_of_head || body_of_head->size() != receipts_of_head->size()) {
    return refuse("head block body or receipts missing");
  }
  if (head_header->state_root != trie::k_empty_root) {
    ROLLUP_TRY(auto root, m_nodes.get_node(head_header->state_root));
    if (!root) return refuse("the head's state root node is missing");
  }
  ROLLUP_TRY(auto after, canonical_hash(h.unsafe.number + 1));
  if (after) return refuse("a block after the head is recorded as canonical");
  if (m_tail > h.unsafe.number) return refuse("history tail after the head");
  m_head_state_root = head_header->state_root;
  m_state_trie = std::make_unique<state::StateTrie>(m_nodes, m_head_state_root);
  return {};
}

void Rocks::put_block(rocksdb::WriteBatch& batch, const Block& block, const Hash& hash,
                      const std::vector<types::Receipt>& receipts) {
  const std::uint64_t n = block.header.number;
  batch.Put(cf(s::headers), slice(hash.view()), slice(types::encode_header(block.header)));
  rlp::Encoder body;
  const std::size_t mark = body.begin_list();
  for (std::size_t i = 0; i < block.transactions.size(); ++i) {
    // A transaction's hash is the keccak of its envelope: one encoding serves the body and the
    // index.
    const Bytes envelope = types::encode_transaction(block.transactions[i]);
    body.add_string(envelope);
    std::string loc = s::number_key(n);
    for (int b = 3; b >= 0; --b) loc.push_back(static_cast<char>(i >> (8 * b)));
    batch.Put(cf(s::tx_index), slice(crypto::keccak256(envelope).view()), slice(loc));
  }
  body.end_list(mark);
  batch.Put(cf(s::bodies), slice(hash.view()), slice(body.bytes()));
  rlp::Encoder rs;
  const std::size_t rmark = rs.begin_list();
  for (const auto& r : receipts) rs.add_string(types::encode_receipt(r));
  rs.end_list(rmark);
  batch.Put(cf(s::receipts), slice(hash.view()), slice(rs.bytes()));
  batch.Put(cf(s::canonical), slice(s::number_key(n)), slice(hash.view()));
  batch.Put(cf(s::block_index), slice(hash.view()), slice(s::number_key(n)));
  batch.Put(cf(s::l1_origins), slice(s::number_key(n)), slice(ref_value(block.l1_origin)));
}

Result<void> Rocks::put_state(rocksdb::WriteBatch& batch, std::uint64_t number,
                              const state::StateDiff& diff, const state::StateUpdate& update,
                              bool with_history) {
  ROLLUP_ASSERT(update.accounts.size() == diff.accounts.size() &&
                update.previous.size() == diff.accounts.size());
  rlp::Encoder record;
  const std::size_t record_mark = record.begin_list();
  for (std::size_t i = 0; i < diff.accounts.size(); ++i) {
    const state::AccountDiff& d = diff.accounts[i];
    const Slice address = slice(d.address.view());
    if (update.accounts[i]) {
      batch.Put(cf(s::accounts), address, slice(types::encode_account(*update.accounts[i])));
    } else {
      batch.Delete(cf(s::accounts), address);
    }
    // Previous words of every slot this block changes, for the history and rewinds.
    std::map<Hash, std::string> previous;
    if (d.storage_cleared || !d.account) {
      rocksdb::ReadOptions ro;
      std::unique_ptr<rocksdb::Iterator> it(m_db->NewIterator(ro, cf(s::storage)));
      for (it->Seek(address); it->Valid() && it->key().starts_with(address); it->Next()) {
        const ByteView key = view(it->key());
        if (key.size() != 52) return fail(Errc::corrupt_record, "storage key");
        Hash slot;
        std::copy(key.begin() + 20, key.end(), slot.bytes.begin());
        previous.emplace(slot, it->value().ToString());
        batch.Delete(cf(s::storage), it->key());
      }
      ROLLUP_TRY_VOID(check(it->status(), "storage scan"));
    }
    for (const state::StorageWrite& w : d.storage) {
      const std::string key = s::storage_key(d.address, w.slot);
      if (!previous.contains(w.slot)) {
        std::string before_word;
        if (!d.storage_cleared) {
          ROLLUP_TRY(auto v, get(s::storage, slice(key)));
          if (v) before_word = std::move(*v);
        }
        previous.emplace(w.slot, std::move(before_word));
      }
      if (w.value == uint256{}) {
        batch.Delete(cf(s::storage), slice(key));
      } else {
        batch.Put(cf(s::storage), slice(key), slice(word_value(w.value)));
      }
    }
    if (d.code) batch.Put(cf(s::code), slice(d.account->code_hash.view()), slice(*d.code));
    if (!with_history) continue;
    // The flat record is the canonical encoding, so re-encoding what the trie update read gives
    // the stored bytes.
    std::string before_account;
    if (update.previous[i])
      s::put_bytes(before_account, types::encode_account(*update.previous[i]));
    batch.Put(cf(s::history), slice(s::history_account_key(d.address, number)),
              slice(before_account));
    const std::size_t entry = record.begin_list();
    record.add_fixed(d.address);
    record.add_string(view(before_account));
    const std::size_t slots = record.begin_list();
    for (const auto& [slot, word] : previous) {
      batch.Put(cf(s::history), slice(s::history_storage_key(d.address, slot, number)),
                slice(word));
      const std::size_t pair = record.begin_list();
      record.add_fixed(slot);
      record.add_string(view(word));
      record.end_list(pair);
    }
    record.end_list(slots);
    record.end_list(entry);
  }
  record.end_list(record_mark);
  for (const auto& node : update.nodes) {
    batch.Put(cf(s::trie_nodes), slice(node.hash.view()), slice(node.encoding));
  }
  if (with_history) {
    batch.Put(cf(s::history), slice(s::history_block_key(number)), slice(record.bytes()));
  }
  return {};
}

// Reads a block's history record and calls f(address, previous account, [(slot, previous word)]).
template <typename F>
Result<void> for_each_change(const std::string& record, F&& f) {
  ROLLUP_TRY(rlp::ListReader list, rlp::ListReader::open(view(record)));
  while (!list.empty()) {
    ROLLUP_TRY(rlp::ListReader entry, list.next_list());
    ROLLUP_TRY(Address address, entry.next_fixed<20>());
    ROLLUP_TRY(ByteView account, entry.next_string());
    ROLLUP_TRY(rlp::ListReader slots, entry.next_list());
    std::vector<std::pair<Hash, ByteView>> words;
    while (!slots.empty()) {
      ROLLUP_TRY(rlp::ListReader pair, slots.next_list());
      ROLLUP_TRY(Hash slot, pair.next_fixed<32>());
      ROLLUP_TRY(ByteView word, pair.next_string());
      ROLLUP_TRY_VOID(pair.finish());
      words.emplace_back(slot, word);
    }
    ROLLUP_TRY_VOID(entry.finish());
    f(address, account, words);
  }
  return {};
}

Result<void> Rocks::prune_history(rocksdb::WriteBatch& batch, std::uint64_t number) {
  const std::string key = s::history_block_key(number);
  ROLLUP_TRY(auto record, get(s::history, slice(key)));
  if (!record) return {};
  auto done = for_each_change(*record, [&](const Address& a, ByteView,
                                           const std::vector<std::pair<Hash, ByteView>>& words) {
    batch.Delete(cf(s::history), slice(s::history_account_key(a, number)));
    for (const auto& w : words) {
      batch.Delete(cf(s::history), slice(s::history_storage_key(a, w.first, number)));
    }
  });
  if (!done) return fail(Errc::corrupt_record, "history record " + std::to_string(number));
  batch.Delete(cf(s::history), slice(key));
  return {};
}

Result<state::StateUpdate> Rocks::prepare_state(const state::StateDiff& diff) {
  if (auto bad = state::check_diff(diff)) {
    return fail(Errc::corrupt_record, "malformed state diff: " + *bad);
  }
  // A state prepared earlier and neither committed nor discarded must not leak into this one: its
  // nodes are marked saved in memory but were never written.
  if (m_prepared) discard_prepared();
  auto update = m_state_trie->apply(diff);
  if (!update) {
    discard_prepared();
    return update;
  }
  m_prepared = true;
  return update;
}

Result<void> Rocks::commit_block(const Block& block, const std::vector<types::Receipt>& receipts,
                                 const state::StateDiff& diff, state::StateUpdate update) {
  const Heads h = heads();
  const types::Header& header = block.header;
  auto refuse = [&](Errc code, std::string why) {
    discard_prepared();
    return fail(code, std::move(why));
  };
  if (header.number != h.unsafe.number + 1 || header.parent_hash != h.unsafe.hash) {
    return refuse(Errc::not_next_block, "block " + std::to_string(header.number) +
                                            " does not extend head " +
                                            std::to_string(h.unsafe.number));
  }
  if (!m_prepared || header.state_root != update.state_root ||
      m_state_trie->root() != update.state_root) {
    return refuse(Errc::state_mismatch, "block " + std::to_string(header.number));
  }
  if (receipts.size() != block.transactions.size()) {
    return refuse(Errc::corrupt_record, "receipt count differs from transaction count");
  }
  const Hash hash = types::header_hash(header);
  rocksdb::WriteBatch batch;
  put_block(batch, block, hash, receipts);
  if (auto r = put_state(batch, header.number, diff, update, true); !r) {
    discard_prepared();
    return r;
  }
  const BlockRef head{header.number, hash};
  batch.Put(cf(s::meta), slice(s::k_head_key), slice(ref_value(head)));
  std::uint64_t tail = history_tail();
  // Keep `history_blocks` states back from the head; one block is pruned per commit in the steady
  // state, so pruning never makes a commit slow.
  while (header.number - tail > m_options.history_blocks) {
    if (auto r = prune_history(batch, tail + 1); !r) {
      discard_prepared();
      return r;
    }
    ++tail;
  }
  batch.Put(cf(s::meta), slice(s::k_history_tail_key), slice(s::number_key(tail)));
  if (auto r = write(batch); !r) {
    discard_prepared();
    return r;
  }
  m_head_state_root = update.state_root;
  m_prepared = false;
  {
    std::lock_guard lock(m_heads_mutex);
    m_heads.unsafe = head;
    m_tail = tail;
  }
  // The account trie's lower levels reload from RocksDB's cache when needed; trimming now and then
  // bounds the memory of a long-running sequencer without walking the tree every block.
  if (++m_commits_since_trim >= 64) {
    m_state_trie->trim(m_options.trie_cache_depth);
    m_commits_since_trim = 0;
  }
  return {};
}

Result<void> Rocks::update_batcher(const BatcherUpdate& update) {
  const Heads h = heads();
  Heads next = h;
  for (const auto& [ref, safe] :
       {std::pair{update.safe, true}, std::pair{update.finalized, false}}) {
    if (!ref) continue;
    ROLLUP_TRY(auto hash, canonical_hash(ref->number));
    if (!hash || *hash != ref->hash || ref->number > h.unsafe.number) {
      return fail(Errc::unknown_block, "not a canonical block: " + std::to_string(ref->number));
    }
    (safe ? next.safe : next.finalized) = *ref;
  }
  if (next.finalized.number > next.safe.number || next.finalized.number < h.finalized.number) {
    return fail(Errc::not_next_block,
                "the finalized head only moves forward and stays at or below the safe head");
  }
  rocksdb::WriteBatch batch;
  for (const auto& [key, value] : update.records) {
    if (value) {
      batch.Put(cf(s::batcher), key, slice(*value));
    } else {
      batch.Delete(cf(s::batcher), key);
    }
  }
  if (update.safe) batch.Put(cf(s::meta), slice(s::k_safe_key), slice(ref_value(next.safe)));
  if (update.finalized) {
    batch.Put(cf(s::meta), slice(s::k_finalized_key), slice(ref_value(next.finalized)));
  }
  ROLLUP_TRY_VOID(write(batch));
  std::lock_guard lock(m_heads_mutex);
  m_heads.safe = next.safe;
  m_heads.finalized = next.finalized;
  return {};
}

Result<std::optional<BlockRef>> Rocks::l1_origin(std::uint64_t number) const {
  ROLLUP_TRY(auto v, get(s::l1_origins, slice(s::number_key(number))));
  if (!v) return std::optional<BlockRef>{};
  ROLLUP_TRY(auto ref, decode_ref(*v, "L1 origin"));
  return std::optional<BlockRef>{ref};
}

Result<std::vector<std::pair<std::string, Bytes>>> Rocks::batcher_records() const {
  std::vector<std::pair<std::string, Bytes>> out;
  std::unique_ptr<rocksdb::Iterator> it(m_db->NewIterator(rocksdb::ReadOptions(), cf(s::batcher)));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    const auto v = it->value();
    out.emplace_back(it->key().ToString(), Bytes(v.data(), v.data() + v.size()));
  }
  ROLLUP_TRY_VOID(check(it->status(), "reading batcher records"));
  return out;
}

Result<state::StateDiff> Rocks::changes_back_to(std::uint64_t number) const {
  const Heads h = heads();
  if (number > h.unsafe.number) {
    return fail(Errc::unknown_block, "block " + std::to_string(number) + " is after the head " +
                                         std::to_string(h.unsafe.number));
  }
  if (number < history_tail()) {
    return fail(Errc::history_pruned,
                "history kept only back to block " + std::to_string(history_tail()));
  }
  // Oldest block first: the first block after `number` that changed a key recorded its value
  // before that change, which is its value at `number` (no block in between touched it).
  std::map<Address, std::optional<state::Account>> accounts;
  std::map<Address, std::map<Hash, uint256>> slots;
  for (std::uint64_t b = number + 1; b <= h.unsafe.number; ++b) {
    ROLLUP_TRY(auto record, get(s::history, slice(s::history_block_key(b))));
    if (!record) return fail(Errc::corrupt_record, "history record " + std::to_string(b));
    std::optional<Error> bad;
    auto read = for_each_change(*record, [&](const Address& a, ByteView account,
                                             const std::vector<std::pair<Hash, ByteView>>& words) {
      if (!accounts.contains(a)) {
        std::optional<state::Account> before;
        if (!account.empty()) {
          auto decoded = types::decode_account(account);
          if (!decoded) {
            bad = Error(Errc::corrupt_record, "history account: " + decoded.error().message());
            return;
          }
          before = *decoded;
        }
        accounts.emplace(a, before);
      }
      auto& by_slot = slots[a];
      for (const auto& [slot, word] : words) {
        if (by_slot.contains(slot)) continue;
        auto value = decode_word(word);
        if (!value) {
          bad = Error(Errc::corrupt_record, "history word: " + value.error().message());
          return;
        }
        by_slot.emplace(slot, *value);
      }
    });
    if (!read) return fail(Errc::corrupt_record, "history record " + std::to_string(b));
    if (bad) return fail(std::move(*bad));
  }
  state::StateDiff diff;
  for (auto& [address, account] : accounts) {
    state::AccountDiff d;
    d.address = address;
    d.account = account;
    // A removed account takes its storage with it; otherwise each changed slot gets its old word.
    if (account) {
      for (const auto& [slot, value] : slots[address]) d.storage.push_back({slot, value});
    }
    diff.accounts.push_back(std::move(d));
  }
  return diff;
}

Result<void> Rocks::rewind_to(std::uint64_t number) {
  const Heads h = heads();
  if (number >= h.unsafe.number) return {};
  if (number < h.safe.number) {
    return fail(Errc::history_pruned,
                "cannot rewind below the safe head " + std::to_string(h.safe.number));
  }
  if (number < history_tail()) {
    return fail(Errc::history_pruned,
                "history kept only back to block " + std::to_string(history_tail()));
  }
  rocksdb::WriteBatch batch;
  // Newest block first: within one batch the last write to a key wins, so each key ends with the
  // value it had before the oldest rewound block changed it, which is its value at `number`.
  for (std::uint64_t b = h.unsafe.number; b > number; --b) {
    ROLLUP_TRY(auto hash, canonical_hash(b));
    ROLLUP_TRY(auto record, get(s::history, slice(s::history_block_key(b))));
    if (!hash || !record) return fail(Errc::corrupt_record, "block " + std::to_string(b));
    auto restored =
        for_each_change(*record, [&](const Address& a, ByteView account,
                                     const std::vector<std::pair<Hash, ByteView>>& words) {
          if (account.empty()) {
            batch.Delete(cf(s::accounts), slice(a.view()));
          } else {
            batch.Put(cf(s::accounts), slice(a.view()), slice(account));
          }
          batch.Delete(cf(s::history), slice(s::history_account_key(a, b)));
          for (const auto& [slot, word] : words) {
            const std::string key = s::storage_key(a, slot);
            if (word.empty()) {
              batch.Delete(cf(s::storage), slice(key));
            } else {
              batch.Put(cf(s::storage), slice(key), slice(word));
            }
            batch.Delete(cf(s::history), slice(s::history_storage_key(a, slot, b)));
          }
        });
    if (!restored) return fail(Errc::corrupt_record, "history record " + std::to_string(b));
    batch.Delete(cf(s::history), slice(s::history_block_key(b)));
    ROLLUP_TRY(auto txns, body(*hash));
    for (const auto& txn : txns.value_or(std::vector<types::Transaction>{})) {
      batch.Delete(cf(s::tx_index), slice(types::transaction_hash(txn).view()));
    }
    batch.Delete(cf(s::canonical), slice(s::number_key(b)));
    batch.Delete(cf(s::l1_origins), slice(s::number_key(b)));
    batch.Delete(cf(s::block_index), slice(hash->view()));
    batch.Delete(cf(s::headers), slice(hash->view()));
    batch.Delete(cf(s::bodies), slice(hash->view()));
    batch.Delete(cf(s::receipts), slice(hash->view()));
  }
  ROLLUP_TRY(auto target_hash, canonical_hash(number));
  if (!target_hash) return fail(Errc::corrupt_record, "block " + std::to_string(number));
  ROLLUP_TRY(auto target, header(*target_hash));
  if (!target) return fail(Errc::corrupt_record, "header " + std::to_string(number));
  const BlockRef head{number, *target_hash};
  batch.Put(cf(s::meta), slice(s::k_head_key), slice(ref_value(head)));
  // Readers learn the lower head before its blocks disappear, never a head that no longer exists.
  {
    std::lock_guard lock(m_heads_mutex);
    m_heads.unsafe = head;
  }
  if (auto written = write(batch); !written) {
    std::lock_guard lock(m_heads_mutex);
    m_heads.unsafe = h.unsafe;
    return written;
  }
  discard_prepared();
  m_head_state_root = target->state_root;
  m_state_trie->reset(m_head_state_root);
  return {};
}

Result<Hash> Rocks::recompute_state_root() const {
  const rocksdb::Snapshot* snapshot = m_db->GetSnapshot();
  rocksdb::ReadOptions ro;
  ro.snapshot = snapshot;
  std::unique_ptr<rocksdb::Iterator> accounts(m_db->NewIterator(ro, cf(s::accounts)));
  std::unique_ptr<rocksdb::Iterator> slots(m_db->NewIterator(ro, cf(s::storage)));
  std::vector<std::pair<Bytes, Bytes>> entries;
  slots->SeekToFirst();
  auto result = [&]() -> Result<Hash> {
    for (accounts->SeekToFirst(); accounts->Valid(); accounts->Next()) {
      const ByteView address = view(accounts->key());
      auto account = types::decode_account(view(accounts->value()));
      if (!account || address.size() != 20) return fail(Errc::corrupt_record, "account");
      // Both columns are sorted by address, so one pass over storage serves every account.
      std::vector<std::pair<Bytes, Bytes>> words;
      for (; slots->Valid(); slots->Next()) {
        const ByteView key = view(slots->key());
        const int order = std::memcmp(key.data(), address.data(), 20);
        if (order > 0) break;
        if (order < 0) return fail(Errc::corrupt_record, "storage of a missing account");
        auto word = decode_word(view(slots->value()));
        if (!word || *word == uint256{}) return fail(Errc::corrupt_record, "storage word");
        Hash slot;
        std::copy(key.begin() + 20, key.end(), slot.bytes.begin());
        const Hash k = state::storage_key(slot);
        words.emplace_back(Bytes(k.bytes.begin(), k.bytes.end()),
                           state::encode_storage_value(*word));
      }
      account->storage_root = trie::trie_root(words);
      const Hash k = state::account_key(*Address::from_view(address));
      entries.emplace_back(Bytes(k.bytes.begin(), k.bytes.end()), types::encode_account(*account));
    }
    ROLLUP_TRY_VOID(check(accounts->status(), "account scan"));
    ROLLUP_TRY_VOID(check(slots->status(), "storage scan"));
    if (slots->Valid()) return fail(Errc::corrupt_record, "storage of a missing account");
    return trie::trie_root(entries);
  }();
  accounts.reset();
  slots.reset();
  m_db->ReleaseSnapshot(snapshot);
  return result;
}

Result<void> Rocks::write_genesis(const state::StateDiff& alloc,
                                  const std::function<types::Header(const Hash&)>& make_header) {
  if (auto bad = state::check_diff(alloc)) {
    return fail(Errc::corrupt_record, "malformed genesis state: " + *bad);
  }
  state::StateTrie trie(m_nodes, trie::k_empty_root);
  ROLLUP_TRY(state::StateUpdate update, trie.apply(alloc));
  Block genesis;
  genesis.header = make_header(update.state_root);
  if (genesis.header.number != 0 || genesis.header.state_root != update.state_root) {
    return fail(Errc::state_mismatch, "genesis header must be block 0 with the computed root");
  }
  const Hash hash = types::header_hash(genesis.header);
  rocksdb::WriteBatch batch;
  std::string version;
  s::put_be64(version, s::k_version);
  batch.Put(cf(s::meta), slice(s::k_schema_key), slice(version));
  put_block(batch, genesis, hash, {});
  ROLLUP_TRY_VOID(put_state(batch, 0, alloc, update, false));
  const BlockRef head{0, hash};
  for (auto key : {s::k_head_key, s::k_safe_key, s::k_finalized_key}) {
    batch.Put(cf(s::meta), slice(key), slice(ref_value(head)));
  }
  batch.Put(cf(s::meta), slice(s::k_history_tail_key), slice(s::number_key(0)));
  // Genesis is always synced, whatever the options say.
  rocksdb::WriteOptions wo;
  wo.sync = true;
  return check(m_db->Write(wo, &batch), "writing genesis");
}

Result<std::unique_ptr<Rocks>> open_rocks(const std::filesystem::path& dir, const Options& options,
                                          bool create) {
  rocksdb::Options db_options;
  db_options.create_if_missing = create;
  // Families added by a later version (l1_origins, batcher) are created when an older datadir is
  // opened: they only add records, so the rest of the layout stays as it was.
  db_options.create_missing_column_families = true;
  db_options.error_if_exists = create;
  db_options.max_background_jobs = 2;
  db_options.keep_log_file_num = 5;
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = rocksdb::NewLRUCache(options.cache_bytes);
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  rocksdb::ColumnFamilyOptions family_options;
  family_options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  descriptors.emplace_back(rocksdb::kDefaultColumnFamilyName, family_options);
  for (const auto name : s::k_family_names)
    descriptors.emplace_back(std::string(name), family_options);

  rocksdb::DB* raw = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  const auto status = rocksdb::DB::Open(db_options, dir.string(), descriptors, &handles, &raw);
  if (!status.ok()) {
    if (status.IsIOError() && status.ToString().find("lock") != std::string::npos) {
      return fail(Errc::in_use, dir.string() + " (is another rollupd running on this datadir?)");
    }
    if (!create && status.IsInvalidArgument()) {
      return fail(Errc::schema_mismatch, dir.string() + ": " + status.ToString());
    }
    return fail(Errc::io_error, "opening " + dir.string() + ": " + status.ToString());
  }
  std::unique_ptr<rocksdb::DB> db(raw);
  // handles[0] is the default family, which the schema does not use.
  db->DestroyColumnFamilyHandle(handles[0]);
  handles.erase(handles.begin());
  return std::make_unique<Rocks>(std::move(db), std::move(handles), options);
}

}  // namespace

bool Database::exists(const std::filesystem::path& dir) {
  std::error_code ec;
  return std::filesystem::exists(dir / "CURRENT", ec);
}

Result<std::unique_ptr<Database>> Database::create(
    const std::filesystem::path& dir, const Options& options, const state::StateDiff& alloc,
    const std::function<types::Header(const Hash&)>& make_header) {
  namespace fs = std::filesystem;
  if (exists(dir)) return fail(Errc::already_initialized, dir.string());
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_empty(dir, ec)) {
    return fail(Errc::already_initialized, dir.string() + " exists and is not an empty directory");
  }
  // The database is built beside its final place and renamed into it once the genesis block is
  // written: a process killed during creation leaves only the ".partial" directory, which the next
  // attempt removes, never a datadir that exists without a genesis.
  const fs::path partial = dir.parent_path() / (dir.filename().string() + ".partial");
  fs::remove_all(partial, ec);
  fs::create_directories(partial, ec);
  if (ec) return fail(Errc::io_error, "creating " + partial.string() + ": " + ec.message());
  {
    ROLLUP_TRY(std::unique_ptr<Rocks> db, open_rocks(partial, options, true));
    ROLLUP_TRY_VOID(db->write_genesis(alloc, make_header));
  }
  if (fs::exists(dir, ec)) fs::remove(dir, ec);  // an empty directory the operator made
  fs::rename(partial, dir, ec);
  if (ec)
    return fail(Errc::io_error, "moving the new database to " + dir.string() + ": " + ec.message());
  // The rename must reach the disk before anyone is told the database exists.
  const std::string parent = dir.parent_path().empty() ? "." : dir.parent_path().string();
  if (const int fd = ::open(parent.c_str(), O_RDONLY | O_DIRECTORY); fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
  return open(dir, options);
}

Result<std::unique_ptr<Database>> Database::open(const std::filesystem::path& dir,
                                                 const Options& options) {
  if (!exists(dir))
    return fail(Errc::not_initialized, dir.string() + " (run `rollupd init` first)");
  ROLLUP_TRY(std::unique_ptr<Rocks> db, open_rocks(dir, options, false));
  ROLLUP_TRY(auto version, db->get(s::meta, slice(s::k_schema_key)));
  if (!version || version->size() != 8 || s::get_be64(*version) != s::k_version) {
    return fail(Errc::schema_mismatch,
                dir.string() + " was written by an incompatible rollupd version");
  }
  ROLLUP_TRY_VOID(db->load_heads());
  ROLLUP_TRY_VOID(db->check_consistency());
  return std::unique_ptr<Database>(std::move(db));
}

state::BlockHashes block_hashes(const Database& db) {
  return [&db](std::uint64_t number) -> Result<Hash> {
    ROLLUP_TRY(std::optional<Hash> hash, db.canonical_hash(number));
    // The EVM asks only for the 256 blocks below the one being built, all canonical.
    if (!hash)
      return fail(state::Errc::state_unavailable, "no canonical block " + std::to_string(number));
    return *hash;
  };
}

}  // namespace rollup::storage
