#pragma once
// The Ethereum Virtual Machine under Cancun rules: calls, creations, the interpreter and the
// transaction-wide substate (warm accounts and slots, transient storage, logs, refunds,
// self-destructs, touched accounts).
//
// One Vm runs the message of one transaction. The executor (execution module) validates the
// transaction, buys its gas and increments the sender's nonce; it then warms what the transaction
// warms (sender, target, coinbase, precompiles, access list), runs the message with Vm::run and
// calls Vm::finish to apply what Cancun applies at the end of a transaction: accounts created and
// self-destructed in it are deleted (EIP-6780) and touched empty accounts are removed (EIP-161).
//
// Every state change goes through the Host and its journal; the Vm journals its own substate
// beside it, so a failed frame undoes both together. A Result error from Vm::run means the node
// failed (a state read did not complete), never that the transaction did.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "rollup/base/bytes.hpp"
#include "rollup/base/error.hpp"
#include "rollup/base/uint256.hpp"
#include "rollup/evm/host.hpp"

namespace rollup::evm {

enum class Errc {
  ok = 0,
  interrupted,  // the caller's stop check said stop (eth_call's time limit)
};

}  // namespace rollup::evm
ROLLUP_DECLARE_ERRC(rollup::evm, Errc);

namespace rollup::evm {

// How a frame ended. Everything but success and revert is an exceptional halt: the frame's gas is
// all consumed and its changes undone.
enum class Status : std::uint8_t {
  success,
  revert,
  out_of_gas,
  invalid_instruction,  // INVALID (0xfe) or a byte no instruction has
  stack_underflow,
  stack_overflow,
  bad_jump_destination,
  static_violation,     // a state change inside STATICCALL
  return_data_overrun,  // RETURNDATACOPY beyond the last call's output
  precompile_failure,   // a precompile refused its input
  create_collision,     // the new contract's address already has code, a nonce or storage
  invalid_code_prefix,  // EIP-3541: deployed code may not start with 0xEF
  code_size_exceeded,   // EIP-170: deployed code above 24,576 bytes
};

[[nodiscard]] const char* to_string(Status status) noexcept;

// The stack a thread needs to run EVM code to the 1024-frame limit: the interpreter recurses once
// per frame (about 1.4 KiB each in an optimised build, 16 KiB under AddressSanitizer), so threads
// that execute are created with this much (net::Thread), four times what a sanitizer build needs.
inline constexpr std::size_t k_execution_stack_bytes = std::size_t{64} << 20;

// EIP-170 and EIP-3860 limits.
inline constexpr std::size_t k_max_code_size = 24576;
inline constexpr std::size_t k_max_initcode_size = 2 * k_max_code_size;

struct BlockContext {
  std::uint64_t number = 0;
  std::uint64_t timestamp = 0;
  std::uint64_t gas_limit = 0;
  Address coinbase;
  Hash prev_randao;
  uint256 base_fee;
  uint256 blob_base_fee;  // BLOBBASEFEE (EIP-7516)
  std::uint64_t chain_id = 0;
};

struct TxContext {
  Address origin;
  uint256 gas_price;  // the effective gas price (GASPRICE)
  // BLOBHASH reads these; a chain without blobs passes none, and BLOBHASH then yields zero.
  std::span<const Hash> blob_hashes;
};

// The transaction's message: a call (`to` set) or a creation at `create_address` (the executor
// derives it from the sender and its nonce before the increment).
struct TxMessage {
  Address caller;
  std::optional<Address> to;
  Address create_address;
  uint256 value;
  ByteView data;
  std::int64_t gas = 0;  // what is left after intrinsic gas
};

struct Log {
  Address address;
  std::vector<Hash> topics;
  Bytes data;
  friend bool operator==(const Log&, const Log&) = default;
};

struct TxResult {
  Status status = Status::success;
  std::int64_t gas_left = 0;
  // The refund counter (EIP-2200/3529 SSTORE refunds) before the cap of gas_used / 5; zero when
  // the transaction failed.
  std::int64_t gas_refund = 0;
  Bytes output;           // return data, or the revert data
  std::vector<Log> logs;  // empty when the transaction failed
};

class Vm {
 public:
  Vm(Host& host, const BlockContext& block, const TxContext& tx);
  ~Vm();
  Vm(const Vm&) = delete;
  Vm& operator=(const Vm&) = delete;

  // Asked at every call and creation and at every 1024th taken jump; once it answers true,
  // execution ends and run() fails with Errc::interrupted. The check is the caller's (eth_call
  // reads a clock in it), so the EVM itself stays free of clocks. By default there is none.
  void set_stop_check(std::function<bool()> should_stop);

  // EIP-2929: accounts and slots that start warm.
  void warm_account(const Address& address);
  void warm_slot(const Address& address, const Hash& slot);

  // Runs the transaction's message. Once per Vm.
  [[nodiscard]] Result<TxResult> run(const TxMessage& message);

  // The end of the transaction: deletes the accounts that self-destructed in the transaction that
  // created them, then the touched accounts that are empty. The executor credits the fees first.
  [[nodiscard]] Result<void> finish();

  struct Impl;

 private:
  std::unique_ptr<Impl> m_impl;
};

// keccak256(rlp([sender, nonce]))[12:], the address CREATE and creation transactions use.
[[nodiscard]] Address create_address(const Address& sender, std::uint64_t nonce);
// keccak256(0xff ++ sender ++ salt ++ keccak256(initcode))[12:] (EIP-1014).
[[nodiscard]] Address create2_address(const Address& sender, const Hash& salt, ByteView initcode);

}  // namespace rollup::evm
