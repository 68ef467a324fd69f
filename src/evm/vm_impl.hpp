#pragma once
// The Vm's insides, shared by the frame logic (vm.cpp) and the interpreter (interpreter.cpp).

#include <array>
#include <deque>
#include <memory>
#include <optional>
#include <unordered_map>
#include <unordered_set>
#include <variant>
#include <vector>

#include "code.hpp"
#include "rollup/evm/evm.hpp"

namespace rollup::evm {

// An (account, slot) pair: the key of warm slots, transient storage and original values.
struct SlotKey {
  Address address;
  Hash slot;
  friend bool operator==(const SlotKey&, const SlotKey&) = default;
};

struct SlotKeyHash {
  std::size_t operator()(const SlotKey& k) const noexcept {
    return std::hash<Address>{}(k.address) ^ (std::hash<Hash>{}(k.slot) * 0x9e3779b97f4a7c15ULL);
  }
};

enum class CallKind : std::uint8_t { call, callcode, delegatecall, staticcall, create, create2 };

// keccak256 of the empty string: the code hash of accounts without code.
const Hash& empty_code_hash();

// EIP-161's empty account: no nonce, no balance, no code. An absent account counts as empty (not
// "alive") wherever the rules ask.
inline bool is_empty(const AccountState& a) {
  return a.nonce == 0 && a.balance.is_zero() && a.code_hash == empty_code_hash();
}
inline bool is_empty(const std::optional<AccountState>& a) {
  return !a || is_empty(*a);
}

// One message: what a frame runs.
struct Message {
  CallKind kind = CallKind::call;
  bool is_static = false;
  int depth = 0;
  std::int64_t gas = 0;
  Address recipient;     // ADDRESS: whose storage and balance the code acts on
  Address caller;        // CALLER
  Address code_address;  // whose code runs (differs from recipient for CALLCODE/DELEGATECALL)
  uint256 value;         // CALLVALUE
  bool transfer_value = false;
  ByteView input;     // call data (empty for a creation)
  ByteView initcode;  // the code a creation runs
};

struct Outcome {
  Status status = Status::success;
  std::int64_t gas_left = 0;
  Bytes output;
};

// The running state of one frame, as the interpreter sees it.
struct Frame {
  const Message& message;
  const AnalyzedCode& code;
  std::int64_t gas;
  Bytes& memory;      // pooled per depth, cleared at frame start
  uint256* stack;     // 1024 words, pooled per depth
  Bytes return_data;  // the output of the last call or creation this frame made
  Status status = Status::success;
  Bytes output;
};

struct Vm::Impl {
  Impl(Host& h, const BlockContext& b, const TxContext& t) : host(h), block(b), tx(t) {}

  Host& host;
  BlockContext block;
  TxContext tx;

  // Substate, journaled: a failed frame undoes its entries with the host's writes.
  std::unordered_set<Address> warm_accounts;
  std::unordered_set<SlotKey, SlotKeyHash> warm_slots;
  std::unordered_map<SlotKey, uint256, SlotKeyHash> transient;
  std::unordered_set<Address> created;    // created in this transaction (EIP-6780)
  std::unordered_set<Address> destructs;  // to delete at the end (EIP-6780)
  std::unordered_set<Address> touched;    // EIP-161 candidates for deletion
  std::vector<Log> logs;
  std::int64_t refund = 0;
  // Each slot's value at the start of the transaction, recorded by the first SSTORE to it (every
  // write goes through SSTORE, so until then the current value is the original). Never reverted:
  // the originals do not change within a transaction.
  std::unordered_map<SlotKey, uint256, SlotKeyHash> originals;

  struct WarmAccountAdded {
    Address address;
  };
  struct WarmSlotAdded {
    SlotKey key;
  };
  struct TransientSet {
    SlotKey key;
    uint256 previous;
  };
  struct CreatedAdded {
    Address address;
  };
  struct DestructAdded {
    Address address;
  };
  struct TouchedAdded {
    Address address;
  };
  using JournalEntry = std::variant<WarmAccountAdded, WarmSlotAdded, TransientSet, CreatedAdded,
                                    DestructAdded, TouchedAdded>;
  std::vector<JournalEntry> journal;

  struct Checkpoint {
    std::size_t host;
    std::size_t journal;
    std::size_t logs;
    std::int64_t refund;
  };
  Checkpoint checkpoint() { return {host.snapshot(), journal.size(), logs.size(), refund}; }
  // Undoes everything since `cp`. `nested`: a frame inside the transaction failed, where the
  // touch of 0x03 survives (see vm.cpp).
  void revert(const Checkpoint& cp, bool nested);

  // A failed state read (or a stop check that said stop): the transaction is abandoned and run()
  // returns this error.
  std::optional<Error> fatal;
  std::function<bool()> should_stop;
  std::uint32_t jumps = 0;
  // Consults the stop check (at a jump only every 1024th time); sets `fatal` and returns true
  // when it says stop.
  bool stopped(bool at_jump) {
    if (!should_stop) return false;
    if (at_jump && (++jumps & 1023) != 0) return false;
    if (!should_stop()) return false;
    if (!fatal) fatal = Error(make_error_code(Errc::interrupted));
    return true;
  }
  // Records the error of a failed host call and says whether there was one.
  template <typename T>
  bool failed(const Result<T>& r) {
    if (r) return false;
    if (!fatal) fatal = r.error();
    return true;
  }

  // Per-depth stacks and memories, reused across frames at the same depth. A deque, because outer
  // frames hold references to their memories while inner ones add more.
  std::vector<std::unique_ptr<uint256[]>> stacks;
  std::deque<Bytes> memories;

  // EIP-2929: true when the address was already warm; warms it either way.
  bool access_account(const Address& address);
  bool access_slot(const Address& address, const Hash& slot);
  void touch(const Address& address);

  // nullptr for an account without code. Sets `fatal` on a failed read.
  CodePtr load_code(const Address& address);
  std::optional<AccountState> load_account(const Address& address);

  Outcome call_message(const Message& message);
  // Creates the contract at message.recipient; the caller checked collisions, depth and balance
  // and incremented the creator's nonce.
  Outcome create_message(const Message& message);
  // The interpreter: runs `code` for `message` with `gas`.
  Outcome execute(const Message& message, const AnalyzedCode& code);

  bool transfer(const Address& from, const Address& to, const uint256& value);
  // Whether creating a contract at `address` collides: it has a nonce, code or storage (EIP-684,
  // EIP-7610). nullopt: a read failed (`fatal` is set).
  std::optional<bool> collides(const Address& address);
};

// The interpreter loop, in interpreter.cpp.
void interpret(Vm::Impl& vm, Frame& frame);

}  // namespace rollup::evm
