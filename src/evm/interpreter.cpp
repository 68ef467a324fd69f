// The interpreter: one loop over the code, with the opcode table's checks (defined, stack height,
// static gas) done once before each instruction, so each case only does what is particular to it.
//
// The stack grows upwards from frame.stack; `sp` points one past the top item. Gas is a signed
// 64-bit count that an instruction may drive below zero, which is out of gas.

#include <algorithm>
#include <cstring>

#include "rollup/crypto/keccak.hpp"
#include "rollup/evm/opcodes.hpp"
#include "vm_impl.hpp"

namespace rollup::evm {
namespace {

// Cancun gas constants beyond the opcode table (EIP-2929, EIP-2200/3529, EIP-150, EIP-3860).
constexpr std::int64_t k_cold_account_extra = 2500;  // on top of the warm 100 in the table
constexpr std::int64_t k_cold_sload_extra = 2000;    // likewise
constexpr std::int64_t k_cold_sload = 2100;
constexpr std::int64_t k_warm_access = 100;
constexpr std::int64_t k_sstore_set = 20000;
constexpr std::int64_t k_sstore_reset = 5000 - k_cold_sload;
constexpr std::int64_t k_sstore_clear_refund = 4800;
constexpr std::int64_t k_sstore_sentry = 2300;  // EIP-2200: SSTORE needs more than this left
constexpr std::int64_t k_call_value = 9000;
constexpr std::int64_t k_call_stipend = 2300;
constexpr std::int64_t k_new_account = 25000;
constexpr std::int64_t k_selfdestruct_cold = 2600;
constexpr std::int64_t k_copy_word = 3;
constexpr std::int64_t k_keccak_word = 6;
constexpr std::int64_t k_log_byte = 8;
constexpr std::int64_t k_exp_byte = 50;
constexpr std::int64_t k_initcode_word = 2;

// Any memory end beyond this costs more gas than a 64-bit gas counter holds (2^32 bytes already
// cost about 2^45 gas), so larger offsets are out of gas without computing the exact cost.
constexpr std::uint64_t k_max_memory = std::uint64_t{1} << 32;

constexpr std::int64_t words(std::uint64_t bytes) noexcept {
  return static_cast<std::int64_t>((bytes + 31) / 32);
}

constexpr std::int64_t memory_cost(std::int64_t w) noexcept {
  return 3 * w + w * w / 512;
}

Address to_address(const uint256& v) {
  Address a;
  const auto be = v.to_be();
  std::memcpy(a.bytes.data(), be.data() + 12, 20);
  return a;
}

uint256 from_address(const Address& a) {
  return uint256::from_be(a.view());
}

// The slow part of expand(): new words to pay for and zero.
[[gnu::noinline]] bool grow(Frame& f, const uint256& offset, const uint256& size) {
  if (!offset.fits_u64() || !size.fits_u64() || offset.low64() > k_max_memory ||
      size.low64() > k_max_memory) {
    return false;
  }
  const std::uint64_t end = offset.low64() + size.low64();
  if (end <= f.memory.size()) return true;
  const std::int64_t old_words = words(f.memory.size());
  const std::int64_t new_words = words(end);
  f.gas -= memory_cost(new_words) - memory_cost(old_words);
  if (f.gas < 0) return false;
  f.memory.resize(static_cast<std::size_t>(new_words) * 32);
  return true;
}

// Grows memory to cover [offset, offset + size) and charges the expansion. False: out of gas.
// A zero size touches nothing, whatever the offset. Most accesses fall inside memory already.
inline bool expand(Frame& f, const uint256& offset, const uint256& size) {
  if (size.is_zero()) return true;
  if (offset.fits_u64() && size.fits_u64() && offset.low64() <= k_max_memory &&
      size.low64() <= k_max_memory && offset.low64() + size.low64() <= f.memory.size()) {
    return true;
  }
  return grow(f, offset, size);
}

// Copies `size` bytes of `src` from `offset` into memory at `dest`, zero-filling past src's end.
void copy_padded(std::uint8_t* dest, ByteView src, const uint256& offset, std::uint64_t size) {
  std::uint64_t copied = 0;
  if (offset.fits_u64() && offset.low64() < src.size()) {
    copied = std::min<std::uint64_t>(size, src.size() - offset.low64());
    std::memcpy(dest, src.data() + offset.low64(), copied);
  }
  std::memset(dest + copied, 0, size - copied);
}

// What the loop checks before each instruction, from the opcode table, packed in one entry so
// that one load serves all three checks. A byte no instruction has (and INVALID) needs more stack
// than can exist, so it fails the first check; the cold path then tells the two reasons apart.
struct Check {
  std::int16_t min_height;  // stack items the instruction takes
  std::int16_t max_height;  // the highest stack height it may start at
  std::int32_t gas;         // static gas
};
constexpr std::int16_t k_undefined_height = k_stack_limit + 1;

constexpr std::array<Check, 256> make_checks() {
  std::array<Check, 256> t{};
  for (int i = 0; i < 256; ++i) {
    const OpcodeInfo& info = k_opcodes[i];
    const bool defined = info.defined() && i != OP_INVALID;
    t[i].min_height = defined ? static_cast<std::int16_t>(info.stack_in) : k_undefined_height;
    t[i].max_height =
        static_cast<std::int16_t>(k_stack_limit - std::max<int>(0, info.stack_change));
    t[i].gas = info.gas;
  }
  return t;
}

constexpr std::array<Check, 256> k_checks = make_checks();

// k_push_masks[n]: the low n bytes set.
constexpr std::array<uint256, 33> make_push_masks() {
  std::array<uint256, 33> masks{};
  for (unsigned n = 1; n <= 32; ++n) {
    for (unsigned byte = 0; byte < n; ++byte) {
      masks[n].w[byte / 8] |= std::uint64_t{0xff} << (8 * (byte % 8));
    }
  }
  return masks;
}
constexpr std::array<uint256, 33> k_push_masks = make_push_masks();

// CALL, CALLCODE, DELEGATECALL, STATICCALL. `sp` points one past the operands, which it consumes;
// it leaves the success flag. Returns false on an exceptional halt (status set in the frame).
bool op_call(Vm::Impl& vm, Frame& f, uint256*& sp, Opcode op) {
  const bool has_value = op == OP_CALL || op == OP_CALLCODE;
  const int nargs = has_value ? 7 : 6;
  uint256* args = sp - nargs;  // args[nargs-1] is the top: gas
  // Copies: the result overwrites args[0].
  const uint256 gas_arg = args[nargs - 1];
  const Address target = to_address(args[nargs - 2]);
  const uint256 value = has_value ? args[nargs - 3] : uint256{};
  const uint256 in_offset = args[3];
  const uint256 in_size = args[2];
  const uint256 out_offset = args[1];
  const uint256 out_size = args[0];
  const Message& m = f.message;

  if (!expand(f, in_offset, in_size) || !expand(f, out_offset, out_size)) {
    f.status = Status::out_of_gas;
    return false;
  }
  std::int64_t extra = 0;
  if (!vm.access_account(target)) extra += k_cold_account_extra;
  if (!value.is_zero()) {
    extra += k_call_value;
    if (op == OP_CALL) {
      const auto account = vm.load_account(target);
      if (vm.fatal) {
        f.status = Status::out_of_gas;
        return false;
      }
      if (is_empty(account)) extra += k_new_account;
    }
  }
  f.gas -= extra;
  if (f.gas < 0) {
    f.status = Status::out_of_gas;
    return false;
  }
  // EIP-150: at most all but one 64th of what is left goes to the callee.
  const std::int64_t cap = f.gas - f.gas / 64;
  std::int64_t callee_gas = gas_arg.fits_u64() && gas_arg.low64() < static_cast<std::uint64_t>(cap)
                                ? static_cast<std::int64_t>(gas_arg.low64())
                                : cap;
  if (op == OP_CALL && m.is_static && !value.is_zero()) {
    f.status = Status::static_violation;
    return false;
  }
  f.gas -= callee_gas;
  if (!value.is_zero()) callee_gas += k_call_stipend;

  sp = args;
  f.return_data.clear();
  uint256& result = *sp++;
  result = 0;

  if (m.depth + 1 > k_call_depth_limit) {
    f.gas += callee_gas;
    return true;
  }
  if (has_value && !value.is_zero()) {
    const auto self = vm.load_account(m.recipient);
    if (vm.fatal) {
      f.status = Status::out_of_gas;
      return false;
    }
    if (!self || self->balance < value) {
      f.gas += callee_gas;
      return true;
    }
  }

  Message child;
  child.depth = m.depth + 1;
  child.gas = callee_gas;
  child.code_address = target;
  child.input = in_size.is_zero() ? ByteView{}
                                  : ByteView{f.memory.data() + in_offset.low64(), in_size.low64()};
  switch (op) {
    case OP_CALL:
      child.kind = CallKind::call;
      child.is_static = m.is_static;
      child.recipient = target;
      child.caller = m.recipient;
      child.value = value;
      child.transfer_value = true;
      break;
    case OP_CALLCODE:
      child.kind = CallKind::callcode;
      child.is_static = m.is_static;
      child.recipient = m.recipient;
      child.caller = m.recipient;
      child.value = value;
      child.transfer_value = true;
      break;
    case OP_DELEGATECALL:
      child.kind = CallKind::delegatecall;
      child.is_static = m.is_static;
      child.recipient = m.recipient;
      child.caller = m.caller;
      child.value = m.value;
      child.transfer_value = false;
      break;
    default:
      child.kind = CallKind::staticcall;
      child.is_static = true;
      child.recipient = target;
      child.caller = m.recipient;
      child.transfer_value = false;
      break;
  }
  // The child may grow its own memory, never this frame's, so the input view stays valid.
  Outcome out = vm.call_message(child);
  if (vm.fatal) {
    f.status = Status::out_of_gas;
    return false;
  }
  f.gas += out.gas_left;
  if (out.status == Status::success) result = 1;
  if (!out_size.is_zero()) {
    const std::size_t n = std::min<std::size_t>(out_size.low64(), out.output.size());
    // An empty output may have no buffer at all; memcpy from null is undefined even for 0 bytes.
    if (n != 0) std::memcpy(f.memory.data() + out_offset.low64(), out.output.data(), n);
  }
  f.return_data = std::move(out.output);
  return true;
}

// CREATE and CREATE2.
bool op_create(Vm::Impl& vm, Frame& f, uint256*& sp, Opcode op) {
  const bool is_create2 = op == OP_CREATE2;
  const uint256 value = sp[-1];
  const uint256 offset = sp[-2];
  const uint256 size = sp[-3];
  const uint256 salt = is_create2 ? sp[-4] : uint256{};
  sp -= is_create2 ? 4 : 3;
  const Message& m = f.message;

  if (!expand(f, offset, size)) {
    f.status = Status::out_of_gas;
    return false;
  }
  const std::uint64_t n = size.is_zero() ? 0 : size.low64();
  if (n > k_max_initcode_size) {  // EIP-3860
    f.status = Status::out_of_gas;
    return false;
  }
  f.gas -= k_initcode_word * words(n);
  if (is_create2) f.gas -= k_keccak_word * words(n);
  if (f.gas < 0) {
    f.status = Status::out_of_gas;
    return false;
  }
  if (m.is_static) {
    f.status = Status::static_violation;
    return false;
  }
  const ByteView initcode = n == 0 ? ByteView{} : ByteView{f.memory.data() + offset.low64(), n};
  const auto self = vm.load_account(m.recipient);
  if (vm.fatal) {
    f.status = Status::out_of_gas;
    return false;
  }
  const std::uint64_t nonce = self ? self->nonce : 0;
  const Address address = is_create2 ? create2_address(m.recipient, salt.to_hash(), initcode)
                                     : create_address(m.recipient, nonce);
  vm.access_account(address);

  const std::int64_t child_gas = f.gas - f.gas / 64;
  f.gas -= child_gas;
  f.return_data.clear();
  uint256& result = *sp++;
  result = 0;

  const uint256 balance = self ? self->balance : uint256{};
  if (balance < value || nonce == ~std::uint64_t{0} || m.depth + 1 > k_call_depth_limit) {
    f.gas += child_gas;
    return true;
  }
  const std::optional<bool> collision = vm.collides(address);
  if (!collision) {
    f.status = Status::out_of_gas;
    return false;
  }
  if (vm.failed(vm.host.set_nonce(m.recipient, nonce + 1))) {
    f.status = Status::out_of_gas;
    return false;
  }
  if (*collision) return true;  // the child's gas is spent

  Message child;
  child.kind = is_create2 ? CallKind::create2 : CallKind::create;
  child.depth = m.depth + 1;
  child.gas = child_gas;
  child.recipient = address;
  child.caller = m.recipient;
  child.code_address = address;
  child.value = value;
  child.transfer_value = true;
  child.initcode = initcode;
  Outcome out = vm.create_message(child);
  if (vm.fatal) {
    f.status = Status::out_of_gas;
    return false;
  }
  f.gas += out.gas_left;
  if (out.status == Status::success) {
    result = from_address(address);
  } else {
    f.return_data = std::move(out.output);  // a revert's data; empty after a halt
  }
  return true;
}

}  // namespace

void interpret(Vm::Impl& vm, Frame& f) {
  const Message& m = f.message;
  const std::uint8_t* const code = f.code.data();
  uint256* const bottom = f.stack;
  uint256* sp = bottom;
  std::uint64_t pc = 0;

#define HALT(s)       \
  do {                \
    f.status = (s);   \
    goto exceptional; \
  } while (0)
#define CHARGE(amount)          \
  do {                          \
    f.gas -= (amount);          \
    if (f.gas < 0) [[unlikely]] \
      HALT(Status::out_of_gas); \
  } while (0)
#define EXPAND(offset, size) \
  if (!expand(f, offset, size)) HALT(Status::out_of_gas)
#define FATAL_CHECK() \
  if (vm.fatal) HALT(Status::out_of_gas)

  for (;;) {
    const std::uint8_t op = code[pc];
    const Check& check = k_checks[op];
    const std::ptrdiff_t height = sp - bottom;
    if (height < check.min_height) [[unlikely]] {
      HALT(check.min_height == k_undefined_height ? Status::invalid_instruction
                                                  : Status::stack_underflow);
    }
    if (height > check.max_height) [[unlikely]]
      HALT(Status::stack_overflow);
    CHARGE(check.gas);

    switch (op) {
      case OP_STOP: f.status = Status::success; return;

      case OP_ADD:
        sp[-2] = sp[-1] + sp[-2];
        --sp;
        break;
      case OP_MUL:
        sp[-2] = sp[-1] * sp[-2];
        --sp;
        break;
      case OP_SUB:
        sp[-2] = sp[-1] - sp[-2];
        --sp;
        break;
      case OP_DIV:
        sp[-2] = sp[-1] / sp[-2];
        --sp;
        break;
      case OP_SDIV:
        sp[-2] = sdiv(sp[-1], sp[-2]);
        --sp;
        break;
      case OP_MOD:
        sp[-2] = sp[-1] % sp[-2];
        --sp;
        break;
      case OP_SMOD:
        sp[-2] = smod(sp[-1], sp[-2]);
        --sp;
        break;
      case OP_ADDMOD:
        sp[-3] = addmod(sp[-1], sp[-2], sp[-3]);
        sp -= 2;
        break;
      case OP_MULMOD:
        sp[-3] = mulmod(sp[-1], sp[-2], sp[-3]);
        sp -= 2;
        break;
      case OP_EXP:
        CHARGE(k_exp_byte * sp[-2].byte_length());
        sp[-2] = exp(sp[-1], sp[-2]);
        --sp;
        break;
      case OP_SIGNEXTEND:
        sp[-2] = signextend(sp[-1], sp[-2]);
        --sp;
        break;

      case OP_LT:
        sp[-2] = sp[-1] < sp[-2] ? 1 : 0;
        --sp;
        break;
      case OP_GT:
        sp[-2] = sp[-1] > sp[-2] ? 1 : 0;
        --sp;
        break;
      case OP_SLT:
        sp[-2] = slt(sp[-1], sp[-2]) ? 1 : 0;
        --sp;
        break;
      case OP_SGT:
        sp[-2] = sgt(sp[-1], sp[-2]) ? 1 : 0;
        --sp;
        break;
      case OP_EQ:
        sp[-2] = sp[-1] == sp[-2] ? 1 : 0;
        --sp;
        break;
      case OP_ISZERO: sp[-1] = sp[-1].is_zero() ? 1 : 0; break;
      case OP_AND:
        sp[-2] = sp[-1] & sp[-2];
        --sp;
        break;
      case OP_OR:
        sp[-2] = sp[-1] | sp[-2];
        --sp;
        break;
      case OP_XOR:
        sp[-2] = sp[-1] ^ sp[-2];
        --sp;
        break;
      case OP_NOT: sp[-1] = ~sp[-1]; break;
      case OP_BYTE:
        sp[-2] = byte(sp[-1], sp[-2]);
        --sp;
        break;
      case OP_SHL:
        sp[-2] = shl(sp[-1], sp[-2]);
        --sp;
        break;
      case OP_SHR:
        sp[-2] = shr(sp[-1], sp[-2]);
        --sp;
        break;
      case OP_SAR:
        sp[-2] = sar(sp[-1], sp[-2]);
        --sp;
        break;

      case OP_KECCAK256: {
        const uint256 offset = sp[-1];
        const uint256 size = sp[-2];
        EXPAND(offset, size);
        const std::uint64_t n = size.is_zero() ? 0 : size.low64();
        CHARGE(k_keccak_word * words(n));
        const ByteView data = n == 0 ? ByteView{} : ByteView{f.memory.data() + offset.low64(), n};
        sp[-2] = uint256::from_be32(crypto::keccak256(data).bytes.data());
        --sp;
        break;
      }

      case OP_ADDRESS: *sp++ = from_address(m.recipient); break;
      case OP_BALANCE: {
        const Address a = to_address(sp[-1]);
        if (!vm.access_account(a)) CHARGE(k_cold_account_extra);
        const auto account = vm.load_account(a);
        FATAL_CHECK();
        sp[-1] = account ? account->balance : uint256{};
        break;
      }
      case OP_ORIGIN: *sp++ = from_address(vm.tx.origin); break;
      case OP_CALLER: *sp++ = from_address(m.caller); break;
      case OP_CALLVALUE: *sp++ = m.value; break;
      case OP_CALLDATALOAD: {
        std::uint8_t word[32] = {};
        const uint256& offset = sp[-1];
        if (offset.fits_u64() && offset.low64() < m.input.size()) {
          const std::size_t n = std::min<std::size_t>(32, m.input.size() - offset.low64());
          std::memcpy(word, m.input.data() + offset.low64(), n);
        }
        sp[-1] = uint256::from_be32(word);
        break;
      }
      case OP_CALLDATASIZE: *sp++ = m.input.size(); break;
      case OP_CALLDATACOPY:
      case OP_CODECOPY:
      case OP_RETURNDATACOPY: {
        const uint256 dest = sp[-1];
        const uint256 offset = sp[-2];
        const uint256 size = sp[-3];
        sp -= 3;
        const ByteView src = op == OP_CALLDATACOPY ? m.input
                             : op == OP_CODECOPY   ? f.code.bytes()
                                                   : ByteView{f.return_data};
        if (op == OP_RETURNDATACOPY) {
          uint256 end;
          if (add_overflow(offset, size, end) || end > uint256(src.size())) {
            HALT(Status::return_data_overrun);
          }
        }
        EXPAND(dest, size);
        if (size.is_zero()) break;
        CHARGE(k_copy_word * words(size.low64()));
        copy_padded(f.memory.data() + dest.low64(), src, offset, size.low64());
        break;
      }
      case OP_CODESIZE: *sp++ = f.code.size(); break;
      case OP_GASPRICE: *sp++ = vm.tx.gas_price; break;
      case OP_EXTCODESIZE: {
        const Address a = to_address(sp[-1]);
        if (!vm.access_account(a)) CHARGE(k_cold_account_extra);
        const CodePtr c = vm.load_code(a);
        FATAL_CHECK();
        sp[-1] = c ? c->size() : 0;
        break;
      }
      case OP_EXTCODECOPY: {
        const Address a = to_address(sp[-1]);
        const uint256 dest = sp[-2];
        const uint256 offset = sp[-3];
        const uint256 size = sp[-4];
        sp -= 4;
        EXPAND(dest, size);
        if (!size.is_zero()) CHARGE(k_copy_word * words(size.low64()));
        if (!vm.access_account(a)) CHARGE(k_cold_account_extra);
        if (size.is_zero()) break;
        const CodePtr c = vm.load_code(a);
        FATAL_CHECK();
        copy_padded(f.memory.data() + dest.low64(), c ? c->bytes() : ByteView{}, offset,
                    size.low64());
        break;
      }
      case OP_RETURNDATASIZE: *sp++ = f.return_data.size(); break;
      case OP_EXTCODEHASH: {
        const Address a = to_address(sp[-1]);
        if (!vm.access_account(a)) CHARGE(k_cold_account_extra);
        const auto account = vm.load_account(a);
        FATAL_CHECK();
        sp[-1] = is_empty(account) ? uint256{} : uint256::from_hash(account->code_hash);
        break;
      }
      case OP_BLOCKHASH: {
        const uint256& number = sp[-1];
        const std::uint64_t current = vm.block.number;
        if (number.fits_u64() && number.low64() < current && current - number.low64() <= 256) {
          auto h = vm.host.block_hash(number.low64());
          if (vm.failed(h)) HALT(Status::out_of_gas);
          sp[-1] = uint256::from_hash(*h);
        } else {
          sp[-1] = 0;
        }
        break;
      }
      case OP_COINBASE: *sp++ = from_address(vm.block.coinbase); break;
      case OP_TIMESTAMP: *sp++ = vm.block.timestamp; break;
      case OP_NUMBER: *sp++ = vm.block.number; break;
      case OP_PREVRANDAO: *sp++ = uint256::from_hash(vm.block.prev_randao); break;
      case OP_GASLIMIT: *sp++ = vm.block.gas_limit; break;
      case OP_CHAINID: *sp++ = vm.block.chain_id; break;
      case OP_SELFBALANCE: {
        const auto account = vm.load_account(m.recipient);
        FATAL_CHECK();
        *sp++ = account ? account->balance : uint256{};
        break;
      }
      case OP_BASEFEE: *sp++ = vm.block.base_fee; break;
      case OP_BLOBHASH: {
        const uint256& index = sp[-1];
        sp[-1] = index.fits_u64() && index.low64() < vm.tx.blob_hashes.size()
                     ? uint256::from_hash(vm.tx.blob_hashes[index.low64()])
                     : uint256{};
        break;
      }
      case OP_BLOBBASEFEE: *sp++ = vm.block.blob_base_fee; break;

      case OP_POP: --sp; break;
      case OP_MLOAD: {
        EXPAND(sp[-1], uint256(32));
        sp[-1] = uint256::from_be32(f.memory.data() + sp[-1].low64());
        break;
      }
      case OP_MSTORE: {
        EXPAND(sp[-1], uint256(32));
        sp[-2].to_be32(f.memory.data() + sp[-1].low64());
        sp -= 2;
        break;
      }
      case OP_MSTORE8: {
        EXPAND(sp[-1], uint256(1));
        f.memory[sp[-1].low64()] = static_cast<std::uint8_t>(sp[-2].low64());
        sp -= 2;
        break;
      }
      case OP_SLOAD: {
        const Hash slot = sp[-1].to_hash();
        if (!vm.access_slot(m.recipient, slot)) CHARGE(k_cold_sload_extra);
        auto value = vm.host.storage(m.recipient, slot);
        if (vm.failed(value)) HALT(Status::out_of_gas);
        sp[-1] = *value;
        break;
      }
      case OP_SSTORE: {
        if (m.is_static) HALT(Status::static_violation);
        if (f.gas <= k_sstore_sentry) HALT(Status::out_of_gas);
        const Hash slot = sp[-1].to_hash();
        const uint256 value = sp[-2];
        sp -= 2;
        std::int64_t cost = 0;
        if (!vm.access_slot(m.recipient, slot)) cost += k_cold_sload;
        auto current_r = vm.host.storage(m.recipient, slot);
        if (vm.failed(current_r)) HALT(Status::out_of_gas);
        const uint256 current = *current_r;
        const auto [it, first] = vm.originals.try_emplace(SlotKey{m.recipient, slot}, current);
        const uint256 original = it->second;
        if (original == current && current != value) {
          cost += original.is_zero() ? k_sstore_set : k_sstore_reset;
        } else {
          cost += k_warm_access;
        }
        if (current != value) {
          if (!original.is_zero() && !current.is_zero() && value.is_zero()) {
            vm.refund += k_sstore_clear_refund;
          }
          if (!original.is_zero() && current.is_zero()) vm.refund -= k_sstore_clear_refund;
          if (original == value) {
            vm.refund +=
                original.is_zero() ? k_sstore_set - k_warm_access : k_sstore_reset - k_warm_access;
          }
        }
        CHARGE(cost);
        if (current != value && vm.failed(vm.host.set_storage(m.recipient, slot, value))) {
          HALT(Status::out_of_gas);
        }
        break;
      }
      case OP_JUMP: {
        const uint256& dest = sp[-1];
        if (!dest.fits_u64() || !f.code.is_jumpdest(dest.low64())) {
          HALT(Status::bad_jump_destination);
        }
        if (vm.stopped(true)) HALT(Status::out_of_gas);
        pc = dest.low64();
        --sp;
        continue;
      }
      case OP_JUMPI: {
        if (!sp[-2].is_zero()) {
          const uint256& dest = sp[-1];
          if (!dest.fits_u64() || !f.code.is_jumpdest(dest.low64())) {
            HALT(Status::bad_jump_destination);
          }
          if (vm.stopped(true)) HALT(Status::out_of_gas);
          pc = dest.low64();
          sp -= 2;
          continue;
        }
        sp -= 2;
        break;
      }
      case OP_PC: *sp++ = pc; break;
      case OP_MSIZE: *sp++ = f.memory.size(); break;
      case OP_GAS: *sp++ = static_cast<std::uint64_t>(f.gas); break;
      case OP_JUMPDEST: break;
      case OP_TLOAD: {
        const auto it = vm.transient.find(SlotKey{m.recipient, sp[-1].to_hash()});
        sp[-1] = it == vm.transient.end() ? uint256{} : it->second;
        break;
      }
      case OP_TSTORE: {
        if (m.is_static) HALT(Status::static_violation);
        SlotKey key{m.recipient, sp[-1].to_hash()};
        const uint256 value = sp[-2];
        sp -= 2;
        uint256& stored = vm.transient[key];
        vm.journal.emplace_back(Vm::Impl::TransientSet{key, stored});
        stored = value;
        break;
      }
      case OP_MCOPY: {
        const uint256 dest = sp[-1];
        const uint256 src = sp[-2];
        const uint256 size = sp[-3];
        sp -= 3;
        if (size.is_zero()) break;
        EXPAND(std::max(dest, src), size);
        CHARGE(k_copy_word * words(size.low64()));
        std::memmove(f.memory.data() + dest.low64(), f.memory.data() + src.low64(), size.low64());
        break;
      }
      case OP_PUSH0: *sp++ = 0; break;

      case OP_PUSH1:
        *sp++ = code[pc + 1];
        pc += 2;
        continue;
      // clang-format off
      case OP_PUSH1 + 1:
      case OP_PUSH1 + 2:
      case OP_PUSH1 + 3:
      case OP_PUSH1 + 4:
      case OP_PUSH1 + 5:
      case OP_PUSH1 + 6:
      case OP_PUSH1 + 7:
      case OP_PUSH1 + 8:
      case OP_PUSH1 + 9:
      case OP_PUSH1 + 10:
      case OP_PUSH1 + 11:
      case OP_PUSH1 + 12:
      case OP_PUSH1 + 13:
      case OP_PUSH1 + 14:
      case OP_PUSH1 + 15:
      case OP_PUSH1 + 16:
      case OP_PUSH1 + 17:
      case OP_PUSH1 + 18:
      case OP_PUSH1 + 19:
      case OP_PUSH1 + 20:
      case OP_PUSH1 + 21:
      case OP_PUSH1 + 22:
      case OP_PUSH1 + 23:
      case OP_PUSH1 + 24:
      case OP_PUSH1 + 25:
      case OP_PUSH1 + 26:
      case OP_PUSH1 + 27:
      case OP_PUSH1 + 28:
      case OP_PUSH1 + 29:
      case OP_PUSH1 + 30:
      case OP_PUSH1 + 31:
        // clang-format on
        {
          // The 32-byte word ending at the last immediate byte, with the bytes before the
          // immediate masked off (the code is zero-padded on both sides, see AnalyzedCode).
          const unsigned n = op - OP_PUSH1 + 1;
          *sp++ = uint256::from_be32(code + pc + 1 + n - 32) & k_push_masks[n];
          pc += n + 1;
          continue;
        }
      // clang-format off
      case OP_DUP1:
      case OP_DUP1 + 1:
      case OP_DUP1 + 2:
      case OP_DUP1 + 3:
      case OP_DUP1 + 4:
      case OP_DUP1 + 5:
      case OP_DUP1 + 6:
      case OP_DUP1 + 7:
      case OP_DUP1 + 8:
      case OP_DUP1 + 9:
      case OP_DUP1 + 10:
      case OP_DUP1 + 11:
      case OP_DUP1 + 12:
      case OP_DUP1 + 13:
      case OP_DUP1 + 14:
      case OP_DUP1 + 15:
        // clang-format on
        {
          const int n = op - OP_DUP1 + 1;
          *sp = sp[-n];
          ++sp;
          break;
        }
      // clang-format off
      case OP_SWAP1:
      case OP_SWAP1 + 1:
      case OP_SWAP1 + 2:
      case OP_SWAP1 + 3:
      case OP_SWAP1 + 4:
      case OP_SWAP1 + 5:
      case OP_SWAP1 + 6:
      case OP_SWAP1 + 7:
      case OP_SWAP1 + 8:
      case OP_SWAP1 + 9:
      case OP_SWAP1 + 10:
      case OP_SWAP1 + 11:
      case OP_SWAP1 + 12:
      case OP_SWAP1 + 13:
      case OP_SWAP1 + 14:
      case OP_SWAP1 + 15:
        // clang-format on
        {
          const int n = op - OP_SWAP1 + 1;
          std::swap(sp[-1], sp[-1 - n]);
          break;
        }
      case OP_LOG0:
      case OP_LOG1:
      case OP_LOG2:
      case OP_LOG3:
      case OP_LOG4: {
        if (m.is_static) HALT(Status::static_violation);
        const int topics = op - OP_LOG0;
        const uint256 offset = sp[-1];
        const uint256 size = sp[-2];
        EXPAND(offset, size);
        const std::uint64_t n = size.is_zero() ? 0 : size.low64();
        CHARGE(k_log_byte * static_cast<std::int64_t>(n));
        Log log;
        log.address = m.recipient;
        log.topics.reserve(topics);
        for (int i = 0; i < topics; ++i) log.topics.push_back(sp[-3 - i].to_hash());
        if (n != 0)
          log.data.assign(f.memory.data() + offset.low64(), f.memory.data() + offset.low64() + n);
        vm.logs.push_back(std::move(log));
        sp -= 2 + topics;
        break;
      }

      case OP_CREATE:
      case OP_CREATE2:
        if (!op_create(vm, f, sp, static_cast<Opcode>(op))) goto exceptional;
        break;
      case OP_CALL:
      case OP_CALLCODE:
      case OP_DELEGATECALL:
      case OP_STATICCALL:
        if (!op_call(vm, f, sp, static_cast<Opcode>(op))) goto exceptional;
        break;
      case OP_RETURN:
      case OP_REVERT: {
        const uint256 offset = sp[-1];
        const uint256 size = sp[-2];
        EXPAND(offset, size);
        if (!size.is_zero()) {
          f.output.assign(f.memory.data() + offset.low64(),
                          f.memory.data() + offset.low64() + size.low64());
        }
        f.status = op == OP_RETURN ? Status::success : Status::revert;
        return;
      }
      case OP_SELFDESTRUCT: {
        if (m.is_static) HALT(Status::static_violation);
        const Address beneficiary = to_address(sp[-1]);
        --sp;
        if (!vm.access_account(beneficiary)) CHARGE(k_selfdestruct_cold);
        const auto self = vm.load_account(m.recipient);
        FATAL_CHECK();
        const uint256 balance = self ? self->balance : uint256{};
        if (!balance.is_zero()) {
          const auto target = vm.load_account(beneficiary);
          FATAL_CHECK();
          if (is_empty(target)) CHARGE(k_new_account);
        }
        if (!vm.transfer(m.recipient, beneficiary, balance)) HALT(Status::out_of_gas);
        if (vm.created.contains(m.recipient)) {
          // EIP-6780: only a contract created in this transaction is deleted; its balance,
          // even one sent to itself, is burnt.
          if (vm.failed(vm.host.set_balance(m.recipient, uint256{}))) HALT(Status::out_of_gas);
          if (vm.destructs.insert(m.recipient).second) {
            vm.journal.emplace_back(Vm::Impl::DestructAdded{m.recipient});
          }
        }
        const auto target = vm.load_account(beneficiary);
        FATAL_CHECK();
        if (target && is_empty(*target)) vm.touch(beneficiary);
        f.status = Status::success;
        return;
      }
      default: HALT(Status::invalid_instruction);
    }
    ++pc;
  }

exceptional:
  f.gas = 0;
  f.output.clear();
#undef HALT
#undef CHARGE
#undef EXPAND
#undef FATAL_CHECK
}

}  // namespace rollup::evm
