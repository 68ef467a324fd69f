#pragma once
// The L1 transaction manager: gets each payload the batcher hands it into an L1 transaction that
// is included, and keeps it there.
//
// - Payloads go out in the order they were added, each in its own EIP-1559 transaction to one
//   address (the batch inbox), signed with the batcher's key, with consecutive nonces, at most
//   max_in_flight of them sent and not yet included at a time.
// - Fees come from eth_feeHistory: the next block's base fee twice, plus the median priority fee
//   of recent blocks (at least min_tip). A transaction not included within resubmit_after is
//   replaced with the same nonce and fees raised by bump_percent (geth's pool wants 10%), never
//   above max_fee_per_gas; at the cap it is only broadcast again.
// - Every version sent is remembered, because any one of them may be the one L1 includes.
// - Inclusions are checked against L1's canonical chain on every poll until the caller forgets
//   them: a transaction whose block left the chain (an L1 reorg) is looked for again, broadcast
//   again if L1 no longer knows it, and its payload is included again, possibly elsewhere.
// - Write-ahead: `persist` is called with a record before the transaction it describes is sent, so
//   a process killed at any point knows, when restarted with restore(), every transaction it may
//   have sent; it then broadcasts the same bytes again rather than posting the payload twice.
// - Not thread-safe: one thread (the batcher's) drives it through poll().

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <vector>

#include "rollup/base/bytes.hpp"
#include "rollup/base/error.hpp"
#include "rollup/base/uint256.hpp"
#include "rollup/crypto/secp256k1.hpp"
#include "rollup/l1/eth.hpp"

namespace rollup::l1 {

struct TxOptions {
  std::uint64_t chain_id = 0;   // L1's
  Address to;                   // where every transaction goes (the batch inbox)
  uint256 max_fee_per_gas;      // the most this manager ever offers per gas
  uint256 min_tip = 1'000'000;  // 0.001 gwei: a floor for the priority fee
  unsigned bump_percent = 12;
  std::chrono::milliseconds resubmit_after{std::chrono::seconds(24)};
  unsigned max_in_flight = 4;
};

// Where a transaction landed.
struct Inclusion {
  std::uint64_t block = 0;
  Hash block_hash;
  Hash txn_hash;
  std::uint64_t gas_used = 0;
  uint256 effective_gas_price;
  bool success = true;
  friend bool operator==(const Inclusion&, const Inclusion&) = default;
};

// One payload's state; what the caller persists.
struct TxRecord {
  std::uint64_t id = 0;  // the caller's name for the payload
  Bytes data;
  std::optional<std::uint64_t> nonce;  // assigned when first sent
  Bytes raw;                           // the latest signed version (empty before the first)
  uint256 tip;
  uint256 max_fee;
  std::vector<Hash> hashes;  // every version sent, oldest first
  std::optional<Inclusion> included;
  friend bool operator==(const TxRecord&, const TxRecord&) = default;
};

[[nodiscard]] Bytes encode_record(const TxRecord& record);
[[nodiscard]] Result<TxRecord> decode_record(ByteView encoded);

// What L1 looks like this round, read once by the caller for all its users.
struct L1Head {
  std::uint64_t number = 0;
  Hash hash;
  Hash parent_hash;
  std::uint64_t timestamp = 0;
};

// What one poll did.
struct Round {
  std::vector<std::uint64_t> changed;  // ids whose record changed (persist them)
  std::uint64_t sent = 0;              // transactions broadcast (new, replacements, again)
  std::uint64_t replaced = 0;          // of those, replacements with higher fees
  std::uint64_t newly_included = 0;
  std::uint64_t reorged = 0;         // inclusions an L1 reorg took away
  uint256 fees_paid;                 // wei, of transactions newly included
  std::uint64_t calldata_bytes = 0;  // of transactions newly included
  bool out_of_funds = false;         // the key cannot pay for the next transaction
  std::optional<Error> error;        // the last failure talking to L1, if any
};

class TxManager {
 public:
  using Persist = std::function<Result<void>(const TxRecord&)>;
  // `eth` must outlive the manager. `persist` is called before each transaction goes out; when it
  // fails, the transaction is not sent.
  TxManager(Eth& eth, const crypto::SecretKey& key, TxOptions options, Persist persist);

  [[nodiscard]] const Address& sender() const noexcept { return m_sender; }

  // The records a previous process persisted, before the first poll.
  void restore(std::vector<TxRecord> records);
  // Queues a payload behind those already added.
  void add(std::uint64_t id, Bytes data);
  // Drops a payload the caller no longer needs tracked (its inclusion is final).
  void forget(std::uint64_t id);

  // One round against L1 at `head`: reads receipts of what is in flight, checks earlier
  // inclusions against the canonical chain, sends, replaces and broadcasts again. A failure to
  // reach L1 ends the round early (in Round::error); nothing is lost, the next round goes on.
  [[nodiscard]] Round poll(const L1Head& head);

  [[nodiscard]] const TxRecord* record(std::uint64_t id) const;
  [[nodiscard]] std::size_t size() const noexcept { return m_order.size(); }

 private:
  struct Live {
    TxRecord record;
    // When the latest version went out; a restored record counts as just sent, so a restart does
    // not bump at once.
    std::chrono::steady_clock::time_point sent_at{};
    // Whether the node took the latest version. One it refused (no funds, L1 down) is broadcast
    // again as it is: raising the fees of a transaction nobody has seen would only cost money.
    bool accepted = true;
  };
  Result<void> check_inclusions(const L1Head& head, Round& round);
  Result<void> send_new(Round& round);
  Result<void> resubmit(const L1Head& head, Round& round);
  Result<void> broadcast(Live& live, bool replace, Round& round);
  Result<std::pair<uint256, uint256>> suggest_fees();
  Result<std::optional<Inclusion>> find_inclusion(const TxRecord& record);

  Eth& m_eth;
  crypto::SecretKey m_key;
  Address m_sender;
  TxOptions m_options;
  Persist m_persist;
  std::map<std::uint64_t, Live> m_live;
  std::vector<std::uint64_t> m_order;  // ids in the order added
  std::optional<std::uint64_t> m_next_nonce;
};

}  // namespace rollup::l1
