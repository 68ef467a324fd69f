// Frames: calls, creations and the transaction's substate (execution-specs' process_message,
// process_create_message and process_message_call, Cancun).

#include <algorithm>

#include "rollup/base/assert.hpp"
#include "rollup/crypto/keccak.hpp"
#include "rollup/evm/opcodes.hpp"
#include "rollup/evm/precompiles.hpp"
#include "vm_impl.hpp"

namespace rollup::evm {
namespace {

constexpr std::int64_t k_code_deposit_gas = 200;  // per byte of deployed code

// 0x03: see Impl::revert.
constexpr Address k_ripemd_address = [] {
  Address a;
  a.bytes[19] = 3;
  return a;
}();

}  // namespace

std::string_view category_name(Errc) noexcept {
  return "evm";
}

std::string_view describe(Errc e) noexcept {
  switch (e) {
    case Errc::ok: return "ok";
    case Errc::interrupted: return "execution aborted";
  }
  return "unknown evm error";
}

const Hash& empty_code_hash() {
  static const Hash h = crypto::keccak256({});
  return h;
}

const char* to_string(Status status) noexcept {
  switch (status) {
    case Status::success: return "success";
    case Status::revert: return "execution reverted";
    case Status::out_of_gas: return "out of gas";
    case Status::invalid_instruction: return "invalid opcode";
    case Status::stack_underflow: return "stack underflow";
    case Status::stack_overflow: return "stack limit reached 1024";
    case Status::bad_jump_destination: return "invalid jump destination";
    case Status::static_violation: return "write protection";
    case Status::return_data_overrun: return "return data out of bounds";
    case Status::precompile_failure: return "precompiled contract failed";
    case Status::create_collision: return "contract address collision";
    case Status::invalid_code_prefix: return "invalid code: must not begin with 0xef";
    case Status::code_size_exceeded: return "max code size exceeded";
  }
  return "unknown";
}

Address create_address(const Address& sender, std::uint64_t nonce) {
  // rlp([sender, nonce]): a 21-byte string item and an integer item in a short list.
  std::uint8_t buf[1 + 21 + 9];
  std::size_t n = 1;
  buf[n++] = 0x80 + 20;
  std::copy(sender.bytes.begin(), sender.bytes.end(), buf + n);
  n += 20;
  if (nonce == 0) {
    buf[n++] = 0x80;
  } else if (nonce < 0x80) {
    buf[n++] = static_cast<std::uint8_t>(nonce);
  } else {
    const int len = 8 - std::countl_zero(nonce) / 8;
    buf[n++] = static_cast<std::uint8_t>(0x80 + len);
    for (int i = len - 1; i >= 0; --i) buf[n++] = static_cast<std::uint8_t>(nonce >> (8 * i));
  }
  buf[0] = static_cast<std::uint8_t>(0xc0 + (n - 1));
  const Hash h = crypto::keccak256({buf, n});
  Address out;
  std::copy(h.bytes.begin() + 12, h.bytes.end(), out.bytes.begin());
  return out;
}

Address create2_address(const Address& sender, const Hash& salt, ByteView initcode) {
  std::uint8_t buf[1 + 20 + 32 + 32];
  buf[0] = 0xff;
  std::copy(sender.bytes.begin(), sender.bytes.end(), buf + 1);
  std::copy(salt.bytes.begin(), salt.bytes.end(), buf + 21);
  const Hash code_hash = crypto::keccak256(initcode);
  std::copy(code_hash.bytes.begin(), code_hash.bytes.end(), buf + 53);
  const Hash h = crypto::keccak256(buf);
  Address out;
  std::copy(h.bytes.begin() + 12, h.bytes.end(), out.bytes.begin());
  return out;
}

bool Vm::Impl::access_account(const Address& address) {
  if (!warm_accounts.insert(address).second) return true;
  journal.emplace_back(WarmAccountAdded{address});
  return false;
}

bool Vm::Impl::access_slot(const Address& address, const Hash& slot) {
  SlotKey key{address, slot};
  if (!warm_slots.insert(key).second) return true;
  journal.emplace_back(WarmSlotAdded{key});
  return false;
}

void Vm::Impl::touch(const Address& address) {
  if (touched.insert(address).second) journal.emplace_back(TouchedAdded{address});
}

void Vm::Impl::revert(const Checkpoint& cp, bool nested) {
  bool ripemd_touched = false;
  while (journal.size() > cp.journal) {
    std::visit(
        [&](auto& e) {
          using E = std::decay_t<decltype(e)>;
          if constexpr (std::is_same_v<E, WarmAccountAdded>) {
            warm_accounts.erase(e.address);
          } else if constexpr (std::is_same_v<E, WarmSlotAdded>) {
            warm_slots.erase(e.key);
          } else if constexpr (std::is_same_v<E, TransientSet>) {
            if (e.previous.is_zero()) {
              transient.erase(e.key);
            } else {
              transient[e.key] = e.previous;
            }
          } else if constexpr (std::is_same_v<E, CreatedAdded>) {
            created.erase(e.address);
          } else if constexpr (std::is_same_v<E, DestructAdded>) {
            destructs.erase(e.address);
          } else if constexpr (std::is_same_v<E, TouchedAdded>) {
            if (e.address == k_ripemd_address) ripemd_touched = true;
            touched.erase(e.address);
          }
        },
        journal.back());
    journal.pop_back();
  }
  logs.resize(cp.logs);
  refund = cp.refund;
  host.revert_to(cp.host);
  // Mainnet block 2,675,119 deleted the empty account 0x03 although the call that touched it ran
  // out of gas; every fork since keeps that behaviour: a failed inner frame's touch of 0x03
  // survives (execution-specs: incorporate_child_on_error).
  if (nested && ripemd_touched) touch(k_ripemd_address);
}

std::optional<AccountState> Vm::Impl::load_account(const Address& address) {
  auto r = host.account(address);
  if (failed(r)) return std::nullopt;
  return *r;
}

CodePtr Vm::Impl::load_code(const Address& address) {
  auto account = host.account(address);
  if (failed(account)) return nullptr;
  if (!*account || (*account)->code_hash == empty_code_hash()) return nullptr;
  const Hash& hash = (*account)->code_hash;
  if (CodePtr cached = code_cache::find(hash)) return cached;
  auto bytes = host.code(address);
  if (failed(bytes)) return nullptr;
  auto code = std::make_shared<const AnalyzedCode>(*bytes);
  code_cache::insert(hash, code);
  return code;
}

bool Vm::Impl::transfer(const Address& from, const Address& to, const uint256& value) {
  if (value.is_zero() || from == to) return true;
  auto source = host.account(from);
  if (failed(source)) return false;
  ROLLUP_ASSERT(*source && (*source)->balance >= value);  // every caller checked the balance
  if (failed(host.set_balance(from, (*source)->balance - value))) return false;
  auto target = host.account(to);
  if (failed(target)) return false;
  const uint256 before = *target ? (*target)->balance : uint256{};
  return !failed(host.set_balance(to, before + value));
}

std::optional<bool> Vm::Impl::collides(const Address& address) {
  const auto target = load_account(address);
  if (fatal) return std::nullopt;
  if (target && (target->nonce != 0 || target->code_hash != empty_code_hash())) return true;
  auto storage = host.has_storage(address);
  if (failed(storage)) return std::nullopt;
  return *storage;
}

Outcome Vm::Impl::execute(const Message& message, const AnalyzedCode& code) {
  const auto depth = static_cast<std::size_t>(message.depth);
  if (stacks.size() <= depth) stacks.resize(depth + 1);
  while (memories.size() <= depth) memories.emplace_back();
  if (!stacks[depth]) stacks[depth] = std::make_unique<uint256[]>(k_stack_limit);
  Bytes& memory = memories[depth];
  memory.clear();
  Frame frame{message, code, message.gas, memory, stacks[depth].get(), {}, Status::success, {}};
  interpret(*this, frame);
  Outcome out;
  out.status = frame.status;
  if (frame.status == Status::success || frame.status == Status::revert) {
    out.gas_left = frame.gas;
    out.output = std::move(frame.output);
  }
  return out;
}

Outcome Vm::Impl::call_message(const Message& message) {
  if (stopped(false)) return {};
  const Checkpoint cp = checkpoint();
  touch(message.recipient);
  Outcome out;
  if (message.transfer_value && !transfer(message.caller, message.recipient, message.value)) {
    return out;  // fatal is set
  }
  if (is_precompile(message.code_address)) {
    PrecompileResult r = run_precompile(message.code_address, message.input,
                                        static_cast<std::uint64_t>(message.gas));
    if (r.status == PrecompileStatus::success) {
      out.status = Status::success;
      out.gas_left = static_cast<std::int64_t>(r.gas_left);
      out.output = std::move(r.output);
    } else {
      out.status = r.status == PrecompileStatus::out_of_gas ? Status::out_of_gas
                                                            : Status::precompile_failure;
    }
  } else {
    CodePtr code = load_code(message.code_address);
    if (fatal) return out;
    if (code) {
      out = execute(message, *code);
    } else {
      out.status = Status::success;
      out.gas_left = message.gas;
    }
  }
  if (out.status != Status::success) revert(cp, message.depth > 0);
  return out;
}

Outcome Vm::Impl::create_message(const Message& message) {
  if (stopped(false)) return {};
  const Checkpoint cp = checkpoint();
  Outcome out;
  const Address& address = message.recipient;
  if (failed(host.create_account(address))) return out;
  if (created.insert(address).second) journal.emplace_back(CreatedAdded{address});
  if (failed(host.set_nonce(address, 1))) return out;  // EIP-161: contracts start at nonce 1
  touch(address);
  if (!transfer(message.caller, address, message.value)) return out;
  const AnalyzedCode initcode(message.initcode);
  out = execute(message, initcode);
  if (fatal) return out;
  if (out.status == Status::success) {
    const Bytes& code = out.output;
    if (!code.empty() && code[0] == 0xef) {
      out.status = Status::invalid_code_prefix;
    } else if (out.gas_left < static_cast<std::int64_t>(code.size()) * k_code_deposit_gas) {
      out.status = Status::out_of_gas;
    } else if (code.size() > k_max_code_size) {
      out.status = Status::code_size_exceeded;
    } else {
      out.gas_left -= static_cast<std::int64_t>(code.size()) * k_code_deposit_gas;
      // The output stays: eth_call of a creation answers the code it would deploy, while the
      // CREATE opcode gives its caller empty return data itself.
      if (failed(host.set_code(address, code))) return out;
      return out;
    }
    out.gas_left = 0;
    out.output.clear();
  }
  revert(cp, message.depth > 0);
  return out;
}

Vm::Vm(Host& host, const BlockContext& block, const TxContext& tx)
    : m_impl(std::make_unique<Impl>(host, block, tx)) {}

Vm::~Vm() = default;

void Vm::set_stop_check(std::function<bool()> should_stop) {
  m_impl->should_stop = std::move(should_stop);
}

void Vm::warm_account(const Address& address) {
  m_impl->warm_accounts.insert(address);
}

void Vm::warm_slot(const Address& address, const Hash& slot) {
  m_impl->warm_slots.insert(SlotKey{address, slot});
}

Result<TxResult> Vm::run(const TxMessage& tx) {
  Impl& vm = *m_impl;
  Message message;
  message.depth = 0;
  message.gas = tx.gas;
  message.caller = tx.caller;
  message.value = tx.value;
  message.transfer_value = true;
  Outcome out;
  if (tx.to) {
    message.kind = CallKind::call;
    message.recipient = *tx.to;
    message.code_address = *tx.to;
    message.input = tx.data;
    out = vm.call_message(message);
  } else {
    message.kind = CallKind::create;
    message.recipient = tx.create_address;
    message.code_address = tx.create_address;
    message.initcode = tx.data;
    const std::optional<bool> collision = vm.collides(tx.create_address);
    if (!collision) return std::unexpected(*vm.fatal);
    if (*collision) {
      out.status = Status::create_collision;
    } else {
      out = vm.create_message(message);
    }
  }
  if (vm.fatal) return std::unexpected(*vm.fatal);
  TxResult result;
  result.status = out.status;
  result.gas_left = out.gas_left;
  result.output = std::move(out.output);
  if (out.status == Status::success) {
    result.gas_refund = vm.refund;
    result.logs = std::move(vm.logs);
  }
  return result;
}

Result<void> Vm::finish() {
  Impl& vm = *m_impl;
  for (const Address& address : vm.destructs) {
    ROLLUP_TRY_VOID(vm.host.destroy_account(address));
  }
  for (const Address& address : vm.touched) {
    ROLLUP_TRY(std::optional<AccountState> account, vm.host.account(address));
    if (account && is_empty(*account)) ROLLUP_TRY_VOID(vm.host.destroy_account(address));
  }
  return {};
}

}  // namespace rollup::evm
